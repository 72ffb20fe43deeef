"""Checks a run of graphs/recipes/datatrove_gopher_lid.yaml against its input:

  check_datatrove_gopher_lid.py INPUT_DIR OUT_DIR

- every input document is in output/ or excluded/ exactly once (by text and url);
- every gopher_* value in meta equals what this file computes with Python's own str methods and
  unicodedata, following docs/reference/quality-rules.md (an independent implementation of the
  word splitting and the rules);
- each kept document passes every rule and has language en with a score >= 0.65; each excluded
  one names the node and a reason that its measured values explain.
Prints a one-line summary: counts per reason.
"""

import collections
import glob
import gzip
import json
import math
import os
import sys
import unicodedata

STOP_WORDS = {"the", "be", "to", "of", "and", "that", "have", "with"}


def is_punct(ch):
    cat = unicodedata.category(ch)
    return cat[0] in "PS" or (cat == "Cc" and not ch.isspace())


def words(text):
    out = []
    for chunk in text.split():
        core = [i for i, ch in enumerate(chunk) if not is_punct(ch)]
        if not core:
            out.append((chunk, True))
            continue
        first, last = core[0], core[-1] + 1
        if first > 0:
            out.append((chunk[:first], True))
        out.append((chunk[first:last], False))
        if last < len(chunk):
            out.append((chunk[last:], True))
    return out


def ratio(a, b):
    return a / b if b else 0.0


def gopher(text):
    tokens = words(text)
    real = [w for w, symbols in tokens if not symbols]
    lines = text.splitlines()
    return {
        "gopher_words": len(real),
        "gopher_tokens": len(tokens),
        "gopher_mean_word_length": ratio(sum(len(w) for w in real), len(real)),
        "gopher_hash_ratio": ratio(text.count("#"), len(tokens)),
        "gopher_ellipsis_ratio": ratio(text.count("...") + text.count("\u2026"), len(tokens)),
        "gopher_bullet_lines_ratio": ratio(
            sum(l.lstrip().startswith(("\u2022", "-")) for l in lines), len(lines)),
        "gopher_ellipsis_lines_ratio": ratio(
            sum(l.rstrip().endswith(("...", "\u2026")) for l in lines), len(lines)),
        "gopher_alpha_words_ratio": ratio(
            sum(any(c.isalpha() for c in w) for w, _ in tokens), len(tokens)),
        "gopher_stop_words": sum(w in STOP_WORDS for w, _ in tokens),
    }


def gopher_reason(m):
    if m["gopher_words"] < 50: return "too_few_words"
    if m["gopher_words"] > 100000: return "too_many_words"
    if m["gopher_mean_word_length"] < 3: return "mean_word_length_too_short"
    if m["gopher_mean_word_length"] > 10: return "mean_word_length_too_long"
    if m["gopher_hash_ratio"] > 0.1: return "too_many_hashes"
    if m["gopher_ellipsis_ratio"] > 0.1: return "too_many_ellipses"
    if m["gopher_bullet_lines_ratio"] > 0.9: return "too_many_bullet_lines"
    if m["gopher_ellipsis_lines_ratio"] > 0.3: return "too_many_ellipsis_lines"
    if m["gopher_alpha_words_ratio"] < 0.8: return "too_few_alpha_words"
    if m["gopher_stop_words"] < 2: return "too_few_stop_words"
    return None


def read(pattern):
    docs = []
    for path in sorted(glob.glob(pattern, recursive=True)):
        with gzip.open(path, "rt", encoding="utf-8") as f:
            docs.extend(json.loads(line) for line in f if line.strip())
    return docs


def main():
    input_dir, out_dir = sys.argv[1:3]
    inputs = read(os.path.join(input_dir, "**", "*.json*"))
    kept = read(os.path.join(out_dir, "output", "*.jsonl.gz"))
    excluded = read(os.path.join(out_dir, "excluded", "*.jsonl.gz"))
    if not inputs:
        sys.exit(f"no input documents under {input_dir}")
    key = lambda d, meta: (d["text"], meta.get("url"))
    want = collections.Counter(key(d, d) for d in inputs)
    got = collections.Counter(key(d, d["metadata"]) for d in kept + excluded)
    if want != got:
        sys.exit(f"input and output differ: {sum((want - got).values())} input documents missing, "
                 f"{sum((got - want).values())} unexpected")
    reasons = collections.Counter()
    for d in kept + excluded:
        meta, text = d["metadata"], d["text"]
        expected = gopher(text)
        for name, value in expected.items():
            if name not in meta:
                sys.exit(f"document {meta.get('url')}: no {name} in meta")
            if not math.isclose(meta[name], value, rel_tol=1e-12, abs_tol=1e-12):
                sys.exit(f"document {meta.get('url')}: {name} = {meta[name]}, expected {value}")
        reason = gopher_reason(expected)
        dropped_by = meta.get("dropped_by")
        if dropped_by == "gopher":
            if meta["drop_reason"] != reason:
                sys.exit(f"document {meta.get('url')}: dropped as {meta['drop_reason']}, "
                         f"the rules say {reason}")
        elif reason is not None:
            sys.exit(f"document {meta.get('url')}: passed gopher but fails {reason}")
        elif dropped_by == "lang":
            lang_ok = meta.get("language") == "en" and meta.get("language_score", 0) >= 0.65
            if lang_ok or meta["drop_reason"] not in ("score_below_threshold",
                                                      "language_not_listed", "empty_text"):
                sys.exit(f"document {meta.get('url')}: dropped by lang as {meta['drop_reason']} "
                         f"with {meta.get('language')} {meta.get('language_score')}")
        elif dropped_by is None:
            if meta.get("language") != "en" or meta.get("language_score", 0) < 0.65:
                sys.exit(f"document {meta.get('url')}: kept with {meta.get('language')} "
                         f"{meta.get('language_score')}")
        else:
            sys.exit(f"document {meta.get('url')}: dropped_by {dropped_by}")
        reasons[f"{dropped_by}/{meta['drop_reason']}" if dropped_by else "kept"] += 1
    print(json.dumps(dict(sorted(reasons.items()))))


if __name__ == "__main__":
    main()
