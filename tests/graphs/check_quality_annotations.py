"""Checks the meta values gopher_repetition, c4_quality and fineweb_quality wrote in annotate mode
against this file's own computation with Python's str, re and unicodedata, following
docs/reference/quality-rules.md (datatrove's algorithms, with the words of that page):

  check_quality_annotations.py OUT_DIR

Prints how many documents were checked and how many had a non-zero value per field, so the test
can require that the rules were exercised.
"""

import collections
import glob
import json
import math
import os
import re
import sys
import unicodedata

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_datatrove_gopher_lid import ratio, words  # noqa: E402


def duplicates(elements):
    seen, repeated, chars = set(), 0, 0
    for e in elements:
        if e in seen:
            repeated += 1
            chars += len(e)
        else:
            seen.add(e)
    return repeated, chars


def gopher_repetition(text):
    out = {}
    paragraphs = re.split(r"\n{2,}", text.strip())
    n, chars = duplicates(paragraphs)
    out["gopher_duplicate_paragraph_ratio"] = ratio(n, len(paragraphs))
    out["gopher_duplicate_paragraph_char_ratio"] = ratio(chars, len(text))
    lines = re.split(r"\n+", text)
    n, chars = duplicates(lines)
    out["gopher_duplicate_line_ratio"] = ratio(n, len(lines))
    out["gopher_duplicate_line_char_ratio"] = ratio(chars, len(text))
    w = [x for x, _ in words(text)]
    for n in (2, 3, 4):
        grams = [tuple(w[i:i + n]) for i in range(len(w) - n + 1)]
        value = 0.0
        if grams:
            top, count = collections.Counter(grams).most_common(1)[0]
            value = ratio(len(" ".join(top)) * count, len(text))
        out[f"gopher_top_{n}gram_char_ratio"] = value
    for n in range(5, 11):
        seen, repeated, i = set(), 0, 0
        while i < len(w) - n + 1:
            gram = tuple(w[i:i + n])
            if gram in seen:
                repeated += sum(len(x) for x in gram)
                i += n
            else:
                seen.add(gram)
                i += 1
        out[f"gopher_duplicate_{n}gram_char_ratio"] = ratio(repeated, len(text))
    return out


CITATION = re.compile(r"\[\d*]|\[edit]|\[citation needed]")
POLICY = ("terms of use", "privacy policy", "cookie policy", "uses cookies", "use of cookies",
          "use cookies")
ABBREVIATIONS = {"Mr", "Mrs", "Ms", "Dr", "Prof", "St", "Jr", "Sr", "vs", "etc", "No", "Inc", "Ltd",
                 "Co", "Mt", "Gen", "Col", "Lt", "Sgt", "Rev", "Fig", "e.g", "i.e", "approx"}
# The characters of Sentence_Terminal that occur in web text (unicodedata has no such property);
# one outside this list would show up as a mismatch, not be silently accepted.
TERMINALS = set(".!?\u3002\u0964\uff01\uff1f\u203c\u203d\u2047\u2048\u2049\u061f\u06d4\u0589")


def is_sentence_terminal(ch):
    return ch in TERMINALS


def sentences(line):
    """1 for a line with text, plus each run of terminals (then closing quotes or brackets, then
    whitespace) followed by an uppercase letter, a digit or an opening quote or bracket, unless
    the run is one '.' after a one-character word or a listed abbreviation."""
    if not line.strip():
        return 0
    count, i, n = 1, 0, len(line)
    while i < n:
        if line[i] not in TERMINALS:
            i += 1
            continue
        run_start = i
        while i < n and line[i] in TERMINALS:
            i += 1
        run = line[run_start:i]
        while i < n and line[i] in "\"')]":
            i += 1
        gap = i
        while i < n and line[i].isspace():
            i += 1
        if i == gap or i == n:
            continue
        nxt = line[i]
        if unicodedata.category(nxt) not in ("Lu", "Lt", "Nd") and nxt not in "\"'([":
            continue
        before = re.search(r"\S*$", line[:run_start]).group()
        if run == "." and (len(before) == 1 or before in ABBREVIATIONS):
            continue
        count += 1
    return count


def c4(text):
    out = collections.Counter()
    out["c4_lines"] = 0
    lorem = curly = False
    for raw in text.splitlines():
        out["c4_lines"] += 1
        line = raw.strip()
        split = line.split()
        if any(len(x) > 1000 for x in split):
            out["c4_too_long_word_lines"] += 1
            continue
        line = CITATION.sub("", line)
        if not line.endswith((".", "?", "!", '"', "'")) or line.endswith("..."):
            out["c4_no_terminal_punctuation_lines"] += 1
            continue
        if len(split) < 3:
            out["c4_too_few_words_lines"] += 1
            continue
        lower = "".join(c.lower() if "A" <= c <= "Z" else c for c in line)
        lorem = lorem or "lorem ipsum" in lower
        if "javascript" in lower:
            out["c4_javascript_lines"] += 1
            continue
        curly = curly or "{" in line
        if any(p in lower for p in POLICY):
            out["c4_policy_lines"] += 1
            continue
        out["c4_sentences"] += sentences(line)
        out["c4_kept_lines"] += 1
    result = {k: out[k] for k in ("c4_lines", "c4_kept_lines", "c4_too_long_word_lines",
                                  "c4_no_terminal_punctuation_lines", "c4_too_few_words_lines",
                                  "c4_javascript_lines", "c4_policy_lines", "c4_sentences")}
    result["c4_lorem_ipsum"] = lorem
    result["c4_curly_bracket"] = curly
    return result


def fineweb(text):
    lines = [l for l in text.split("\n") if l.strip() != ""]
    n = len(lines)
    return {
        "fineweb_lines": n,
        "fineweb_punctuated_lines_ratio": ratio(
            sum(1 for l in lines if is_sentence_terminal(l[-1])), n),
        "fineweb_short_lines_ratio": ratio(sum(1 for l in lines if len(l) <= 30), n),
        "fineweb_duplicate_line_char_ratio": ratio(duplicates(lines)[1],
                                                   len(text.replace("\n", ""))),
        "fineweb_newline_word_ratio": ratio(text.count("\n"), len(words(text))),
    }


def main():
    out_dir = sys.argv[1]
    checked, nonzero = 0, collections.Counter()
    for path in sorted(glob.glob(os.path.join(out_dir, "*.jsonl"))):  # every shard of the run
        with open(path, encoding="utf-8") as f:
            for line in f:
                doc = json.loads(line)
                text, meta = doc["text"], doc["meta"]
                for name, value in {**gopher_repetition(text), **c4(text), **fineweb(text)}.items():
                    got = meta.get(name)
                    same = (got == value if isinstance(value, bool) else
                            got is not None and math.isclose(got, value, rel_tol=1e-12,
                                                             abs_tol=1e-12))
                    if not same:
                        sys.exit(f"{path}: document {meta.get('url')}: {name} = {got}, "
                                 f"expected {value}")
                    if value:
                        nonzero[name] += 1
                checked += 1
    if not checked:
        sys.exit(f"no documents in {out_dir}")
    print(json.dumps({"documents": checked, "nonzero": dict(sorted(nonzero.items()))}))


if __name__ == "__main__":
    main()
