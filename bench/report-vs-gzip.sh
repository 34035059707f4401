#!/usr/bin/env bash
# Times `BIN report DIR` for each BIN against `gzip -6` of DIR's history,
# ROUNDS rounds alternating, and prints each one's median wall time and
# peak RSS (GNU time's %e and %M) with every round's figures.
#
#   bench/report-vs-gzip.sh ROUNDS DIR BIN [BIN...]
#   e.g. flock /tmp/stansim-timing.lock bench/report-vs-gzip.sh 7 /tmp/m1/million /tmp/stansim /tmp/stansim-prev
set -euo pipefail
if [ $# -lt 3 ]; then
  sed -n '2,7p' "$0" >&2
  exit 2
fi
rounds=$1 dir=$2
shift 2
out=$(mktemp)
trap 'rm -f "$out"' EXIT
declare -A wall rss
for _ in $(seq "$rounds"); do
  for bin in "$@"; do
    /usr/bin/time -o "$out" -f "%e %M" "$bin" report "$dir" >/dev/null 2>&1
    read -r w m <"$out"
    wall[$bin]+="$w " rss[$bin]+="$m "
  done
  /usr/bin/time -o "$out" -f "%e %M" gzip -6 -c "$dir/history.jsonl" >/dev/null
  read -r w m <"$out"
  wall[gzip]+="$w "
done
median() { tr ' ' '\n' | grep . | sort -g | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
for k in "$@" gzip; do
  line="$k: median $(echo "${wall[$k]}" | median) s"
  if [ "$k" != gzip ]; then
    kb=$(echo "${rss[$k]}" | median)
    line+=", peak RSS $(awk -v k="$kb" 'BEGIN {printf "%.1f", k/1024}') MiB (rss kB: ${rss[$k]})"
  fi
  echo "$line; walls: ${wall[$k]}"
done
