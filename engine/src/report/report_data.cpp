// The run as JSON for the report page. Strings are escaped for JSON and, in addition, '<', '>',
// '&' become \u003c, \u003e, \u0026, so the text can sit inside a <script> element whatever it
// holds (a drop reason "</script>" stays data).
#include "report/report.hpp"

#include "base/json_text.hpp"

#include <charconv>
#include <cmath>

namespace loom::report {

namespace {

void append_string(std::string& out, std::string_view s) {
  append_json_string(out, s, /*for_html_script=*/true);
}

void append_number(std::string& out, double value) {
  if (!std::isfinite(value)) {
    out += "null";
    return;
  }
  char buf[64];
  const auto res = std::to_chars(buf, buf + sizeof buf, value);
  out.append(buf, res.ptr);
}

void append_number(std::string& out, std::uint64_t value) { out += std::to_string(value); }

// `"key":` then the value; a comma first unless `first`.
void key(std::string& out, std::string_view name, bool first = false) {
  if (!first) out += ',';
  append_string(out, name);
  out += ':';
}

template <typename T>
void append_array(std::string& out, const std::vector<T>& values) {
  out += '[';
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ',';
    append_number(out, values[i]);
  }
  out += ']';
}

void append_meta_field(std::string& out, const MetaFieldSample& f) {
  key(out, "field", true);
  append_string(out, f.field);
  key(out, "count_kept");
  append_number(out, f.count_kept);
  key(out, "count_dropped");
  append_number(out, f.count_dropped);
  key(out, "min");
  append_number(out, f.min);
  key(out, "max");
  append_number(out, f.max);
  key(out, "sum");
  append_number(out, f.sum);
  key(out, "kept");
  append_array(out, f.sample_kept);
  key(out, "dropped");
  append_array(out, f.sample_dropped);
}

void append_node(std::string& out, const NodeStats& n) {
  key(out, "id", true);
  append_string(out, n.id);
  key(out, "component");
  append_string(out, n.component);
  key(out, "kind");
  append_string(out, n.kind);
  key(out, "inputs");
  out += '[';
  for (std::size_t i = 0; i < n.inputs.size(); ++i) {
    if (i > 0) out += ',';
    append_string(out, n.inputs[i]);
  }
  out += ']';
  for (const auto& [name, value] : {std::pair{"batches", n.batches},
                                    {"docs_in", n.docs_in},
                                    {"docs_kept", n.docs_kept},
                                    {"docs_dropped", n.docs_dropped},
                                    {"bytes_in", n.bytes_in}}) {
    key(out, name);
    append_number(out, value);
  }
  key(out, "busy_seconds");
  append_number(out, n.busy_seconds);
  // Pairs rather than an object: reasons are arbitrary text (even "__proto__").
  key(out, "dropped_by_reason");
  out += '[';
  bool first = true;
  for (const auto& [reason, count] : n.dropped_by_reason) {
    out += first ? "[" : ",[";
    first = false;
    append_string(out, reason);
    out += ',';
    append_number(out, count);
    out += ']';
  }
  out += ']';
  key(out, "meta_fields");
  out += '[';
  for (std::size_t i = 0; i < n.meta_fields.size(); ++i) {
    out += i > 0 ? ",{" : "{";
    append_meta_field(out, n.meta_fields[i]);
    out += '}';
  }
  out += ']';
}

void append_timeline(std::string& out, const RunStats& s) {
  std::vector<double> seconds;
  std::vector<std::uint64_t> docs_read, bytes_read;
  for (const TimelinePoint& p : s.timeline) {
    seconds.push_back(p.seconds);
    docs_read.push_back(p.docs_read);
    bytes_read.push_back(p.bytes_read);
  }
  key(out, "seconds", true);
  append_array(out, seconds);
  key(out, "docs_read");
  append_array(out, docs_read);
  key(out, "bytes_read");
  append_array(out, bytes_read);
  // One series per node: its documents out at each point.
  key(out, "docs_out");
  out += '[';
  for (std::size_t k = 0; k < s.nodes.size(); ++k) {
    std::vector<std::uint64_t> series;
    for (const TimelinePoint& p : s.timeline)
      series.push_back(k < p.docs_out.size() ? p.docs_out[k] : 0);
    if (k > 0) out += ',';
    append_array(out, series);
  }
  out += ']';
}

}  // namespace

std::string report_data_json(const RunResult& run, const std::string& graph_path) {
  const RunStats& s = run.stats;
  std::string out = "{";
  key(out, "graph", true);
  append_string(out, graph_path);
  key(out, "status");
  append_string(out, run.exit_code == exit_config_error ? "invalid"
                     : run.exit_code == exit_ok         ? "succeeded"
                                                        : "failed");
  key(out, "messages");
  append_string(out, run.diagnostics.empty() ? std::string() : render_all(run.diagnostics));
  key(out, "threads");
  append_number(out, static_cast<std::uint64_t>(s.threads < 0 ? 0 : s.threads));
  key(out, "task");
  append_string(out, std::to_string(s.task_index) + "/" + std::to_string(s.task_count));
  for (const auto& [name, value] : {std::pair{"shards_total", s.shards_total},
                                    {"shards_done", s.shards_done},
                                    {"docs_read", s.docs_read},
                                    {"bytes_read", s.bytes_read}}) {
    key(out, name);
    append_number(out, value);
  }
  key(out, "wall_seconds");
  append_number(out, s.wall_seconds);
  key(out, "nodes");
  out += '[';
  for (std::size_t i = 0; i < s.nodes.size(); ++i) {
    out += i > 0 ? ",{" : "{";
    append_node(out, s.nodes[i]);
    out += '}';
  }
  out += ']';
  key(out, "ranks");  // a distributed run's ranks (docs/guides/scale-out.md); else empty
  out += '[';
  for (std::size_t i = 0; i < s.ranks.size(); ++i) {
    const RankStats& r = s.ranks[i];
    out += i > 0 ? ",{" : "{";
    key(out, "rank", true);
    append_number(out, static_cast<std::uint64_t>(r.rank));
    key(out, "host");
    append_string(out, r.host);
    key(out, "status");
    append_string(out, r.status);
    for (const auto& [name, value] : {std::pair{"shards_done", r.shards_done},
                                      {"docs_read", r.docs_read},
                                      {"bytes_read", r.bytes_read}}) {
      key(out, name);
      append_number(out, value);
    }
    key(out, "busy_seconds");
    append_number(out, r.busy_seconds);
    key(out, "wall_seconds");
    append_number(out, r.wall_seconds);
    out += '}';
  }
  out += ']';
  key(out, "timeline");
  out += '{';
  append_timeline(out, s);
  out += "}}";
  return out;
}

}  // namespace loom::report
