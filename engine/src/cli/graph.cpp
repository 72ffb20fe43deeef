#include "cli/verbs.hpp"

#include <loom/engine/engine.hpp>

#include <cstdio>
#include <filesystem>

namespace loom::cli {
namespace {

// Text inside a double-quoted DOT or Mermaid string.
std::string escape_quoted(const std::string& text, bool mermaid) {
  std::string out;
  for (char c : text) {
    if (c == '"') {
      out += mermaid ? "#quot;" : "\\\"";
    } else if (c == '\\' && !mermaid) {
      out += "\\\\";
    } else {
      out += c;
    }
  }
  return out;
}

std::string to_dot(const std::vector<CheckedNode>& nodes, const std::string& name) {
  std::string out = "digraph \"" + escape_quoted(name, false) + "\" {\n";
  out += "  rankdir=LR;\n  node [shape=box];\n";
  for (const CheckedNode& node : nodes)
    out += "  \"" + node.id + "\" [label=\"" + node.id + "\\n(" +
           escape_quoted(node.component, false) + ")\"];\n";
  for (const CheckedNode& node : nodes)
    for (const CheckedInput& input : node.inputs) {
      out += "  \"" + input.node + "\" -> \"" + node.id + "\"";
      out += input.dropped_port ? " [label=\"dropped\"];\n" : ";\n";
    }
  return out + "}\n";
}

// Mermaid reads a bare `end` as a keyword; ids are lowercase, so the capitalized form is free.
std::string mermaid_id(const std::string& id) { return id == "end" ? "End" : id; }

std::string to_mermaid(const std::vector<CheckedNode>& nodes) {
  std::string out = "flowchart LR\n";
  for (const CheckedNode& node : nodes)
    out += "  " + mermaid_id(node.id) + "[\"" + node.id + "<br/>(" +
           escape_quoted(node.component, true) + ")\"]\n";
  for (const CheckedNode& node : nodes)
    for (const CheckedInput& input : node.inputs)
      out += "  " + mermaid_id(input.node) + (input.dropped_port ? " -->|dropped| " : " --> ") +
             node.id + "\n";
  return out;
}

}  // namespace

void register_graph(CLI::App& app, Context& ctx) {
  struct Args {
    std::string graph;
    std::string format = "dot";
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd =
      app.add_subcommand("graph", "Print a validated graph as Graphviz DOT or a Mermaid flowchart");
  cmd->add_option("graph", args->graph, "The graph file (YAML)")->required();
  cmd->add_option("--format", args->format, "Output format: dot (default) or mermaid")
      ->check(CLI::IsMember({"dot", "mermaid"}));
  cmd->add_option("--set", ctx.sets, "Set a graph variable: NAME=VALUE (repeatable)");
  cmd->add_option("--plugin-path", ctx.plugin_paths,
                  "Extra folder to search for plugins (repeatable; before LOOM_PLUGIN_PATH)");
  cmd->callback([args, &ctx] {
    const CheckedGraph checked = check_graph(args->graph, ctx);
    std::fputs(render_all(checked.diagnostics()).c_str(), stderr);
    if (!checked.ok()) {
      ctx.exit_code = exit_config_error;
      return;
    }
    const std::string name = std::filesystem::path(args->graph).stem().string();
    const std::string text =
        args->format == "mermaid" ? to_mermaid(checked.nodes()) : to_dot(checked.nodes(), name);
    std::fputs(text.c_str(), stdout);
    ctx.exit_code = exit_ok;
  });
}

}  // namespace loom::cli
