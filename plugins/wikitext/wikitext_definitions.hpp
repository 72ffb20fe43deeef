// Character classes and tag/scheme tables of the wikitext grammar (mwparserfromhell 0.6.4's
// definitions: parser-blacklisted, invisible and single tags; URI schemes).
#pragma once

#include <text/utf8.hpp>

#include <cstddef>
#include <string>
#include <string_view>

namespace loom::wikitext {

bool is_marker(int c);         // characters the tokenizer dispatches on
bool is_segment_break(int c);  // markers plus '\\' (where the Python tokenizer splits text)
bool is_uri_scheme_char(int c);
bool is_uri_scheme(std::string_view scheme, bool slashes);

// Python's str.isspace() for the code point starting at pos (its UTF-8 length in *length).
bool is_unicode_space_at(std::string_view text, std::size_t pos, std::size_t* length = nullptr);
char32_t decode_utf8_at(std::string_view text, std::size_t pos, std::size_t* length = nullptr);
using textlib::append_utf8;
bool is_word_char(char32_t cp);  // Python's \w

std::string_view rstrip_space(std::string_view s);
bool equals_ascii_lower(std::string_view a, std::string_view b);

bool is_parsable_tag(std::string_view name);     // contents are wikitext (not nowiki, pre, math...)
bool is_visible_tag(std::string_view name);      // contents are shown by strip_code
bool is_single_tag(std::string_view name);       // may stay unclosed (li, td, br, ...)
bool is_single_only_tag(std::string_view name);  // never has a close tag (br, hr, img, ...)

}  // namespace loom::wikitext
