#include "report/report.hpp"

namespace loom::report {

const char* const kPageStyle = R"CSS(
:root { --ink: #1f2937; --muted: #6b7280; --line: #d1d5db; --kept: #2563eb; --dropped: #dc2626; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink);
       background: #f9fafb; }
main { max-width: 1280px; margin: 0 auto; padding: 16px 24px 48px; }
h1 { font-size: 22px; margin: 8px 0 4px; }
h2 { font-size: 17px; margin: 28px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 14px; margin: 16px 0 4px; }
.note { color: var(--muted); margin: 2px 0 8px; }
.mono, code, pre { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 12.5px; }
.status { display: inline-block; padding: 1px 10px; border-radius: 10px; color: #fff; font-weight: 600; }
.status.succeeded { background: #15803d; } .status.failed, .status.invalid { background: var(--dropped); }
.facts { display: grid; grid-template-columns: repeat(auto-fill, minmax(170px, 1fr)); gap: 8px; margin: 12px 0; }
.fact { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 6px 10px; }
.fact b { display: block; font-size: 18px; }
.fact span { color: var(--muted); font-size: 12px; }
pre.messages { background: #fef2f2; border: 1px solid #fecaca; padding: 10px; overflow: auto;
               white-space: pre-wrap; word-break: break-word; }
.page-errors { background: #fef2f2; color: var(--dropped); border: 2px solid var(--dropped); margin: 0;
               padding: 8px 32px; }
.scroll { overflow-x: auto; background: #fff; border: 1px solid var(--line); border-radius: 6px; }
table { border-collapse: collapse; width: 100%; background: #fff; }
th, td { padding: 4px 8px; border-bottom: 1px solid #eef0f3; text-align: left; vertical-align: top; }
th { background: #f3f4f6; font-weight: 600; white-space: nowrap; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 8px 10px; }
.legend { display: flex; flex-wrap: wrap; gap: 4px 14px; margin: 4px 0 0; padding: 0; list-style: none;
          font-size: 12px; }
.swatch { display: inline-block; width: 10px; height: 10px; margin-right: 4px; border-radius: 2px; }
svg text { font-family: system-ui, sans-serif; }
svg .axis { stroke: #9ca3af; stroke-width: 1; }
svg .grid { stroke: #eef0f3; stroke-width: 1; }
svg .tick { fill: var(--muted); font-size: 11px; }
)CSS";

}  // namespace loom::report
