// GPT-2's byte-to-unicode alphabet, which byte-level BPE vocabularies are written in: every byte
// is shown as one printable character (bytes 33-126, 161-172 and 174-255 as themselves, the rest
// as U+0100 onwards in byte order).
#pragma once

#include <text/utf8.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace loom::tokens {

// The character byte `b` is shown as.
char32_t byte_level_char(unsigned char b);

// The bytes a vocabulary entry written in that alphabet stands for; nullopt when it holds a
// character outside the alphabet (such an entry can never come out of a byte-level
// pre-tokenizer) or is not valid UTF-8.
std::optional<std::string> byte_level_decode(std::string_view shown);

// The same into `bytes` (replaced), without a new string per entry; false where the above gives
// nullopt, leaving `bytes` unspecified.
bool byte_level_decode(std::string_view shown, std::string& bytes);

using textlib::append_utf8;

}  // namespace loom::tokens
