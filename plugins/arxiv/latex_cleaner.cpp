#include "latex_cleaner.hpp"

#include <text/python_whitespace.hpp>

#include <algorithm>
#include <array>
#include <cstdint>
#include <unordered_set>

namespace loom::arxiv {
namespace {

constexpr std::size_t npos = std::string_view::npos;

bool is_ascii_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// Length of the UTF-8 sequence starting with byte `lead` (1 for stray bytes, so scans advance).
std::size_t sequence_length(unsigned char lead) {
  if (lead < 0xC0) return 1;
  if (lead < 0xE0) return 2;
  if (lead < 0xF0) return 3;
  return 4;
}

std::size_t code_point_length_at(std::string_view text, std::size_t i) {
  return std::min(sequence_length(static_cast<unsigned char>(text[i])), text.size() - i);
}

// The code point at i (U+FFFD for malformed bytes) and its length.
std::pair<char32_t, std::size_t> decode_at(std::string_view text, std::size_t i) {
  const auto lead = static_cast<unsigned char>(text[i]);
  const std::size_t length = code_point_length_at(text, i);
  if (length == 1) return {lead < 0x80 ? lead : 0xFFFD, 1};
  char32_t cp = lead & (0x7F >> length);
  for (std::size_t k = 1; k < length; ++k) cp = (cp << 6) | (text[i + k] & 0x3F);
  return {cp, length};
}

// Python's str.isspace(), which `re`'s \s uses for str patterns.
using textlib::is_python_space;

std::size_t skip_python_space(std::string_view text, std::size_t i) {
  while (i < text.size()) {
    auto [cp, length] = decode_at(text, i);
    if (!is_python_space(cp)) break;
    i += length;
  }
  return i;
}

std::size_t end_of_alnum_run(std::string_view text, std::size_t i) {
  while (i < text.size() && is_ascii_alnum(text[i])) ++i;
  return i;
}

std::size_t line_end(std::string_view text, std::size_t from) {
  const std::size_t e = text.find('\n', from);
  return e == npos ? text.size() : e;
}

// `\{(.*?)\}$` (MULTILINE) from the `{` at `open`: the value runs to a `}` that ends the line.
// Returns the value's end (the `}`), or npos.
std::size_t value_to_line_end(std::string_view text, std::size_t open) {
  if (open >= text.size() || text[open] != '{') return npos;
  const std::size_t e = line_end(text, open + 1);
  if (e == 0 || e - 1 < open + 1 || text[e - 1] != '}') return npos;
  return e - 1;
}

// Precomputed facts the header search asks about many times.
class HeaderScanner {
 public:
  explicit HeaderScanner(std::string_view text) : text_(text), last_close_(text.rfind('}')) {}

  // `\*?(?:\[(.*?)\])?\{(.*?)\}` (DOTALL) at q: the arguments of a sectioning command.
  bool arguments_at(std::size_t q) const { return brace_group_start(q) != npos; }

  // Where the `{` of the mandatory argument may start (the first possible one), or npos.
  std::size_t brace_group_start(std::size_t q) const {
    if (q < text_.size() && text_[q] == '*') ++q;
    if (q >= text_.size()) return npos;
    if (text_[q] == '{') return has_close_after(q) ? q : npos;
    if (text_[q] != '[') return npos;
    const std::size_t r = text_.find("]{", q + 1);
    if (r == npos || !has_close_after(r + 1)) return npos;
    return r + 1;
  }

  // The reference's concatenated alternative: \paragraph args, then `}\subparagraph` args.
  bool paragraph_then_subparagraph_at(std::size_t q) const {
    const std::size_t open = brace_group_start(q);
    if (open == npos) return false;
    static constexpr std::string_view kTail = "}\\subparagraph";
    for (std::size_t t = text_.find(kTail, open + 1); t != npos; t = text_.find(kTail, t + 1)) {
      if (arguments_at(t + kTail.size())) return true;
    }
    return false;
  }

 private:
  bool has_close_after(std::size_t i) const { return last_close_ != npos && last_close_ > i; }

