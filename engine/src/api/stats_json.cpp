#include <loom/engine/engine.hpp>

#include "base/json_text.hpp"

#include <charconv>
#include <string>

namespace loom {

namespace {

void append_number(std::string& out, double value) {
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::fixed, 6);
  out.append(buf, res.ptr);
}

// Small helper so each field reads as one line below.
class JsonObject {
 public:
  JsonObject(std::string& out, int indent) : out_(out), indent_(indent) { out_ += "{"; }
  void key(std::string_view k) {
    out_ += first_ ? "\n" : ",\n";
    first_ = false;
    out_.append(static_cast<std::size_t>(indent_ + 2), ' ');
    append_json_string(out_, k);
    out_ += ": ";
  }
  void field(std::string_view k, std::string_view v) {
    key(k);
    append_json_string(out_, v);
  }
  void field(std::string_view k, std::uint64_t v) {
    key(k);
    out_ += std::to_string(v);
  }
  void field(std::string_view k, std::int64_t v) {
    key(k);
    out_ += std::to_string(v);
  }
  void field(std::string_view k, int v) {
    key(k);
    out_ += std::to_string(v);
  }
  void field(std::string_view k, double v) {
    key(k);
    append_number(out_, v);
  }
  void close() {
    if (first_) {
      out_ += "}";
      return;
    }
    out_ += "\n";
    out_.append(static_cast<std::size_t>(indent_), ' ');
    out_ += "}";
  }

 private:
  std::string& out_;
  int indent_;
  bool first_ = true;
};

}  // namespace

std::string stats_to_json(const RunStats& stats) {
  std::string out;
  JsonObject root(out, 0);
  root.field("graph", stats.graph);
  root.field("status", stats.status);
  root.field("threads", stats.threads);
  root.field("task", std::to_string(stats.task_index) + "/" + std::to_string(stats.task_count));
  root.field("shards_total", stats.shards_total);
  root.field("shards_done", stats.shards_done);
  root.field("docs_read", stats.docs_read);
  root.field("bytes_read", stats.bytes_read);
  root.field("wall_seconds", stats.wall_seconds);
  root.key("nodes");
  out += "[";
  for (std::size_t i = 0; i < stats.nodes.size(); ++i) {
    const NodeStats& n = stats.nodes[i];
    out += i == 0 ? "\n    " : ",\n    ";
    JsonObject node(out, 4);
    node.field("id", n.id);
    node.field("component", n.component);
    node.field("kind", n.kind);
    node.field("batches", n.batches);
    node.field("docs_in", n.docs_in);
    node.field("docs_kept", n.docs_kept);
    node.field("docs_dropped", n.docs_dropped);
    node.key("dropped_by_reason");
    JsonObject reasons(out, 6);
    for (const auto& [reason, count] : n.dropped_by_reason) reasons.field(reason, count);
    reasons.close();
    node.field("bytes_in", n.bytes_in);
    node.field("busy_seconds", n.busy_seconds);
    if (!n.second_pass.empty()) node.field("second_pass", n.second_pass);
    if (n.second_pass == "reread")
      node.field("second_pass_kept_batches", n.second_pass_kept_batches);
    if (!n.meta_totals.empty()) {
      node.key("meta_totals");
      JsonObject totals(out, 6);
      for (const auto& [field, total] : n.meta_totals) totals.field(field, total);
      totals.close();
    }
    node.close();
  }
  out += stats.nodes.empty() ? "]" : "\n  ]";
  if (!stats.ranks.empty()) {  // a distributed run: what each rank did
    root.key("ranks");
    out += "[";
    for (std::size_t i = 0; i < stats.ranks.size(); ++i) {
      const RankStats& r = stats.ranks[i];
      out += i == 0 ? "\n    " : ",\n    ";
      JsonObject rank(out, 4);
      rank.field("rank", r.rank);
      rank.field("host", r.host);
      rank.field("status", r.status);
      rank.field("shards_done", r.shards_done);
      rank.field("docs_read", r.docs_read);
      rank.field("bytes_read", r.bytes_read);
      rank.field("busy_seconds", r.busy_seconds);
      rank.field("bytes_exchanged", r.bytes_exchanged);
      rank.field("wall_seconds", r.wall_seconds);
      rank.close();
    }
    out += "\n  ]";
  }
  root.close();
  out += "\n";
  return out;
}

}  // namespace loom
