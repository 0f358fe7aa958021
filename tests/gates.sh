#!/usr/bin/env bash
# Run the given make targets (the gates of `make test`) one after the other, each to the end even
# when an earlier one failed, then print one line per gate with its result and wall seconds.
# Exits non-zero when any gate failed.
set -uo pipefail

summary=()
failed=0
total_start=$SECONDS
for gate in "$@"; do
  start=$SECONDS
  if make --no-print-directory "$gate"; then
    result=passed
  else
    result=FAILED
    failed=1
  fi
  summary+=("$(printf 'gate %-9s %-6s %5d s' "$gate" "$result" $((SECONDS - start)))")
done

echo
printf '%s\n' "${summary[@]}"
printf 'gate %-9s %-6s %5d s\n' total "$([ $failed = 0 ] && echo passed || echo FAILED)" $((SECONDS - total_start))
exit $failed
