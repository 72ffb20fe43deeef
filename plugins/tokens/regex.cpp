#include "regex.hpp"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <stdexcept>

namespace loom::tokens {
namespace {

// Oniguruma's \s on Unicode text is White_Space (U+0009-000D, U+0085, Zs, Zl, Zp); PCRE2's
// also takes U+180E (MONGOLIAN VOWEL SEPARATOR, no longer a space since Unicode 6.3), so the
// pattern gets the explicit set instead.
constexpr const char* kWhiteSpace =
    R"(\t-\r\x{20}\x{85}\x{A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000})";

// `pattern` with \s and \S spelled out as Oniguruma means them. \S inside a character class
// has no such spelling and is refused.
std::string with_oniguruma_spaces(const std::string& pattern) {
  std::string out;
  bool in_class = false;
  bool quoted = false;  // inside \Q...\E
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    const char c = pattern[i];
    if (quoted) {
      if (c == '\\' && i + 1 < pattern.size() && pattern[i + 1] == 'E') quoted = false;
      out += c;
      continue;
    }
    if (c == '\\' && i + 1 < pattern.size()) {
      const char next = pattern[++i];
      if (next == 's') {
        out += in_class ? std::string(kWhiteSpace) : "[" + std::string(kWhiteSpace) + "]";
      } else if (next == 'S') {
        if (in_class)
          throw std::invalid_argument("regex /" + pattern +
                                      "/: \\S inside a character class is not supported");
        out += "[^" + std::string(kWhiteSpace) + "]";
      } else {
        quoted = next == 'Q';
        out += c;
        out += next;
      }
      continue;
    }
    if (!in_class && c == '[') {
      in_class = true;
      out += c;
      // A ']' right after '[' or '[^' is a literal, not the end of the class.
      if (i + 1 < pattern.size() && pattern[i + 1] == '^') out += pattern[++i];
      if (i + 1 < pattern.size() && pattern[i + 1] == ']') out += pattern[++i];
      continue;
    }
    if (in_class && c == '[' && i + 1 < pattern.size() && pattern[i + 1] == ':') {
      const auto end = pattern.find(":]", i + 2);  // a POSIX class such as [:alpha:]
      if (end != std::string::npos) {
        out.append(pattern, i, end + 2 - i);
        i = end + 1;
        continue;
      }
    }
    if (in_class && c == ']') in_class = false;
    out += c;
  }
  return out;
}

std::size_t utf8_length(unsigned char lead) {
  if (lead < 0x80) return 1;
  if ((lead & 0xE0) == 0xC0) return 2;
  if ((lead & 0xF0) == 0xE0) return 3;
  return 4;
}

}  // namespace

Regex::Regex(const std::string& pattern) : pattern_(pattern) {
  int error = 0;
  PCRE2_SIZE offset = 0;
  const std::string translated = with_oniguruma_spaces(pattern);
  code_ = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(translated.data()), translated.size(),
                        PCRE2_UTF | PCRE2_UCP, &error, &offset, nullptr);
  if (code_ == nullptr) {
    PCRE2_UCHAR message[256];
    pcre2_get_error_message(error, message, sizeof message);
    throw std::invalid_argument("regex /" + pattern + "/ does not compile at offset " +
                                std::to_string(offset) + ": " +
                                reinterpret_cast<const char*>(message));
  }
  // Without JIT support PCRE2 interprets the pattern: slower, same matches.
  pcre2_jit_compile(code_, PCRE2_JIT_COMPLETE);
}

Regex::~Regex() { pcre2_code_free(code_); }

Regex::Matcher::Matcher(const Regex& regex)
    : regex_(regex), data_(pcre2_match_data_create_from_pattern(regex.code_, nullptr)) {
  if (data_ == nullptr) throw std::bad_alloc();
}

Regex::Matcher::~Matcher() { pcre2_match_data_free(data_); }

void Regex::Matcher::find_all(std::string_view text, std::vector<Span>& out) {
  const auto* subject = reinterpret_cast<PCRE2_SPTR>(text.data());
  std::size_t from = 0;
  std::size_t last_end = static_cast<std::size_t>(-1);
  while (from <= text.size()) {
    const int rc =
        pcre2_match(regex_.code_, subject, text.size(), from, PCRE2_NO_UTF_CHECK, data_, nullptr);
    if (rc == PCRE2_ERROR_NOMATCH) return;
    if (rc < 0) {
      PCRE2_UCHAR message[256];
      pcre2_get_error_message(rc, message, sizeof message);
      const std::string what = reinterpret_cast<const char*>(message);
      if (rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT ||
          rc == PCRE2_ERROR_HEAPLIMIT || rc == PCRE2_ERROR_JIT_STACKLIMIT)
        throw RegexLimitError("the pre-tokenizer pattern /" + regex_.pattern_ +
                              "/ gave up on this text at byte " + std::to_string(from) + ": " +
                              what + " (the pattern backtracks too much on it)");
      throw std::runtime_error("regex match failed: " + what);
    }
    const PCRE2_SIZE* vector = pcre2_get_ovector_pointer(data_);
    const Span match{vector[0], vector[1]};
    if (match.begin == match.end) {
      if (match.begin != last_end) out.push_back(match);
      if (match.end >= text.size()) return;
      from = match.end + utf8_length(static_cast<unsigned char>(text[match.end]));
    } else {
      out.push_back(match);
      from = match.end;
    }
    last_end = match.end;
  }
}

}  // namespace loom::tokens
