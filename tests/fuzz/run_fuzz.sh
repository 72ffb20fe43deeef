#!/usr/bin/env bash
# Runs one libFuzzer harness for a while and fails on any crash, leak, timeout or broken invariant.
#   run_fuzz.sh <harness binary> <name> <default seconds> <work dir> <hand-written seed dir>
# FUZZ_SECONDS overrides the duration (make fuzz). Inputs found go to <work>/corpus/<name> (kept
# between runs, so later runs start further on), crash inputs to <work>/crashes/<name>/.
set -euo pipefail
binary=$1 name=$2 seconds=${FUZZ_SECONDS:-$3} work=$4 hand_seeds=$5

corpus=$work/corpus/$name
crashes=$work/crashes/$name
mkdir -p "$corpus" "$crashes"
seed_dirs=()
[[ -d $work/seeds/$name ]] && seed_dirs+=("$work/seeds/$name")
[[ -d $hand_seeds ]] && seed_dirs+=("$hand_seeds")

# The harness's scratch files (fuzz_support.hpp) go to a folder of this run's own, removed however
# the harness ends (a crash exits without running its destructors).
scratch=$(mktemp -d "${TMPDIR:-/tmp}/loom-fuzz-run.XXXXXX")
trap 'rm -rf "$scratch"' EXIT

# -timeout: one input running 10 s is a hang; -rss_limit_mb: a memory blow-up is a bug too.
# -max_len bounds inputs so a run stays about parsing, not copying megabytes.
TMPDIR=$scratch "$binary" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
  -print_final_stats=1 -artifact_prefix="$crashes/" "$corpus" "${seed_dirs[@]}"
