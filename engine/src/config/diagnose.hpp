// Adding diagnostics the same way in the config loader and the validator (names, quotes and
// suggestions come from base/text.hpp).
#pragma once

#include "base/text.hpp"

#include <loom/engine/diagnostic.hpp>

#include <string>
#include <vector>

namespace loom {

inline Diagnostic& add_diagnostic(std::vector<Diagnostic>& diagnostics, Severity severity,
                                  const std::string& file, SourceMark mark, std::string message,
                                  std::vector<std::string> notes = {}) {
  diagnostics.push_back(Diagnostic{severity, file, mark, std::move(message), std::move(notes)});
  return diagnostics.back();
}

inline Diagnostic& add_error(std::vector<Diagnostic>& diagnostics, const std::string& file,
                             SourceMark mark, std::string message,
                             std::vector<std::string> notes = {}) {
  return add_diagnostic(diagnostics, Severity::error, file, mark, std::move(message),
                        std::move(notes));
}

inline std::string mark_text(SourceMark mark) {
  return std::to_string(mark.line) + ":" + std::to_string(mark.column);
}

}  // namespace loom
