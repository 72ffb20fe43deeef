// Small helpers shared by the config loader and the validator to phrase diagnostics the same way.
#pragma once

#include <loom/engine/diagnostic.hpp>

#include <string>
#include <vector>

namespace loom {

inline Diagnostic& report(std::vector<Diagnostic>& diagnostics, Severity severity,
                          const std::string& file, SourceMark mark, std::string message,
                          std::vector<std::string> notes = {}) {
  diagnostics.push_back(Diagnostic{severity, file, mark, std::move(message), std::move(notes)});
  return diagnostics.back();
}

inline Diagnostic& report_error(std::vector<Diagnostic>& diagnostics, const std::string& file,
                                SourceMark mark, std::string message,
                                std::vector<std::string> notes = {}) {
  return report(diagnostics, Severity::error, file, mark, std::move(message), std::move(notes));
}

inline std::string quote(const std::string& s) { return "'" + s + "'"; }

inline std::string join(const std::vector<std::string>& items, const std::string& separator) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) out += (i ? separator : "") + items[i];
  return out;
}

inline std::string mark_text(SourceMark mark) {
  return std::to_string(mark.line) + ":" + std::to_string(mark.column);
}

// "did you mean 'x'? " when a candidate is close, else "".
inline std::string did_you_mean(const std::string& word,
                                const std::vector<std::string>& candidates) {
  const std::string match = closest_match(word, candidates);
  return match.empty() ? std::string() : "did you mean " + quote(match) + "? ";
}

}  // namespace loom
