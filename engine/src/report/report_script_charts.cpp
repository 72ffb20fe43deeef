// The second half of the page's script: drop reasons as bar charts, throughput over time as
// line charts, and histograms of the numeric meta fields nodes added (kept and dropped stacked,
// counts scaled up from the uniform samples the engine kept). Then render(), called last.
#include "report/report.hpp"

namespace loom::report {

const char* const kChartScript = R"JS(
function renderDropReasons() {
  const nodes = data.nodes.filter((n) => n.dropped_by_reason.length > 0);
  const s = section("Drop reasons", nodes.length ? "Per node, documents dropped by reason " +
                    "(sources: input records skipped under on_error: skip)." : "Nothing was dropped.");
  const cards = html("div", { class: "cards" }, s);
  for (const n of nodes) {
    const card = html("div", { class: "card" }, cards);
    html("h3", { class: "mono" }, card, n.id);
    const reasons = n.dropped_by_reason.slice().sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    const W = 560, row = 20, label = 200, bar = 180;
    const root = svg("svg", { width: W, height: reasons.length * row + 6 }, card);
    const max = Math.max(1, ...reasons.map((r) => r[1]));
    reasons.forEach(([reason, count], k) => {
      const y = k * row + 4;
      const t = svg("text", { x: label - 6, y: y + 12, "text-anchor": "end", "font-size": 12 }, root,
                    clip(reason, 30));
      svg("title", {}, t, reason);
      svg("rect", { x: label, y, width: Math.max(1, bar * count / max), height: row - 6,
                    fill: "#dc2626", rx: 2 }, root);
      svg("text", { x: label + bar + 8, y: y + 12, "font-size": 12 }, root,
          `${fmt(count)} (${(100 * count / Math.max(1, n.docs_in)).toFixed(1)}% of in)`);
    });
  }
}

// A line chart: series = [{name, xs, ys}], drawn with shared axes from 0.
function lineChart(parent, title, series, yFormat) {
  const card = html("div", { class: "card" }, parent);
  html("h3", {}, card, title);
  const W = 580, H = 240, L = 64, R = 14, T = 10, B = 30;
  const root = svg("svg", { width: W, height: H }, card);
  const xs = series.flatMap((s) => s.xs), ys = series.flatMap((s) => s.ys);
  const xMax = Math.max(1e-9, ...xs), yMax = Math.max(1e-9, ...ys) * 1.05;
  const X = (x) => L + (W - L - R) * x / xMax, Y = (y) => H - B - (H - T - B) * y / yMax;
  for (let k = 0; k <= 4; ++k) {
    const y = yMax * k / 4;
    svg("line", { class: "grid", x1: L, x2: W - R, y1: Y(y), y2: Y(y) }, root);
    svg("text", { class: "tick", x: L - 6, y: Y(y) + 4, "text-anchor": "end" }, root, yFormat(y));
    const x = xMax * k / 4;
    svg("text", { class: "tick", x: X(x), y: H - B + 16, "text-anchor": "middle" }, root,
        x.toFixed(xMax < 2 ? 2 : xMax < 20 ? 1 : 0) + " s");
  }
  svg("line", { class: "axis", x1: L, x2: L, y1: T, y2: H - B }, root);
  svg("line", { class: "axis", x1: L, x2: W - R, y1: H - B, y2: H - B }, root);
  const legend = html("ul", { class: "legend" }, card);
  series.forEach((s, k) => {
    const color = PALETTE[k % PALETTE.length];
    const points = s.xs.map((x, i) => `${X(x).toFixed(1)},${Y(s.ys[i]).toFixed(1)}`).join(" ");
    svg("polyline", { points, fill: "none", stroke: color, "stroke-width": 2 }, root);
    if (s.xs.length === 1) svg("circle", { cx: X(s.xs[0]), cy: Y(s.ys[0]), r: 3, fill: color }, root);
    const item = html("li", {}, legend);
    html("span", { class: "swatch", style: `background:${color}` }, item);
    item.appendChild(document.createTextNode(s.name));
  });
}

// Rates between consecutive samples, placed at the later one.
function rates(seconds, values) {
  const xs = [], ys = [];
  for (let i = 1; i < seconds.length; ++i) {
    const dt = seconds[i] - seconds[i - 1];
    if (dt <= 0) continue;
    xs.push(seconds[i]);
    ys.push((values[i] - values[i - 1]) / dt);
  }
  return { xs, ys };
}

function renderThroughput() {
  const t = data.timeline;
  const s = section("Throughput over time", `Counters sampled about twice a second ` +
                    `(${t.seconds.length} samples; long runs are thinned to at most 1000).`);
  if (t.seconds.length < 2) {
    html("p", {}, s, "The run ended before a second sample was taken.");
    return;
  }
  const cards = html("div", { class: "cards" }, s);
  const perSecond = [{ name: "read (all sources)", ...rates(t.seconds, t.docs_read) }];
  data.nodes.forEach((n, k) => {
    if (n.kind === "sink") perSecond.push({ name: `${n.id} (written)`, ...rates(t.seconds, t.docs_out[k]) });
  });
  lineChart(cards, "Documents per second", perSecond, fmt);
  lineChart(cards, "Text read per second", [{ name: "bytes read", ...rates(t.seconds, t.bytes_read) }],
            fmtBytes);
  const cumulative = data.nodes.map((n, k) => ({
    name: `${n.id} (${n.kind === "sink" ? "written" : "out"})`, xs: t.seconds, ys: t.docs_out[k] }));
  lineChart(cards, "Documents out per node, cumulative", cumulative, fmt);
}

function histogram(parent, node, f) {
  const card = html("div", { class: "card" }, parent);
  const h3 = html("h3", {}, card);
  html("span", { class: "mono" }, h3, f.field);
  h3.appendChild(document.createTextNode(" added by "));
  html("span", { class: "mono" }, h3, node.id);
  const count = f.count_kept + f.count_dropped;
  const log = f.min > 0 && f.max / f.min >= 1000;
  const tx = (v) => (log ? Math.log10(v) : v), inv = (v) => (log ? Math.pow(10, v) : v);
  const lo = tx(f.min), hi = tx(f.max), bins = hi > lo ? 40 : 1;
  const kept = new Array(bins).fill(0), dropped = new Array(bins).fill(0);
  const bin = (v) => (bins === 1 ? 0 : Math.min(bins - 1, Math.max(0, Math.floor((tx(v) - lo) / (hi - lo) * bins))));
  const add = (values, total, into) => {
    const scale = values.length ? total / values.length : 0;
    for (const v of values) into[bin(v)] += scale;
  };
  add(f.kept, f.count_kept, kept);
  add(f.dropped, f.count_dropped, dropped);
  const W = 420, H = 190, L = 52, R = 10, T = 8, B = 34;
  const root = svg("svg", { width: W, height: H }, card);
  const yMax = Math.max(1e-9, ...kept.map((k, i) => k + dropped[i]));
  const bw = (W - L - R) / bins;
  const Y = (y) => H - B - (H - T - B) * y / yMax;
  for (let k = 0; k <= 3; ++k) {
    const y = yMax * k / 3;
    svg("line", { class: "grid", x1: L, x2: W - R, y1: Y(y), y2: Y(y) }, root);
    svg("text", { class: "tick", x: L - 6, y: Y(y) + 4, "text-anchor": "end" }, root, fmt(Math.round(y)));
  }
  for (let i = 0; i < bins; ++i) {
    const x = L + i * bw;
    const from = inv(lo + (hi - lo) * i / bins), to = inv(lo + (hi - lo) * (i + 1) / bins);
    if (kept[i] > 0) {
      const r = svg("rect", { x: x + 0.5, y: Y(kept[i]), width: Math.max(1, bw - 1),
                              height: Y(0) - Y(kept[i]), fill: "#2563eb" }, root);
      svg("title", {}, r, `[${fmt(from)}, ${fmt(to)}): about ${fmt(Math.round(kept[i]))} kept`);
    }
    if (dropped[i] > 0) {
      const r = svg("rect", { x: x + 0.5, y: Y(kept[i] + dropped[i]), width: Math.max(1, bw - 1),
                              height: Y(kept[i]) - Y(kept[i] + dropped[i]), fill: "#dc2626" }, root);
      svg("title", {}, r, `[${fmt(from)}, ${fmt(to)}): about ${fmt(Math.round(dropped[i]))} dropped`);
    }
  }
  svg("line", { class: "axis", x1: L, x2: W - R, y1: H - B, y2: H - B }, root);
  for (const [x, v, anchor] of [[L, f.min, "start"], [(L + W - R) / 2, inv((lo + hi) / 2), "middle"],
                                [W - R, f.max, "end"]])
    svg("text", { class: "tick", x, y: H - B + 16, "text-anchor": anchor }, root, fmt(v));
  if (log) svg("text", { class: "tick", x: (L + W - R) / 2, y: H - 4, "text-anchor": "middle" }, root, "log scale");
  const sampled = f.kept.length + f.dropped.length < count ? `, drawn from a uniform sample of ` +
                  `${fmt(f.kept.length + f.dropped.length)}` : "";
  html("p", { class: "note" }, card, `${fmt(count)} values (kept ${fmt(f.count_kept)}, dropped ` +
       `${fmt(f.count_dropped)}), mean ${fmt(f.sum / Math.max(1, count))}, total ${fmt(f.sum)}` +
       `${sampled}`);
  const legend = html("ul", { class: "legend" }, card);
  for (const [name, color] of [["kept", "#2563eb"], ["dropped", "#dc2626"]]) {
    const item = html("li", {}, legend);
    html("span", { class: "swatch", style: `background:${color}` }, item);
    item.appendChild(document.createTextNode(name));
  }
}

function renderHistograms() {
  const nodes = data.nodes.filter((n) => n.meta_fields.length > 0);
  const s = section("Numeric meta fields added by nodes", nodes.length
    ? "Values of each number a node added to documents' meta, over the documents that left it."
    : "No node added a numeric meta field.");
  const cards = html("div", { class: "cards" }, s);
  for (const n of nodes) for (const f of n.meta_fields) histogram(cards, n, f);
}

function renderRanks() {
  if (data.ranks.length === 0) return;
  const s = section("Ranks", "A distributed run: what each rank read, and its time inside " +
                    "components (busy, summed over its nodes) and in all.");
  const table = html("table", {}, html("div", { class: "scroll" }, s));
  const head = html("tr", {}, html("thead", {}, table));
  const columns = [["rank", "num"], ["host", ""], ["status", ""], ["shards", "num"],
                   ["docs read", "num"], ["text read", "num"], ["busy s", "num"], ["wall s", "num"]];
  for (const [name, cls] of columns) html("th", { class: cls }, head, name);
  const body = html("tbody", {}, table);
  for (const r of data.ranks) {
    const tr = html("tr", {}, body);
    const cells = [[String(r.rank), "num"], [r.host, "mono"], [r.status, ""],
                   [fmt(r.shards_done), "num"], [fmt(r.docs_read), "num"],
                   [fmtBytes(r.bytes_read), "num"], [r.busy_seconds.toFixed(3), "num"],
                   [r.wall_seconds.toFixed(3), "num"]];
    for (const [text, cls] of cells) html("td", { class: cls }, tr, text);
  }
}

function render() {
  const steps = [renderSummary, renderGraph, renderNodeTable, renderRanks, renderDropReasons,
                 renderThroughput, renderHistograms];
  for (const step of steps) {
    // One broken part must not hide the others: report it and go on.
    try { step(); } catch (e) { window.loomReportError(`${step.name}: ${e && e.stack ? e.stack : e}`); }
  }
}
)JS";

}  // namespace loom::report
