#include "dist/job_stats.hpp"

#include <algorithm>

namespace loom::dist {

namespace {

// Each rank's reservoir is a uniform sample of its own documents; the job keeps at most this many
// values per field and outcome, taken evenly from the concatenation.
constexpr std::size_t kJobReservoir = 4000;

void append_thinned(std::vector<double>& into, const std::vector<double>& more) {
  into.insert(into.end(), more.begin(), more.end());
  if (into.size() <= kJobReservoir) return;
  std::vector<double> kept;
  kept.reserve(kJobReservoir);
  for (std::size_t i = 0; i < kJobReservoir; ++i)
    kept.push_back(into[i * into.size() / kJobReservoir]);
  into = std::move(kept);
}

void add_meta(std::vector<MetaFieldSample>& into, const MetaFieldSample& m) {
  auto it = std::find_if(into.begin(), into.end(),
                         [&](const MetaFieldSample& have) { return have.field == m.field; });
  if (it == into.end()) {
    into.push_back(m);
    return;
  }
  const bool empty = it->count_kept + it->count_dropped == 0;
  it->min = empty ? m.min : std::min(it->min, m.min);
  it->max = empty ? m.max : std::max(it->max, m.max);
  it->count_kept += m.count_kept;
  it->count_dropped += m.count_dropped;
  it->sum += m.sum;
  append_thinned(it->sample_kept, m.sample_kept);
  append_thinned(it->sample_dropped, m.sample_dropped);
}

void add_node(std::vector<NodeStats>& into, const NodeStats& n) {
  auto it = std::find_if(into.begin(), into.end(),
                         [&](const NodeStats& have) { return have.id == n.id; });
  if (it == into.end()) {
    into.push_back(n);
    return;
  }
  it->batches += n.batches;
  it->docs_in += n.docs_in;
  it->docs_kept += n.docs_kept;
  it->docs_dropped += n.docs_dropped;
  for (const auto& [reason, count] : n.dropped_by_reason) it->dropped_by_reason[reason] += count;
  it->bytes_in += n.bytes_in;
  it->busy_seconds += n.busy_seconds;
  for (const MetaFieldSample& m : n.meta_fields) add_meta(it->meta_fields, m);
}

// The counters are cumulative, so the job's value at time t is the sum over ranks of each rank's
// last point at or before t. The grid is the longest-running rank's, which keeps the series as
// bounded as one rank's.
std::vector<TimelinePoint> merge_timelines(const std::vector<RankOutcome>& ranks,
                                           std::size_t node_count) {
  const RankOutcome* longest = nullptr;
  for (const RankOutcome& r : ranks)
    if (!r.stats.timeline.empty() &&
        (longest == nullptr ||
         r.stats.timeline.back().seconds > longest->stats.timeline.back().seconds))
      longest = &r;
  if (longest == nullptr) return {};
  std::vector<TimelinePoint> merged;
  for (const TimelinePoint& at : longest->stats.timeline) {
    TimelinePoint sum;
    sum.seconds = at.seconds;
    sum.docs_out.assign(node_count, 0);
    for (const RankOutcome& r : ranks) {
      const auto& points = r.stats.timeline;
      auto after = std::upper_bound(points.begin(), points.end(), at.seconds,
                                    [](double t, const TimelinePoint& p) { return t < p.seconds; });
      if (after == points.begin()) continue;
      const TimelinePoint& p = *std::prev(after);
      sum.docs_read += p.docs_read;
      sum.bytes_read += p.bytes_read;
      for (std::size_t k = 0; k < node_count && k < p.docs_out.size(); ++k)
        sum.docs_out[k] += p.docs_out[k];
    }
    merged.push_back(std::move(sum));
  }
  return merged;
}

RankStats rank_entry(int rank, const RankOutcome& r) {
  RankStats entry;
  entry.rank = rank;
  entry.host = r.host;
  entry.status = r.exit_code == 0 ? "succeeded" : r.stopped_by_peer ? "stopped" : "failed";
  entry.shards_done = r.stats.shards_done;
  entry.docs_read = r.stats.docs_read;
  entry.bytes_read = r.stats.bytes_read;
  for (const NodeStats& n : r.stats.nodes) entry.busy_seconds += n.busy_seconds;
  entry.wall_seconds = r.stats.wall_seconds;
  entry.bytes_exchanged = r.bytes_exchanged;
  return entry;
}

}  // namespace

RunStats merge_rank_stats(const std::vector<RankOutcome>& ranks) {
  RunStats job;
  for (std::size_t i = 0; i < ranks.size(); ++i) {
    const RunStats& s = ranks[i].stats;
    if (job.graph.empty()) {
      job.graph = s.graph;
      job.threads = s.threads;
      job.task_index = s.task_index;
      job.task_count = s.task_count;
    }
    job.shards_total += s.shards_total;
    job.shards_done += s.shards_done;
    job.docs_read += s.docs_read;
    job.bytes_read += s.bytes_read;
    job.wall_seconds = std::max(job.wall_seconds, s.wall_seconds);
    for (const NodeStats& n : s.nodes) add_node(job.nodes, n);
    job.ranks.push_back(rank_entry(static_cast<int>(i), ranks[i]));
  }
  job.timeline = merge_timelines(ranks, job.nodes.size());
  return job;
}

}  // namespace loom::dist
