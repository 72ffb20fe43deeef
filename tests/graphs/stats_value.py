"""Prints one per-node value from a loom stats.json: stats_value.py STATS NODE_ID FIELD[.SUBFIELD].

Exits 2 with a message naming what is missing, so a test failure says why.
"""

import json
import sys


def main() -> None:
    path, node_id, field = sys.argv[1:4]
    with open(path, encoding="utf-8") as f:
        stats = json.load(f)
    nodes = stats.get("nodes", [])
    if isinstance(nodes, dict):
        nodes = [dict(v, id=k) for k, v in nodes.items()]
    node = next((n for n in nodes if n.get("id") == node_id), None)
    if node is None:
        sys.exit(f"{path}: no node '{node_id}' in 'nodes'")
    value = node
    for part in field.split("."):
        if not isinstance(value, dict) or part not in value:
            sys.exit(f"{path}: node '{node_id}' has no '{field}' (has: {', '.join(node)})")
        value = value[part]
    print(json.dumps(value, sort_keys=True) if isinstance(value, (dict, list)) else value)


if __name__ == "__main__":
    main()
