// cc_net's normalizers and line hash against ../shared/golden/common_crawl/normalizer_vectors.jsonl
// (text_normalizer.normalize, normalize_for_dedup and dedup.str_hash run by CPython 3.11 on 3881
// real lines of the corpus), plus the cases of cc_net's own tests/test_normalizer.py.
#include <doctest/doctest.h>
#include <simdjson.h>
#include <ccnet_text/normalizer.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using loom::ccnet::dedup_line_hash;
using loom::ccnet::line_hash;
using loom::ccnet::normalize;
using loom::ccnet::normalize_for_dedup;

namespace {

struct Vector {
  std::size_t line_number = 0;
  std::string line, normalized, normalized_for_dedup;
  std::uint64_t hash = 0;
};

std::vector<Vector> golden_vectors(const fs::path& path) {
  std::vector<Vector> vectors;
  simdjson::ondemand::parser parser;
  std::ifstream in(path);
  std::size_t number = 0;
  for (std::string text; std::getline(in, text);) {
    ++number;
    simdjson::padded_string padded(text);
    simdjson::ondemand::document doc = parser.iterate(padded);
    Vector v;
    v.line_number = number;
    v.line = std::string(std::string_view(doc["line"].get_string().value()));
    v.normalized = std::string(std::string_view(doc["normalize"].get_string().value()));
    v.normalized_for_dedup =
        std::string(std::string_view(doc["normalize_for_dedup"].get_string().value()));
    v.hash = std::stoull(std::string(std::string_view(doc["dedup_hash_u64"].get_string().value())));
    vectors.push_back(std::move(v));
  }
  return vectors;
}

}  // namespace

TEST_CASE("every golden normalizer vector: normalize, normalize_for_dedup and the line hash") {
  const fs::path path =
      fs::path(LOOM_SHARED_DIR) / "golden" / "common_crawl" / "normalizer_vectors.jsonl";
  if (!fs::exists(path)) {
    MESSAGE("SKIPPED: " << path << " not found");
    return;
  }
  const std::vector<Vector> vectors = golden_vectors(path);
  CHECK(vectors.size() == 3881);
  std::size_t mismatches = 0;
  for (const Vector& v : vectors) {
    const std::string got = normalize(v.line);
    const std::string got_dedup = normalize_for_dedup(v.line);
    const std::uint64_t got_hash = dedup_line_hash(v.line);
    if (got != v.normalized || got_dedup != v.normalized_for_dedup || got_hash != v.hash) {
      ++mismatches;
      INFO("golden line " << v.line_number << ": " << v.line);
      CHECK(got == v.normalized);
      CHECK(got_dedup == v.normalized_for_dedup);
      CHECK(got_hash == v.hash);
    }
    CHECK(line_hash(v.normalized_for_dedup) == v.hash);
  }
  CHECK(mismatches == 0);
}

TEST_CASE("cc_net test_normalizer.py: unicode punct, numbers, dedup") {
  // test_unicode_punct, through the whole normalizers: `\d` runs before the punct step, so the
  // fullwidth one (U+FF11, a digit that is also a punct key) becomes '0' in both.
  CHECK(normalize("，。、„”“«»１」「《》´∶：？！（）；–—．～’…━〈〉【】％") ==
        ",.,\"\"\"\"\"0\"\"\"\"'::?!();- - . ~'...-<>[]%");
  CHECK(normalize_for_dedup("，。、„”“«»１」「《》´∶：？！（）；–—．～’…━〈〉【】％") == "0");
  // test_numbers: fullwidth digits are `\d` too.
  CHECK(normalize("０２３４５６７８９ | 0123456789") == "000000000 | 0000000000");
  // Like test_normalize_for_dedup: the space before the removed "…" stays.
  CHECK(normalize_for_dedup("  Hello, World! 2021 …\n") == "hello, world! 0000 ");
}

TEST_CASE("Python str semantics the vectors may not cover") {
  // Full lowercase mapping: U+0130 becomes 'i' + U+0307, which strip_accents then removes.
  CHECK(normalize_for_dedup("İstanbul") == "i\xcc\x87stanbul");
  CHECK(normalize("İstanbul") == "istanbul");
  // Final sigma: at the end of a word only.
  CHECK(normalize_for_dedup("ΟΔΟΣ ΣΑ") == "οδος σα");
  // str.strip() removes Unicode whitespace, including U+3000, U+0085 and U+001C-U+001F.
  CHECK(normalize_for_dedup("\u3000\x1c x \u0085\u2029") == "x");
  // Whitespace only is empty, and the empty line hashes as sha1("").
  CHECK(normalize("\t \u00a0") == "");
  CHECK(line_hash("") == 0x0d4b6b5eeea339daULL);
  // Inner controls are removed, inner non-breaking spaces kept; digits of any script become 0.
  CHECK(normalize("a\tb\u00a0c \u0663\u096b") == "ab\u00a0c 00");
  // Accents: NFD then drop Mn; the dedup normalizer keeps them.
  CHECK(normalize("Crème Brûlée") == "creme brulee");
  CHECK(normalize_for_dedup("Crème Brûlée") == "crème brûlée");
  // A character Unicode 15 added (Kawi digit zero, Nd there) is unassigned in Python 3.11.
  CHECK(normalize_for_dedup("\U00011F50") == "\U00011F50");
  // Invalid UTF-8 reads as U+FFFD rather than failing.
  CHECK(normalize_for_dedup("a\xff") == "a\ufffd");
}
