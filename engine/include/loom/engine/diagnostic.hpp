// Diagnostics: one type for every problem the engine reports, rendered like a compiler's.
#pragma once

#include <string>
#include <vector>

namespace loom {

// A 1-based position in a graph file; line 0 means "no position".
struct SourceMark {
  int line = 0;
  int column = 0;
};

enum class Severity { error, warning };

struct Diagnostic {
  Severity severity = Severity::error;
  std::string file;  // graph file, empty when not about a file
  SourceMark mark;
  std::string message;
  std::vector<std::string> notes;  // rendered as "  note: ..."
};

// Renders one diagnostic:
//   file:line:col: error: message
//     <source line>
//         ^
//     note: ...
// `source_text` is the whole file the mark points into (may be empty).
std::string render(const Diagnostic& diagnostic, const std::string& source_text);

bool has_errors(const std::vector<Diagnostic>& diagnostics);

// Levenshtein distance, capped: returns cap + 1 when the distance exceeds cap.
int edit_distance(const std::string& a, const std::string& b, int cap = 2);

// The candidate closest to `word` within edit distance 2, or "" if none.
std::string closest_match(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace loom
