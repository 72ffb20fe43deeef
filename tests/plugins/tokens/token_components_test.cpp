// The tokens plugin's components through the plugin boundary: token_count's meta field and
// errors, and alpha_token_filter on the records RedPajama's GitHub filter saw
// (../shared/golden/tokens/github_alpha_token.jsonl: n_alpha, n_tokens, kept per file).
#include <alphabetic.hpp>
#include <loom/testing/files.hpp>
#include <loom/testing/harness.hpp>

#include <map>

#include "token_test_support.hpp"

using namespace token_tests;
using loom::testing::Document;
using loom::testing::Instance;
using loom::testing::MetaValue;

namespace {

const loom::testing::Plugin& plugin() {
  static const loom::testing::Plugin loaded =
      loom::testing::Plugin::load(std::string(LOOM_PLUGIN_DIR) + "/libloom_tokens.so");
  return loaded;
}

Document doc(std::string text) {
  Document d;
  d.text = std::move(text);
  return d;
}

std::string creation_error(const char* component, const loom::testing::OptionMap& options) {
  try {
    Instance instance(plugin().component(component), options);
  } catch (const std::exception& e) {
    return e.what();
  }
  FAIL("created without an error");
  return "";
}

}  // namespace

TEST_CASE("token_count writes each kept document's count and leaves dropped ones alone") {
  const auto tokenizer = neox();
  if (!tokenizer) {
    MESSAGE("SKIPPED: " << neox_path() << " not found");
    return;
  }
  CHECK(plugin().component("token_count").kind == LOOM_KIND_CLEANER);
  Instance counter(plugin().component("token_count"),
                   {{"tokenizer", neox_path().string()}, {"field", "n_tokens"}});
  std::vector<Document> in = {doc("Hello  world"), doc(""), doc("text<|endoftext|>more text"),
                              doc("skipped")};
  in[3].dropped = true;
  const auto out = counter.process(in);
  REQUIRE(out.size() == 4);
  for (std::size_t i = 0; i < 3; ++i) {
    const MetaValue* count = out[i].find("n_tokens");
    REQUIRE(count != nullptr);
    CHECK(count->type == LOOM_VALUE_INT);
    CHECK(count->i == static_cast<std::int64_t>(encode(*tokenizer, in[i].text).size()));
  }
  CHECK(out[0].find("n_tokens")->i == 3);
  CHECK(out[2].find("n_tokens")->i == 4);
  CHECK(out[3].find("n_tokens") == nullptr);
}

TEST_CASE("token_count refuses a missing or unsupported tokenizer and names bad records") {
  CHECK(creation_error("token_count", {{"tokenizer", "/nonexistent/tokenizer.json"}})
            .find("tokenizer file '/nonexistent/tokenizer.json' not found") != std::string::npos);
  TempFile unsupported("tokenizer.json", R"({"model": {"type": "Unigram", "vocab": []}})");
  const std::string message = creation_error("token_count", {{"tokenizer", unsupported.path()}});
  CHECK(message.find(unsupported.path() + ": model.type: only BPE models are supported") !=
        std::string::npos);

  const auto tokenizer = neox();
  if (!tokenizer) return;
  Instance counter(plugin().component("token_count"), {{"tokenizer", neox_path().string()}});
  try {
    counter.process({doc("fine"), doc("bad \xFF byte")});
    FAIL("invalid UTF-8 accepted");
  } catch (const std::exception& e) {
    CHECK(std::string(e.what()).find("record 1: text is not valid UTF-8 at byte 4") !=
          std::string::npos);
  }
}

