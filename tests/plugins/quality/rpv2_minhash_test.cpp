// rpv2_minhash against RedPajama-V2's own MinHash (../shared/golden/rpv2/rpv2_minhash.jsonl, from
// V2's unmodified dedupe/minhash.py with rp_v2.0.conf's values): the permutations by V2's logged
// checksum, the bands and rows of optimal_param, and every band of every document's signature,
// exactly (integers: no tolerance).
#include "quality_plugin.hpp"

#include <simdjson.h>
#include <rpv2_minhash_signature.hpp>

#include <filesystem>
#include <fstream>
#include <map>

using loom::quality::rpv2_minhash_permutations;
using loom::quality::rpv2_optimal_bands;

namespace {

// A golden band list as rpv2_minhash writes it: compact JSON, or null.
std::string compact_bands(simdjson::ondemand::value value) {
  if (value.is_null()) return "null";
  std::string out = "[";
  for (auto band : value.get_array()) {
    if (out.size() > 1) out += ',';
    out += '"';
    out += std::string_view(band.get_string());
    out += '"';
  }
  return out + "]";
}

}  // namespace

TEST_CASE("rpv2 minhash: permutations are numpy's RandomState(42) draws, by V2's checksum") {
  const auto p = rpv2_minhash_permutations(128, 42);
  REQUIRE(p.a.size() == 128);
  CHECK(loom::quality::rpv2_permutations_checksum(p) ==
        "6a5665743fa1884640a8eb3543348255a90b4dbd55b093f39e3d61ac90eac9e1");
  CHECK(loom::quality::rpv2_permutations_checksum(rpv2_minhash_permutations(128, 43)) !=
        "6a5665743fa1884640a8eb3543348255a90b4dbd55b093f39e3d61ac90eac9e1");
}

TEST_CASE("rpv2 minhash: bands and rows of optimal_param for V2's thresholds") {
  using P = std::pair<std::size_t, std::size_t>;
  CHECK(rpv2_optimal_bands(1.0, 128) == P{1, 128});
  CHECK(rpv2_optimal_bands(0.9, 128) == P{5, 25});
  CHECK(rpv2_optimal_bands(0.8, 128) == P{9, 13});
  CHECK(rpv2_optimal_bands(0.7, 128) == P{14, 9});
}

TEST_CASE("rpv2_minhash gives V2's banded signatures on the shared golden texts") {
  const std::filesystem::path dir = std::filesystem::path(LOOM_SHARED_DIR) / "golden/rpv2";
  if (!std::filesystem::exists(dir / "rpv2_minhash.jsonl")) {
    MESSAGE("SKIPPED: " << dir / "rpv2_minhash.jsonl"
                        << " not found");
    return;
  }
  simdjson::ondemand::parser parser;
  std::map<std::string, std::string> text_of;  // src -> text
  {
    std::ifstream in(dir / "rpv2_signals.jsonl");
    for (std::string line; std::getline(in, line);) {
      simdjson::padded_string padded(line);
      simdjson::ondemand::document d = parser.iterate(padded);
      const std::string src{std::string_view(d["src"])};
      text_of[src] = std::string(std::string_view(d["text"]));
    }
  }
  std::vector<std::string> sources;
  std::vector<std::string> expected;  // per document and key: the golden value as minified JSON
  std::vector<loom::testing::Document> input;
  const char* keys[] = {"signature_sim1.0", "signature_sim0.9", "signature_sim0.8",
                        "signature_sim0.7"};
  std::ifstream in(dir / "rpv2_minhash.jsonl");
  for (std::string line; std::getline(in, line);) {
    simdjson::padded_string padded(line);
    simdjson::ondemand::document d = parser.iterate(padded);
    const std::string src{std::string_view(d["src"])};
    REQUIRE_MESSAGE(text_of.count(src) == 1, src);
    sources.push_back(src);
    loom::testing::Document doc;
    doc.text = text_of[src];
    input.push_back(doc);
    for (const char* key : keys) expected.push_back(compact_bands(d[key]));
  }
  REQUIRE(sources.size() == 330);
  loom::testing::Instance instance(quality_test::plugin().component("rpv2_minhash"), {});
  const auto got = instance.process(input);
  std::size_t differing = 0, nulls = 0;
  for (std::size_t i = 0; i < got.size(); ++i) {
    for (std::size_t k = 0; k < 4; ++k) {
      const loom::testing::MetaValue* v = got[i].find(keys[k]);
      REQUIRE_MESSAGE(v != nullptr, sources[i] << ": no " << keys[k]);
      REQUIRE(v->type == LOOM_VALUE_JSON);
      const std::string& want = expected[i * 4 + k];
      nulls += want == "null" ? 1 : 0;
      if (v->s == want) continue;
      if (++differing <= 3)
        MESSAGE(sources[i] << ": " << keys[k] << " is " << v->s.substr(0, 80) << "..., V2 gives "
                           << want.substr(0, 80) << "...");
    }
  }
  CHECK(differing == 0);
  CHECK(nulls > 0);               // short documents were among them
  CHECK(nulls < got.size() * 4);  // and long ones
}
