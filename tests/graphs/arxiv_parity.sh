#!/usr/bin/env bash
# arXiv parity: graphs/redpajama/arxiv.yaml on the golden's monthly tars must write arxiv.jsonl
# byte-identical to the reference's output in ../shared/golden/arxiv: same papers in the same
# order, same cleaned text, same meta (language from lid.176.ftz, as the golden used).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require_shared

golden=$LOOM_SHARED_DIR/golden/arxiv
[[ -d "$golden/input" ]] || skip "no $golden/input"
data=$tmp/data
mkdir -p "$data"
ln -s "$golden/input" "$data/arxiv"
out=$tmp/out
loom_run arxiv run "$LOOM_SOURCE_DIR/graphs/redpajama/arxiv.yaml" \
  --set "DATA=$data" --set "OUT=$out" --threads 2
expect_rc 0 "arxiv.yaml on the golden's monthly tars"

got=$out/arxiv/arxiv.jsonl
want=$golden/arxiv.jsonl
[[ -f "$got" ]] || fail "missing output $got"
if ! cmp -s "$want" "$got"; then
  "$PYTHON" - "$got" "$want" <<'PY' >&2 || true
import sys
got = open(sys.argv[1], "rb").read().split(b"\n")
want = open(sys.argv[2], "rb").read().split(b"\n")
print(f"{len(got) - 1} lines written, golden has {len(want) - 1}")
for number, (g, w) in enumerate(zip(got, want), 1):
    if g != w:
        at = next((i for i, (a, b) in enumerate(zip(g, w)) if a != b), min(len(g), len(w)))
        print(f"line {number} differs at byte {at}:\n  golden: {w[max(0, at - 80):at + 80]!r}\n  output: {g[max(0, at - 80):at + 80]!r}")
        break
PY
  fail "arxiv.jsonl differs from the golden output"
fi
pass "arxiv.jsonl is byte-identical to the golden output ($(wc -l <"$want") papers)"

[[ -s "$out/arxiv/stats.json" ]] || fail "no stats.json written to $out/arxiv"
pass "stats.json written"
done_ok
