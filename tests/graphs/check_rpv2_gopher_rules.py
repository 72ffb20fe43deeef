#!/usr/bin/env python3
"""Checks a run of graphs/recipes/rpv2_gopher_rules.yaml on ../shared/golden/rpv2/rpv2_signals.jsonl.

Every golden document must come out exactly once (kept or excluded); every rps_* signal in its
metadata must equal the golden value (RedPajama-V2's own code) after the round trip through
jsonl_sink; and it must be kept, or dropped by the node and reason, that the card's
gopher_rules_pass gives on the golden signals (first failing rule; lines starting with a bullet
divided by the number of lines, as the graph does). Prints a JSON summary.

usage: check_rpv2_gopher_rules.py <golden.jsonl> <run output dir>
"""
import glob
import gzip
import json
import sys


def expected_verdict(signals):
    """(node, reason) of the first rule the card's gopher_rules_pass fails, or None."""
    def value(name):
        return signals[name][0][2]

    word_count = value("rps_doc_word_count")
    if word_count < 50:
        return ("word_count", "word_count_too_low")
    if word_count > 10_000:
        return ("word_count", "word_count_too_high")
    mean = value("rps_doc_mean_word_length")
    if mean is None:
        return ("mean_word_length", "mean_word_length_missing")
    if mean < 3:
        return ("mean_word_length", "mean_word_length_too_low")
    if mean > 10:
        return ("mean_word_length", "mean_word_length_too_high")
    if value("rps_doc_symbol_to_word_ratio") > 0.1:
        return ("symbol_to_word_ratio", "symbol_to_word_ratio_too_high")
    bullets = signals["rps_lines_start_with_bulletpoint"]
    if sum(span[2] for span in bullets) / len(bullets) > 0.9:
        return ("bullet_lines", "bullet_lines_too_high")
    if value("rps_doc_frac_chars_top_2gram") > 0.2:
        return ("top_2gram", "top_2gram_too_high")
    return None


def read(pattern):
    for path in sorted(glob.glob(pattern)):
        with gzip.open(path, "rt", encoding="utf-8") as f:
            for line in f:
                yield json.loads(line)


def main():
    golden_path, out = sys.argv[1], sys.argv[2]
    with open(golden_path, encoding="utf-8") as f:
        golden = {d["src"]: d for d in map(json.loads, f)}
    seen = {}
    for where, pattern in (("kept", f"{out}/output/*.jsonl.gz"),
                           ("excluded", f"{out}/excluded/*.jsonl.gz")):
        for doc in read(pattern):
            meta = doc["metadata"]
            src = meta["src"]
            if src in seen:
                sys.exit(f"{src}: written twice ({seen[src]} and {where})")
            seen[src] = where
            want = golden[src]
            if doc["text"] != want["text"]:
                sys.exit(f"{src}: text changed")
            for name, spans in want["signals"].items():
                if meta.get(name) != spans:
                    sys.exit(f"{src}: {name} is {json.dumps(meta.get(name))[:200]}, "
                             f"V2 gives {json.dumps(spans)[:200]}")
            verdict = expected_verdict(want["signals"])
            got = None if where == "kept" else (meta.get("dropped_by"), meta.get("drop_reason"))
            if got != verdict:
                sys.exit(f"{src}: {where} {got}, the card's rules give {verdict}")
    missing = set(golden) - set(seen)
    if missing:
        sys.exit(f"{len(missing)} documents never written, e.g. {sorted(missing)[:3]}")
    counts = {}
    for src, where in seen.items():
        verdict = expected_verdict(golden[src]["signals"])
        key = "kept" if verdict is None else f"{verdict[0]}/{verdict[1]}"
        counts[key] = counts.get(key, 0) + 1
    print(json.dumps(dict(sorted(counts.items()))))


if __name__ == "__main__":
    main()
