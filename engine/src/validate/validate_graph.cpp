#include "config/diagnose.hpp"
#include "validate/bound_graph.hpp"
#include "validate/graph_checks.hpp"

#include <cstring>

namespace loom {
namespace {

std::size_t error_count(const std::vector<Diagnostic>& diagnostics) {
  std::size_t count = 0;
  for (const Diagnostic& d : diagnostics) count += d.severity == Severity::error ? 1 : 0;
  return count;
}

void report_unknown_component(const NodeSpec& node, const Registry& registry,
                              const std::string& file, std::vector<Diagnostic>& diagnostics) {
  std::vector<std::string> notes;
  const std::string match = closest_match(node.type, registry.component_names());
  if (!match.empty()) {
    const ComponentInfo* candidate = registry.find(match);
    std::string note = "did you mean " + quote(match) + "?";
    if (candidate != nullptr && candidate->plugin != nullptr)
      note += " (a " + std::string(kind_name(candidate->kind)) + " from plugin " +
              quote(candidate->plugin->name) + ")";
    notes.push_back(std::move(note));
  } else if (registry.plugins().empty()) {
    notes.push_back("no plugin is loaded: list the plugin that provides it under 'plugins:'");
  } else {
    std::vector<std::string> loaded;
    for (const auto& plugin : registry.plugins()) loaded.push_back(plugin->name);
    notes.push_back("no loaded plugin provides it (loaded: " + join(loaded, ", ") +
                    "); is its plugin missing from 'plugins:'?");
  }
  add_error(diagnostics, file, node.type_mark,
            "unknown component " + quote(node.type) + " (node " + quote(node.id) + ")",
            std::move(notes));
}

// Where a validate() error points: the option it names (err.record, ABI 1.2) when the graph sets
// it, else the node's options.
SourceMark validate_error_mark(const NodeSpec& node, const ComponentInfo& component,
                               std::int64_t record) {
  const bool names_option = component.plugin == nullptr || component.plugin->abi_minor >= 2 ||
                            component.plugin->abi_major > 1;
  if (names_option && record >= 0 && static_cast<std::size_t>(record) < component.options.size())
    for (const OptionEntry& entry : node.options)
      if (entry.name == component.options[static_cast<std::size_t>(record)].name)
        return entry.key_mark;
  return node.with_mark.line > 0 ? node.with_mark : node.mark;
}

void run_plugin_validate(const NodeSpec& node, const ComponentInfo& component,
                         const BoundOptions& options, const std::string& file,
                         std::vector<Diagnostic>& diagnostics) {
  loom_error err{};
  err.struct_size = sizeof(loom_error);
  err.record = -1;
  err.line = -1;
  err.byte_offset = -1;
  if (component.component->validate(options.passed(), options.values.size(), &err) == 0) return;
  const std::string message(err.message, strnlen(err.message, sizeof err.message));
  const std::string plugin_file = component.plugin != nullptr ? component.plugin->file : "?";
  add_error(diagnostics, file, validate_error_mark(node, component, err.record),
            "options of node " + quote(node.id) + " rejected by " + kind_name(component.kind) +
                " " + quote(component.name) + " (" + plugin_file +
                "): " + (message.empty() ? "no reason given" : message));
}

}  // namespace

BoundGraph validate_graph(const GraphSpec& spec, const Registry& registry,
                          std::vector<Diagnostic>& diagnostics) {
  BoundGraph graph;
  graph.spec = &spec;
  graph.nodes.resize(spec.nodes.size());
  for (std::size_t i = 0; i < spec.nodes.size(); ++i) {
    const NodeSpec& node = spec.nodes[i];
    BoundNode& bound = graph.nodes[i];
    bound.spec = &node;
    if (node.type.empty()) continue;  // the loader reported it
    const ComponentInfo* component = registry.find(node.type);
    if (component == nullptr) {
      report_unknown_component(node, registry, spec.file, diagnostics);
      continue;
    }
    bound.component = component;
    if (component->kind != node.kind) {
      add_error(diagnostics, spec.file, node.type_mark,
                "component " + quote(component->name) + " is a " + kind_name(component->kind) +
                    ", but node " + quote(node.id) + " is listed under " +
                    quote(section_name(node.kind)),
                {"move node " + quote(node.id) + " under " + quote(section_name(component->kind))});
    }
    const std::size_t errors_before = error_count(diagnostics);
    bound.options = bind_options(node, *component, spec.file, diagnostics);
    if (error_count(diagnostics) == errors_before && component->component->validate != nullptr)
      run_plugin_validate(node, *component, *bound.options, spec.file, diagnostics);
  }
  check_topology(spec, graph, diagnostics);
  return graph;
}

}  // namespace loom
