// UrlDigestIndex: RedPajama's dedup_phase2.py decision. The expected results are worked out from
// the reference's loops by hand in each case's comment.
#include <doctest/doctest.h>

#include <url_digest_index.hpp>

#include <stdexcept>
#include <string>
#include <vector>

using loom::dedup::UrlDigestIndex;

namespace {

struct Record {
  const char* file;
  const char* url;
  const char* digest;
};

// The URLs of the records kept, in input order.
std::vector<std::string> kept(const std::vector<Record>& records) {
  UrlDigestIndex index;
  for (const Record& r : records) index.observe(r.file, r.url, r.digest);
  index.decide();
  std::vector<std::string> out;
  for (const Record& r : records)
    if (index.keeps(r.url)) out.push_back(std::string(r.file) + ":" + r.url);
  return out;
}

using Strings = std::vector<std::string>;

}  // namespace

TEST_CASE("the first URL of a digest is kept; the same digest under another URL is removed") {
  CHECK(kept({{"a", "u1", "d1"}, {"a", "u2", "d1"}, {"a", "u3", "d2"}}) == Strings{"a:u1", "a:u3"});
  CHECK(kept({{"a", "u1", "d1"}, {"b", "u2", "d1"}}) == Strings{"a:u1"});
}

TEST_CASE("the same URL and digest in two files: every copy is kept (membership is by URL)") {
  CHECK(kept({{"a", "u1", "d1"}, {"b", "u1", "d1"}, {"b", "u2", "d1"}}) == Strings{"a:u1", "b:u1"});
}

TEST_CASE("a URL repeated within a file keeps its first position and its last digest") {
  // File a's dict: {u1: d2, u2: d1}. d2 is new: u1 kept; d1 is new: u2 kept. Both u1 records
  // are kept, since membership is by URL.
  CHECK(kept({{"a", "u1", "d1"}, {"a", "u2", "d1"}, {"a", "u1", "d2"}}) ==
        Strings{"a:u1", "a:u2", "a:u1"});
  // File a's dict: {u1: d1 (last), u2: d3}; file b: {u3: d2}. Only the last digest of u1 counts,
  // so d2 is still new when file b comes: u3 kept.
  CHECK(kept({{"a", "u1", "d2"}, {"a", "u1", "d1"}, {"a", "u2", "d3"}, {"b", "u3", "d2"}}) ==
        Strings{"a:u1", "a:u1", "a:u2", "b:u3"});
  // The dict's order is first occurrence: u1 (d9), u2 (d1), u1 (d1) -> {u1: d1, u2: d1}, so u1
  // takes d1 although its d1 record comes after u2's; u2 is removed.
  CHECK(kept({{"a", "u1", "d9"}, {"a", "u2", "d1"}, {"a", "u1", "d1"}}) == Strings{"a:u1", "a:u1"});
}

TEST_CASE("a URL kept in one file keeps its records in every file, whatever their digest") {
  // File a: {u1: d1} -> u1 kept. File b: {u1: d2, u2: d2}: d2 new, u1 (already kept) takes it,
  // so u2 is removed; b's u1 record is kept.
  CHECK(kept({{"a", "u1", "d1"}, {"b", "u1", "d2"}, {"b", "u2", "d2"}}) == Strings{"a:u1", "b:u1"});
}

TEST_CASE("files are walked in the order they first appear, even when interleaved") {
  // File b appears first, so its u2 takes d1 before a's u1 does.
  CHECK(kept({{"b", "u2", "d1"}, {"a", "u1", "d1"}, {"b", "u3", "d2"}}) == Strings{"b:u2", "b:u3"});
  // Interleaved records of one file form one dict: a = {u1: d1, u3: d2}, b = {u2: d2}.
  CHECK(kept({{"a", "u1", "d1"}, {"b", "u2", "d2"}, {"a", "u3", "d2"}}) == Strings{"a:u1", "a:u3"});
}

TEST_CASE("empty input, counts, and misuse") {
  UrlDigestIndex index;
  CHECK_THROWS_AS(index.keeps("u"), std::logic_error);
  index.observe("a", "u1", "d1");
  index.observe("b", "u2", "d1");
  CHECK(index.files() == 2);
  index.decide();
  CHECK(index.kept_urls() == 1);
  CHECK_FALSE(index.keeps("never seen"));
  CHECK_THROWS_AS(index.observe("a", "u", "d"), std::logic_error);
  CHECK_THROWS_AS(index.decide(), std::logic_error);
  UrlDigestIndex empty;
  empty.decide();
  CHECK(empty.kept_urls() == 0);
}

TEST_CASE("a tiny memory budget (records and sets spilled to disk) gives the same decision") {
  std::uint64_t state = 777;
  auto next = [&](std::uint64_t n) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (state >> 33) % n;
  };
  struct Line {
    std::string file, url, digest;
  };
  std::vector<Line> lines;
  for (int i = 0; i < 30'000; ++i)  // files interleaved, URLs repeated in and across files
    lines.push_back({"f" + std::to_string(next(40)), "u" + std::to_string(next(12'000)),
                     "d" + std::to_string(next(6'000))});
  UrlDigestIndex memory, tiny(4096);
  for (const Line& l : lines) {
    memory.observe(l.file, l.url, l.digest);
    tiny.observe(l.file, l.url, l.digest);
  }
  memory.decide();
  tiny.decide();
  CHECK(tiny.kept_urls() == memory.kept_urls());
  CHECK(memory.kept_urls() > 1000);
  CHECK(memory.kept_urls() < 9000);
  for (int u = 0; u < 12'000; ++u) {
    const std::string url = "u" + std::to_string(u);
    REQUIRE(tiny.keeps(url) == memory.keeps(url));
  }
}
