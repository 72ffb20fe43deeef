#include "copyright_strip.hpp"

#include <cstring>

namespace loom::github {
namespace {

// Python's re.IGNORECASE also folds U+0130 (İ) and U+0131 (ı) onto 'i'.
std::size_t match_letter_at(std::string_view s, std::size_t pos, char letter) {
  if (pos >= s.size()) return 0;
  const char c = s[pos];
  if (c == letter || c == letter - 'a' + 'A') return 1;
  if (letter == 'i' && pos + 1 < s.size() && c == '\xC4' &&
      (s[pos + 1] == '\xB0' || s[pos + 1] == '\xB1'))
    return 2;
  return 0;
}

bool mentions_copyright(std::string_view s) {
  static constexpr std::string_view word = "copyright";
  for (std::size_t start = 0; start < s.size(); ++start) {
    std::size_t pos = start;
    bool matched = true;
    for (char letter : word) {
      const std::size_t n = match_letter_at(s, pos, letter);
      if (n == 0) {
        matched = false;
        break;
      }
      pos += n;
    }
    if (matched) return true;
  }
  return false;
}

bool is_skipped_line(std::string_view line) {
  return line.empty() || line.starts_with("//") || line.starts_with("#") || line.starts_with("--");
}

}  // namespace

bool strip_copyright(std::string_view text, bool strip_leading_comment_lines,
                     std::string& cleaned) {
  // The reference's regex /\*[^*]*\*+(?:[^/*][^*]*\*+)*/ matches from the first "/*" to the first
  // "*/" after it; if that "/*" is never closed, no later one can be either.
  const std::size_t open = text.find("/*");
  const std::size_t close = open == std::string_view::npos ? open : text.find("*/", open + 2);
  if (close != std::string_view::npos) {
    const std::size_t end = close + 2;
    if (!mentions_copyright(text.substr(open, end - open))) return false;
    cleaned.assign(text.substr(0, open));
    cleaned.append(text.substr(end));
    return true;
  }
  if (!strip_leading_comment_lines) return false;
  std::size_t keep_from = 0;  // start of the first line that is not skipped
  while (true) {
    const std::size_t newline = text.find('\n', keep_from);
    const std::string_view line =
        text.substr(keep_from, newline == std::string_view::npos ? std::string_view::npos
                                                                 : newline - keep_from);
    if (!is_skipped_line(line)) break;
    if (newline == std::string_view::npos) {  // every line was skipped
      keep_from = text.size();
      break;
    }
    keep_from = newline + 1;
  }
  if (keep_from == 0) return false;
  cleaned.assign(text.substr(keep_from));
  return true;
}

void CopyrightStrip::process(Batch& batch) {
  std::string cleaned;
  for (Doc doc : batch) {
    if (doc.dropped()) continue;
    if (strip_copyright(doc.text(), options_.strip_leading_comment_lines, cleaned))
      doc.set_text(cleaned);
  }
}

}  // namespace loom::github
