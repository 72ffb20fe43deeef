#include "dist/rank_outcome_wire.hpp"

#include <cstring>
#include <stdexcept>

namespace loom::dist {

namespace {

class Writer {
 public:
  void u64(std::uint64_t v) { out_.append(reinterpret_cast<const char*>(&v), sizeof v); }
  void i64(std::int64_t v) { u64(static_cast<std::uint64_t>(v)); }
  void f64(double v) {
    std::uint64_t bits = 0;
    std::memcpy(&bits, &v, sizeof bits);
    u64(bits);
  }
  void str(const std::string& s) {
    u64(s.size());
    out_ += s;
  }
  void doubles(const std::vector<double>& values) {
    u64(values.size());
    for (double v : values) f64(v);
  }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

class Reader {
 public:
  explicit Reader(const std::string& in) : in_(in) {}
  std::uint64_t u64() {
    need(sizeof(std::uint64_t));
    std::uint64_t v = 0;
    std::memcpy(&v, in_.data() + at_, sizeof v);
    at_ += sizeof v;
    return v;
  }
  std::int64_t i64() { return static_cast<std::int64_t>(u64()); }
  int i32() { return static_cast<int>(i64()); }
  double f64() {
    const std::uint64_t bits = u64();
    double v = 0;
    std::memcpy(&v, &bits, sizeof v);
    return v;
  }
  std::string str() {
    const std::uint64_t n = count(1);
    std::string s = in_.substr(at_, n);
    at_ += n;
    return s;
  }
  std::vector<double> doubles() {
    std::vector<double> values(count(sizeof(double)));
    for (double& v : values) v = f64();
    return values;
  }
  // An element count, checked against the bytes left (each element takes at least `unit`).
  std::size_t count(std::size_t unit) {
    const std::uint64_t n = u64();
    if (n > (in_.size() - at_) / unit) throw std::runtime_error("a rank's outcome is truncated");
    return static_cast<std::size_t>(n);
  }
  bool at_end() const { return at_ == in_.size(); }

 private:
  void need(std::size_t n) const {
    if (in_.size() - at_ < n) throw std::runtime_error("a rank's outcome is truncated");
  }
  const std::string& in_;
  std::size_t at_ = 0;
};

void put_meta(Writer& w, const MetaFieldSample& m) {
  w.str(m.field);
  w.u64(m.count_kept);
  w.u64(m.count_dropped);
  w.f64(m.min);
  w.f64(m.max);
  w.f64(m.sum);
  w.doubles(m.sample_kept);
  w.doubles(m.sample_dropped);
}

MetaFieldSample get_meta(Reader& r) {
  MetaFieldSample m;
  m.field = r.str();
  m.count_kept = r.u64();
  m.count_dropped = r.u64();
  m.min = r.f64();
  m.max = r.f64();
  m.sum = r.f64();
  m.sample_kept = r.doubles();
  m.sample_dropped = r.doubles();
  return m;
}

void put_node(Writer& w, const NodeStats& n) {
  w.str(n.id);
  w.str(n.component);
  w.str(n.kind);
  w.u64(n.batches);
  w.u64(n.docs_in);
  w.u64(n.docs_kept);
  w.u64(n.docs_dropped);
  w.u64(n.dropped_by_reason.size());
  for (const auto& [reason, count] : n.dropped_by_reason) {
    w.str(reason);
    w.u64(count);
  }
  w.u64(n.bytes_in);
  w.f64(n.busy_seconds);
  w.u64(n.inputs.size());
  for (const std::string& input : n.inputs) w.str(input);
  w.u64(n.meta_fields.size());
  for (const MetaFieldSample& m : n.meta_fields) put_meta(w, m);
}

NodeStats get_node(Reader& r) {
  NodeStats n;
  n.id = r.str();
  n.component = r.str();
  n.kind = r.str();
  n.batches = r.u64();
  n.docs_in = r.u64();
  n.docs_kept = r.u64();
  n.docs_dropped = r.u64();
  for (std::size_t i = r.count(16); i > 0; --i) {
    std::string reason = r.str();
    n.dropped_by_reason[reason] = r.u64();
  }
  n.bytes_in = r.u64();
  n.busy_seconds = r.f64();
  for (std::size_t i = r.count(8); i > 0; --i) n.inputs.push_back(r.str());
  for (std::size_t i = r.count(64); i > 0; --i) n.meta_fields.push_back(get_meta(r));
  return n;
}

}  // namespace

std::string encode_rank_outcome(const RankOutcome& outcome) {
  Writer w;
  w.str(outcome.host);
  w.i64(outcome.exit_code);
  w.u64(outcome.stopped_by_peer ? 1 : 0);
  w.u64(outcome.bytes_exchanged);
  const RunStats& s = outcome.stats;
  w.str(s.graph);
  w.str(s.status);
  w.i64(s.threads);
  w.i64(s.task_index);
  w.i64(s.task_count);
  w.u64(s.shards_total);
  w.u64(s.shards_done);
  w.u64(s.docs_read);
  w.u64(s.bytes_read);
  w.f64(s.wall_seconds);
  w.u64(s.nodes.size());
  for (const NodeStats& n : s.nodes) put_node(w, n);
  w.u64(s.timeline.size());
  for (const TimelinePoint& p : s.timeline) {
    w.f64(p.seconds);
    w.u64(p.docs_read);
    w.u64(p.bytes_read);
    w.u64(p.docs_out.size());
    for (std::uint64_t v : p.docs_out) w.u64(v);
  }
  w.u64(outcome.diagnostics.size());
  for (const Diagnostic& d : outcome.diagnostics) {
    w.i64(d.severity == Severity::error ? 0 : 1);
    w.str(d.file);
    w.i64(d.mark.line);
    w.i64(d.mark.column);
    w.str(d.message);
    w.u64(d.notes.size());
    for (const std::string& note : d.notes) w.str(note);
  }
  return w.take();
}

RankOutcome decode_rank_outcome(const std::string& bytes) {
  Reader r(bytes);
  RankOutcome outcome;
  outcome.host = r.str();
  outcome.exit_code = r.i32();
  outcome.stopped_by_peer = r.u64() != 0;
  outcome.bytes_exchanged = r.u64();
  RunStats& s = outcome.stats;
  s.graph = r.str();
  s.status = r.str();
  s.threads = r.i32();
  s.task_index = r.i32();
  s.task_count = r.i32();
  s.shards_total = r.u64();
  s.shards_done = r.u64();
  s.docs_read = r.u64();
  s.bytes_read = r.u64();
  s.wall_seconds = r.f64();
  for (std::size_t i = r.count(64); i > 0; --i) s.nodes.push_back(get_node(r));
  for (std::size_t i = r.count(32); i > 0; --i) {
    TimelinePoint p;
    p.seconds = r.f64();
    p.docs_read = r.u64();
    p.bytes_read = r.u64();
    for (std::size_t k = r.count(8); k > 0; --k) p.docs_out.push_back(r.u64());
    s.timeline.push_back(std::move(p));
  }
  for (std::size_t i = r.count(40); i > 0; --i) {
    Diagnostic d;
    d.severity = r.i64() == 0 ? Severity::error : Severity::warning;
    d.file = r.str();
    d.mark.line = r.i32();
    d.mark.column = r.i32();
    d.message = r.str();
    for (std::size_t k = r.count(8); k > 0; --k) d.notes.push_back(r.str());
    outcome.diagnostics.push_back(std::move(d));
  }
  if (!r.at_end()) throw std::runtime_error("a rank's outcome has trailing bytes");
  return outcome;
}

}  // namespace loom::dist
