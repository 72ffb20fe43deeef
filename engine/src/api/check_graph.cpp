#include "api/checked_graph_state.hpp"
#include "dist/distributable.hpp"

#include <loom/engine/engine.hpp>

#include <memory>
#include <mutex>

namespace loom {

namespace {

// Plugin libraries stay loaded for the life of the process: components may have left code
// (vtables, static destructors) behind that runs after the graph is gone.
Registry& process_lifetime_registry() {
  static std::mutex mutex;
  static std::vector<std::unique_ptr<Registry>> registries;
  std::lock_guard lock(mutex);
  registries.push_back(std::make_unique<Registry>());
  return *registries.back();
}

}  // namespace

CheckedGraph::CheckedGraph() : state_(std::make_unique<State>()) {}
CheckedGraph::CheckedGraph(CheckedGraph&&) noexcept = default;
CheckedGraph& CheckedGraph::operator=(CheckedGraph&&) noexcept = default;
CheckedGraph::~CheckedGraph() = default;

const std::vector<Diagnostic>& CheckedGraph::diagnostics() const { return state_->diagnostics; }
std::vector<Diagnostic>& CheckedGraph::diagnostics() { return state_->diagnostics; }
const GraphSpec& CheckedGraph::spec() const { return state_->spec; }
const CheckedGraph::State& CheckedGraph::state() const { return *state_; }

std::vector<CheckedNode> CheckedGraph::nodes() const {
  std::vector<CheckedNode> nodes;
  const BoundGraph& bound = state_->bound;
  for (const BoundNode& node : bound.nodes) {
    CheckedNode out;
    out.id = node.spec->id;
    out.kind = node.spec->kind;
    out.component = node.component != nullptr ? node.component->name : node.spec->type;
    for (const InputEdge& edge : node.inputs)
      out.inputs.push_back({bound.nodes[edge.from].spec->id, edge.dropped_port});
    nodes.push_back(std::move(out));
  }
  return nodes;
}

CheckedGraph check_graph(const std::string& graph_path, const CheckOptions& options) {
  CheckedGraph checked;
  CheckedGraph::State& state = *checked.state_;
  state.spec = load_graph_file(graph_path, options.variables, state.diagnostics);
  const GraphSpec& spec = state.spec;
  if (spec.nodes.empty() && has_errors(state.diagnostics)) return checked;

  state.registry = &process_lifetime_registry();
  const auto search_path = plugin_search_path(options.plugin_paths);
  bool plugins_loaded = true;
  for (std::size_t i = 0; i < spec.plugins.size(); ++i) {
    const SourceMark mark = i < spec.plugin_marks.size() ? spec.plugin_marks[i] : SourceMark{};
    plugins_loaded = state.registry->load_named(spec.plugins[i], search_path, state.diagnostics,
                                                spec.file, mark) &&
                     plugins_loaded;
  }
  // A plugin that failed to load skips validation, whose "unknown component" errors would only
  // repeat it.
  if (!plugins_loaded) return checked;
  state.bound = validate_graph(spec, *state.registry, state.diagnostics);
  if (!has_errors(state.diagnostics))
    dist::refuse_undistributable_nodes(state.bound, options.rank_count, state.diagnostics);
  return checked;
}

}  // namespace loom
