// The first half of the page's script: helpers, the summary, the graph drawn as a layered SVG
// (layers by longest path from a source, top to bottom; within a layer, nodes ordered by the mean
// position of their inputs),
// and the per-node table. Every string is set with textContent or as an SVG attribute value,
// never parsed as markup.
#include "report/report.hpp"

namespace loom::report {

const char* const kGraphScript = R"JS(
const SVG_NS = "http://www.w3.org/2000/svg";
const data = JSON.parse(document.getElementById("report-data").textContent);
const app = document.getElementById("app");
const PALETTE = ["#2563eb", "#dc2626", "#16a34a", "#d97706", "#7c3aed", "#0891b2", "#db2777",
                 "#4b5563", "#65a30d", "#ea580c", "#0d9488", "#9333ea"];
const KIND_FILL = { source: "#dcfce7", cleaner: "#e0f2fe", filter: "#fef3c7", deduper: "#ede9fe",
                    sink: "#e5e7eb" };

function html(tag, attrs, parent, text) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = String(text);
  if (parent) parent.appendChild(e);
  return e;
}
function svg(tag, attrs, parent, text) {
  const e = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = String(text);
  if (parent) parent.appendChild(e);
  return e;
}
function fmt(n) {
  if (n === null || n === undefined || Number.isNaN(n)) return "–";
  const a = Math.abs(n);
  if (a >= 1e9) return (n / 1e9).toFixed(2) + "G";
  if (a >= 1e6) return (n / 1e6).toFixed(2) + "M";
  if (a >= 1e4) return (n / 1e3).toFixed(1) + "k";
  if (Number.isInteger(n)) return String(n);
  if (a !== 0 && (a < 1e-3)) return n.toExponential(2);
  return String(Number(n.toPrecision(4)));
}
function fmtBytes(n) {
  const units = ["B", "KB", "MB", "GB", "TB"];
  let u = 0;
  while (n >= 1000 && u < units.length - 1) { n /= 1000; ++u; }
  return (u === 0 ? String(n) : n.toFixed(1)) + " " + units[u];
}
function clip(text, max) { text = String(text); return text.length > max ? text.slice(0, max - 1) + "…" : text; }
function section(title, note) {
  const s = html("section", {}, app);
  html("h2", {}, s, title);
  if (note) html("p", { class: "note" }, s, note);
  return s;
}
function nodeOut(n) { return n.kind === "sink" ? 0 : n.docs_kept; }

function renderSummary() {
  const head = html("header", {}, app);
  const h1 = html("h1", {}, head, "loom run ");
  html("span", { class: "status " + data.status }, h1, data.status);
  html("p", { class: "note mono" }, head, data.graph);
  const facts = html("div", { class: "facts" }, head);
  const rate = data.wall_seconds > 0 ? data.docs_read / data.wall_seconds : 0;
  for (const [value, label] of [
    [data.wall_seconds.toFixed(2) + " s", "wall time"],
    [fmt(data.docs_read), "documents read"],
    [fmtBytes(data.bytes_read), "text read"],
    [fmt(rate) + "/s", "documents per second"],
    [data.shards_done + " / " + data.shards_total, "shards done"],
    [String(data.threads), "threads"],
    [data.task, "task"]]) {
    const f = html("div", { class: "fact" }, facts);
    html("b", {}, f, value);
    html("span", {}, f, label);
  }
  if (data.messages) {
    html("h3", {}, head, data.status === "succeeded" ? "Messages" : "Why the run stopped");
    html("pre", { class: "messages" }, head, data.messages);
  }
}

// Edges from each node's inputs ("id" or "id.dropped"; ids never hold a dot).
function graphEdges() {
  const index = new Map(data.nodes.map((n, i) => [n.id, i]));
  const edges = [];
  data.nodes.forEach((n, to) => {
    for (const input of n.inputs) {
      const dropped = input.endsWith(".dropped");
      const id = dropped ? input.slice(0, -".dropped".length) : input.replace(/\.kept$/, "");
      const from = index.get(id);
      if (from === undefined) continue;
      const p = data.nodes[from];
      edges.push({ from, to, dropped, docs: dropped ? p.docs_dropped : nodeOut(p) });
    }
  });
  return edges;
}

function layout(edges) {
  const n = data.nodes.length;
  const column = new Array(n).fill(0);
  for (let pass = 0; pass < n; ++pass) {
    let changed = false;
    for (const e of edges) {
      if (column[e.to] < column[e.from] + 1) { column[e.to] = column[e.from] + 1; changed = true; }
    }
    if (!changed) break;
  }
  const columns = [];
  column.forEach((c, i) => { (columns[c] = columns[c] || []).push(i); });
  const row = new Array(n).fill(0);
  columns.forEach((members, c) => {
    if (c > 0) {
      const mean = (i) => {
        const rows = edges.filter((e) => e.to === i).map((e) => row[e.from]);
        return rows.length ? rows.reduce((a, b) => a + b, 0) / rows.length : 0;
      };
      const key = new Map(members.map((i) => [i, mean(i)]));
      members.sort((a, b) => key.get(a) - key.get(b) || a - b);
    }
    members.forEach((i, r) => { row[i] = r; });
  });
  const height = Math.max(...columns.map((m) => m.length));
  return { column, row, columns, height };
}

