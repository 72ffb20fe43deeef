// Reading the meta fields the GitHub components need, with errors that name the record.
#pragma once

#include <loom/plugin.hpp>

#include <cstddef>
#include <string>
#include <string_view>

namespace loom::github {

inline std::string_view required_string(const Doc& doc, std::string_view field, std::size_t record,
                                        std::string_view component) {
  std::optional<Value> value = doc.meta(field);
  if (!value || value->type != LOOM_VALUE_STRING)
    throw Error(std::string(component) + ": document has no string meta field '" +
                    std::string(field) + "'" + (value ? " (it has another type)" : ""),
                LOOM_ERR_INVALID_INPUT, static_cast<std::int64_t>(record));
  return value->s;
}

// An integer or float meta field as a double (the reference writes 0, not 0.0, for empty files).
inline double required_number(const Doc& doc, std::string_view field, std::size_t record,
                              std::string_view component) {
  std::optional<Value> value = doc.meta(field);
  if (value && value->type == LOOM_VALUE_INT) return static_cast<double>(value->i);
  if (value && value->type == LOOM_VALUE_FLOAT) return value->f;
  throw Error(std::string(component) + ": document has no numeric meta field '" +
                  std::string(field) + "' (run github_metadata first)",
              LOOM_ERR_INVALID_INPUT, static_cast<std::int64_t>(record));
}

}  // namespace loom::github
