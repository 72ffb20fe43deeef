#!/usr/bin/env python3
"""Expected values from real CPython for the github plugin's tests.

Usage: python_oracle.py stats|copyright OUTPUT_FILE

Each case is written as a header line "<nbytes> <fields...>\n" followed by nbytes of UTF-8 input,
then (copyright only) "<nbytes>\n" and the expected output bytes.
"""
import random
import re
import sys
import unicodedata

# The reference's copyright rule (data_prep/github/github_clean_dedup_local.py), restated.
BLOCK_COMMENT = re.compile("/\\*[^*]*\\*+(?:[^/*][^*]*\\*+)*/")
COPYRIGHT = re.compile("copyright", re.IGNORECASE)


def reference_copyright_strip(content):
    found = BLOCK_COMMENT.search(content)
    if found:
        start, end = found.span()
        if COPYRIGHT.search(content[start:end]):
            content = content[:start] + content[end:]
        return content
    lines = content.split("\n")
    skip = 0
    for line in lines:
        if line.startswith("//") or line.startswith("#") or line.startswith("--") or not line:
            skip += 1
        else:
            break
    return "\n".join(lines[skip:]) if skip else content


def reference_stats(content):
    lengths = [len(line) for line in content.splitlines()]
    if not lengths:
        return 0, 0, 0, 0
    return (len(lengths), max(lengths), len(content) / len(lengths),
            sum(1 for ch in content if ch.isalnum()) / len(content))


STATS_POOL = ["\r", "\n", "\r\n", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x1f", "\x85",
              "\u2028", "\u2029", "a", "Z", "7", "\u00e9", "\u0663", "\u216b", "\u00bd", "\u4e00",
              "\u00b2", "\U0001f600", "_", " ", "\t", "\U0001d7d9", "\u01c5", "\u02b0", "\u0301",
              "\u2460", "\u3007", "\U00010107", "\u0e51", "\uff10", ""]

COPYRIGHT_POOL = ["/*", "*/", "*", "/", "/**/", "/*/", "copyright", "COPYRIGHT", "CopyRight",
                  "copyr\u0130ght", "copyr\u0131ght", "copy right", "#", "//", "--", "-", "\n",
                  "\r\n", "\r", " ", "x", "int a;", "#include <x.h>", "\u00e9", "\U0001f600"]


def write_case(out, text, fields, expected=None):
    data = text.encode("utf-8")
    out.write(("%d %s\n" % (len(data), " ".join(fields))).encode("ascii"))
    out.write(data)
    if expected is not None:
        encoded = expected.encode("utf-8")
        out.write(b"%d\n" % len(encoded))
        out.write(encoded)


def stats_fields(text):
    return [repr(v) for v in reference_stats(text)]


def main():
    mode, path = sys.argv[1], sys.argv[2]
    rng = random.Random(20240501)
    with open(path, "wb") as out:
        if mode == "stats":
            # Every code point CPython's Unicode database assigns (so a newer ICU table cannot
            # disagree about characters Python does not know yet), in chunks.
            assigned = [chr(c) for c in range(0x110000)
                        if unicodedata.category(chr(c)) not in ("Cn", "Cs")]
            for start in range(0, len(assigned), 4096):
                chunk = "".join(assigned[start:start + 4096])
                write_case(out, chunk, stats_fields(chunk))
            for _ in range(3000):
                text = "".join(rng.choice(STATS_POOL) for _ in range(rng.randrange(0, 12)))
                write_case(out, text, stats_fields(text))
        elif mode == "copyright":
            for _ in range(3000):
                text = "".join(rng.choice(COPYRIGHT_POOL) for _ in range(rng.randrange(0, 10)))
                write_case(out, text, [], reference_copyright_strip(text))
        else:
            sys.exit("unknown mode " + mode)
    print(unicodedata.unidata_version)


if __name__ == "__main__":
    main()
