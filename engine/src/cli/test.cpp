#include "cli/verbs.hpp"

#include <loom/engine/engine.hpp>

#include <cstdio>
#include <thread>

namespace loom::cli {

void register_test(CLI::App& app, Context& ctx) {
  struct Args {
    std::string graph;
    std::vector<std::string> only;
    int threads = 2;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand(
      "test",
      "Run the tests in a graph file's `tests:` block (exit 0: all passed, 1: some failed)");
  cmd->add_option("graph", args->graph, "The graph file (YAML)")->required();
  cmd->add_option("--set", ctx.sets, "Set a graph variable: NAME=VALUE (repeatable)");
  cmd->add_option("--plugin-path", ctx.plugin_paths,
                  "Extra folder to search for plugins (repeatable; before LOOM_PLUGIN_PATH)");
  cmd->add_option("--only", args->only, "Run only the test with this name (repeatable)");
  cmd->add_option("--threads", args->threads, "Worker threads (default 2)")
      ->check(CLI::Range(1, 256));
  cmd->callback([args, &ctx] {
    const CheckedGraph checked = check_graph(args->graph, ctx);
    std::fputs(render_all(checked.diagnostics()).c_str(), stderr);
    if (!checked.ok()) {
      ctx.exit_code = exit_config_error;
      return;
    }
    const GraphSpec& spec = checked.spec();
    for (const std::string& name : args->only) {
      bool found = false;
      for (const TestSpec& test : spec.tests) found = found || test.name == name;
      if (!found) {
        std::fprintf(stderr, "%s: error: no test named '%s'\n", spec.file.c_str(), name.c_str());
        ctx.exit_code = exit_config_error;
        return;
      }
    }
    if (spec.tests.empty()) {
      std::fprintf(stderr,
                   "%s: no tests: add a `tests:` block (see docs/guides/authoring-graphs.md)\n",
                   spec.file.c_str());
      ctx.exit_code = exit_runtime_error;
      return;
    }
    std::size_t run = 0;
    std::size_t failed = 0;
    for (const TestSpec& test : spec.tests) {
      bool selected = args->only.empty();
      for (const std::string& name : args->only) selected = selected || name == test.name;
      if (!selected) continue;
      ++run;
      const GraphTestOutcome outcome = run_graph_test(checked, test, args->threads);
      if (outcome.passed) {
        std::printf("PASS %s\n", test.name.c_str());
      } else {
        ++failed;
        std::printf("FAIL %s (%s:%d)\n  %s\n", test.name.c_str(), spec.file.c_str(), test.mark.line,
                    outcome.failure.c_str());
      }
      std::fflush(stdout);
    }
    std::printf("%s: %zu passed, %zu failed\n", spec.file.c_str(), run - failed, failed);
    ctx.exit_code = failed == 0 ? exit_ok : exit_runtime_error;
  });
}

}  // namespace loom::cli
