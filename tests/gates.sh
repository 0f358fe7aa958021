#!/usr/bin/env bash
# Run the given make targets (the gates of `make test`), each to the end even when another one
# failed, then print one line per gate with its result and wall seconds. Exits non-zero when any
# gate failed.
#
#   tests/gates.sh pytest+nice:molecule+nice:lint
#
# Gates joined by "+" run at the same time; a gate written nice:<gate> runs at the lowest CPU
# priority (nice 19), so it takes only the CPU the others leave idle. Each one's output is kept in
# .cache/gates/<gate>.log and printed whole when it ends, so the outputs do not interleave.
set -uo pipefail

logs=.cache/gates
mkdir -p "$logs"
summary=()
failed=0
total_start=$SECONDS

record() {  # gate, exit status, seconds
  local result=passed
  [ "$2" = 0 ] || { result=FAILED; failed=1; }
  summary+=("$(printf 'gate %-9s %-6s %5d s' "$1" "$result" "$3")")
}

for group in "$@"; do
  IFS=+ read -r -a gates <<< "$group"
  if [ ${#gates[@]} = 1 ]; then
    start=$SECONDS
    make --no-print-directory "$group"
    record "$group" $? $((SECONDS - start))
    continue
  fi
  declare -A pids=()
  start=$SECONDS
  names=()
  for gate in "${gates[@]}"; do
    priority=()
    if [[ $gate == nice:* ]]; then gate=${gate#nice:}; priority=(nice -n 19); fi
    names+=("$gate")
    # Each gate writes its own wall seconds when it ends, read back below.
    rm -f "$logs/$gate.result"
    ( "${priority[@]}" make --no-print-directory "$gate" > "$logs/$gate.log" 2>&1; status=$?
      echo "$status $((SECONDS - start))" > "$logs/$gate.result" ) &
    pids[$gate]=$!
  done
  for gate in "${names[@]}"; do
    wait "${pids[$gate]}"
    echo "----- $gate -----"
    cat "$logs/$gate.log"
    read -r status seconds < "$logs/$gate.result" 2>/dev/null || { status=1; seconds=$((SECONDS - start)); }
    record "$gate" "$status" "$seconds"
  done
  unset pids
done

echo
printf '%s\n' "${summary[@]}"
printf 'gate %-9s %-6s %5d s\n' total "$([ $failed = 0 ] && echo passed || echo FAILED)" $((SECONDS - total_start))
exit $failed
