#include "cli/verbs.hpp"

#include <loom/engine/engine.hpp>

#include <cstdio>

namespace loom::cli {

void register_validate(CLI::App& app, Context& ctx) {
  auto graph_path = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand(
      "validate", "Check a graph file: syntax, plugins, components, options and wiring");
  cmd->add_option("graph", *graph_path, "The graph file (YAML)")->required();
  cmd->add_option("--set", ctx.sets, "Set a graph variable: NAME=VALUE (repeatable)");
  cmd->add_option("--plugin-path", ctx.plugin_paths,
                  "Extra folder to search for plugins (repeatable; before LOOM_PLUGIN_PATH)");
  cmd->callback([graph_path, &ctx] {
    const CheckedGraph checked = check_graph(*graph_path, ctx);
    std::fputs(render_all(checked.diagnostics()).c_str(), stderr);
    if (!checked.ok()) {
      ctx.exit_code = exit_config_error;
      return;
    }
    std::printf("%s: ok (%zu nodes)\n", graph_path->c_str(), checked.spec().nodes.size());
    ctx.exit_code = exit_ok;
  });
}

}  // namespace loom::cli
