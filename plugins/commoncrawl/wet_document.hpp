// cc_net's parse_doc (process_wet_file.py, with RedPajama's Content-Length fallback): the
// document fields of one conversion record, read from its headers by position.
#pragma once

#include "record_reader.hpp"

#include <cstdint>
#include <string_view>

namespace loom::commoncrawl {

struct WetDocument {
  std::string_view url;
  std::string_view date_download;
  std::string_view digest;
  std::int64_t length = 0;  // the Content-Length header's value
  std::int64_t nlines = 0;
  std::string_view source_domain;
  std::string_view title;
  std::string_view raw_content;
};

// Fills `doc` (views into `record`) and returns nullptr, or returns why cc_net drops the record:
// "empty_record" (no header or no body line), "not_conversion" (headers[1] is not WARC-Type
// conversion), "record_too_large" (over max_record_bytes, body not kept), "bad_header" (a
// positional header without a value, or a length that is not an integer), "bad_url" (urlparse
// raises: unbalanced '[' ']' in the host).
const char* parse_wet_document(const WarcRecord& record, WetDocument& doc);

// urllib.parse.urlparse(url).netloc, or false where urlparse raises ValueError.
bool url_netloc(std::string_view url, std::string_view& netloc);

// Python int() of an ASCII token: optional sign, digits, single '_' between digits.
bool parse_python_int(std::string_view token, std::int64_t& value);

}  // namespace loom::commoncrawl
