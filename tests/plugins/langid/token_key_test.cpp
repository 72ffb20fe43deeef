// Token keys and hashes: a token's key and hash are the same whether its bytes are loaded in
// place (16 bytes read past its start, within its line) or copied, and keys tell apart tokens
// that differ in any of their first 16 bytes or only in their length.
#include <doctest/doctest.h>

#include <fasttext_inference/token_cache.hpp>
#include <fasttext_inference/token_key.hpp>

#include <cstddef>
#include <string>
#include <string_view>

using namespace loom::fasttext_inference;

TEST_CASE("a token's key and hash do not depend on how its bytes were read") {
  // Tokens of every length up to past two key widths, cut out of a line with other bytes after
  // them, so an in-place load sees bytes past the token's end that the key must drop.
  const std::string line =
      "abcdefghijklmnopqrstuvwxyz0123456789 \xc3\xa9t\xc3\xa9 tail of the line";
  for (std::size_t start = 0; start < 8; ++start) {
    for (std::size_t size = 1; start + size + 16 <= line.size() && size <= 36; ++size) {
      const std::string_view in_line(line.data() + start, size);
      const std::string copy(in_line);  // its own allocation: read through the copying path
      const TokenKey loaded = token_key(in_line, line.data() + line.size());
      const TokenKey copied = token_key(copy);
      CAPTURE(start);
      CAPTURE(size);
      CHECK(same_key(loaded, copied));
      CHECK(hash_token(in_line, loaded) == hash_token(copy, copied));
      CHECK(hash_token(in_line, loaded) == TokenCache::hash_token(copy));
      CHECK(same_key(stored_key(line.data() + start, size), loaded));
    }
  }
}

TEST_CASE("keys and hashes tell tokens apart") {
  const std::string a = "internationalization";  // 20 bytes: past the key's 16
  std::string differs_late = a;
  differs_late[18] = 'X';
  const std::string shorter = a.substr(0, 15);
  const std::string with_zero = shorter + std::string(1, '\0');  // same key bytes, one longer
  CHECK(same_key(token_key(a), token_key(differs_late)));        // the key holds 16 bytes only...
  CHECK(TokenCache::hash_token(a) != TokenCache::hash_token(differs_late));  // ...the hash all
  CHECK(same_key(token_key(shorter), token_key(with_zero)));
  CHECK(TokenCache::hash_token(shorter) != TokenCache::hash_token(with_zero));  // the length
  for (std::size_t i = 0; i < 16; ++i) {
    std::string changed = a;
    changed[i] = static_cast<char>(changed[i] ^ 0x20);
    CAPTURE(i);
    CHECK_FALSE(same_key(token_key(a), token_key(changed)));
  }
}
