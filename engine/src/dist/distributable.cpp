#include "dist/distributable.hpp"

#include <string>

namespace loom::dist {

namespace {

bool mentions_shard(const ConfigValue& value) {
  if (value.type == ConfigValue::Type::scalar)
    return value.scalar.find("{shard}") != std::string::npos;
  for (const ConfigValue& item : value.items)
    if (mentions_shard(item)) return true;
  for (const auto& [key, entry] : value.entries)
    if (mentions_shard(entry)) return true;
  return false;
}

// Why `node` cannot be split across ranks, or "" if it can.
std::string why_not_distributable(const BoundNode& node) {
  const ComponentInfo& info = *node.component;
  if (info.kind == NodeKind::sink) {
    for (const OptionEntry& option : node.spec->options)
      if (mentions_shard(option.value)) return {};
    return "does not name its outputs by input shard ({shard} in none of its options): every "
           "rank would write the same files, each replacing the others'";
  }
  if (exchanges_keys_across_ranks(info)) return {};
  const char* what = info.kind == NodeKind::deduper ? "is a deduper"
                     : info.whole_input()           ? "sees its whole input before it emits"
                     : info.order_sensitive()       ? "keeps state from one batch to the next"
                                                    : nullptr;
  if (what == nullptr) return {};
  return std::string(what) +
         ": each rank would see only its share of the input, so its decisions would differ "
         "from one process's; this component cannot exchange its keys across ranks (it has no "
         "export_keys/import_keys, plugin ABI 1.3)";
}

}  // namespace

bool exchanges_keys_across_ranks(const ComponentInfo& info) {
  return info.kind != NodeKind::source && info.kind != NodeKind::sink &&
         info.has(&loom_component::export_keys) && info.has(&loom_component::import_keys) &&
         info.component->export_keys != nullptr && info.component->import_keys != nullptr &&
         info.has(&loom_component::observe) && info.component->observe != nullptr;
}

void refuse_undistributable_nodes(const BoundGraph& graph, int rank_count,
                                  std::vector<Diagnostic>& diagnostics) {
  if (rank_count <= 1) return;
  for (const BoundNode& node : graph.nodes) {
    const std::string why = why_not_distributable(node);
    if (why.empty()) continue;
    Diagnostic d;
    d.file = graph.spec != nullptr ? graph.spec->file : std::string();
    d.mark = node.spec->type_mark;
    d.message = "node '" + node.spec->id + "' (" + node.component->name + ") " + why +
                " (a distributed run of " + std::to_string(rank_count) + " ranks)";
    d.notes.push_back("run this graph as one process (without mpirun/srun), or with -n 1");
    d.notes.push_back(node.component->kind == NodeKind::sink
                          ? "or put {shard} in the output path, e.g. out/{shard}.jsonl"
                          : "or split it with --task I/N, each task deciding over its own share "
                            "only (docs/guides/scale-out.md)");
    diagnostics.push_back(std::move(d));
  }
}

}  // namespace loom::dist
