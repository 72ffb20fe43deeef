#include <loom/engine/diagnostic.hpp>
#include <loom/engine/engine.hpp>

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>
#include <string_view>

namespace loom {
namespace {

// Line `line` (1-based) of `text`, without its line ending; nullopt-like empty + false if absent.
bool source_line(const std::string& text, int line, std::string& out) {
  if (line <= 0) return false;
  std::size_t start = 0;
  for (int current = 1; current < line; ++current) {
    start = text.find('\n', start);
    if (start == std::string::npos) return false;
    ++start;
  }
  if (start > text.size()) return false;
  std::size_t end = text.find('\n', start);
  if (end == std::string::npos) end = text.size();
  if (end > start && text[end - 1] == '\r') --end;
  out = text.substr(start, end - start);
  return true;
}

// Spaces up to the column, keeping tabs so the caret lines up under tab-indented text.
std::string caret_line(const std::string& line_text, int column) {
  std::string out;
  for (int i = 0; i + 1 < column; ++i) {
    const auto index = static_cast<std::size_t>(i);
    out += index < line_text.size() && line_text[index] == '\t' ? '\t' : ' ';
  }
  return out + '^';
}

}  // namespace

std::string render(const Diagnostic& diagnostic, const std::string& source_text) {
  std::string out;
  if (!diagnostic.file.empty()) {
    out += diagnostic.file;
    if (diagnostic.mark.line > 0) {
      out += ':' + std::to_string(diagnostic.mark.line);
      if (diagnostic.mark.column > 0) out += ':' + std::to_string(diagnostic.mark.column);
    }
    out += ": ";
  }
  out += diagnostic.severity == Severity::error ? "error: " : "warning: ";
  out += diagnostic.message;
  out += '\n';
  std::string line_text;
  if (source_line(source_text, diagnostic.mark.line, line_text)) {
    out += "    " + line_text + '\n';
    out += "    " + caret_line(line_text, std::max(diagnostic.mark.column, 1)) + '\n';
  }
  for (const std::string& note : diagnostic.notes) out += "  note: " + note + '\n';
  return out;
}

bool has_errors(const std::vector<Diagnostic>& diagnostics) {
  return std::any_of(diagnostics.begin(), diagnostics.end(),
                     [](const Diagnostic& d) { return d.severity == Severity::error; });
}

int edit_distance(const std::string& a, const std::string& b, int cap) {
  const auto length_gap = a.size() > b.size() ? a.size() - b.size() : b.size() - a.size();
  if (length_gap > static_cast<std::size_t>(cap)) return cap + 1;
  std::vector<int> previous(b.size() + 1), current(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) previous[j] = static_cast<int>(j);
  for (std::size_t i = 1; i <= a.size(); ++i) {
    current[0] = static_cast<int>(i);
    int row_min = current[0];
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const int substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1, substitution});
      row_min = std::min(row_min, current[j]);
    }
    // Every later row is at least this row's minimum, so the cap is already exceeded.
    if (row_min > cap) return cap + 1;
    std::swap(previous, current);
  }
  return std::min(previous[b.size()], cap + 1);
}

std::string closest_match(const std::string& word, const std::vector<std::string>& candidates) {
  std::string best;
  int best_distance = 3;
  for (const std::string& candidate : candidates) {
    if (candidate == word) continue;
    const int distance = edit_distance(word, candidate, 2);
    if (distance < best_distance) {
      best_distance = distance;
      best = candidate;
    }
  }
  return best;
}

std::string render_all(const std::vector<Diagnostic>& diagnostics) {
  std::map<std::string, std::string> files;
  std::string out;
  for (const Diagnostic& diagnostic : diagnostics) {
    std::string* text = nullptr;
    if (!diagnostic.file.empty() && diagnostic.mark.line > 0) {
      auto [it, inserted] = files.try_emplace(diagnostic.file);
      if (inserted) {
        std::ifstream in(diagnostic.file, std::ios::binary);
        std::ostringstream buffer;
        buffer << in.rdbuf();
        it->second = buffer.str();
      }
      text = &it->second;
    }
    out += render(diagnostic, text != nullptr ? *text : std::string());
  }
  return out;
}

}  // namespace loom
