"""Compares the stats.json of a resumed run with the uninterrupted run's, where they must agree.

    compare_stats.py REFERENCE RESUMED SCOPE

SCOPE says what the resumed run must have counted like the uninterrupted one (docs/runtime.md,
"Resume after a crash": stats.json of a resumed run counts what that run did):
  all           every node (the run started over: no manifest was there)
  before_sinks  every node but the sinks (the graph replays its whole input through an
                order-sensitive node; only the sinks skip what was already written)
  run           the run's outcome and shard count only (a source restarted inside its input)
Times (wall_seconds, busy_seconds) are never compared. Exits 1 naming every difference.
"""

import json
import sys

RUN_FIELDS_ALWAYS = ("status", "shards_total")
RUN_FIELDS_COUNTED = ("docs_read", "bytes_read", "shards_done")
NODE_FIELDS = ("component", "kind", "batches", "docs_in", "docs_kept", "docs_dropped",
               "dropped_by_reason", "bytes_in")


def nodes_by_id(stats):
    nodes = stats.get("nodes", [])
    if isinstance(nodes, dict):
        return nodes
    return {node["id"]: node for node in nodes}


def main() -> None:
    reference_path, resumed_path, scope = sys.argv[1:4]
    if scope not in ("all", "before_sinks", "run"):
        sys.exit(f"unknown scope {scope!r}")
    with open(reference_path, encoding="utf-8") as f:
        reference = json.load(f)
    with open(resumed_path, encoding="utf-8") as f:
        resumed = json.load(f)

    differences = []
    run_fields = RUN_FIELDS_ALWAYS + (RUN_FIELDS_COUNTED if scope != "run" else ())
    for field in run_fields:
        if reference.get(field) != resumed.get(field):
            differences.append(f"{field}: {resumed.get(field)!r}, uninterrupted {reference.get(field)!r}")

    compared = 0
    if scope != "run":
        want, got = nodes_by_id(reference), nodes_by_id(resumed)
        if sorted(want) != sorted(got):
            differences.append(f"nodes: {sorted(got)}, uninterrupted {sorted(want)}")
        for node_id, node in want.items():
            if scope == "before_sinks" and node.get("kind") == "sink":
                continue
            compared += 1
            for field in NODE_FIELDS:
                if node.get(field) != got.get(node_id, {}).get(field):
                    differences.append(f"node {node_id}: {field}: {got.get(node_id, {}).get(field)!r}, "
                                       f"uninterrupted {node.get(field)!r}")
    for line in differences:
        print(f"{resumed_path}: {line}", file=sys.stderr)
    if differences:
        sys.exit(1)
    print(f"{len(run_fields)} run fields and {compared} nodes agree")


if __name__ == "__main__":
    main()
