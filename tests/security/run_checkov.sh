#!/usr/bin/env bash
# Security scan of the collection with checkov (Ansible and secrets frameworks), configured by
# .checkov.yaml at the repository root. Offline: nothing is downloaded or uploaded. Exits non-zero
# on any failed check or on a file checkov cannot parse.
#
#   tests/security/run_checkov.sh [extra checkov options, e.g. -o json]
#
# checkov comes from $CHECKOV, else the PATH; it needs its own virtualenv (see requirements.txt here):
#   python3 -m venv .venv-checkov && .venv-checkov/bin/pip install -r tests/security/requirements.txt
#   CHECKOV=.venv-checkov/bin/checkov tests/security/run_checkov.sh
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
checkov="${CHECKOV:-checkov}"
if ! command -v "$checkov" >/dev/null 2>&1; then
  echo "checkov not found (CHECKOV=${CHECKOV:-unset}); install it into its own virtualenv:" >&2
  echo "  python3 -m venv .venv-checkov && .venv-checkov/bin/pip install -r tests/security/requirements.txt" >&2
  exit 2
fi

# No Prisma Cloud policy mapping (BC_SKIP_MAPPING), no PyPI version check, no secret validation
# against live services, and a parse error is a failure rather than a silently skipped file.
export BC_SKIP_MAPPING=TRUE
export CKV_SKIP_PACKAGE_UPDATE_CHECK=true
export CKV_VALIDATE_SECRETS=false
export CKV_PARSE_ERROR_FAIL=true
unset BC_API_KEY PRISMA_API_URL

cd "$repo"
start=$SECONDS
status=0
"$checkov" --config-file .checkov.yaml "$@" || status=$?
echo "checkov: exit ${status} in $((SECONDS - start)) s" >&2
[ "$status" -eq 0 ] || exit "$status"

# The custom checks must be able to fail: each must report the deliberately insecure fixture.
fixture=tests/security/fixtures/insecure_tasks.yml
expected="$(grep -ho 'CKV2_PDR_[0-9]*' tests/security/checks/*.yaml | sort -u)"
reported="$("$checkov" -f "$fixture" --framework ansible --external-checks-dir tests/security/checks \
  --skip-download -o json 2>/dev/null | python3 -c '
import json, sys
reports = json.load(sys.stdin)
for report in reports if isinstance(reports, list) else [reports]:
    for check in report.get("results", {}).get("failed_checks", []):
        print(check["check_id"])' | sort -u || true)"
missing="$(comm -23 <(echo "$expected") <(echo "$reported"))"
if [ -n "$missing" ]; then
  echo "custom checks that did not report $fixture: $(echo $missing)" >&2
  exit 1
fi
echo "custom checks: each of $(echo "$expected" | wc -l) reports $fixture" >&2
