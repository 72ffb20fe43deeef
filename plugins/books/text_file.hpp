// What the book sources need to turn a file's bytes into text: binary detection, UTF-8 or
// Latin-1 decoding (Project Gutenberg ships both: `<n>.txt` and ISO-8859-1 `<n>-8.txt`), and
// the optional removal of the Gutenberg licence header and footer.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace loom::books {

// Why the bytes look like a binary file (a NUL byte, or many control characters), if they do.
std::optional<std::string> binary_reason(std::string_view bytes);

// The byte offset of the first invalid UTF-8 sequence, if any (strict: no surrogates, no
// overlong forms).
std::optional<std::size_t> first_invalid_utf8(std::string_view bytes);

// Each byte as the code point of the same value, in UTF-8 (at most twice as long).
std::size_t latin1_to_utf8(std::string_view bytes, char* out);

// The text between the "*** START OF ... PROJECT GUTENBERG ..." line (or the old "*END*THE SMALL
// PRINT" line) and the "*** END OF ..." / "End of (the) Project Gutenberg ..." line. A marker
// that is missing leaves that end of the text as it is.
std::string_view strip_gutenberg(std::string_view text);

}  // namespace loom::books
