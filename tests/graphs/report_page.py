"""Checks for tests/graphs/report.sh.

  report_page.py page REPORT.html STATS.json
      the page loads nothing (no src/href/url()/@import/<link>, a Content-Security-Policy of
      default-src 'none'), holds exactly its three scripts, and its embedded data parses as JSON
      and agrees with stats.json node by node
  report_page.py dom DOM.html TEXT...
      what headless Chromium rendered: <html data-render="ok">, no error listed, still exactly
      three <script> elements (nothing injected), and every TEXT present as escaped text
"""

import html
import json
import re
import sys


def fail(message: str) -> None:
    sys.exit(f"report_page.py: {message}")


def check_page(page_path: str, stats_path: str) -> None:
    with open(page_path, encoding="utf-8") as f:
        page = f.read()
    for pattern in [r"\b(src|href)\s*=", r"url\(", r"@import", r"<link\b", r"<iframe\b"]:
        if re.search(pattern, page, re.IGNORECASE):
            fail(f"{page_path} may load a resource: /{pattern}/ matches")
    if "default-src 'none'" not in page:
        fail(f"{page_path} has no Content-Security-Policy default-src 'none'")
    scripts = re.findall(r"<script\b", page, re.IGNORECASE)
    if len(scripts) != 3:
        fail(f"{page_path} holds {len(scripts)} <script> tags, expected 3")
    m = re.search(r'<script type="application/json" id="report-data">(.*?)</script>', page, re.S)
    if not m:
        fail(f"{page_path} has no report-data element")
    data = json.loads(m.group(1))
    if stats_path != "-":
        with open(stats_path, encoding="utf-8") as f:
            stats = json.load(f)
        by_id = {n["id"]: n for n in stats["nodes"]}
        if [n["id"] for n in data["nodes"]] != [n["id"] for n in stats["nodes"]]:
            fail("the page's nodes differ from stats.json's")
        for n in data["nodes"]:
            s = by_id[n["id"]]
            for field in ["docs_in", "docs_kept", "docs_dropped"]:
                if n[field] != s[field]:
                    fail(f"{n['id']}.{field}: page {n[field]}, stats.json {s[field]}")
            if dict(n["dropped_by_reason"]) != s["dropped_by_reason"]:
                fail(f"{n['id']}: drop reasons differ from stats.json")
        if len(data["timeline"]["seconds"]) < 2:
            fail("the timeline has fewer than 2 samples")
    print(json.dumps({"status": data["status"], "nodes": len(data["nodes"]),
                      "meta_fields": sum(len(n["meta_fields"]) for n in data["nodes"]),
                      "samples": len(data["timeline"]["seconds"])}))


def check_dom(dom_path: str, texts: list) -> None:
    with open(dom_path, encoding="utf-8") as f:
        dom = f.read()
    m = re.search(r'<ul id="page-errors"[^>]*>(.*?)</ul>', dom, re.S)
    if m is None:
        fail(f"{dom_path}: no page-errors list (did the page load?)")
    if m.group(1).strip():
        fail(f"{dom_path}: the page reported errors: {html.unescape(re.sub('<[^>]+>', ' | ', m.group(1)))}")
    if 'data-render="ok"' not in dom:
        state = re.search(r'data-render="([^"]*)"', dom)
        fail(f"{dom_path}: data-render is {state.group(1) if state else 'missing'}, expected ok")
    scripts = len(re.findall(r"<script\b", dom, re.IGNORECASE))
    if scripts != 3:
        fail(f"{dom_path}: {scripts} <script> elements after rendering, expected 3")
    for text in texts:
        if html.escape(text, quote=False) not in dom:
            fail(f"{dom_path}: the text {text!r} is not shown")
    print(f"rendered, {len(texts)} texts shown")


if __name__ == "__main__":
    if sys.argv[1] == "page":
        check_page(sys.argv[2], sys.argv[3])
    else:
        check_dom(sys.argv[2], sys.argv[3:])
