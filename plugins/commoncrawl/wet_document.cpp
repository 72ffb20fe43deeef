#include "wet_document.hpp"

#include <text/python_whitespace.hpp>

#include <limits>

namespace loom::commoncrawl {

using textlib::python_split_token;

namespace {

bool is_ascii_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_scheme_char(char c) {
  return is_ascii_alpha(c) || is_digit(c) || c == '+' || c == '-' || c == '.';
}

// headers[i].split()[1], with Python's IndexError reported as false.
bool header_value(const WarcRecord& record, std::size_t i, std::string_view& value) {
  return i < record.headers.size() && python_split_token(record.header(i), 1, value);
}

}  // namespace

bool parse_python_int(std::string_view token, std::int64_t& value) {
  std::size_t i = 0;
  bool negative = false;
  if (i < token.size() && (token[i] == '+' || token[i] == '-')) negative = token[i++] == '-';
  if (i == token.size() || !is_digit(token[i])) return false;
  std::uint64_t magnitude = 0;
  constexpr std::uint64_t limit = std::uint64_t{std::numeric_limits<std::int64_t>::max()};
  for (; i < token.size(); ++i) {
    char c = token[i];
    if (c == '_') {  // only between two digits
      if (i + 1 == token.size() || !is_digit(token[i + 1])) return false;
      continue;
    }
    if (!is_digit(c)) return false;
    magnitude = magnitude * 10 + static_cast<std::uint64_t>(c - '0');
    if (magnitude > limit) return false;  // beyond int64: treated as unparseable
  }
  value = negative ? -static_cast<std::int64_t>(magnitude) : static_cast<std::int64_t>(magnitude);
  return true;
}

bool url_netloc(std::string_view url, std::string_view& netloc) {
  // urlsplit first drops leading C0 controls and spaces.
  while (!url.empty() && static_cast<unsigned char>(url.front()) <= 0x20) url.remove_prefix(1);
  const std::size_t colon = url.find(':');
  if (colon != std::string_view::npos && colon > 0 && is_ascii_alpha(url[0])) {
    bool scheme = true;
    for (std::size_t i = 0; i < colon && scheme; ++i) scheme = is_scheme_char(url[i]);
    if (scheme) url.remove_prefix(colon + 1);
  }
  netloc = {};
  if (url.substr(0, 2) != "//") return true;
  const std::size_t end = url.find_first_of("/?#", 2);
  netloc = url.substr(2, end == std::string_view::npos ? std::string_view::npos : end - 2);
  const bool open = netloc.find('[') != std::string_view::npos;
  const bool close = netloc.find(']') != std::string_view::npos;
  return open == close;  // "Invalid IPv6 URL"
}

const char* parse_wet_document(const WarcRecord& record, WetDocument& doc) {
  if (record.headers.empty() || record.body_line_count == 0) return "empty_record";
  std::string_view type;
  if (!header_value(record, 1, type)) return "bad_header";
  if (type != "conversion") return "not_conversion";
  if (record.too_large) return "record_too_large";
  if (!header_value(record, 2, doc.url) || !header_value(record, 3, doc.date_download) ||
      !header_value(record, 6, doc.digest))
    return "bad_header";
  // RedPajama: headers[9] (newer WET files carry WARC-Identified-Content-Language), falling back
  // to headers[8] only on IndexError; a headers[9] value that is not an integer drops the record.
  std::string_view length;
  if (!header_value(record, 9, length) && !header_value(record, 8, length)) return "bad_header";
  if (!parse_python_int(length, doc.length)) return "bad_header";

  const std::size_t n = record.body.size();
  if (n == 0) return "empty_record";
  // parse_doc reads doc[-2] when the last line is empty: a lone empty body line raises
  // IndexError there (uncaught in cc_net); here the record is dropped.
  if (n == 1 && record.body_line(0).empty()) return "empty_record";
  std::size_t last = n;
  if (n >= 2 && record.body_line(n - 1).empty() && record.body_line(n - 2).empty()) last = n - 2;
  doc.title = record.body_line(0);
  doc.raw_content = record.body_range(1, last);
  doc.nlines = last > 1 ? static_cast<std::int64_t>(last - 1) : 0;
  if (!url_netloc(doc.url, doc.source_domain)) return "bad_url";
  return nullptr;
}

}  // namespace loom::commoncrawl
