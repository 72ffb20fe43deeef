# The reference's text preparation for the Wikipedia-reference classifier (RedPajama
# data_prep/cc/classifier/classify.py): reads JSON strings, one per line, from argv[1] and writes
# " ".join(text.strip().splitlines()) for each, one per line, to argv[2].
import json
import sys

with open(sys.argv[1], encoding="utf-8") as src, open(
    sys.argv[2], "w", encoding="utf-8", newline="\n"
) as dst:
    for line in src:
        text = json.loads(line)
        dst.write(" ".join(text.strip().splitlines()) + "\n")
