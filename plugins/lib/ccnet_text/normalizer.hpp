// cc_net's text normalization (cc_net/text_normalizer.py) and its line hash (dedup.str_hash),
// with CPython 3.11 str semantics (Unicode 14.0 data), for any plugin that must reproduce them:
// the line dedup hashes normalize_for_dedup(line), the perplexity model reads normalize(doc).
//
// Input is UTF-8; an invalid byte sequence is read as U+FFFD (Python never sees one, since the
// reference decodes files strictly). Every function is thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace loom::ccnet {

// text_normalizer.normalize(text) with its defaults (accent=True, case=True, numbers=True,
// punct=1): str.strip(); empty stays empty; str.lower() (full case mapping, final sigma); strip
// accents (NFD, then drop every character of category Mn); every Unicode decimal digit (re `\d`)
// becomes '0'; the 34 "unicode punct" characters are replaced by their ASCII map; then the control
// characters U+0000-U+001F and U+007F-U+009F are removed (newlines included).
std::string normalize(std::string_view utf8);
// The same, writing into `out` (cleared first) so a caller can reuse its capacity.
void normalize(std::string_view utf8, std::string& out);
// The same through the general path (code points), which normalize leaves for a faster one on
// pure ASCII: for the tests that hold the two equal.
void normalize_general(std::string_view utf8, std::string& out);

// text_normalizer.normalize_for_dedup(line): strip, lower, digits to '0', then remove the unicode
// punct characters and the control characters (no accent stripping, no replacement).
std::string normalize_for_dedup(std::string_view utf8);
void normalize_for_dedup(std::string_view utf8, std::string& out);
// The same through the general path (decode to code points, strip, lower, map), which
// normalize_for_dedup leaves for a single pass over the UTF-8: for the tests that hold the two
// equal.
void normalize_for_dedup_general(std::string_view utf8, std::string& out);

// dedup.str_hash: the first 8 bytes of sha1(utf8) read as a little-endian uint64.
std::uint64_t line_hash(std::string_view normalized);

// line_hash(normalize_for_dedup(line)), reusing a per-thread buffer.
std::uint64_t dedup_line_hash(std::string_view line);

}  // namespace loom::ccnet
