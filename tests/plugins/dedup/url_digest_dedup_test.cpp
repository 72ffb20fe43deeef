// url_digest_dedup through the plugin: the whole-input flag, files from the batch's shard or a
// meta field, and the drop and error paths. The rule itself is checked in url_digest_index_test.
#include <doctest/doctest.h>

#include <loom/testing/harness.hpp>

#include <string>
#include <vector>

using loom::testing::BatchInput;
using loom::testing::Document;
using loom::testing::Instance;
using loom::testing::Meta;

namespace {

const loom_component& url_digest_dedup() {
  static const loom::testing::Plugin plugin =
      loom::testing::Plugin::load(std::string(LOOM_PLUGIN_DIR) + "/libloom_dedup.so");
  return plugin.component("url_digest_dedup");
}

Document record(const char* url, const char* digest, Meta extra = {}) {
  Document d;
  d.text = std::string(url) + " " + digest;
  d.meta = {{"url", url}, {"digest", digest}};
  d.meta.insert(d.meta.end(), extra.begin(), extra.end());
  return d;
}

// "<text>" of kept documents and "<text>!<reason>" of dropped ones, over every batch.
std::vector<std::string> outcome(const std::vector<std::vector<Document>>& batches) {
  std::vector<std::string> out;
  for (const auto& batch : batches)
    for (const Document& d : batch)
      out.push_back(d.dropped ? d.text + "!" + d.drop_reason : d.text);
  return out;
}

using Strings = std::vector<std::string>;

}  // namespace

TEST_CASE("url_digest_dedup is an order-sensitive deduper that sees its whole input first") {
  CHECK(url_digest_dedup().kind == LOOM_KIND_DEDUPER);
  CHECK((url_digest_dedup().flags & LOOM_FLAG_ORDER_SENSITIVE) != 0);
  CHECK((url_digest_dedup().flags & LOOM_FLAG_WHOLE_INPUT) != 0);
  const bool has_observe = url_digest_dedup().observe != nullptr;
  CHECK(has_observe);
}

TEST_CASE("files are the batches' shards: same URL and digest in two files all kept") {
  Instance dedup(url_digest_dedup(), {});
  const auto out = dedup.process_all(std::vector<BatchInput>{
      {"dump1/en_head_0000.json.gz", 0, {record("u1", "d1"), record("u2", "d1")}},
      {"dump1/en_head_0000.json.gz", 0, {record("u3", "d2")}},
      {"dump2/en_head_0000.json.gz", 1, {record("u1", "d1"), record("u4", "d2")}}});
  CHECK(outcome(out) == Strings{"u1 d1", "u2 d1!duplicate", "u3 d2", "u1 d1", "u4 d2!duplicate"});
}

TEST_CASE("a decision needs the whole input: a later record's digest changes an earlier one") {
  // File a: u1's last digest is d2 (its first record says d1), so u2 keeps d1 and u1 keeps d2.
  Instance dedup(url_digest_dedup(), {});
  const auto out = dedup.process_all(std::vector<BatchInput>{{"a", 0, {record("u1", "d1")}},
                                                             {"a", 0, {record("u2", "d1")}},
                                                             {"a", 0, {record("u1", "d2")}},
                                                             {"b", 1, {record("u3", "d2")}}});
  CHECK(outcome(out) == Strings{"u1 d1", "u2 d1", "u1 d2", "u3 d2!duplicate"});
}

TEST_CASE("file_field names the file instead of the shard") {
  Instance dedup(url_digest_dedup(), {{"file_field", "source_file"}});
  // One shard, two files: the same URL and digest in both is kept twice.
  const auto out = dedup.process_all(std::vector<std::vector<Document>>{
      {record("u1", "d1", {{"source_file", "x"}}), record("u1", "d1", {{"source_file", "y"}}),
       record("u2", "d1", {{"source_file", "y"}})}});
  CHECK(outcome(out) == Strings{"u1 d1", "u1 d1", "u2 d1!duplicate"});
  Instance strict(url_digest_dedup(), {{"file_field", "source_file"}});
  CHECK_THROWS_WITH(strict.process_all(std::vector<std::vector<Document>>{{record("u", "d")}}),
                    doctest::Contains("source_file"));
}

TEST_CASE("a document without URL or digest fails, or is kept with on_missing: keep") {
  Document no_digest;
  no_digest.text = "no digest";
  no_digest.meta = {{"url", "u9"}};
  Instance strict(url_digest_dedup(), {});
  try {
    strict.process_all(std::vector<std::vector<Document>>{{record("u1", "d1"), no_digest}});
    FAIL("expected an error");
  } catch (const loom::Error& e) {
    CHECK(std::string(e.what()).find("'digest'") != std::string::npos);
    CHECK(e.record() == 1);
  }
  Instance lenient(url_digest_dedup(), {{"on_missing", "keep"}});
  const auto out = lenient.process_all(
      std::vector<std::vector<Document>>{{record("u1", "d1"), no_digest, record("u2", "d1")}});
  CHECK(outcome(out) == Strings{"u1 d1", "no digest", "u2 d1!duplicate"});
}

TEST_CASE("documents dropped earlier are neither counted nor re-examined") {
  Document gone = record("u1", "d1");
  gone.dropped = true;
  gone.drop_reason = "earlier";
  Instance dedup(url_digest_dedup(), {});
  const auto out =
      dedup.process_all(std::vector<std::vector<Document>>{{gone, record("u2", "d1")}});
  CHECK(outcome(out) == Strings{"u1 d1!earlier", "u2 d1"});
}

TEST_CASE("an empty input and empty batches") {
  Instance dedup(url_digest_dedup(), {});
  CHECK(dedup.process_all(std::vector<std::vector<Document>>{}).empty());
  Instance empties(url_digest_dedup(), {});
  const auto out =
      empties.process_all(std::vector<std::vector<Document>>{{}, {record("u", "d")}, {}});
  CHECK(outcome(out) == Strings{"u d"});
}
