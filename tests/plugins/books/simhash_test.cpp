// The SimHash fingerprint against RFC 1321, Python's str semantics and the reference's own
// fingerprints of the shared books (../shared/golden/books/dedup_decisions.jsonl).
#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "md5.hpp"
#include "md5_votes.hpp"
#include "simhash.hpp"
#include "simhash_index.hpp"

using namespace loom::simhash;

namespace {

std::string hex_of(const std::array<std::uint8_t, 16>& digest) {
  static const char digits[] = "0123456789abcdef";
  std::string out;
  for (std::uint8_t b : digest) {
    out += digits[b >> 4];
    out += digits[b & 15];
  }
  return out;
}

// The word characters of `text`, after checking their count is their code points'.
std::string normalized(std::string_view text) {
  FeatureScratch scratch;
  word_characters(text, 0, scratch);
  const auto code_points = static_cast<std::size_t>(
      std::count_if(scratch.word_chars.begin(), scratch.word_chars.end(),
                    [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
  CHECK(scratch.chars == code_points);
  return scratch.word_chars;
}

std::string slurp(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string latin1_to_utf8(std::string_view bytes) {
  std::string out;
  for (unsigned char c : bytes) {
    if (c < 0x80) {
      out += static_cast<char>(c);
    } else {
      out += static_cast<char>(0xC0 | (c >> 6));
      out += static_cast<char>(0x80 | (c & 0x3F));
    }
  }
  return out;
}

struct GoldenBook {
  std::string id;
  std::string corpus_file;
  std::uint64_t simhash = 0;
  std::uint64_t features = 0;
  std::map<std::string, int> hamming_to_all;
  bool kept = false;
};

std::vector<GoldenBook> golden_books(const std::filesystem::path& decisions) {
  std::vector<GoldenBook> books;
  std::ifstream in(decisions);
  const std::regex id(R"re("id": "(\d+)", "corpus_file": "([^"]+)")re");
  const std::regex hash(R"re("simhash": "([0-9a-f]+)", "n_features": (\d+))re");
  const std::regex hamming(R"re("hamming_to_all": \{([^}]*)\})re");
  const std::regex pair(R"re("(\d+)": (\d+))re");
  for (std::string line; std::getline(in, line);) {
    std::smatch m;
    GoldenBook book;
    REQUIRE(std::regex_search(line, m, id));
    book.id = m[1];
    book.corpus_file = m[2];
    REQUIRE(std::regex_search(line, m, hash));
    book.simhash = std::stoull(m[1], nullptr, 16);
    book.features = std::stoull(m[2]);
    REQUIRE(std::regex_search(line, m, hamming));
    const std::string pairs = m[1];
    for (std::sregex_iterator it(pairs.begin(), pairs.end(), pair), end; it != end; ++it)
      book.hamming_to_all[(*it)[1]] = std::stoi((*it)[2]);
    book.kept = line.find("\"kept\": true") != std::string::npos;
    books.push_back(book);
  }
  return books;
}

}  // namespace

TEST_CASE("md5 of short messages matches the RFC 1321 test suite") {
  CHECK(hex_of(md5_short("")) == "d41d8cd98f00b204e9800998ecf8427e");
  CHECK(hex_of(md5_short("a")) == "0cc175b9c0f1b6a831c399e269772661");
  CHECK(hex_of(md5_short("abc")) == "900150983cd24fb0d6963f7d28e17f72");
  CHECK(hex_of(md5_short("message digest")) == "f96b697d7cb7938d525a2f31aaf161d0");
  CHECK(hex_of(md5_short("abcdefghijklmnopqrstuvwxyz")) == "c3fcd3d76192e4007dfb496cca67e13b");
  CHECK(hex_of(md5_short(std::string(55, 'x'))) ==
        "04364420e25c512fd958a70738aa8f72");  // the longest one block holds
  CHECK(md5_low64_big_endian("") == 0xe9800998ecf8427eULL);
  CHECK_THROWS(md5_short(std::string(56, 'x')));
}

TEST_CASE("features follow Python: lower(), then every non-\\w character deleted") {
  CHECK(normalized("Hello, World! 123_x") == "helloworld123_x");
  CHECK(normalized("\xce\xa3\xce\x91\xce\xa3 \xce\x9f\xce\x94\xce\x9f\xce\xa3.") ==
        "\xcf\x83\xce\xb1\xcf\x82\xce\xbf\xce\xb4\xce\xbf\xcf\x82");  // final sigma
  CHECK(normalized("A\xce\xa3'\xce\xa3 b") ==
        "a\xcf\x83\xcf\x82"
        "b");  // ' is case-ignorable
  CHECK(normalized("\xce\xa3") == "\xcf\x83");
  CHECK(normalized("\xc4\xb0stanbul") == "istanbul");  // U+0130 lowers to i + U+0307
  CHECK(normalized("\xd9\xa3\xc2\xbd\xc2\xb2 \xe2\x80\x94 \xc2\xabok\xc2\xbb") ==
        "\xd9\xa3\xc2\xbd\xc2\xb2ok");  // Nd and No are word characters, punctuation is not
  CHECK(normalized("\xc7\x85ungla \xef\xac\x81") == "\xc7\x86ungla\xef\xac\x81");
  CHECK(normalized(" \r\n\t.,;") == "");
  CHECK_THROWS_AS(normalized("ab\xff"), std::invalid_argument);
  CHECK_THROWS_AS(normalized("\xed\xa0\x80"), std::invalid_argument);  // a surrogate
  CHECK_THROWS_AS(normalized("\xc0\xaf"), std::invalid_argument);      // overlong
}

TEST_CASE("ASCII runs of every length between other characters lower as each character alone") {
  // Without a capital sigma lowering has no context, so the whole text's word characters are
  // each character's own, joined: this checks the 8-byte ASCII runs against the code point path.
  const std::vector<std::string> pieces = {"A",
                                           "z",
                                           "0",
                                           "_",
                                           " ",
                                           ".",
                                           "\xc3\x89",
                                           "\xc4\xb0",
                                           "\xe4\xb8\xad",
                                           "\xf0\x9d\x90\x80",
                                           "\xc2\xab"};
  std::mt19937_64 random(23);
  for (int round = 0; round < 300; ++round) {
    std::string text, expected;
    const int length = static_cast<int>(random() % 80);
    for (int i = 0; i < length; ++i) {
      // Mostly ASCII letters, so runs of 0 to dozens of bytes occur.
      const std::string& piece =
          pieces[random() % 4 == 0 ? random() % pieces.size() : random() % 4];
      text += piece;
      expected += normalized(piece);
    }
    CAPTURE(text);
    CHECK(normalized(text) == expected);
  }
}

TEST_CASE("a text shorter than the shingle is one feature: the fingerprint is its hash") {
  FeatureScratch scratch;
  Fingerprint empty = simhash("", 6, 0, scratch);
  CHECK(empty.feature_count == 1);
  CHECK(empty.value == md5_low64_big_endian(""));
  Fingerprint short_text = simhash("He, LLo!", 6, 0, scratch);
  CHECK(short_text.feature_count == 1);
  CHECK(short_text.value == md5_low64_big_endian("hello"));
  CHECK(simhash("abcdefg", 6, 0, scratch).feature_count == 2);
  CHECK(simhash("abcdefg", 6, 3, scratch).value == md5_low64_big_endian("abc"));  // max_chars
  CHECK(fingerprint_hex(0x00ab) == "00000000000000ab");
}

TEST_CASE("fingerprints, feature counts and distances equal the reference's on the shared books") {
  const std::filesystem::path shared = LOOM_SHARED_DIR;
  const auto decisions = shared / "golden/books/dedup_decisions.jsonl";
  if (!std::filesystem::exists(decisions)) {
    MESSAGE("SKIPPED: ../shared not found");
    return;
  }
  std::vector<GoldenBook> books = golden_books(decisions);
  REQUIRE(books.size() == 8);
  FeatureScratch scratch;
  std::map<std::string, std::uint64_t> ours;
  for (const GoldenBook& book : books) {
    CAPTURE(book.corpus_file);
    std::string bytes = slurp(shared / "corpus/books" / book.corpus_file);
    REQUIRE(!bytes.empty());
    // The golden input decoded *-8.txt files as ISO-8859-1 (see the golden README).
    if (book.corpus_file.ends_with("-8.txt")) bytes = latin1_to_utf8(bytes);
    Fingerprint fingerprint = simhash(bytes, 6, 0, scratch);
    CHECK(fingerprint_hex(fingerprint.value) == fingerprint_hex(book.simhash));
    CHECK(fingerprint.feature_count == book.features);
    ours[book.id] = fingerprint.value;
  }
  for (const GoldenBook& book : books)
    for (const auto& [other, distance] : book.hamming_to_all)
      CHECK(hamming_distance(ours[book.id], ours[other]) == distance);
}

TEST_CASE("the block index finds exactly the near fingerprints a brute-force scan finds") {
  std::mt19937_64 random(5);
  std::vector<std::uint64_t> stored;
  SimhashIndex index(5);
  CHECK(index.blocks() == 6);
  std::uniform_int_distribution<int> bit(0, 63), flips(0, 9);
  for (int i = 0; i < 3000; ++i) {
    std::uint64_t fingerprint = random();
    if (!stored.empty() && i % 2 == 0) {  // a variant of an earlier one, 0..9 bits away
      fingerprint = stored[random() % stored.size()];
      for (int f = flips(random); f > 0; --f) fingerprint ^= std::uint64_t{1} << bit(random);
    }
    std::optional<std::uint32_t> brute;
    for (std::size_t id = 0; id < stored.size() && !brute; ++id)
      if (hamming_distance(stored[id], fingerprint) <= 5) brute = static_cast<std::uint32_t>(id);
    REQUIRE(index.first_near(fingerprint) == brute);
    CHECK(index.insert(fingerprint) == stored.size());
    stored.push_back(fingerprint);
  }
}

TEST_CASE("near-duplication is pairwise, not transitive: a chain links through its middle") {
  SimhashIndex index(5);
  index.insert(0);
  CHECK(index.first_near(0x3FF) == std::nullopt);  // 10 bits from 0
  index.insert(0x1F);                              // 5 bits from 0
  CHECK(index.first_near(0x3FF) == 1u);            // 5 bits from 0x1F
  CHECK(index.first_near(0x1F) == 0u);
  SimhashIndex exact(0);
  exact.insert(42);
  CHECK(exact.first_near(42) == 0u);
  CHECK(exact.first_near(43) == std::nullopt);
}

TEST_CASE("md5 votes in lanes equal the scalar md5's bits, for every length and lane") {
  // Random bytes of every length 0..55, loaded 8 at a time or byte by byte at the readable end,
  // with batch sizes that leave partial batches and lanes that held longer messages before.
  std::mt19937_64 random(17);
  std::string bytes(4096, '\0');
  for (char& c : bytes) c = static_cast<char>(random());
  // Past one and two periodic flushes of the vote counters.
  constexpr std::size_t flush_every = ((std::size_t{1} << Md5Votes::levels) - 1) * Md5Votes::lanes;
  for (const std::size_t messages : {std::size_t{1}, Md5Votes::lanes - 1, Md5Votes::lanes,
                                     Md5Votes::lanes + 1, flush_every + 3, 2 * flush_every + 5}) {
    Md5Votes votes;
    std::array<std::uint64_t, 64> expected{};
    for (std::size_t i = 0; i < messages; ++i) {
      const std::size_t length = (i * 7 + messages) % (md5_max_short_message + 1);
      const std::size_t start = (i * 13) % (bytes.size() - md5_max_short_message);
      const std::size_t readable = i % 3 == 0 ? length : bytes.size() - start;
      votes.add(bytes.data() + start, length, readable);
      const std::uint64_t h = md5_low64_big_endian(std::string_view(bytes).substr(start, length));
      for (int bit = 0; bit < 64; ++bit) expected[bit] += (h >> bit) & 1U;
    }
    std::array<std::uint64_t, 64> got{};
    got[5] = 1000;  // take() adds to what the caller holds
    expected[5] += 1000;
    votes.take(got);
    CAPTURE(messages);
    CHECK(got == expected);
    std::array<std::uint64_t, 64> after{};
    votes.take(after);  // take() started afresh
    CHECK(after == std::array<std::uint64_t, 64>{});
  }
  // One message over and over sets the same bits in every lane: counters that missed a flush
  // would overflow and lose the carry.
  Md5Votes votes;
  const std::string message = "abcdef";
  for (std::size_t i = 0; i < 2 * flush_every + 5; ++i)
    votes.add(message.data(), message.size(), message.size());
  std::array<std::uint64_t, 64> repeated{};
  votes.take(repeated);
  const std::uint64_t h = md5_low64_big_endian(message);
  for (int bit = 0; bit < 64; ++bit)
    CHECK(repeated[bit] == ((h >> bit) & 1U) * (2 * flush_every + 5));
  CHECK_THROWS_AS(votes.add(bytes.data(), md5_max_short_message + 1, bytes.size()),
                  std::length_error);
}

TEST_CASE(
    "fingerprints of short texts of few letters equal the per-occurrence votes, ties included") {
  // Few letters make most shingles repeat, and an even feature count allows exact ties.
  std::mt19937_64 random(3);
  FeatureScratch scratch;
  for (int round = 0; round < 40; ++round) {
    std::string text;
    const int length = 1 + static_cast<int>(random() % 3000);
    for (int i = 0; i < length; ++i) text += static_cast<char>('a' + random() % (2 + round % 4));
    const int width = 1 + round % 8;
    word_characters(text, 0, scratch);
    const std::size_t chars = text.size();
    const std::size_t features = chars >= static_cast<std::size_t>(width) ? chars - width + 1 : 1;
    std::array<std::uint64_t, 64> ones{};
    for (std::size_t i = 0; i < features; ++i) {
      const std::uint64_t h =
          md5_low64_big_endian(text.substr(i, std::min<std::size_t>(width, chars)));
      for (int bit = 0; bit < 64; ++bit) ones[bit] += (h >> bit) & 1U;
    }
    std::uint64_t per_occurrence = 0;
    for (int bit = 0; bit < 64; ++bit)
      if (2 * ones[bit] > features) per_occurrence |= std::uint64_t{1} << bit;
    CAPTURE(round);
    const Fingerprint fingerprint = simhash(text, width, 0, scratch);
    CHECK(fingerprint.feature_count == features);
    CHECK(fingerprint_hex(fingerprint.value) == fingerprint_hex(per_occurrence));
  }
}

TEST_CASE("a long text of random letters votes as the reference, one thread or several") {
  // 1.2 million random letters: nearly every 6-letter shingle distinct, many vote-counter
  // flushes, and enough features to be split among threads when the run has several.
  std::mt19937_64 random(5);
  std::string text;
  for (int i = 0; i < 1200000; ++i) text += static_cast<char>('a' + random() % 26);
  const std::size_t width = 6;
  const std::size_t features = text.size() - width + 1;
  std::array<std::uint64_t, 64> ones{};
  for (std::size_t i = 0; i < features; ++i) {
    const std::uint64_t h = md5_low64_big_endian(std::string_view(text).substr(i, width));
    for (int bit = 0; bit < 64; ++bit) ones[bit] += (h >> bit) & 1U;
  }
  std::uint64_t per_occurrence = 0;
  for (int bit = 0; bit < 64; ++bit)
    if (2 * ones[bit] > features) per_occurrence |= std::uint64_t{1} << bit;
  FeatureScratch scratch;
  const Fingerprint fingerprint = simhash(text, static_cast<int>(width), 0, scratch);
  CHECK(fingerprint.feature_count == features);
  CHECK(fingerprint_hex(fingerprint.value) == fingerprint_hex(per_occurrence));
}
