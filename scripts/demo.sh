#!/usr/bin/env bash
# Runs every RedPajama graph in graphs/redpajama/ on a sample and says, per slice, how many
# documents, bytes and tokens it wrote, how long it took, and where its report page is.
# The sample is ../shared/corpus when it exists (the real shared corpus), otherwise the small one
# the project ships in examples/sample/ (one folder per slice, PROVENANCE.md there).
#
# Usage: scripts/demo.sh [BUILD_DIR]   (default: build; `make demo` builds first)
# Environment: LOOM_SHARED_DIR (default ../shared; a folder without corpus/ means the project's
# sample), LOOM_DEMO_OUT (default BUILD_DIR/demo), NEOX_TOKENIZER (default: the shared copy, else
# the sample's).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$(cd "$repo" && realpath -m "${1:-build}")
shared=${LOOM_SHARED_DIR:-$repo/../shared}
loom=$build/bin/loom
[[ -x "$loom" ]] || {
  echo "demo: $loom not found: run 'make build' first" >&2
  exit 1
}

# assemble_shared_data DIR: a DATA root in each slice's native input format, as DESIGN.md lays it
# out: corpus folders where they already are that format, otherwise the inputs the golden run
# built from the corpus (arXiv monthly tars, pg19-form books, StackExchange dumps named by site).
assemble_shared_data() {
  local dir=$1 corpus golden
  corpus=$(realpath "$shared")/corpus
  golden=$(realpath "$shared")/golden
  rm -rf "$dir"
  mkdir -p "$dir/books" "$dir/stackexchange"
  ln -s "$corpus/c4" "$dir/c4"
  ln -s "$corpus/github" "$dir/github"
  ln -s "$golden/arxiv/input" "$dir/arxiv"
  ln -s "$golden/books/pg19_000.jsonl.gz" "$dir/books/pg19_000.jsonl.gz"
  # Per-file links: globs do not descend into linked folders.
  local book
  for book in "$corpus"/books/*/*.txt; do
    mkdir -p "$dir/books/txt/$(basename "$(dirname "$book")")"
    ln -s "$book" "$dir/books/txt/$(basename "$(dirname "$book")")/"
  done
  ln -s "$corpus/stackexchange/coffee/Posts.xml" "$dir/stackexchange/coffee.stackexchange.com.xml"
  ln -s "$corpus/stackexchange/meta-site-complete/Posts.xml" \
    "$dir/stackexchange/conlang.meta.stackexchange.com.xml"
  # That copy of the dump carries a DOCTYPE line the original dumps do not have.
  grep -v '^<!DOCTYPE posts SYSTEM' "$corpus/stackexchange/history-meta/Posts.xml" \
    >"$dir/stackexchange/history.meta.stackexchange.com.xml"
  # The dumps the golden Wikipedia run read: the gensim enwiki excerpt as is, and the golden
  # inputs (the bgwiki excerpt transcoded to UTF-8, the wtf_wikipedia pages packed per language).
  mkdir -p "$dir/wikipedia"
  ln -s "$corpus"/wikipedia/gensim/enwiki-latest-pages-articles1.xml-p000000010p000030302-shortened.bz2 \
    "$dir/wikipedia/"
  ln -s "$golden"/wikipedia/input/*.bz2 "$dir/wikipedia/"
  # The corpus's WET files: cc_net's test fixture (named .txt there) and a real CC-MAIN segment.
  mkdir -p "$dir/common_crawl"
  ln -s "$corpus/common_crawl/cc_net/sample.warc.txt" "$dir/common_crawl/sample.warc.wet"
  ln -s "$corpus/common_crawl/whirlwind/whirlwind.warc.wet.gz" "$dir/common_crawl/"
  # Their only English page is the fixture's hand-made one: add the project sample's WET file,
  # rebuilt from the corpus's real pages (examples/sample/PROVENANCE.md).
  ln -s "$repo/examples/sample/common_crawl/loom-sample.warc.wet.gz" "$dir/common_crawl/"
}

if [[ -d "$shared/corpus" ]]; then
  data=$build/demo-data
  assemble_shared_data "$data"
  echo "demo: input: the shared corpus and golden inputs, assembled in $data"
else
  data=$repo/examples/sample
  echo "demo: input: $shared/corpus not found, using the project's small sample, $data"
fi
out=${LOOM_DEMO_OUT:-$build/demo}
mkdir -p "$out"

# GPT-NeoX-20B's tokenizer (the GitHub slice's alpha/token filter, the token counts): NEOX_TOKENIZER,
# else the shared copy, else the sample's xz-compressed copy unpacked into the build folder.
neox_tokenizer=${NEOX_TOKENIZER:-$shared/tokenizers/gpt-neox-20b/tokenizer.json}
if [[ ! -f "$neox_tokenizer" ]]; then
  neox_tokenizer=$build/demo-models/gpt-neox-20b.tokenizer.json
  if [[ ! -s "$neox_tokenizer" ]]; then
    mkdir -p "$(dirname "$neox_tokenizer")"
    python3 -c 'import lzma, shutil, sys; shutil.copyfileobj(lzma.open(sys.argv[1]), sys.stdout.buffer)' \
      "$repo/examples/sample/tokenizers/gpt-neox-20b.tokenizer.json.xz" >"$neox_tokenizer.tmp"
    mv "$neox_tokenizer.tmp" "$neox_tokenizer"
  fi
fi

shopt -s nullglob
graphs=("$repo"/graphs/redpajama/*.yaml)
((${#graphs[@]})) || {
  echo "demo: no graphs in graphs/redpajama/" >&2
  exit 1
}

# count_tokens SLICE: GPT-NeoX-20B tokens in the slice's final output (graphs/tools/
# count_tokens.yaml, the count RedPajama's table uses).
count_tokens() {
  local slice=$1 counted=$out/.tokens/$1
  rm -rf "$counted"
  mkdir -p "$out/.tokens"
  # The final output only: not the intermediate deduped/ folder github.yaml also writes.
  if "$loom" run "$repo/graphs/tools/count_tokens.yaml" --set "DATA=$out/$slice" \
    --set "FILES=*.jsonl*" --set "OUT=$counted" --set "NEOX_TOKENIZER=$neox_tokenizer" \
    --plugin-path "$build/plugins" >/dev/null 2>"$counted.err"; then
    python3 -c 'import json, sys
nodes = {n["id"]: n for n in json.load(open(sys.argv[1]))["nodes"]}
print(nodes["count"].get("meta_totals", {}).get("token_count", 0))' "$counted/stats.json"
  else
    echo "? (see $counted.err)"
  fi
}

failed=()
empty=()
summary=()
for graph in "${graphs[@]}"; do
  slice=$(basename "$graph" .yaml)
  # The input folder the graph reads, e.g. books_txt.yaml reads ${DATA}/books.
  folder=$(grep -o '\${DATA}/[A-Za-z0-9_]*' "$graph" | head -n1 | cut -d/ -f2)
  folder=${folder:-$slice}
  if [[ ! -d "$data/$folder" ]]; then
    summary+=("$(printf '%-14s skipped: no %s/ folder in the sample' "$slice" "$folder")")
    continue
  fi
  # A fresh folder per slice so the summary only counts this run's files.
  rm -rf "${out:?}/$slice"
  extra=()
  if [[ "$slice" == common_crawl ]]; then
    # The slice's models are not downloadable here: small stand-ins trained from the sample.
    models=$build/cc-demo-models
    if ! bash "$repo/scripts/cc_demo_models.sh" "$models"; then
      summary+=("$(printf '%-14s skipped: no demo models (see the messages above)' "$slice")")
      continue
    fi
    extra=(--set "CC_SP_MODEL=$models/en.sp.model" --set "CC_LM_MODEL=$models/en.arpa.bin"
      --set "CC_WIKIREF_MODEL=$models/wikiref.bin")
  fi
  if [[ "$slice" == github ]]; then
    extra=(--set "NEOX_TOKENIZER=$neox_tokenizer")
  fi
  report=$out/$slice/report.html
  echo
  echo "demo: loom run graphs/redpajama/$slice.yaml --set DATA=$data --set OUT=$out ${extra[*]}" \
    "--report $report"
  start=$(date +%s.%N)
  if "$loom" run "$graph" --set "DATA=$data" --set "OUT=$out" "${extra[@]}" --report "$report" \
    --plugin-path "$build/plugins"; then
    seconds=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }')
    files=0 docs=0 bytes=0
    while IFS= read -r -d '' file; do
      files=$((files + 1))
      bytes=$((bytes + $(stat -c %s "$file")))
      case "$file" in
      *.zst) n=$(zstd -dc "$file" | wc -l) ;;
      *.gz) n=$(gzip -dc "$file" | wc -l) ;;
      *) n=$(wc -l <"$file") ;;
      esac
      docs=$((docs + n))
    done < <(find "$out/$slice" -type f -name '*.jsonl*' -print0 2>/dev/null)
    tokens=0 # no output file, nothing to count
    ((files == 0)) || tokens=$(count_tokens "$slice")
    status=ok
    ((docs > 0)) || {
      status=EMPTY
      empty+=("$slice")
    }
    summary+=("$(printf '%-13s %-5s %2d file(s) %6d docs %9d bytes %9s tokens %6ss  report: %s' \
      "$slice" "$status" "$files" "$docs" "$bytes" "$tokens" "$seconds" "$report")")
  else
    failed+=("$slice")
    summary+=("$(printf '%-14s FAILED  (see the messages above)' "$slice")")
  fi
done

echo
echo "demo: summary (output under $out/<slice>/, statistics in its stats.json)"
printf '  %s\n' "${summary[@]}"
echo "demo: next, open a report page in a browser (documents per node, drop reasons, throughput),"
echo "  e.g. $out/common_crawl/report.html, or see docs/redpajama/ for each slice's recipe"
if ((${#empty[@]})); then
  echo "demo: ${#empty[@]} graph(s) wrote no document: ${empty[*]} (see their report pages)" >&2
fi
if ((${#failed[@]})); then
  echo "demo: ${#failed[@]} graph(s) failed: ${failed[*]}" >&2
  exit 1
fi
