#include "cli/checked_graph.hpp"

#include <loom/engine/engine.hpp>

namespace loom::cli {

std::unique_ptr<CheckedGraph> check_graph(const std::string& path, const Context& ctx) {
  auto checked = std::make_unique<CheckedGraph>();
  checked->spec = load_graph_file(path, parse_sets(ctx.sets), checked->diagnostics);
  const GraphSpec& spec = checked->spec;
  if (spec.nodes.empty() && has_errors(checked->diagnostics)) return checked;

  const auto search_path = plugin_search_path(ctx.plugin_paths);
  bool plugins_loaded = true;
  for (std::size_t i = 0; i < spec.plugins.size(); ++i) {
    const SourceMark mark = i < spec.plugin_marks.size() ? spec.plugin_marks[i] : SourceMark{};
    plugins_loaded = checked->registry.load_named(spec.plugins[i], search_path,
                                                  checked->diagnostics, spec.file, mark) &&
                     plugins_loaded;
  }
  if (!plugins_loaded) return checked;
  checked->graph = validate_graph(spec, checked->registry, checked->diagnostics);
  return checked;
}

}  // namespace loom::cli
