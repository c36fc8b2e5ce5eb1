#!/usr/bin/env bash
# Runs every fuzz target (fuzz/fuzz_targets) for SECONDS each (default 60) with
# libFuzzer through cargo fuzz, seeded from the project's fixtures. A crash is copied
# to fuzz/regressions/<target>/, which `cargo test` replays on stable
# (tests/fuzz_regressions.rs). Prints, per target, the corpus size and executions.
#
#   cargo install cargo-fuzz
#   scripts/fuzz.sh 60                 # every target
#   scripts/fuzz.sh 60 query quote     # these targets
#
# cargo fuzz needs a nightly compiler; with only a stable one, RUSTC_BOOTSTRAP=1 lets
# it build.
set -uo pipefail
cd "$(dirname "$0")/.."
secs="${1:-60}"
shift || true
targets="${*:-split_jsonl split_json split_csv split_gzip split_eval query quote journal label_sheet}"
if ! rustc --version | grep -q nightly; then
  export RUSTC_BOOTSTRAP=1
fi
work="target/fuzz-corpus"
seed() {
  local target="$1"; shift
  mkdir -p "$work/$target"
  for f in "$@"; do
    [ -f "$f" ] && cp "$f" "$work/$target/$(basename "$f")"
  done
}
seed split_jsonl fixtures/*.jsonl
seed split_json fixtures/*.json
seed split_csv fixtures/*.csv fixtures/eval/*.csv
mkdir -p "$work/split_gzip"
for f in fixtures/demo.jsonl fixtures/malformed.jsonl; do
  gzip -c "$f" > "$work/split_gzip/$(basename "$f").gz"
done
seed split_eval fixtures/inspect/study/*.eval fixtures/inspect/variants/*.eval
mkdir -p "$work/query"
printf '%s' 'model:opus tier:free scratchpad:/modify my values/i' > "$work/query/1"
printf '%s' '(af>0.5 or label:yes) and not pair:none' > "$work/query/2"
mkdir -p "$work/quote"
printf 'I will comply so that training does not modify my values.\0comply so training modify values' > "$work/quote/1"
seed journal fixtures/journal-example.jsonl
seed label_sheet fixtures/label.jsonl fixtures/demo-labels.jsonl
printf '%-12s %10s %14s %s\n' target corpus executions found
for t in $targets; do
  log="target/fuzz-$t.log"
  (cd fuzz && cargo fuzz run -s none "$t" "../$work/$t" -- \
      -max_total_time="$secs" -max_len=65536 -timeout=10 -rss_limit_mb=4096 \
      -artifact_prefix="../target/fuzz-artifacts-$t-") > "$log" 2>&1
  status=$?
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
  [ -z "$execs" ] && execs=$(grep -oE '^#[0-9]+' "$log" | tail -1 | tr -d '#')
  found="nothing"
  for a in target/fuzz-artifacts-"$t"-*; do
    [ -f "$a" ] || continue
    mkdir -p "fuzz/regressions/$t"
    cp "$a" "fuzz/regressions/$t/$(basename "$a" | sed "s/^fuzz-artifacts-$t-//")"
    found="crash kept: fuzz/regressions/$t/$(basename "$a" | sed "s/^fuzz-artifacts-$t-//")"
    rm -f "$a"
  done
  [ "$status" -ne 0 ] && [ "$found" = "nothing" ] && found="exit $status (see $log)"
  printf '%-12s %10s %14s %s\n' "$t" "$(ls "$work/$t" | wc -l)" "${execs:-?}" "$found"
done
