// The loom command line: one file per verb, each registering a CLI11 subcommand.
#pragma once

#include <CLI/CLI.hpp>
#include <loom/engine/engine.hpp>

#include <string>
#include <vector>

namespace loom::cli {

// State shared by all verbs: options common to several of them and the process exit code.
struct Context {
  std::vector<std::string> plugin_paths;  // --plugin-path (repeatable)
  std::vector<std::string> sets;          // --set NAME=VALUE (repeatable)
  int exit_code = 0;
};

void register_run(CLI::App& app, Context& ctx);
void register_validate(CLI::App& app, Context& ctx);
void register_graph(CLI::App& app, Context& ctx);
void register_plugins(CLI::App& app, Context& ctx);
void register_schema(CLI::App& app, Context& ctx);
void register_test(CLI::App& app, Context& ctx);

// --set NAME=VALUE list -> Variables; a malformed entry throws CLI::ValidationError.
std::map<std::string, std::string> parse_sets(const std::vector<std::string>& sets);

// check_graph with the --set and --plugin-path of `ctx`.
CheckedGraph check_graph(const std::string& path, const Context& ctx);

}  // namespace loom::cli
