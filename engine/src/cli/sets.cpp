#include "cli/verbs.hpp"

#include <map>

namespace loom::cli {

std::map<std::string, std::string> parse_sets(const std::vector<std::string>& sets) {
  std::map<std::string, std::string> variables;
  for (const std::string& entry : sets) {
    const std::size_t equals = entry.find('=');
    const std::string name = entry.substr(0, equals);
    bool valid = equals != std::string::npos && !name.empty();
    for (std::size_t i = 0; valid && i < name.size(); ++i) {
      const char c = name[i];
      valid = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' ||
              (i > 0 && c >= '0' && c <= '9');
    }
    if (!valid)
      throw CLI::ValidationError("--set",
                                 "expected NAME=VALUE with NAME made of letters, digits "
                                 "and '_' (not starting with a digit), got '" +
                                     entry + "'");
    // The last --set of a name wins, as on most command lines.
    variables[name] = entry.substr(equals + 1);
  }
  return variables;
}

CheckedGraph check_graph(const std::string& path, const Context& ctx) {
  CheckOptions options;
  options.variables = parse_sets(ctx.sets);
  options.plugin_paths = ctx.plugin_paths;
  return loom::check_graph(path, options);
}

}  // namespace loom::cli
