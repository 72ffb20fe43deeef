// Runs a Loom graph from a C++ program through the embedding API (loom/engine/engine.hpp):
//   embed_engine GRAPH.yaml [NAME=VALUE ...] [--plugin-path DIR]
// then prints one line per node from the run's statistics. Exits with the run's exit code.
#include <loom/engine/engine.hpp>

#include <cstdio>
#include <iostream>
#include <string>

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: embed_engine GRAPH.yaml [NAME=VALUE ...] [--plugin-path DIR]\n";
    return loom::exit_usage;
  }
  loom::RunOptions options;
  options.threads = 2;
  for (int i = 2; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--plugin-path" && i + 1 < argc) {
      options.plugin_paths.emplace_back(argv[++i]);
    } else if (const auto eq = arg.find('='); eq != std::string::npos && eq > 0) {
      options.variables[arg.substr(0, eq)] = arg.substr(eq + 1);
    } else {
      std::cerr << "embed_engine: expected NAME=VALUE or --plugin-path DIR, got '" << arg << "'\n";
      return loom::exit_usage;
    }
  }

  const loom::RunResult result = loom::run_graph(argv[1], options);
  // Diagnostics render exactly as the loom CLI prints them: file:line:col, source line, notes.
  if (!result.diagnostics.empty()) std::cerr << loom::render_all(result.diagnostics);
  if (result.exit_code != loom::exit_ok) return result.exit_code;

  std::cout << "run " << result.stats.status << ": " << result.stats.docs_read
            << " documents read\n";
  for (const loom::NodeStats& node : result.stats.nodes) {
    std::cout << node.id << " (" << node.kind << " " << node.component << "): in " << node.docs_in
              << ", kept " << node.docs_kept << ", dropped " << node.docs_dropped;
    for (const auto& [reason, count] : node.dropped_by_reason)
      std::cout << " [" << reason << ": " << count << "]";
    std::cout << "\n";
  }
  return result.exit_code;
}
