"""Writes variants of a tokenizer.json that exercise the other parts Loom supports, each to be
compared with Hugging Face on the same texts: a Llama-3-style Split + ByteLevel(use_regex=false)
with NFKC and ignore_merges; and Sequences of Split behaviors (String and Regex patterns, invert)
before ByteLevel with add_prefix_space, under normalizer Sequences.

Usage: python3 tokenizer_variants.py <tokenizer.json> <out dir>; prints the files written."""
import copy
import json
import os
import sys

LLAMA3_PATTERN = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}|"
                  r" ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+")


def split(pattern, behavior, invert=False):
    return {"type": "Split", "pattern": pattern, "behavior": behavior, "invert": invert}


def byte_level(add_prefix_space, use_regex):
    return {"type": "ByteLevel", "add_prefix_space": add_prefix_space, "trim_offsets": True,
            "use_regex": use_regex}


def variants(base):
    llama = copy.deepcopy(base)
    llama["normalizer"] = {"type": "NFKC"}
    llama["pre_tokenizer"] = {"type": "Sequence", "pretokenizers": [
        split({"Regex": LLAMA3_PATTERN}, "Isolated"), byte_level(False, False)]}
    llama["model"]["ignore_merges"] = True
    yield "llama3_style", llama

    splits = copy.deepcopy(base)
    splits["normalizer"] = {"type": "Sequence", "normalizers": [{"type": "NFD"}, {"type": "NFC"}]}
    splits["pre_tokenizer"] = {"type": "Sequence", "pretokenizers": [
        split({"String": "-"}, "MergedWithNext"),
        split({"Regex": r"\p{N}+"}, "Contiguous", invert=True),
        split({"String": "."}, "MergedWithPrevious"),
        byte_level(True, True)]}
    yield "split_behaviors", splits

    removed = copy.deepcopy(base)
    removed["normalizer"] = {"type": "NFKD"}
    removed["pre_tokenizer"] = {"type": "Sequence", "pretokenizers": [
        split({"Regex": r"\s+"}, "Removed"),
        split({"Regex": r"[\p{P}\p{S}]"}, "Isolated"),
        byte_level(True, False)]}
    yield "removed_whitespace", removed


def main():
    source, out_dir = sys.argv[1:3]
    with open(source, encoding="utf-8") as f:
        base = json.load(f)
    for name, tokenizer in variants(base):
        path = os.path.join(out_dir, name + ".json")
        with open(path, "w", encoding="utf-8") as f:
            json.dump(tokenizer, f, ensure_ascii=False)
        print(path)


if __name__ == "__main__":
    main()
