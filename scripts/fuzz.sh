#!/bin/sh
# Runs libFuzzer targets for a bounded time each, JOBS at a time, from the committed seed corpus.
#
#   scripts/fuzz.sh SECONDS JOBS BINARY_FOLDER TARGET...
#
# New interesting inputs go to .build-fuzz/corpus/TARGET (not committed), crashes, leaks and
# timeouts to .build-fuzz/crashes/TARGET/, the log to .build-fuzz/logs/TARGET.log. Prints one
# line per target (runs, seconds, coverage, what it found) and exits 1 when anything was found.
# A found input becomes a regression test after its fix: copy it to Fuzz/Regressions/TARGET/
# (Tests/AttnvizKitTests/FuzzInputsTests.swift runs it).
set -eu
seconds=$1
jobs=$2
bin=$3
shift 3
out=.build-fuzz
mkdir -p "$out/logs"

run_one() {
  target=$1
  mkdir -p "$out/corpus/$target" "$out/crashes/$target"
  # Leak checking stays on (minus the suppressions, each explained in the file); -rss_limit_mb matches the default memory budget (2 GiB), so an
  # input that makes a reader allocate without bound is a finding.
  ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS=suppressions="$PWD/scripts/lsan-suppressions.txt" \
    "$bin/$target" -max_total_time="$seconds" -rss_limit_mb=2048 \
    -timeout=30 -max_len=65536 -print_final_stats=1 \
    -artifact_prefix="$out/crashes/$target/" \
    "$out/corpus/$target" "Fuzz/Corpus/$target" >"$out/logs/$target.log" 2>&1 || true
}

targets="$*"
# JOBS targets at a time, each in the background; the next batch starts when one ends.
while [ $# -gt 0 ]; do
  n=0
  while [ $# -gt 0 ] && [ "$n" -lt "$jobs" ]; do
    run_one "$1" &
    shift
    n=$((n + 1))
  done
  wait
done
set -- $targets

found=0
for target in "$@"; do
  log="$out/logs/$target.log"
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  time=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" | tail -1)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | sed 's/cov: //')
  artifacts=$(ls "$out/crashes/$target" 2>/dev/null | wc -l)
  echo "$target: ${runs:-?} runs in ${time:-?} s, coverage ${cov:-?} edges, ${artifacts} findings"
  if [ "$artifacts" -gt 0 ]; then
    found=1
    ls "$out/crashes/$target" | sed "s|^|  $out/crashes/$target/|"
  fi
done
exit $found
