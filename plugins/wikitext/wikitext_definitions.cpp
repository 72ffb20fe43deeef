#include "wikitext_definitions.hpp"

#include <unicode/uchar.h>
#include <text/python_whitespace.hpp>

#include <algorithm>
#include <array>

namespace loom::wikitext {
namespace {

bool in_list(std::string_view name, const auto& list) {
  return std::any_of(list.begin(), list.end(),
                     [&](std::string_view entry) { return equals_ascii_lower(name, entry); });
}

constexpr std::array<std::string_view, 17> kParserBlacklist = {
    "categorytree",    "ce",           "chem",    "gallery", "graph", "hiero",   "imagemap",
    "inputbox",        "math",         "nowiki",  "pre",     "score", "section", "source",
    "syntaxhighlight", "templatedata", "timeline"};
constexpr std::array<std::string_view, 10> kInvisible = {
    "categorytree", "gallery", "graph",   "imagemap",     "inputbox",
    "math",         "score",   "section", "templatedata", "timeline"};
constexpr std::array<std::string_view, 6> kSingleOnly = {"br", "wbr", "hr", "meta", "link", "img"};
constexpr std::array<std::string_view, 6> kSingleMore = {"li", "dt", "dd", "th", "td", "tr"};

// Scheme -> whether it is written with "//".
constexpr std::array<std::pair<std::string_view, bool>, 27> kSchemes = {{
    {"bitcoin", false},  {"ftp", true},     {"ftps", true},  {"geo", false},   {"git", true},
    {"gopher", true},    {"http", true},    {"https", true}, {"irc", true},    {"ircs", true},
    {"magnet", false},   {"mailto", false}, {"mms", true},   {"news", false},  {"nntp", true},
    {"redis", true},     {"sftp", true},    {"sip", false},  {"sips", false},  {"sms", false},
    {"ssh", true},       {"svn", true},     {"tel", false},  {"telnet", true}, {"urn", false},
    {"worldwind", true}, {"xmpp", false},
}};

}  // namespace

bool is_marker(int c) {
  switch (c) {
    case '{':
    case '}':
    case '[':
    case ']':
    case '<':
    case '>':
    case '|':
    case '=':
    case '&':
    case '\'':
    case '"':
    case '#':
    case '*':
    case ';':
    case ':':
    case '/':
    case '-':
    case '!':
    case '\n': return true;
    default: return false;
  }
}

bool is_segment_break(int c) { return c == '\\' || is_marker(c); }

bool is_uri_scheme_char(int c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '+' ||
         c == '.' || c == '-';
}

bool is_uri_scheme(std::string_view scheme, bool slashes) {
  for (const auto& [name, with_slashes] : kSchemes)
    if (equals_ascii_lower(scheme, name)) return slashes || !with_slashes;
  return false;
}

char32_t decode_utf8_at(std::string_view text, std::size_t pos, std::size_t* length) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte(pos);
  std::size_t n = lead < 0x80         ? 1
                  : (lead >> 5) == 6  ? 2
                  : (lead >> 4) == 14 ? 3
                  : (lead >> 3) == 30 ? 4
                                      : 1;
  if (pos + n > text.size()) n = 1;
  char32_t cp = n == 1 ? lead : n == 2 ? (lead & 0x1F) : n == 3 ? (lead & 0x0F) : (lead & 0x07);
  for (std::size_t i = 1; i < n; ++i) cp = (cp << 6) | (byte(pos + i) & 0x3F);
  if (length != nullptr) *length = n;
  return cp;
}

bool is_unicode_space_at(std::string_view text, std::size_t pos, std::size_t* length) {
  if (pos >= text.size()) return false;
  return textlib::is_python_space(decode_utf8_at(text, pos, length));
}

bool is_word_char(char32_t cp) {
  if (cp < 0x80)
    return cp == '_' || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') ||
           (cp >= '0' && cp <= '9');
  switch (u_charType(static_cast<UChar32>(cp))) {
    case U_UPPERCASE_LETTER:
    case U_LOWERCASE_LETTER:
    case U_TITLECASE_LETTER:
    case U_MODIFIER_LETTER:
    case U_OTHER_LETTER:
    case U_DECIMAL_DIGIT_NUMBER:
    case U_LETTER_NUMBER:
    case U_OTHER_NUMBER: return true;
    default: return false;
  }
}

std::string_view rstrip_space(std::string_view s) {
  while (!s.empty()) {
    const unsigned char c = static_cast<unsigned char>(s.back());
    if (!(c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1C && c <= 0x1F))) break;
    s.remove_suffix(1);
  }
  return s;
}

bool equals_ascii_lower(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

bool is_parsable_tag(std::string_view name) { return !in_list(name, kParserBlacklist); }
bool is_visible_tag(std::string_view name) { return !in_list(name, kInvisible); }
bool is_single_only_tag(std::string_view name) { return in_list(name, kSingleOnly); }
bool is_single_tag(std::string_view name) {
  return in_list(name, kSingleOnly) || in_list(name, kSingleMore);
}

}  // namespace loom::wikitext
