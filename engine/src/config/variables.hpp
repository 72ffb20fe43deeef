// ${NAME} / ${NAME:-default} expansion inside scalar values.
#pragma once

#include <loom/engine/diagnostic.hpp>
#include <loom/engine/graph_spec.hpp>

#include <string>
#include <vector>

namespace loom {

// A problem found while expanding: `offset` is the byte offset of the `$` in the raw scalar.
struct ExpansionError {
  std::size_t offset = 0;
  std::string variable;  // the reference as written, e.g. "${DATA}"
  std::string message;
  std::vector<std::string> notes;
};

// Expands `text` with values from `variables`, then the process environment. `$$` is a literal `$`;
// a `$` not followed by `{` or `$` stays as it is. An unset (or empty) variable takes its default.
std::string expand_variables(const std::string& text, const Variables& variables,
                             std::vector<ExpansionError>& errors);

}  // namespace loom
