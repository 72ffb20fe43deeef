"""Writes deterministic web-page-like documents full of what the quality rules look for (menus,
repeated lines and paragraphs, cookie banners, citations, code, lorem ipsum, lists, empty and
blank pages) as JSON lines: make_boilerplate_pages.py OUT_FILE. The values the filters measure
on them are checked by check_quality_annotations.py, not fixed here."""

import json
import random
import sys

PIECES = [
    "Home\nAbout us\nContact\nShop",
    "We use cookies on this site to improve your experience.",
    "By using this site you agree to the Terms of Use and our Privacy Policy.",
    "Please enable JavaScript to view the comments.",
    "Lorem ipsum dolor sit amet, consectetur adipiscing elit.",
    "The river rose after the storm, and the town closed the old bridge [1].",
    "Officials said the repairs would take two weeks [citation needed].",
    "function f() { return 1; } is how the example starts.",
    "- first item\n- second item\n- third item",
    "\u2022 one\n\u2022 two",
    "Read more...",
    "Share this:",
    "Thank you!",
    "Mr. Smith arrived at 9 a.m. He left at noon! Did he return? Nobody knows.",
    "Caf\u00e9 na\u00efve r\u00e9sum\u00e9 \u2014 \u201cquoted\u201d text\u2026",
    "\u8fd9\u662f\u4e00\u4e2a\u53e5\u5b50\u3002\u7b2c\u4e8c\u53e5\u3002",
    "Call 555-0100 now!!! #sale #deal #offer",
    "Copyright 2020. All rights reserved.",
    "x" * 1200 + " is one long word.",
    "\n\n",
    "   ",
]


def main():
    rng = random.Random(14)
    docs = ["", " ", "\n\n\n", "...", "# # #"]
    for _ in range(60):
        parts = [rng.choice(PIECES) for _ in range(rng.randint(1, 12))]
        if rng.random() < 0.5:
            parts += parts[: rng.randint(1, len(parts))]  # repeated lines and paragraphs
        sep = rng.choice(["\n", "\n\n", "\r\n", "\n\n\n"])
        docs.append(sep.join(parts))
    with open(sys.argv[1], "w", encoding="utf-8") as f:
        for i, text in enumerate(docs):
            f.write(json.dumps({"text": text, "url": f"https://pages.example/{i}"}) + "\n")


if __name__ == "__main__":
    main()
