#include <doctest/doctest.h>

#include <loom/testing/harness.hpp>
#include <string>
#include <vector>

using loom::testing::BatchInput;
using loom::testing::Document;
using loom::testing::Instance;
using loom::testing::Meta;
using loom::testing::MetaValue;
using loom::testing::OptionMap;

namespace {

const loom_component& exact_dedup() {
  static const loom::testing::Plugin plugin =
      loom::testing::Plugin::load(std::string(LOOM_PLUGIN_DIR) + "/libloom_dedup.so");
  return plugin.component("exact_dedup");
}

Document doc(std::string text, Meta meta = {}) {
  Document d;
  d.text = std::move(text);
  d.meta = std::move(meta);
  return d;
}

// Texts of the documents left after dedup, over batches fed in order.
std::vector<std::string> kept(Instance& dedup, const std::vector<std::vector<Document>>& batches) {
  std::vector<std::string> out;
  for (const auto& batch : batches)
    for (const Document& d : dedup.process(batch)) {
      if (!d.dropped) {
        out.push_back(d.text);
      } else {
        CHECK(d.drop_reason == "duplicate");
      }
    }
  return out;
}

}  // namespace

TEST_CASE("exact_dedup is an order-sensitive deduper") {
  CHECK(exact_dedup().kind == LOOM_KIND_DEDUPER);
  CHECK((exact_dedup().flags & LOOM_FLAG_ORDER_SENSITIVE) != 0);
}

TEST_CASE("the first occurrence of a text is kept, later ones dropped, across batches") {
  Instance dedup(exact_dedup(), {});
  std::vector<std::string> result = kept(
      dedup, {{doc("a"), doc("b"), doc("a")}, {doc("c"), doc("b"), doc("")}, {doc(""), doc("A")}});
  CHECK(result == std::vector<std::string>{"a", "b", "c", "", "A"});
}

TEST_CASE("the first occurrence wins: the survivor is the earliest document") {
  Instance dedup(exact_dedup(), {});
  auto out = dedup.process({doc("same", {{"n", 1}}), doc("same", {{"n", 2}})});
  REQUIRE(out.size() == 2);
  CHECK_FALSE(out[0].dropped);
  CHECK(out[1].dropped);
  CHECK(*out[0].find("n") == MetaValue(1));
}

TEST_CASE("the result does not depend on how the input is split into batches") {
  std::vector<Document> docs;
  for (int i = 0; i < 200; ++i) docs.push_back(doc("doc " + std::to_string((i * 7919) % 61)));
  std::vector<std::string> expected;
  {
    Instance whole(exact_dedup(), {});
    expected = kept(whole, {docs});
  }
  CHECK(expected.size() == 61);
  for (std::size_t size : {1u, 3u, 17u, 64u}) {
    CAPTURE(size);
    std::vector<std::vector<Document>> batches;
    for (std::size_t i = 0; i < docs.size(); i += size)
      batches.emplace_back(docs.begin() + i, docs.begin() + std::min(docs.size(), i + size));
    Instance split(exact_dedup(), {});
    CHECK(kept(split, batches) == expected);
  }
}

TEST_CASE("a meta field can be the key; its type matters") {
  Instance dedup(exact_dedup(), {{"key", "url"}});
  std::vector<std::string> result = kept(
      dedup, {{doc("1", {{"url", "http://a"}}), doc("2", {{"url", "http://b"}}),
               doc("3", {{"url", "http://a"}}), doc("4", {{"url", 7}}), doc("5", {{"url", "7"}}),
               doc("6", {{"url", 7}}), doc("7", {{"url", MetaValue::null()}}),
               doc("8", {{"url", MetaValue::null()}})}});
  CHECK(result == std::vector<std::string>{"1", "2", "4", "5", "7"});
}

TEST_CASE("a document missing the key field fails, naming it, unless on_missing: keep") {
  std::vector<Document> docs = {doc("x", {{"id", "1"}}), doc("y"), doc("z", {{"id", "1"}})};
  {
    Instance dedup(exact_dedup(), {{"key", "id"}});
    try {
      dedup.process(docs);
      FAIL("a missing key was accepted");
    } catch (const loom::Error& e) {
      CHECK(e.record() == 1);
      CHECK(std::string(e.what()).find("'id'") != std::string::npos);
    }
  }
  Instance keep(exact_dedup(), {{"key", "id"}, {"on_missing", "keep"}});
  auto out = keep.process(docs);
  CHECK_FALSE(out[0].dropped);
  CHECK_FALSE(out[1].dropped);
  CHECK(out[2].dropped);
}

TEST_CASE("documents already dropped upstream are neither dropped again nor remembered") {
  Instance dedup(exact_dedup(), {});
  Document gone = doc("t");
  gone.dropped = true;
  gone.drop_reason = "too_short";
  auto out = dedup.process({gone, doc("t")});
  CHECK(out[0].drop_reason == "too_short");
  CHECK_FALSE(out[1].dropped);
}

TEST_CASE("a tiny memory budget (its keys spilled to disk many times) gives the same drops") {
  std::vector<std::vector<Document>> batches(40);
  for (int i = 0; i < 20'000; ++i)  // 7,919 distinct texts, repeats far apart
    batches[static_cast<std::size_t>(i) / 500].push_back(
        doc("doc " + std::to_string((static_cast<long>(i) * 104'729) % 7'919)));
  Instance unbounded(exact_dedup(), {});
  const std::vector<std::string> expected = kept(unbounded, batches);
  CHECK(expected.size() == 7'919);
  Instance tiny(exact_dedup(), {{"memory_budget_mb", "0.01"}});
  CHECK(kept(tiny, batches) == expected);
}
