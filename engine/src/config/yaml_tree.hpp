// YAML text -> ConfigValue tree, with 1-based marks, duplicate-key detection in every mapping and
// ${VAR} expansion in scalar values. The only place that includes yaml-cpp.
#pragma once

#include <loom/engine/diagnostic.hpp>
#include <loom/engine/graph_spec.hpp>

#include <string>
#include <vector>

namespace loom {

// Parses `text` into `out`. Syntax errors, duplicate keys (the first definition wins) and
// undefined variables are appended to `diagnostics` against `file`. With `variables` null, no
// ${VAR} expansion happens. Returns false only when the text is not YAML at all.
bool parse_yaml(const std::string& file, const std::string& text, const Variables* variables,
                ConfigValue& out, std::vector<Diagnostic>& diagnostics);

// "a mapping", "a list", "nothing", or the quoted scalar, for "found ..." in messages.
std::string describe_value(const ConfigValue& value);

}  // namespace loom
