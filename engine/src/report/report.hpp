// `loom run --report FILE`: one self-contained HTML page about a run (the graph drawn, documents
// in and out per node, drop reasons, throughput over time, histograms of the numeric meta fields
// filters add). Inline CSS, JS and SVG only: the page loads nothing, and a Content-Security-Policy
// forbids it to. Every string from the run (ids, reasons, field names, messages) travels as JSON
// inside a <script type="application/json"> with '<' escaped, and is drawn with textContent, so
// no graph or document can inject markup or script.
#pragma once

#include <loom/engine/engine.hpp>

#include <string>

namespace loom::report {

// The run as JSON for the page's script, safe to embed in HTML (no '<', '>' or '&').
std::string report_data_json(const RunResult& run, const std::string& graph_path);

// The whole page around `data_json`.
std::string render_page(const std::string& data_json);

// The page's style sheet and script (in two parts: graph and tables, then charts).
extern const char* const kPageStyle;
extern const char* const kGraphScript;
extern const char* const kChartScript;

// Writes the page atomically (temporary file, then rename). Returns an error text, or "".
std::string write_report(const std::string& path, const RunResult& run,
                         const std::string& graph_path);

}  // namespace loom::report
