// ccnet_line_dedup through the SDK harness, the way the engine runs it (observe() on every batch,
// then process() on each): cc_net's DuplicatesRemover and finalize_doc rules on small cases worked
// out by hand from dedup.py. The golden parity run is tests/graphs/ccnet_line_dedup_parity.sh.
#include <doctest/doctest.h>

#include <loom/testing/harness.hpp>

#include <string>
#include <vector>

using loom::testing::Document;
using loom::testing::Instance;
using loom::testing::MetaValue;

namespace {

const loom_component& line_dedup() {
  static const loom::testing::Plugin plugin =
      loom::testing::Plugin::load(std::string(LOOM_PLUGIN_DIR) + "/libloom_ccnet.so");
  return plugin.component("ccnet_line_dedup");
}

Document doc(std::string text, loom::testing::Meta meta = {}) {
  Document d;
  d.text = std::move(text);
  d.meta = std::move(meta);
  return d;
}

// Runs one stage over the batches and returns every document, batch after batch.
std::vector<Document> run(std::vector<std::vector<Document>> batches) {
  Instance stage(line_dedup(), {});
  std::vector<Document> out;
  for (auto& batch : stage.process_all(std::move(batches)))
    for (auto& d : batch) out.push_back(std::move(d));
  return out;
}

MetaValue meta(const Document& d, const char* key) {
  const MetaValue* v = d.find(key);
  REQUIRE_MESSAGE(v != nullptr, "no meta field " << key);
  return *v;
}

}  // namespace

TEST_CASE("ccnet_line_dedup declares a whole-input deduper") {
  const loom_component& c = line_dedup();
  CHECK(c.kind == LOOM_KIND_DEDUPER);
  CHECK((c.flags & LOOM_FLAG_WHOLE_INPUT) != 0);
  CHECK((c.observe != nullptr));
}

TEST_CASE(
    "a line two documents share goes from both, first copy included, repeats keep the first") {
  // "Shared LINE 42" and "shared line 17" both normalize to "shared line 00".
  const auto out =
      run({{doc("Shared LINE 42\nalpha\nalpha\nbeta")}, {doc("shared line 17\ngamma")}});
  REQUIRE(out.size() == 2);
  CHECK_FALSE(out[0].dropped);
  CHECK(out[0].text == "alpha\nbeta");
  CHECK(meta(out[0], "line_ids") == MetaValue::json("[1,3]"));
  CHECK(meta(out[0], "nlines") == MetaValue(2));
  CHECK(meta(out[0], "length") == MetaValue(10));
  CHECK(meta(out[0], "original_nlines") == MetaValue(4));   // no nlines field: the line count
  CHECK(meta(out[0], "original_length") == MetaValue(31));  // no length field: code points
  CHECK(out[1].text == "gamma");
  CHECK(meta(out[1], "line_ids") == MetaValue::json("[1]"));
  // finalize_doc's field order: original_nlines, original_length, nlines, length, line_ids.
  CHECK(out[1].keys() == std::vector<std::string>{"original_nlines", "original_length", "nlines",
                                                  "length", "line_ids"});
}

TEST_CASE("a document with only shared lines is dropped, one without text too") {
  const auto out = run({{doc("same\nsame"), doc("Same"), doc(""), doc("own line\nsame")}});
  REQUIRE(out.size() == 4);
  CHECK(out[0].drop_reason == "all_lines_duplicate");
  CHECK(out[1].drop_reason == "all_lines_duplicate");
  CHECK(out[2].drop_reason == "empty_text");
  CHECK_FALSE(out[3].dropped);
  CHECK(out[3].text == "own line");
}

TEST_CASE("empty lines: shared by two documents they go everywhere, else the first stays") {
  const auto shared = run({{doc("a\n\nb\n")}, {doc("c\n  \nd")}});
  REQUIRE(shared.size() == 2);
  CHECK(shared[0].text == "a\nb");  // "" and "  " both normalize to ""
  CHECK(meta(shared[0], "line_ids") == MetaValue::json("[0,2]"));
  CHECK(shared[1].text == "c\nd");
  const auto alone = run({{doc("a\n\nb\n\n"), doc("c")}});
  CHECK(alone[0].text == "a\n\nb");
  CHECK(meta(alone[0], "line_ids") == MetaValue::json("[0,1,2]"));
}

TEST_CASE("fields already set: nlines and length become the originals, line_ids maps through") {
  const auto out =
      run({{doc("x\ny\nx\nz",
                {{"length", 754}, {"nlines", 7}, {"line_ids", MetaValue::json("[0, 2, 3, 6]")}}),
            doc("z", {{"original_nlines", 1}, {"original_length", 99}, {"length", 1}})}});
  REQUIRE(out.size() == 2);
  CHECK(out[0].text == "x\ny");
  CHECK(meta(out[0], "line_ids") == MetaValue::json("[0,2]"));
  CHECK(meta(out[0], "original_nlines") == MetaValue(7));
  CHECK(meta(out[0], "original_length") == MetaValue(754));
  CHECK(meta(out[0], "nlines") == MetaValue(2));
  CHECK(meta(out[0], "length") == MetaValue(3));
  // Position kept for fields that existed (Python dict semantics).
  CHECK(out[0].keys() == std::vector<std::string>{"length", "nlines", "line_ids", "original_nlines",
                                                  "original_length"});
  CHECK(out[1].drop_reason == "all_lines_duplicate");
}

TEST_CASE("the text is kept whole, rebuilt from the first line removed on, or cut by line_ids") {
  const auto out = run({{doc("one\ntwo\nthree"), doc("four\nfive\nfour"), doc("x\nsix\nx\nseven"),
                         doc("eight\nnine", {{"line_ids", MetaValue::json("[4]")}})}});
  REQUIRE(out.size() == 4);
  CHECK(out[0].text == "one\ntwo\nthree");  // no line removed
  CHECK(meta(out[0], "line_ids") == MetaValue::json("[0,1,2]"));
  CHECK(meta(out[0], "length") == MetaValue(13));
  CHECK(out[1].text == "four\nfive");  // only the last line removed
  CHECK(meta(out[1], "line_ids") == MetaValue::json("[0,1]"));
  CHECK(out[2].text == "x\nsix\nseven");  // a repeat in the middle
  CHECK(meta(out[2], "line_ids") == MetaValue::json("[0,1,3]"));
  CHECK(meta(out[2], "length") == MetaValue(11));
  CHECK(out[3].text == "eight");  // zip() with a shorter line_ids stops at its end
  CHECK(meta(out[3], "line_ids") == MetaValue::json("[4]"));
  CHECK(meta(out[3], "nlines") == MetaValue(1));
  CHECK(meta(out[3], "length") == MetaValue(5));
}

TEST_CASE("lengths count code points, as Python's len()") {
  const auto out = run({{doc("Ünïcödé line\n日本語")}});
  CHECK(meta(out[0], "original_length") == MetaValue(16));
  CHECK(meta(out[0], "length") == MetaValue(16));
}

TEST_CASE("a line_ids field that is not a list of integers is an error naming the record") {
  Instance stage(line_dedup(), {});
  CHECK_THROWS_WITH(
      stage.process_all({{doc("a"), doc("b", {{"line_ids", MetaValue::json("[1, \"x\"]")}})}}),
      doctest::Contains("line_ids is not a JSON list of integers"));
  try {
    Instance again(line_dedup(), {});
    again.process_all({{doc("a"), doc("b", {{"line_ids", "0,1"}})}});
    FAIL("no error");
  } catch (const loom::Error& e) {
    CHECK(e.record() == 1);
  }
}
