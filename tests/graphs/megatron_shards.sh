#!/usr/bin/env bash
# megatron_sink end to end: the C4 golden output as GPT-NeoX indexed datasets, read back by a
# reader written from the format description (read_megatron.py, numpy from Debian): every
# document's ids are Hugging Face's (../shared/golden/tokens) plus the end-of-document token,
# in uint16; a tokenizer with ids past 65,500 gets int32 shards, and an empty document is just
# the end-of-document token.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require_shared
tokenizer=$LOOM_SHARED_DIR/tokenizers/gpt-neox-20b/tokenizer.json
golden=$LOOM_SHARED_DIR/golden
[[ -f "$tokenizer" ]] || skip "no $tokenizer"
numpy_python=""
for python in "$PYTHON" /usr/bin/python3; do
  if "$python" -c 'import numpy' 2>/dev/null; then
    numpy_python=$python
    break
  fi
done
[[ -n "$numpy_python" ]] || skip "no python3 with numpy (Debian: python3-numpy)"
graph=$tests_dir/data/megatron_shards.yaml
reader=$tests_dir/read_megatron.py

loom_run shards run "$graph" --set "IN=$golden/c4/*.jsonl" --set "OUT=$tmp/out" \
  --set "TOKENIZER=$tokenizer" --threads 2
expect_rc 0 "megatron_sink over the C4 golden output"
for file in "$golden"/c4/*.jsonl; do
  stem=$(basename "$file" .jsonl)
  "$numpy_python" "$reader" "$tmp/out/$stem" >"$tmp/$stem.ids" || fail "$stem: unreadable shard"
done
"$numpy_python" - "$tmp" "$golden/tokens/neox20b_docs.jsonl.gz" <<'PY' || fail "shard ids differ (see above)"
import gzip, json, os, sys
tmp, docs = sys.argv[1:3]
want = {}
for line in gzip.open(docs, "rt"):
    d = json.loads(line)
    if d["slice"] == "c4":
        want.setdefault(os.path.basename(d["file"])[:-len(".jsonl")], []).append(d["ids"] + [0])
bad = 0
for stem, documents in sorted(want.items()):
    lines = open(os.path.join(tmp, stem + ".ids")).read().splitlines()
    header, got = json.loads(lines[0]), [json.loads(l)["ids"] for l in lines[1:]]
    ok = header["dtype"] == "uint16" and got == documents
    print(f"{stem}: {len(got)} documents, {header['dtype']}, {'same' if ok else 'DIFFERENT'}")
    bad += not ok
sys.exit(1 if bad else 0)
PY
pass "every C4 document reads back as Hugging Face's ids plus <|endoftext|> (uint16)"

cat >"$tmp/wide.json" <<'JSON'
{"added_tokens": [{"id": 70000, "content": "<|endoftext|>", "special": true, "normalized": false}],
 "model": {"type": "BPE", "vocab": {"a": 0, "b": 1, "ab": 2}, "merges": ["a b"]}}
JSON
printf '{"text": "abab"}\n{"text": ""}\n{"text": "ba"}\n' >"$tmp/small.jsonl"
loom_run wide run "$graph" --set "IN=$tmp/small.jsonl" --set "OUT=$tmp/out-wide" \
  --set "TOKENIZER=$tmp/wide.json"
expect_rc 0 "megatron_sink with ids past 65,500"
"$numpy_python" "$reader" "$tmp/out-wide/small" >"$tmp/wide.ids" || fail "unreadable int32 shard"
want='{"dtype": "int32"}
{"ids": [2, 2, 70000]}
{"ids": [70000]}
{"ids": [1, 0, 70000]}'
[[ "$(cat "$tmp/wide.ids")" == "$want" ]] || fail "int32 shard reads back as $(cat "$tmp/wide.ids")"
pass "int32 shard: abab -> [ab, ab, eod], the empty document -> [eod], ba -> [b, a, eod]"
done_ok
