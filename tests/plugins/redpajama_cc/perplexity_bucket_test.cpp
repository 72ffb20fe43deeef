// perplexity_bucket: cc_net's PerplexityBucket rule from an inline table and from a cutoff.csv,
// checked against cc_net's own data file (../shared) where it is present.
#include <doctest/doctest.h>

#include <cutoff_table.hpp>
#include <loom/testing/harness.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

using loom::testing::Document;
using loom::testing::Instance;
using loom::testing::Meta;
using loom::testing::OptionMap;

namespace {

const loom_component& perplexity_bucket() {
  static const loom::testing::Plugin plugin =
      loom::testing::Plugin::load(std::string(LOOM_PLUGIN_DIR) + "/libloom_redpajama_cc.so");
  return plugin.component("perplexity_bucket");
}

Document doc(Meta meta) {
  Document d;
  d.text = "some text";
  d.meta = std::move(meta);
  return d;
}

std::string bucket(const Document& d) {
  const auto* v = d.find("bucket");
  REQUIRE(v != nullptr);
  return v->s;
}

const OptionMap spec_inline{{"head_cutoffs", "{en: 340, fr: 300.5}"},
                            {"tail_cutoffs", "{en: 520, fr: 400}"}};

const std::string cc_net_cutoffs =
    std::string(LOOM_SHARED_DIR) + "/corpus/github/facebookresearch__cc_net/cc_net/data/cutoff.csv";

}  // namespace

TEST_CASE("perplexity_bucket is a thread-safe filter") {
  CHECK(perplexity_bucket().kind == LOOM_KIND_FILTER);
  CHECK((perplexity_bucket().flags & LOOM_FLAG_THREAD_SAFE) != 0);
}

TEST_CASE("buckets follow the spec's en cutoffs: < 340 head, < 520 middle, else tail") {
  Instance filter(perplexity_bucket(), spec_inline);
  const auto out = filter.process({
      doc({{"language", "en"}, {"perplexity", 0.0}}),
      doc({{"language", "en"}, {"perplexity", 339.9}}),
      doc({{"language", "en"}, {"perplexity", 340.0}}),
      doc({{"language", "en"}, {"perplexity", std::int64_t{519}}}),
      doc({{"language", "en"}, {"perplexity", 520.0}}),
      doc({{"language", "en"}, {"perplexity", 3590.5}}),
      doc({{"language", "fr"}, {"perplexity", 300.4}}),
      doc({{"language", "fr"}, {"perplexity", 300.5}}),
  });
  const std::vector<std::string> expected{"head", "head", "middle", "middle",
                                          "tail", "tail", "head",   "middle"};
  REQUIRE(out.size() == expected.size());
  for (std::size_t i = 0; i < out.size(); ++i) {
    INFO("document " << i);
    CHECK(bucket(out[i]) == expected[i]);
    CHECK_FALSE(out[i].dropped);  // no drop_buckets: only annotate
  }
}

TEST_CASE("'all' for an unknown or missing language, a missing or negative perplexity") {
  Instance filter(perplexity_bucket(), spec_inline);
  const auto out = filter.process({
      doc({{"language", "de"}, {"perplexity", 10.0}}),
      doc({{"perplexity", 10.0}}),
      doc({{"language", "en"}}),
      doc({{"language", "en"}, {"perplexity", -1.0}}),
      doc({{"language", std::int64_t{7}}, {"perplexity", 10.0}}),
  });
  for (const Document& d : out) CHECK(bucket(d) == "all");
}

TEST_CASE("the bucket goes last in the meta, or keeps the position of an existing field") {
  Instance filter(perplexity_bucket(), spec_inline);
  const auto out =
      filter.process({doc({{"language", "en"}, {"perplexity", 10.0}, {"x", 1}}),
                      doc({{"bucket", "old"}, {"language", "en"}, {"perplexity", 900.0}})});
  CHECK(out[0].meta.back().first == "bucket");
  CHECK(out[1].meta.front().first == "bucket");
  CHECK(bucket(out[1]) == "tail");
}

TEST_CASE("drop_buckets drops those buckets with reason bucket_<name>, keeping the field") {
  OptionMap options = spec_inline;
  options.emplace_back("drop_buckets", "[tail, all]");
  Instance filter(perplexity_bucket(), options);
  const auto out = filter.process({doc({{"language", "en"}, {"perplexity", 100.0}}),
                                   doc({{"language", "en"}, {"perplexity", 400.0}}),
                                   doc({{"language", "en"}, {"perplexity", 600.0}}),
                                   doc({{"language", "xx"}, {"perplexity", 600.0}})});
  CHECK_FALSE(out[0].dropped);
  CHECK_FALSE(out[1].dropped);
  CHECK(out[2].drop_reason == "bucket_tail");
  CHECK(bucket(out[2]) == "tail");
  CHECK(out[3].drop_reason == "bucket_all");
}

TEST_CASE("documents already dropped are not examined") {
  Instance filter(perplexity_bucket(), spec_inline);
  Document d = doc({{"language", "en"}, {"perplexity", "not a number"}});
  d.dropped = true;
  d.drop_reason = "earlier";
  const auto out = filter.process({d});
  CHECK(out[0].drop_reason == "earlier");
  CHECK(out[0].find("bucket") == nullptr);
}

