// StringIndex, the tokenizer's vocabulary lookup: every key found with its first value, absent
// keys not found, the empty key, and growth well past the size it was made for.
#include <string_index.hpp>

#include <doctest/doctest.h>

#include <string>
#include <vector>

using loom::tokens::StringIndex;

TEST_CASE("StringIndex: each key keeps its first value, across growth far past `expected`") {
  // Keys built so that many share a length and a prefix: a probe must compare bytes, not only
  // lengths.
  std::vector<std::string> keys;
  for (int i = 0; i < 20000; ++i)
    keys.push_back("token-" + std::to_string(i % 10000) + "/" + std::to_string(i / 10000));
  StringIndex index(4);  // grows many times
  for (std::size_t i = 0; i < keys.size(); ++i)
    CHECK(index.insert(keys[i], static_cast<std::uint32_t>(i)));
  CHECK(index.size() == keys.size());
  for (std::size_t i = 0; i < keys.size(); ++i) {
    // The same bytes from another buffer: found by content, not by address.
    const std::string copy = keys[i];
    REQUIRE(index.find(copy).has_value());
    CHECK(*index.find(copy) == i);
    CHECK_FALSE(index.insert(copy, 999999));
    CHECK(*index.find(copy) == i);
  }
  CHECK(index.size() == keys.size());
  CHECK_FALSE(index.find("token-10000/0").has_value());
  CHECK_FALSE(index.find("token-1/").has_value());
  CHECK_FALSE(index.find("token-1/00").has_value());
}

TEST_CASE("StringIndex: the empty key is a key like any other") {
  StringIndex index;
  CHECK_FALSE(index.find("").has_value());
  CHECK_FALSE(index.find(std::string_view()).has_value());
  const std::string empty;
  CHECK(index.insert(empty, 7));
  CHECK(index.insert("a", 8));
  CHECK(*index.find(std::string_view()) == 7);
  CHECK(*index.find("") == 7);
  CHECK_FALSE(index.insert(std::string_view(), 9));
  CHECK(*index.find("a") == 8);
  // Bytes past a NUL count.
  const std::string with_nul("a\0b", 3);
  CHECK_FALSE(index.find(with_nul).has_value());
  CHECK(index.insert(with_nul, 10));
  CHECK(*index.find(with_nul) == 10);
  CHECK(*index.find("a") == 8);
}
