// minhash_dedup through the plugin: which documents are dropped and why, the survivor named in
// meta, empty and tiny documents, spilling and batch boundaries. The S-curve is checked in
// minhash_lsh_test.cpp, threads in tests/graphs/minhash_dedup.sh.
#include <doctest/doctest.h>

#include <loom/testing/harness.hpp>

#include <random>
#include <string>
#include <vector>

using loom::testing::BatchInput;
using loom::testing::Document;
using loom::testing::Instance;

namespace {

// A word of lowercase letters for n (the deduper folds digits, so numbers would all look alike).
std::string letters(std::uint64_t n) {
  std::string word = "w";
  do {
    word += static_cast<char>('a' + n % 26);
    n /= 26;
  } while (n != 0);
  return word;
}

const loom_component& minhash_dedup() {
  static const loom::testing::Plugin plugin =
      loom::testing::Plugin::load(std::string(LOOM_PLUGIN_DIR) + "/libloom_dedup.so");
  return plugin.component("minhash_dedup");
}

// `words` random words ("w<number>" from a million) of a fixed seed.
std::string random_text(std::uint64_t seed, std::size_t words) {
  std::mt19937_64 rng(seed);
  std::string text;
  for (std::size_t i = 0; i < words; ++i) text += (i ? " " : "") + letters(rng() % 1000000);
  return text;
}

Document doc(std::string text, std::uint64_t record = 0) {
  Document d;
  d.text = std::move(text);
  d.record = record;
  return d;
}

// "<text>" of kept documents and "!<reason>" of dropped ones (texts are long), over every batch.
std::vector<std::string> outcome(const std::vector<std::vector<Document>>& batches) {
  std::vector<std::string> out;
  for (const auto& batch : batches)
    for (const Document& d : batch) out.push_back(d.dropped ? "!" + d.drop_reason : "kept");
  return out;
}

// A string or integer meta field as text; "" when absent.
std::string meta_of(const Document& d, const std::string& key) {
  const loom::testing::MetaValue* v = d.find(key);
  if (v == nullptr) return "";
  return v->type == LOOM_VALUE_INT ? std::to_string(v->i) : v->s;
}

using Strings = std::vector<std::string>;

}  // namespace

TEST_CASE("minhash_dedup is an order-sensitive deduper that sees its whole input first") {
  CHECK(minhash_dedup().kind == LOOM_KIND_DEDUPER);
  CHECK((minhash_dedup().flags & LOOM_FLAG_ORDER_SENSITIVE) != 0);
  CHECK((minhash_dedup().flags & LOOM_FLAG_WHOLE_INPUT) != 0);
}

TEST_CASE("a copy with one word in 400 changed is dropped and names the first document") {
  const std::string base = random_text(1, 400);
  std::string edited = base;
  edited.replace(edited.find(' ') + 1, 0, "inserted ");
  const std::string other = random_text(2, 400);
  Instance dedup(minhash_dedup(), {});
  const auto out = dedup.process_all(std::vector<BatchInput>{
      {"shard-a.jsonl", 0, {doc(other, 0), doc(base, 1)}},
      {"shard-b.jsonl", 1, {doc(edited, 7), doc(base, 8), doc(random_text(3, 400), 9)}}});
  CHECK(outcome(out) == Strings{"kept", "kept", "!near_duplicate", "!near_duplicate", "kept"});
  for (const Document& dropped : {out[1][0], out[1][1]}) {
    CHECK(meta_of(dropped, "near_duplicate_of_shard") == "shard-a.jsonl");
    CHECK(meta_of(dropped, "near_duplicate_of_record") == "1");
  }
}

TEST_CASE("case, punctuation and digits do not tell documents apart, words do") {
  Instance dedup(minhash_dedup(), {});
  const auto out = dedup.process_all(std::vector<std::vector<Document>>{
      {doc("The year 1984 was, in fact, a good year for the town of Springfield."),
       doc("the YEAR 2023 was in fact a good year -- for the town of springfield!"),
       doc("The year 1984 was, in fact, a bad year for the city of Shelbyville.")}});
  CHECK(outcome(out) == Strings{"kept", "!near_duplicate", "kept"});
}

TEST_CASE("empty documents and documents shorter than one shingle") {
  Instance dedup(minhash_dedup(), {});
  const auto out = dedup.process_all(std::vector<std::vector<Document>>{
      {doc(""), doc(""), doc("  ... !!! "), doc("  ... !!! "), doc("three short words"),
       doc("Three short words."), doc("three short birds"), doc("one")}});
  // No words: never a candidate, so never dropped. Fewer than 5 words: one shingle of all of
  // them, so only the same words (after normalization) match.
  CHECK(outcome(out) ==
        Strings{"kept", "kept", "kept", "kept", "kept", "!near_duplicate", "kept", "kept"});
}

TEST_CASE("documents dropped upstream are neither candidates nor dropped again") {
  const std::string base = random_text(4, 300);
  Document gone = doc(base);
  gone.dropped = true;
  gone.drop_reason = "too_short";
  Instance dedup(minhash_dedup(), {});
  const auto out =
      dedup.process_all(std::vector<std::vector<Document>>{{gone, doc(base), doc(base)}});
  CHECK(outcome(out) == Strings{"!too_short", "kept", "!near_duplicate"});
}

TEST_CASE("the same drops whatever the batch boundaries and whether records spill") {
  // 60 groups of 3 texts: a base, a copy with 2 words changed, and an unrelated text.
  std::vector<Document> docs;
  for (std::uint64_t g = 0; g < 60; ++g) {
    std::string base = random_text(100 + g, 200);
    std::string copy = base;
    copy.replace(0, copy.find(' '), "changed");
    copy.replace(copy.rfind(' ') + 1, std::string::npos, "changed");
    docs.push_back(doc(base, 3 * g));
    docs.push_back(doc(copy, 3 * g + 1));
    docs.push_back(doc(random_text(1000 + g, 200), 3 * g + 2));
  }
  auto run = [&](std::size_t batch_size, const char* budget_mb) {
    std::vector<std::vector<Document>> batches;
    for (std::size_t i = 0; i < docs.size(); i += batch_size)
      batches.emplace_back(
          docs.begin() + static_cast<std::ptrdiff_t>(i),
          docs.begin() + static_cast<std::ptrdiff_t>(std::min(docs.size(), i + batch_size)));
    Instance dedup(minhash_dedup(), {{"memory_budget_mb", budget_mb}});
    std::vector<std::string> result;
    for (const auto& batch : dedup.process_all(batches))
      for (const Document& d : batch)
        result.push_back(d.dropped ? d.drop_reason + "<" + meta_of(d, "near_duplicate_of_record")
                                   : "kept");
    return result;
  };
  const auto reference = run(docs.size(), "512");
  std::size_t dropped = 0;
  for (const std::string& r : reference) dropped += r != "kept";
  CHECK(dropped == 60);
  CHECK(reference[1] == "near_duplicate<0");
  CHECK(run(1, "512") == reference);
  CHECK(run(7, "512") == reference);
  // 0.01 MB holds 655 records, 46 documents' worth: several runs per band.
  CHECK(run(7, "0.01") == reference);
  CHECK(run(docs.size(), "0.001") == reference);
}