TEST_CASE("alpha_token_filter keeps and drops exactly the files RedPajama's GitHub filter did") {
  const auto tokenizer = neox();
  const fs::path decisions = shared_dir() / "golden" / "tokens" / "github_alpha_token.jsonl";
  const fs::path deduped = shared_dir() / "golden" / "github" / "deduped.jsonl";
  if (!tokenizer || !fs::exists(decisions) || !fs::exists(deduped)) {
    MESSAGE("SKIPPED: the tokenizer or the GitHub goldens are not in " << shared_dir());
    return;
  }
  simdjson::dom::parser parser;
  std::map<std::string, std::string> text_by_hash;
  for (const std::string& line : read_lines(deduped)) {
    simdjson::dom::element row = parser.parse(line);
    text_by_hash[std::string(std::string_view(row["meta"]["content_hash"]))] =
        std::string(std::string_view(row["text"]));
  }
  CHECK(plugin().component("alpha_token_filter").kind == LOOM_KIND_FILTER);
  Instance filter(plugin().component("alpha_token_filter"),
                  {{"tokenizer", neox_path().string()}, {"count_field", "n_tokens"}});
  std::size_t records = 0, dropped = 0;
  for (const std::string& line : read_lines(decisions)) {
    simdjson::dom::element row = parser.parse(line);
    const std::string hash{std::string_view(row["content_hash"])};
    INFO(std::string_view(row["repo_name"]) << " " << std::string_view(row["path"]));
    REQUIRE(text_by_hash.count(hash) == 1);
    const std::string& text = text_by_hash[hash];
    CHECK(loom::tokens::count_alphabetic(text) == std::int64_t(row["n_alpha"]));
    const auto out = filter.process({doc(text)});
    REQUIRE(out.size() == 1);
    CHECK(out[0].find("n_tokens")->i == std::int64_t(row["n_tokens"]));
    CHECK(out[0].dropped == !bool(row["kept"]));
    if (out[0].dropped) CHECK(out[0].drop_reason == "alpha_per_token<1.5");
    ++records;
    dropped += out[0].dropped;
  }
  CHECK(records == 65);
  CHECK(dropped == 11);
}

TEST_CASE(
    "count_alphabetic is Python's str.isalpha: letters of every script, not digits or marks") {
  CHECK(loom::tokens::count_alphabetic("abc XYZ 123 _!") == 6);
  CHECK(loom::tokens::count_alphabetic("\xC3\xA9t\xC3\xA9") == 3);         // été
  CHECK(loom::tokens::count_alphabetic("\xE6\x97\xA5\xE6\x9C\xAC") == 2);  // 日本 (Lo)
  CHECK(loom::tokens::count_alphabetic("e\xCC\x81") == 1);     // combining acute (Mn) is not alpha
  CHECK(loom::tokens::count_alphabetic("\xCA\xB0") == 1);      // modifier letter ʰ (Lm)
  CHECK(loom::tokens::count_alphabetic("\xE2\x85\xAB") == 0);  // Ⅻ (Nl)
}

TEST_CASE("token_count and megatron_sink name the record a pre-tokenizer pattern gave up on") {
  // (a+)+$ backtracks exponentially on a run of a's that does not end the text: PCRE2 stops at
  // its match limit. That text's record is named; the tokenizer itself is fine (the other
  // document, and "aaa" at the end of a text, are counted).
  TempFile file("tokenizer.json", R"({"pre_tokenizer": {"type": "Split",
      "pattern": {"Regex": "(a+)+$"}, "behavior": "Isolated", "invert": false},
      "model": {"type": "BPE", "ignore_merges": true, "merges": [], "vocab": {"a": 0, "b": 1}}})");
  Instance counter(plugin().component("token_count"), {{"tokenizer", file.path()}});
  const auto counted = counter.process({doc("baaa")});
  REQUIRE(counted.size() == 1);
  // "b", then the match "aaa", which is not in the vocabulary and has no merges: one per "a".
  CHECK(counted[0].find("token_count")->i == 4);
  const std::string hostile = std::string(5000, 'a') + "b";
  try {
    counter.process({doc("ab"), doc(hostile)});
    FAIL("the pattern's give-up was not reported");
  } catch (const std::exception& e) {
    const std::string message = e.what();
    CHECK_MESSAGE(message.find("token_count: shard") != std::string::npos, message);
    CHECK_MESSAGE(message.find("record 1: the pre-tokenizer pattern /(a+)+$/ gave up on this text "
                               "at byte 0: match limit exceeded") != std::string::npos,
                  message);
  }
  loom::testing::TempDir out_dir("megatron");
  Instance sink(plugin().component("megatron_sink"),
                {{"tokenizer", file.path()},
                 {"path", (out_dir.path() / "{shard}").string()},
                 {"append_eod", "false"}});
  try {
    sink.write(loom::testing::BatchInput{"hostile.jsonl", 0, {doc(hostile)}});
    FAIL("the pattern's give-up was not reported");
  } catch (const std::exception& e) {
    CHECK_MESSAGE(std::string(e.what()).find("megatron_sink: shard") != std::string::npos,
                  e.what());
    CHECK_MESSAGE(
        std::string(e.what()).find("record 0: the pre-tokenizer pattern") != std::string::npos,
        e.what());
  }
}
