#!/usr/bin/env bash
# Builds small stand-ins for the three models the Common Crawl graph needs, from the shared
# corpus, so that `make demo`, the graph's tests and `make bench` can run it end to end offline:
#   en.sp.model  SentencePiece unigram model (cc_net downloads a 65,536-piece one, en.sp.model)
#   en.arpa      3-gram ARPA model estimated by IRSTLM on the SentencePiece pieces
#   en.arpa.bin  the same model in KenLM's binary probing form (libime's copy of build_binary,
#                which is compiled for at most 3-grams: cc_net's real en.arpa.bin is a 5-gram)
#   wikiref.bin  fastText classifier, __label__wiki (Wikipedia pages) vs __label__cc (C4 pages)
# These are demo models: the scores they give are not RedPajama's. For a real run, pass the
# real files (see the header of graphs/redpajama/common_crawl.yaml).
#
# Usage: scripts/cc_demo_models.sh OUT_DIR [SHARED_DIR]   (SHARED_DIR default: ../shared)
# Exits 77 when SHARED_DIR has no corpus.
# Does nothing when OUT_DIR already holds all four files (delete the folder to rebuild).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=${1:?usage: cc_demo_models.sh OUT_DIR [SHARED_DIR]}
shared=${2:-$repo/../shared}
log() { printf 'cc_demo_models: %s\n' "$*"; }
die() {
  printf 'cc_demo_models: error: %s\n' "$*" >&2
  exit 1
}

if [[ -s "$out/en.sp.model" && -s "$out/en.arpa" && -s "$out/en.arpa.bin" && -s "$out/wikiref.bin" ]]; then
  log "models already in $out"
  exit 0
fi
for tool in spm_train spm_encode fasttext libime_slm_build_binary python3; do
  command -v "$tool" >/dev/null || die "'$tool' not found: run scripts/setup.sh"
done
irstlm_bin=/usr/lib/irstlm/bin
[[ -x "$irstlm_bin/build-lm.sh" ]] || die "IRSTLM not found in $irstlm_bin: run scripts/setup.sh"
if [[ ! -d "$shared/corpus/c4" || ! -f "$shared/golden/wikipedia/wiki-full.jsonl" ]]; then
  # 77: what ctest reports as skipped (the models are trained from the shared corpus).
  printf 'SKIPPED: the shared corpus is not at %s, so there is nothing to train on\n' "$shared"
  exit 77
fi

mkdir -p "$out"
work=$(mktemp -d "$out/.work.XXXXXX")
trap 'rm -rf "$work"' EXIT

# Training text: C4 pages (the "cc" side) and the reference's Wikipedia output (the "wiki" side),
# one document per line, lower-cased as cc_net's normalizer does before SentencePiece.
python3 - "$shared" "$work" <<'EOF'
import gzip, json, pathlib, sys
shared, work = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
def one_line(text):
    return " ".join(text.split())
cc = []
for path in sorted((shared / "corpus" / "c4").glob("*.json.gz")):
    with gzip.open(path, "rt", encoding="utf-8") as f:
        cc += [one_line(json.loads(line)["text"]) for line in f if line.strip()]
with open(shared / "golden" / "wikipedia" / "wiki-full.jsonl", encoding="utf-8") as f:
    wiki = [one_line(json.loads(line)["text"]) for line in f if line.strip()]
with open(work / "lm.txt", "w", encoding="utf-8") as f:
    for text in (wiki[:150] + cc[:150]):
        f.write(text.lower() + "\n")
with open(work / "wikiref.txt", "w", encoding="utf-8") as f:
    for i in range(max(len(wiki), len(cc))):
        if i < len(wiki):
            f.write("__label__wiki " + wiki[i] + "\n")
        if i < len(cc):
            f.write("__label__cc " + cc[i] + "\n")
EOF

log "training SentencePiece (2,000 pieces)"
spm_train --input="$work/lm.txt" --model_prefix="$work/en.sp" --vocab_size=2000 \
  --model_type=unigram --character_coverage=0.9995 --hard_vocab_limit=false \
  --minloglevel=2 >"$work/spm.log" 2>&1 || die "spm_train failed: $(tail -n 3 "$work/spm.log")"

log "estimating a 3-gram model with IRSTLM"
spm_encode --model="$work/en.sp.model" <"$work/lm.txt" >"$work/pieces.txt"
"$irstlm_bin/add-start-end.sh" <"$work/pieces.txt" >"$work/pieces.se"
IRSTLM=/usr/lib/irstlm PATH="$irstlm_bin:$PATH" "$irstlm_bin/build-lm.sh" -i "$work/pieces.se" \
  -n 3 -o "$work/en.ilm.gz" -k 1 -s improved-kneser-ney -t "$work/irstlm" >"$work/irstlm.log" 2>&1 ||
  die "IRSTLM build-lm.sh failed: $(tail -n 3 "$work/irstlm.log")"
"$irstlm_bin/compile-lm" --text=yes "$work/en.ilm.gz" "$work/en.arpa" >>"$work/irstlm.log" 2>&1 ||
  die "IRSTLM compile-lm failed: $(tail -n 3 "$work/irstlm.log")"

log "writing the KenLM binary form"
libime_slm_build_binary probing "$work/en.arpa" "$work/en.arpa.bin" >"$work/kenlm.log" 2>&1 ||
  die "libime_slm_build_binary failed: $(tail -n 3 "$work/kenlm.log")"

log "training the Wikipedia-reference classifier"
fasttext supervised -input "$work/wikiref.txt" -output "$work/wikiref" -dim 16 -epoch 5 -thread 1 \
  -verbose 0 >"$work/fasttext.log" 2>&1 || die "fasttext supervised failed: $(tail -n 3 "$work/fasttext.log")"

mv "$work/en.sp.model" "$work/en.arpa" "$work/en.arpa.bin" "$out/"
mv "$work/wikiref.bin" "$out/wikiref.bin"
log "models in $out"
