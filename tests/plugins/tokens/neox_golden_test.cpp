// The GPT-NeoX-20B tokenizer against Hugging Face tokenizers 0.23.2's own ids
// (../shared/golden/tokens): the edge-case strings, and every document of every slice's golden
// output (ids where the golden has them, the count everywhere), plus the slice totals.
#include <map>

#include "token_test_support.hpp"

using namespace token_tests;

TEST_CASE("GPT-NeoX-20B: the golden edge-case strings give Hugging Face's ids") {
  const auto tokenizer = neox();
  const fs::path golden = shared_dir() / "golden" / "tokens" / "neox20b_strings.jsonl";
  if (!tokenizer || !fs::exists(golden)) {
    MESSAGE("SKIPPED: " << neox_path() << " or " << golden << " not found");
    return;
  }
  simdjson::dom::parser parser;
  std::size_t cases = 0;
  for (const std::string& line : read_lines(golden)) {
    simdjson::dom::element row = parser.parse(line);
    const std::string text{std::string_view(row["text"])};
    std::vector<std::uint32_t> want;
    for (std::uint64_t id : row["ids"].get_array()) want.push_back(static_cast<std::uint32_t>(id));
    INFO("text: " << text.substr(0, 80));
    CHECK(encode(*tokenizer, text) == want);
    ++cases;
  }
  CHECK(cases == 48);
}

TEST_CASE("GPT-NeoX-20B: every golden document gives Hugging Face's ids and counts") {
  const auto tokenizer = neox();
  const fs::path golden = shared_dir() / "golden" / "tokens" / "neox20b_docs.jsonl.gz";
  if (!tokenizer || !fs::exists(golden)) {
    MESSAGE("SKIPPED: " << neox_path() << " or " << golden << " not found");
    return;
  }
  simdjson::dom::parser parser;
  simdjson::dom::parser text_parser;
  std::map<std::string, std::vector<std::string>> files;
  std::map<std::string, std::uint64_t> tokens_per_slice;
  auto encoder = tokenizer->encoder();
  std::size_t documents = 0, with_ids = 0, mismatches = 0;
  for (const std::string& line : read_lines(golden)) {
    simdjson::dom::element row = parser.parse(line);
    const std::string slice{std::string_view(row["slice"])};
    const std::string file{std::string_view(row["file"])};
    const auto number = static_cast<std::size_t>(std::uint64_t(row["line"]));
    auto [it, fresh] = files.try_emplace(file);
    if (fresh) it->second = read_lines(shared_dir() / "golden" / file);
    REQUIRE(number >= 1);
    REQUIRE(number <= it->second.size());
    simdjson::dom::element doc = text_parser.parse(it->second[number - 1]);
    const std::string text{std::string_view(doc[slice == "common_crawl" ? "raw_content" : "text"])};
    std::vector<std::uint32_t> ids;
    encoder->encode(text, ids);
    ++documents;
    tokens_per_slice[slice] += ids.size();
    bool same = ids.size() == std::uint64_t(row["n_tokens"]);
    simdjson::dom::array want;
    if (row["ids"].get(want) == simdjson::SUCCESS) {
      ++with_ids;
      std::vector<std::uint32_t> want_ids;
      for (std::uint64_t id : want) want_ids.push_back(static_cast<std::uint32_t>(id));
      same = same && ids == want_ids;
    }
    if (!same && ++mismatches <= 5)
      FAIL_CHECK(file << " line " << number << ": " << ids.size() << " tokens, Hugging Face "
                      << std::uint64_t(row["n_tokens"]));
  }
  CHECK(mismatches == 0);
  CHECK(documents == 1873);
  CHECK(with_ids == 1873 - 22);

  const fs::path summary = shared_dir() / "golden" / "tokens" / "summary.json";
  simdjson::dom::element slices = parser.load(summary.string())["slices"];
  for (auto [slice, values] : simdjson::dom::object(slices)) {
    INFO("slice " << slice);
    CHECK(tokens_per_slice[std::string(slice)] == std::uint64_t(values["tokens"]));
  }
}