function renderGraph() {
  const s = section("Graph", "Top to bottom, as the data flows; each box shows documents in, out " +
                    "(kept) and dropped. Dashed red edges carry a node's dropped port; edge width " +
                    "grows with the documents carried.");
  if (data.nodes.length === 0) {
    html("p", {}, s, "No graph: the run stopped before its graph was built.");
    return;
  }
  const edges = graphEdges();
  const { column, row, columns, height } = layout(edges);
  const W = 230, H = 74, GX = 40, GY = 64, PAD = 12;
  const width = height * (W + GX) - GX + 2 * PAD;
  const total = columns.length * (H + GY) - GY + 2 * PAD;
  const pos = data.nodes.map((_, i) => ({
    x: PAD + (row[i] + (height - columns[column[i]].length) / 2) * (W + GX),
    y: PAD + column[i] * (H + GY) }));
  const box = html("div", { class: "scroll" }, s);
  const root = svg("svg", { width, height: total, viewBox: `0 0 ${width} ${total}`, role: "img",
                            style: "max-width:100%;height:auto;display:block;margin:auto",
                            "aria-label": "the graph of this run" }, box);
  const maxDocs = Math.max(1, ...edges.map((e) => e.docs));
  for (const e of edges) {
    const a = pos[e.from], b = pos[e.to];
    const x1 = a.x + W / 2 + (e.dropped ? W / 4 : 0), y1 = a.y + H, x2 = b.x + W / 2, y2 = b.y;
    const bend = Math.max(GY / 2, (y2 - y1) / 3);
    const widthPx = 1.5 + 4 * Math.log1p(e.docs) / Math.log1p(maxDocs);
    const path = svg("path", {
      d: `M${x1},${y1} C${x1},${y1 + bend} ${x2},${y2 - bend} ${x2},${y2}`, fill: "none",
      stroke: e.dropped ? "#dc2626" : "#6b7280", "stroke-width": widthPx.toFixed(2),
      "stroke-dasharray": e.dropped ? "6 4" : "none", opacity: 0.85 }, root);
    svg("title", {}, path, `${data.nodes[e.from].id}${e.dropped ? ".dropped" : ""} → ` +
        `${data.nodes[e.to].id}: ${e.docs} documents`);
    svg("text", { x: x1 + 6, y: y1 + 16, "font-size": 11,
                  fill: e.dropped ? "#dc2626" : "#374151" }, root,
        (e.dropped ? "dropped " : "") + fmt(e.docs));
  }
  data.nodes.forEach((n, i) => {
    const g = svg("g", { transform: `translate(${pos[i].x},${pos[i].y})` }, root);
    svg("title", {}, g, `${n.id} (${n.component}, ${n.kind})\nin ${n.docs_in}, kept ${n.docs_kept}` +
        `, dropped ${n.docs_dropped}`);
    svg("rect", { width: W, height: H, rx: 8, fill: KIND_FILL[n.kind] || "#fff",
                  stroke: n.docs_dropped > 0 ? "#b45309" : "#9ca3af" }, g);
    svg("text", { x: 10, y: 19, "font-weight": 700, "font-size": 13 }, g, clip(n.id, 28));
    svg("text", { x: 10, y: 36, "font-size": 11, fill: "#4b5563" }, g,
        clip(n.component + " · " + n.kind, 36));
    const counts = n.kind === "source" ? `read ${fmt(n.docs_kept)}`
                 : n.kind === "sink" ? `in ${fmt(n.docs_in)} · written ${fmt(n.docs_kept)}`
                 : `in ${fmt(n.docs_in)} · out ${fmt(n.docs_kept)}`;
    svg("text", { x: 10, y: 54, "font-size": 11 }, g, counts);
    if (n.docs_dropped > 0)
      svg("text", { x: 10, y: 68, "font-size": 11, fill: "#dc2626" }, g,
          `dropped ${fmt(n.docs_dropped)} (${(100 * n.docs_dropped / Math.max(1, n.docs_in)).toFixed(1)}%)`);
  });
}

function renderNodeTable() {
  const s = section("Documents per node", "Sources: in = records read (with skipped ones), out = " +
                    "documents emitted. Sinks: out = documents written. Busy = time inside the component.");
  const box = html("div", { class: "scroll" }, s);
  const table = html("table", {}, box);
  const head = html("tr", {}, html("thead", {}, table));
  const columns = [["node", ""], ["kind", ""], ["component", ""], ["inputs", ""], ["in", "num"],
                   ["out", "num"], ["dropped", "num"], ["dropped %", "num"], ["batches", "num"],
                   ["text in", "num"], ["busy s", "num"], ["docs/s busy", "num"]];
  for (const [name, cls] of columns) html("th", { class: cls }, head, name);
  const body = html("tbody", {}, table);
  for (const n of data.nodes) {
    const tr = html("tr", {}, body);
    const cells = [
      [n.id, "mono"], [n.kind, ""], [n.component, "mono"], [n.inputs.join(", "), "mono"],
      [fmt(n.docs_in), "num"], [fmt(n.docs_kept), "num"], [fmt(n.docs_dropped), "num"],
      [n.docs_in > 0 ? (100 * n.docs_dropped / n.docs_in).toFixed(2) : "–", "num"],
      [fmt(n.batches), "num"], [fmtBytes(n.bytes_in), "num"], [n.busy_seconds.toFixed(3), "num"],
      [n.busy_seconds > 0 ? fmt(n.docs_in / n.busy_seconds) : "–", "num"]];
    for (const [text, cls] of cells) html("td", { class: cls }, tr, text);
  }
}
)JS";

}  // namespace loom::report
