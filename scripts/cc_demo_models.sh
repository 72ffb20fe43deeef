#!/usr/bin/env bash
# Builds small stand-ins for the three models the Common Crawl graph needs, from the project's
# sample (examples/sample/, part of the repository), so that `make demo`, the graph's tests and
# `make bench` run it end to end offline, with or without ../shared:
#   en.sp.model  SentencePiece unigram model (cc_net downloads a 65,536-piece one, en.sp.model)
#   en.arpa      3-gram ARPA model estimated by IRSTLM on the SentencePiece pieces
#   en.arpa.bin  the same model in KenLM's binary probing form (libime's copy of build_binary,
#                which is compiled for at most 3-grams: cc_net's real en.arpa.bin is a 5-gram)
#   wikiref.bin  fastText classifier, __label__wiki (prose: the sample's C4 pages and book
#                paragraphs) vs __label__cc (source code and markup: the sample's GitHub files)
# RedPajama's classifier separates pages that Wikipedia cites from random crawl pages; with no
# such pages at hand, the stand-in separates prose from code and markup, so that English prose
# pages pass the graph's 0.25 threshold and the demo writes them. These are demo models: the
# perplexities and wiki_prob they give are not RedPajama's. For a real run, pass the real files
# (see the header of graphs/redpajama/common_crawl.yaml).
#
# Usage: scripts/cc_demo_models.sh OUT_DIR [SAMPLE_DIR]   (SAMPLE_DIR default: examples/sample)
# Does nothing when OUT_DIR already holds the four files, made by this script as it is now from
# the same sample files (OUT_DIR/made-from records which); delete the folder to rebuild.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=${1:?usage: cc_demo_models.sh OUT_DIR [SAMPLE_DIR]}
sample=${2:-$repo/examples/sample}
log() { printf 'cc_demo_models: %s\n' "$*"; }
die() {
  printf 'cc_demo_models: error: %s\n' "$*" >&2
  exit 1
}

for folder in c4 books github; do
  [[ -d "$sample/$folder" ]] || die "no $folder/ folder in $sample to train on"
done
# This script and the names and sizes of the training files: a change to either retrains.
made_from=$(cat "${BASH_SOURCE[0]}" <(find "$sample/c4" "$sample/books" "$sample/github" \
  -type f -printf '%P %s\n' | LC_ALL=C sort) | sha256sum | cut -c1-16)
if [[ -s "$out/en.sp.model" && -s "$out/en.arpa" && -s "$out/en.arpa.bin" && -s "$out/wikiref.bin" &&
  "$(cat "$out/made-from" 2>/dev/null)" == "$made_from" ]]; then
  log "models already in $out"
  exit 0
fi
for tool in spm_train spm_encode fasttext libime_slm_build_binary python3; do
  command -v "$tool" >/dev/null || die "'$tool' not found: run scripts/setup.sh"
done
irstlm_bin=/usr/lib/irstlm/bin
[[ -x "$irstlm_bin/build-lm.sh" ]] || die "IRSTLM not found in $irstlm_bin: run scripts/setup.sh"

mkdir -p "$out"
rm -f "$out/made-from"
work=$(mktemp -d "$out/.work.XXXXXX")
trap 'rm -rf "$work"' EXIT

# Training text, one document per line: prose (C4 pages, book paragraphs of at least 300
# characters) for the language model and the "wiki" side; source files in pieces of about a page
# for the "cc" side. The language model's text is lower-cased, as cc_net's normalizer does
# before SentencePiece.
python3 - "$sample" "$work" <<'EOF'
import gzip, json, pathlib, sys
sample, work = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
def one_line(text):
    return " ".join(text.split())
prose = []
for path in sorted((sample / "c4").glob("*.json.gz")):
    with gzip.open(path, "rt", encoding="utf-8") as f:
        prose += [one_line(json.loads(line)["text"]) for line in f if line.strip()]
for path in sorted((sample / "books").rglob("*.txt")):
    text = path.read_text(encoding="utf-8", errors="replace").replace("\r\n", "\n")
    prose += [p for p in map(one_line, text.split("\n\n")) if len(p) >= 300]
code = []
for path in sorted(p for p in (sample / "github").rglob("*") if p.is_file()):
    text = one_line(path.read_text(encoding="utf-8", errors="replace"))
    code += [text[i:i + 3000] for i in range(0, len(text), 3000)]
if not prose or not code:
    sys.exit(f"cc_demo_models: error: {len(prose)} prose and {len(code)} code documents in {sample}")
with open(work / "lm.txt", "w", encoding="utf-8") as f:
    for text in prose:
        f.write(text.lower() + "\n")
with open(work / "wikiref.txt", "w", encoding="utf-8") as f:
    for i in range(max(len(prose), len(code))):
        if i < len(prose):
            f.write("__label__wiki " + prose[i] + "\n")
        if i < len(code):
            f.write("__label__cc " + code[i] + "\n")
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

log "training the stand-in Wikipedia-reference classifier (prose vs code)"
fasttext supervised -input "$work/wikiref.txt" -output "$work/wikiref" -dim 16 -epoch 5 -thread 1 \
  -verbose 0 >"$work/fasttext.log" 2>&1 || die "fasttext supervised failed: $(tail -n 3 "$work/fasttext.log")"

mv "$work/en.sp.model" "$work/en.arpa" "$work/en.arpa.bin" "$out/"
mv "$work/wikiref.bin" "$out/wikiref.bin"
echo "$made_from" >"$out/made-from"
log "models in $out"
