#!/usr/bin/env bash
# Runs fuzz targets one after another, each for SECONDS, one process at a
# time, niced, with the limits issue 19 asks for: an input taking more than
# 10 s is a failure (-timeout=10), so is more than 2 GiB of memory
# (-rss_limit_mb=2048). Seeds the corpora first (seed.sh). Exits non-zero
# at the first target that finds a crash, a timeout or an out-of-memory;
# the input is then in fuzz/artifacts/<target>/. Each target's log, with
# libFuzzer's final statistics (executions, exec/s, peak RSS), is kept in
# fuzz/logs/<target>.log.
#
#   fuzz/run.sh SECONDS [TARGET...]      (all five targets when none named)
#   FUZZ_ARGS='-max_len=4096' fuzz/run.sh 3600 structured   (extra libFuzzer flags)
#
# Needs the nightly toolchain and cargo-fuzz (`cargo +nightly fuzz`).
set -euo pipefail
cd "$(dirname "$0")"
secs="${1:?usage: fuzz/run.sh SECONDS [TARGET...]}"
shift
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(scenario_toml scenario_json mps sweep_spec structured)
fi
./seed.sh >/dev/null
mkdir -p logs
cargo +nightly fuzz build
for t in "${targets[@]}"; do
  echo "fuzz: $t for ${secs} s"
  # One in-process worker (no -jobs: libFuzzer's fork mode would add a
  # process and move the output to fuzz-N.log).
  if ! nice -n 10 cargo +nightly fuzz run "$t" -- \
    -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 ${FUZZ_ARGS:-} >"logs/$t.log" 2>&1; then
    tail -n 40 "logs/$t.log"
    echo "fuzz: $t FAILED (input in fuzz/artifacts/$t/, log in fuzz/logs/$t.log)" >&2
    exit 1
  fi
  grep -E '^(Done|stat::number_of_executed_units|stat::average_exec_per_sec|stat::peak_rss_mb)' \
    "logs/$t.log" | tr '\n' ' ' | sed "s/^/fuzz: $t: /"
  echo
done
