#!/usr/bin/env bash
# Growth table (issue 15): board load, filter, heat-map and monthly report at 10 k, 100 k and 1 M incidents.
# Runs the board and heatmap benchmarks once per size on the same generated database (1 % open, as the generator
# makes it), keeps the full output in $OUT/growth-<n>.log and prints one table row per size from their lines.
#
#   bash benches/growth.sh                      # 10000 100000 1010000
#   SIZES="10000 100000" bash benches/growth.sh
#
# VAKT_BENCH_REPEAT (default 10 here) sets the repetitions. The cluster is kept running between sizes and stopped
# by the last run; every database is loaded once and reused (VAKT_BENCH_REUSE=1) by a later run.
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES=${SIZES:-"10000 100000 1010000"}
OUT=${OUT:-${TMPDIR:-/tmp}/vakt-growth}
export VAKT_BENCH_REPEAT=${VAKT_BENCH_REPEAT:-10}
mkdir -p "$OUT"
cargo bench --bench board --bench heatmap --no-run >/dev/null 2>&1

# p50 / p99 of the line that starts with the label: "p50 x ms   p99 y ms"
figures() { grep -m1 -- "$2" "$1" | sed -E 's/.*p50 +([0-9.]+) ms +p99 +([0-9.]+) ms.*/\1 \/ \2/'; }

rows=()
last=$(echo "$SIZES" | awk '{print $NF}')
for n in $SIZES; do
  keep=1; [ "$n" = "$last" ] && keep=0  # the last run stops the cluster
  log="$OUT/growth-$n.log"
  {
    echo "### $n incidents; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
    VAKT_BENCH_INCIDENTS=$n VAKT_BENCH_REUSE=1 VAKT_BENCH_KEEP_CLUSTER=1 cargo bench --bench board 2>&1
    VAKT_BENCH_INCIDENTS=$n VAKT_BENCH_REUSE=1 VAKT_BENCH_KEEP_CLUSTER=$keep cargo bench --bench heatmap 2>&1
    echo "### load after: $(cut -d' ' -f1-3 /proc/loadavg)"
  } >"$log"
  rows+=("| $n | $(figures "$log" 'first useful board frame after connect') | $(figures "$log" 'of which: db::incidents::list_open') | $(figures "$log" 'every filter keystroke, update + frame') | $(figures "$log" '(a) heatmap_grid::grid') | $(figures "$log" "(d) every agreement's monthly report") | $(grep -m1 '^### ' "$log" | sed 's/.*load before: //') → $(grep '^### load after' "$log" | sed 's/.*after: //') |")
done
echo "| incidents | first board frame p50 / p99 ms | open-incident query p50 / p99 ms | filter keystroke + frame p50 / p99 ms | heat-map 52 weeks p50 / p99 ms | monthly reports p50 / p99 ms | load average |"
echo "|---|---|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
