#include "runtime/resume_plan.hpp"

#include "runtime/key_exchange_stage.hpp"
#include "runtime/resume.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cstring>
#include <limits>

namespace loom::runtime {

namespace {

void add_file_identity(Fingerprint& fingerprint, const std::string& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) return;  // a URL, or gone (reading it will say so)
  fingerprint.add(static_cast<std::uint64_t>(info.st_size));
  fingerprint.add(static_cast<std::uint64_t>(info.st_mtim.tv_sec));
  fingerprint.add(static_cast<std::uint64_t>(info.st_mtim.tv_nsec));
}

std::uint64_t float_bits(double value) {
  std::uint64_t bits = 0;
  std::memcpy(&bits, &value, sizeof bits);
  return bits;
}

void add_option(Fingerprint& fingerprint, const loom_option_value& value, std::uint32_t type) {
  fingerprint.add(static_cast<std::uint64_t>(type));
  fingerprint.add(static_cast<std::uint64_t>(value.present));
  switch (type) {
    case LOOM_OPTION_BOOL: fingerprint.add(static_cast<std::uint64_t>(value.b)); break;
    case LOOM_OPTION_INT: fingerprint.add(static_cast<std::uint64_t>(value.i)); break;
    case LOOM_OPTION_FLOAT: fingerprint.add(float_bits(value.f)); break;
    case LOOM_OPTION_STRING:
    case LOOM_OPTION_ENUM: fingerprint.add(std::string_view(value.s.data, value.s.size)); break;
    case LOOM_OPTION_STRING_LIST:
    case LOOM_OPTION_STRING_MAP: {
      const std::size_t items = value.count;  // a map's count includes keys and values
      fingerprint.add(static_cast<std::uint64_t>(items));
      for (std::size_t k = 0; value.items != nullptr && k < items; ++k)
        fingerprint.add(std::string_view(value.items[k].data, value.items[k].size));
      break;
    }
    case LOOM_OPTION_INT_LIST:
      fingerprint.add(static_cast<std::uint64_t>(value.count));
      for (std::size_t k = 0; value.ints != nullptr && k < value.count; ++k)
        fingerprint.add(static_cast<std::uint64_t>(value.ints[k]));
      break;
    case LOOM_OPTION_FLOAT_LIST:
      fingerprint.add(static_cast<std::uint64_t>(value.count));
      for (std::size_t k = 0; value.floats != nullptr && k < value.count; ++k)
        fingerprint.add(float_bits(value.floats[k]));
      break;
    default: break;
  }
}

}  // namespace

SourceStart plan_source_start(const std::vector<std::uint64_t>& shard_indexes,
                              const std::map<std::uint64_t, std::uint64_t>& starts,
                              std::int64_t oldest_written, bool replay_all) {
  SourceStart start;
  if (replay_all || oldest_written < 0) return start;
  const auto next = static_cast<std::uint64_t>(oldest_written + 1);
  // The last shard (in reading order) that started at or before the oldest unwritten batch.
  for (std::size_t position = 0; position < shard_indexes.size(); ++position) {
    const auto it = starts.find(shard_indexes[position]);
    if (it == starts.end() || it->second > next) break;
    start.position = position;
    start.seq = it->second;
  }
  start.discard_through = oldest_written;
  return start;
}

std::string run_fingerprint(const BoundGraph& graph,
                            const std::map<std::size_t, std::vector<std::string>>& shards,
                            std::size_t batch_bytes, int task_index, int task_count) {
  Fingerprint fingerprint;
  fingerprint.add(static_cast<std::uint64_t>(batch_bytes));
  fingerprint.add(static_cast<std::uint64_t>(task_index));
  fingerprint.add(static_cast<std::uint64_t>(task_count));
  for (std::size_t i = 0; i < graph.nodes.size(); ++i) {
    const BoundNode& node = graph.nodes[i];
    fingerprint.add(node.spec->id);
    fingerprint.add(node.component->name);
    fingerprint.add(node.component->plugin->file);
    add_file_identity(fingerprint, node.component->plugin->file);
    for (const InputEdge& edge : node.inputs) {
      fingerprint.add(static_cast<std::uint64_t>(edge.from));
      fingerprint.add(static_cast<std::uint64_t>(edge.dropped_port));
    }
    const std::vector<loom_option_spec>& specs = node.component->options;
    if (node.options) {
      for (std::size_t k = 0; k < node.options->values.size(); ++k) {
        const std::uint32_t type = k < specs.size() ? specs[k].type : 0;
        add_option(fingerprint, node.options->values[k], type);
      }
    }
    const auto it = shards.find(i);
    if (it == shards.end()) continue;
    for (const std::string& uri : it->second) {
      fingerprint.add(uri);
      add_file_identity(fingerprint, uri);
    }
  }
  return fingerprint.hex();
}

std::string plan_resume(Resume& resume, const BoundGraph& graph, const RunShards& shards,
                        std::size_t batch_bytes, int task_index, int task_count, int rank_count,
                        bool restart, ResumePlan& plan) {
  const std::size_t count = graph.nodes.size();
  plan.written.assign(count, -1);
  plan.starts.assign(count, SourceStart{});
  plan.shards_done = 0;
  if (!resume.enabled()) return {};
  std::map<std::size_t, std::vector<std::string>> shard_uris;
  std::map<std::size_t, std::string> ids;
  for (std::size_t i = 0; i < count; ++i) {
    ids[i] = graph.nodes[i].spec->id;
    for (const auto& shard : shards[i]) shard_uris[i].push_back(shard->uri);
  }
  const std::string fingerprint =
      run_fingerprint(graph, shard_uris, batch_bytes, task_index, task_count);
  if (std::string error = resume.load(fingerprint, restart, ids); !error.empty()) return error;
  if (!resume.loaded()) return {};
  for (std::size_t i = 0; i < count; ++i) {
    if (graph.nodes[i].component->kind != NodeKind::sink) continue;
    plan.written[i] = resume.sink_written(i);
    io::adopt_outputs(static_cast<int>(i), resume.sink_outputs(i));
  }
  for (std::size_t i = 0; i < count; ++i) {
    if (graph.nodes[i].component->kind != NodeKind::source) continue;
    std::int64_t oldest = std::numeric_limits<std::int64_t>::max();
    bool replay_all = false;
    for (std::size_t j = 0; j < count; ++j) {
      const BoundNode& other = graph.nodes[j];
      if (j == i || other.source != i) continue;
      if (other.component->kind == NodeKind::sink) oldest = std::min(oldest, plan.written[j]);
      // Stages with state across batches must see every document again.
      if (other.component->order_sensitive() || runs_whole_input(*other.component, rank_count))
        replay_all = true;
    }
    if (oldest == std::numeric_limits<std::int64_t>::max()) oldest = -1;
    std::vector<std::uint64_t> indexes;
    for (const auto& shard : shards[i]) indexes.push_back(shard->index);
    plan.starts[i] = plan_source_start(indexes, resume.shard_starts(i), oldest, replay_all);
    plan.shards_done += plan.starts[i].position;
  }
  return {};
}

}  // namespace loom::runtime
