// Python's str.isalpha() count, for RedPajama's alpha/token filter.
#pragma once

#include <cstdint>
#include <string_view>

namespace loom::tokens {

// sum(c.isalpha() for c in text) over valid UTF-8: code points of general category L* (Lu, Ll,
// Lt, Lm, Lo), from ICU's tables.
std::int64_t count_alphabetic(std::string_view utf8);

}  // namespace loom::tokens
