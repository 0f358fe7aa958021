#!/usr/bin/env bash
# ansible-test sanity on the collection's plugins (and tests).
# ansible-test needs the tree at .../ansible_collections/payments/dr/, so copy the
# files git knows (tracked, plus untracked ones it does not ignore) to such a place.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
dest="$work/ansible_collections/payments/dr"
mkdir -p "$dest"
cd "$repo"
# collections/ only links back to this repository; it must not be copied into itself.
git ls-files -z --cached --others --exclude-standard \
  | grep -zv '^collections/' \
  | xargs -0 cp --parents -P -t "$dest"
# The modules import amazon.aws; ansible-test finds collections beside this one.
bundled="$(python -c 'import ansible, os; print(os.path.join(os.path.dirname(os.path.dirname(ansible.__file__)), "ansible_collections"))')"
for dependency in amazon community; do
  ln -s "$bundled/$dependency" "$work/ansible_collections/$dependency"
done
# ansible-test fetches its pip bootstrap script from a host CI cannot reach; use the offline stand-in.
cache="$HOME/.ansible/test/cache"
mkdir -p "$cache"
for version in 24_2; do
  [ -f "$cache/get_pip_$version.py" ] || cp tests/sanity/get_pip_offline.py "$cache/get_pip_$version.py"
done
cd "$dest"
# The gate covers the collection's plugins, its runtime metadata and the plugins' unit tests
# (the emulator and the functional tests are test tooling, linted by pytest's own runs).
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(plugins/ meta/runtime.yml tests/unit/plugins/)
# pslint and shellcheck need PowerShell and shellcheck binaries; changelog needs antsibull-changelog.
ansible-test sanity --python "$(python -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')" \
  --skip-test pslint --skip-test shellcheck --skip-test changelog "${targets[@]}"