TEST_CASE("a perplexity that is not a number fails, naming the field and the record") {
  Instance filter(perplexity_bucket(), spec_inline);
  try {
    filter.process({doc({{"language", "en"}, {"perplexity", 1.0}}),
                    doc({{"language", "en"}, {"perplexity", "12"}})});
    FAIL("expected an error");
  } catch (const loom::Error& e) {
    CHECK(std::string(e.what()).find("'perplexity'") != std::string::npos);
    CHECK(e.record() == 1);
  }
}

TEST_CASE("option errors name the options") {
  const auto refused = [](const OptionMap& options) {
    try {
      Instance filter(perplexity_bucket(), options);
    } catch (const std::exception& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  CHECK(refused({}).find("cutoff_csv") != std::string::npos);
  CHECK(refused({{"head_cutoffs", "{en: 340}"}}).find("tail_cutoffs") != std::string::npos);
  CHECK(
      refused({{"head_cutoffs", "{en: x}"}, {"tail_cutoffs", "{en: 5}"}}).find("head_cutoffs.en") !=
      std::string::npos);
  OptionMap bad_bucket = spec_inline;
  bad_bucket.emplace_back("drop_buckets", "[bottom]");
  CHECK(refused(bad_bucket).find("bottom") != std::string::npos);
  OptionMap both = spec_inline;
  both.emplace_back("cutoff_csv", "\"cutoff.csv\"");
  CHECK(refused(both).find("exclude") != std::string::npos);
}

TEST_CASE("a cutoff.csv: rows by percentile, one column per language, chosen percentiles") {
  loom::testing::TempDir tmp;
  const std::string csv = tmp / "cutoff.csv";
  std::string table = ",de,en\n";
  for (int p = 0; p < 100; ++p)
    table += std::to_string(p) + "," + std::to_string(p * 10) + "," + std::to_string(p * 20) + "\n";
  loom::testing::write_file(csv, table);
  Instance defaults(perplexity_bucket(), {{"cutoff_csv", '"' + csv + '"'}});
  // en: head below row 30 (600), tail from row 60 (1200).
  auto out = defaults.process({doc({{"language", "en"}, {"perplexity", 599.9}}),
                               doc({{"language", "en"}, {"perplexity", 600.0}}),
                               doc({{"language", "en"}, {"perplexity", 1200.0}}),
                               doc({{"language", "de"}, {"perplexity", 299.0}})});
  CHECK(bucket(out[0]) == "head");
  CHECK(bucket(out[1]) == "middle");
  CHECK(bucket(out[2]) == "tail");
  CHECK(bucket(out[3]) == "head");
  Instance other(
      perplexity_bucket(),
      {{"cutoff_csv", '"' + csv + '"'}, {"head_percentile", "10"}, {"tail_percentile", "20"}});
  out = other.process({doc({{"language", "en"}, {"perplexity", 199.0}}),
                       doc({{"language", "en"}, {"perplexity", 399.0}}),
                       doc({{"language", "en"}, {"perplexity", 400.0}})});
  CHECK(bucket(out[0]) == "head");
  CHECK(bucket(out[1]) == "middle");
  CHECK(bucket(out[2]) == "tail");
}

TEST_CASE("a malformed cutoff.csv is refused naming the file and line") {
  const auto error = [](std::string_view csv) {
    try {
      loom::redpajama_cc::CutoffTable::from_csv(csv, "t.csv", 30, 60);
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  CHECK(error(",en\n30,1\n").find("t.csv:2: no row for the tail percentile 60") !=
        std::string::npos);
  CHECK(error(",en\n30,1\n60,x\n").find("t.csv:3: 'x' is not a number") != std::string::npos);
  CHECK(error(",en\n30,1,2\n").find("t.csv:2: 3 cells") != std::string::npos);
  CHECK(error("").find("empty") != std::string::npos);
  // An empty cell is NaN, as pandas reads it: perplexity < NaN is false.
  auto table = loom::redpajama_cc::CutoffTable::from_csv(",en\n30,\n60,5\n", "t", 30, 60);
  CHECK(loom::redpajama_cc::bucket_of(1.0, table.find("en")) == "middle");
  table = loom::redpajama_cc::CutoffTable::from_csv(",en\n30,\n60,\n", "t", 30, 60);
  CHECK(loom::redpajama_cc::bucket_of(1.0, table.find("en")) == "tail");
}

TEST_CASE("cc_net's own cutoff.csv gives the spec's en cutoffs 340 and 520") {
  if (!std::filesystem::exists(cc_net_cutoffs)) {
    std::cout << "SKIPPED: " << cc_net_cutoffs << " absent\n";
    return;
  }
  Instance filter(perplexity_bucket(), {{"cutoff_csv", '"' + cc_net_cutoffs + '"'}});
  const auto out = filter.process({doc({{"language", "en"}, {"perplexity", 339.9}}),
                                   doc({{"language", "en"}, {"perplexity", 340.0}}),
                                   doc({{"language", "en"}, {"perplexity", 519.9}}),
                                   doc({{"language", "en"}, {"perplexity", 520.0}}),
                                   doc({{"language", "tlh"}, {"perplexity", 5.0}})});
  CHECK(bucket(out[0]) == "head");
  CHECK(bucket(out[1]) == "middle");
  CHECK(bucket(out[2]) == "middle");
  CHECK(bucket(out[3]) == "tail");
  CHECK(bucket(out[4]) == "all");
}