  std::string_view text_;
  std::size_t last_close_;
};

}  // namespace

void MacroTable::define(std::string_view name, std::string_view value) {
  auto [it, inserted] = index_.try_emplace(std::string(name), entries_.size());
  if (inserted) {
    entries_.emplace_back(std::string(name), std::string(value));
  } else {
    entries_[it->second].second.assign(value);
  }
}

void collect_macros(std::string_view file, MacroTable& macros) {
  // \\\bnewcommand\b\*?\{(\\[a-zA-Z0-9]+?)\}\{(.*?)\}$   (all of its matches come first)
  static constexpr std::string_view kNewcommand = "\\newcommand";
  for (std::size_t i = file.find(kNewcommand); i != npos;) {
    std::size_t q = i + kNewcommand.size();
    if (q < file.size() && file[q] == '*') ++q;
    std::size_t match_end = npos;
    if (q + 1 < file.size() && file[q] == '{' && file[q + 1] == '\\') {
      const std::size_t name_end = end_of_alnum_run(file, q + 2);
      if (name_end > q + 2 && name_end < file.size() && file[name_end] == '}') {
        const std::size_t close = value_to_line_end(file, name_end + 1);
        if (close != npos) {
          macros.define(file.substr(q + 1, name_end - q - 1),
                        file.substr(name_end + 2, close - name_end - 2));
          match_end = close + 1;
        }
      }
    }
    i = file.find(kNewcommand, match_end == npos ? i + 1 : match_end);
  }
  // \\def\s*(\\[a-zA-Z0-9]+?)\s*\{(.*?)\}$   (\s is Unicode whitespace, newlines included)
  static constexpr std::string_view kDef = "\\def";
  for (std::size_t i = file.find(kDef); i != npos;) {
    const std::size_t slash = skip_python_space(file, i + kDef.size());
    std::size_t match_end = npos;
    if (slash < file.size() && file[slash] == '\\') {
      const std::size_t name_end = end_of_alnum_run(file, slash + 1);
      if (name_end > slash + 1) {
        const std::size_t open = skip_python_space(file, name_end);
        const std::size_t close = value_to_line_end(file, open);
        if (close != npos) {
          macros.define(file.substr(slash, name_end - slash),
                        file.substr(open + 1, close - open - 1));
          match_end = close + 1;
        }
      }
    }
    i = file.find(kDef, match_end == npos ? i + 1 : match_end);
  }
}

std::size_t find_first_header(std::string_view text, bool paragraph_needs_subparagraph) {
  static constexpr std::array<std::string_view, 5> kCommands = {"\\chapter", "\\part", "\\section",
                                                                "\\subsection", "\\subsubsection"};
  static constexpr std::string_view kParagraph = "\\paragraph";
  const HeaderScanner scanner(text);
  for (std::size_t p = text.find('\\'); p != npos; p = text.find('\\', p + 1)) {
    const std::string_view rest = text.substr(p);
    for (std::string_view command : kCommands) {
      if (rest.starts_with(command) && scanner.arguments_at(p + command.size())) return p;
    }
    if (rest.starts_with(kParagraph)) {
      const std::size_t q = p + kParagraph.size();
      if (paragraph_needs_subparagraph ? scanner.paragraph_then_subparagraph_at(q)
                                       : scanner.arguments_at(q))
        return p;
    }
  }
  return npos;
}

std::string remove_line_comments(std::string_view text) {
  // (?m)^%.*\n?
  std::string out;
  out.reserve(text.size());
  for (std::size_t start = 0; start < text.size();) {
    const std::size_t e = line_end(text, start);
    const std::size_t next = e < text.size() ? e + 1 : e;
    if (text[start] != '%') out.append(text.substr(start, next - start));
    start = next;
  }
  return out;
}

std::string remove_inline_comments(std::string_view text, bool eat_preceding_char) {
  std::string out;
  out.reserve(text.size());
  std::size_t copied = 0;
  if (eat_preceding_char) {
    // [^\\]%.+$ (MULTILINE): the match starts one code point before a `%` (a newline counts) and
    // needs a character after it on the same line.
    for (std::size_t j = text.find('%'); j != npos; j = text.find('%', j + 1)) {
      if (j == 0) continue;
      std::size_t i = j - 1;
      while (i > 0 && (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80 && j - i < 4) --i;
      if (i < copied || text[i] == '\\') continue;
      if (j + 1 >= text.size() || text[j + 1] == '\n') continue;
      const std::size_t e = line_end(text, j + 1);
      out.append(text.substr(copied, i - copied));
      copied = e;
      j = e;
      if (j >= text.size()) break;
    }
  } else {
    // A `%` not preceded by a backslash starts a comment that runs to the end of its line.
    for (std::size_t j = text.find('%'); j != npos; j = text.find('%', j + 1)) {
      if (j > 0 && text[j - 1] == '\\') continue;
      const std::size_t e = line_end(text, j);
      out.append(text.substr(copied, j - copied));
      copied = e;
      j = e;
      if (j >= text.size()) break;
    }
  }
  out.append(text.substr(std::min(copied, text.size())));
  return out;
}

std::string_view cut_bibliography(std::string_view text) {
  // (\\appendix|\\begin\{references\}|\\begin\{REFERENCES\}|\\begin\{thebibliography\}|
  //  \\bibliography\{.*\}).*$   (DOTALL): everything from the earliest match on goes.
  std::size_t cut = npos;
  for (std::string_view marker :
       {std::string_view("\\appendix"), std::string_view("\\begin{references}"),
        std::string_view("\\begin{REFERENCES}"), std::string_view("\\begin{thebibliography}")}) {
    cut = std::min(cut, text.find(marker));
  }
  static constexpr std::string_view kBibliography = "\\bibliography{";
  const std::size_t bib = text.find(kBibliography);
  const std::size_t last_close = text.rfind('}');
  if (bib != npos && last_close != npos && last_close >= bib + kBibliography.size())
    cut = std::min(cut, bib);
  return cut == npos ? text : text.substr(0, cut);
}

std::string expand_macro(std::string_view text, std::string_view name, std::string_view value,
                         std::vector<std::size_t>* replaced_at) {
  // re.sub("(" + name + ")([^a-zA-Z0-9])", value + r"\2", text): the following character is part
  // of the match, so it cannot start the next occurrence.
  std::string out;
  std::size_t copied = 0;
  for (std::size_t i = text.find(name); i != npos;) {
    const std::size_t k = i + name.size();
    if (k >= text.size()) break;
    if (is_ascii_alnum(text[k])) {
      i = text.find(name, i + 1);
      continue;
    }
    out.append(text.substr(copied, i - copied));
    if (replaced_at) replaced_at->push_back(out.size());
    out.append(value);
    copied = k;
    i = text.find(name, k + code_point_length_at(text, k));
  }
  if (copied == 0) return std::string(text);
  out.append(text.substr(copied));
  return out;
}

bool macro_value_escapable(std::string_view value) {
  return std::all_of(value.begin(), value.end(), [](char c) {
    const auto b = static_cast<unsigned char>(c);
    return (b >= 0x20 && b < 0x7F) || b == '\t' || b == '\r';
  });
}

namespace {

// A superset of the `\name` tokens (a backslash and the whole ASCII-alphanumeric run after it) in
// a text. expand_macro matches `name` only where it is such a whole token (the character after it
// must not be alphanumeric, and names are a backslash plus alphanumerics), so a macro whose name
// is not in the set cannot change the text.
class MacroTokens {
 public:
  explicit MacroTokens(std::string_view text) { add_tokens(text, 0, text.size()); }

  bool may_contain(const std::string& name) const { return tokens_.count(name) != 0; }

  // After a value was put at [begin, end) of `text`: a token that is new there starts inside the
  // value, or before it with its alphanumeric run reaching `begin` (e.g. `\\X` -> `\` + value).
  // Tokens that vanished stay: a superset is enough, and each macro name is looked up only once.
  void add_around(std::string_view text, std::size_t begin, std::size_t end) {
    std::size_t from = begin;
    while (from > 0 && is_ascii_alnum(text[from - 1])) --from;
    if (from > 0) --from;  // the backslash that may start that run
    add_tokens(text, from, end);
  }

 private:
  // Every token whose backslash lies in [from, to); its run may extend past `to`.
  void add_tokens(std::string_view text, std::size_t from, std::size_t to) {
    for (std::size_t i = text.find('\\', from); i != npos && i < to; i = text.find('\\', i + 1)) {
      const std::size_t run_end = end_of_alnum_run(text, i + 1);
      if (run_end > i + 1) tokens_.emplace(text.substr(i, run_end - i));
    }
  }

  std::unordered_set<std::string> tokens_;
};

// _clean_tex_file; `reached_macros` tells whether the macro loop ran (it is where a bad value
// raises).
std::string clean_file(std::string_view file, const MacroTable& macros, const LatexQuirks& quirks,
                       bool& reached_macros) {
  reached_macros = false;
  const std::size_t header = find_first_header(file, quirks.paragraph_needs_subparagraph);
  if (header == npos) return {};
  std::string text = remove_line_comments(file.substr(header));
  text = remove_inline_comments(text, quirks.inline_comment_eats_preceding_char);
  text.resize(cut_bibliography(text).size());
  reached_macros = true;
  // Most macros of a project never occur in a given file; skipping those is what keeps the cost
  // from being macros x text. The order and the text each macro sees are the reference's.
  MacroTokens present(text);
  std::vector<std::size_t> replaced_at;
  for (const auto& [name, value] : macros.entries()) {
    if (!present.may_contain(name)) continue;
    replaced_at.clear();
    text = expand_macro(text, name, value, &replaced_at);
    for (std::size_t at : replaced_at) present.add_around(text, at, at + value.size());
  }
  return text;
}

}  // namespace

CleanedProject clean_project(const std::vector<std::string_view>& files,
                             const LatexQuirks& quirks) {
  CleanedProject result;
  MacroTable macros;
  for (std::string_view file : files) collect_macros(file, macros);

  std::string unescapable;
  if (quirks.unescapable_macro_fails_paper) {
    for (const auto& [name, value] : macros.entries()) {
      if (!macro_value_escapable(value)) {
        unescapable = name;
        break;
      }
    }
  }
  for (std::size_t f = 0; f < files.size(); ++f) {
    bool reached_macros = false;
    std::string cleaned = clean_file(files[f], macros, quirks, reached_macros);
    if (reached_macros && !unescapable.empty()) {
      result.failed = true;
      result.failure = "the value of macro " + unescapable +
                       " holds a character outside printable ASCII (the reference's re.sub "
                       "raises 'bad escape' on it)";
      result.text.clear();
      return result;
    }
    if (f > 0) result.text += '\n';
    result.text += cleaned;
  }
  return result;
}

}  // namespace loom::arxiv
