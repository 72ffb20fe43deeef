// What the run report samples: numeric meta fields a node added (not the ones it found), kept
// and dropped apart, with bounded memory; and a time series that stays bounded however long the
// run.
#include "runtime/batch.hpp"
#include "runtime/meta_sampler.hpp"
#include "runtime/timeline.hpp"

#include <doctest/doctest.h>

#include <map>
#include <string>

namespace {

using loom::runtime::Batch;
using loom::runtime::MetaSampler;

loom_value number(double v) {
  loom_value value{};
  value.type = LOOM_VALUE_FLOAT;
  value.as.f = v;
  return value;
}

loom_value integer(std::int64_t v) {
  loom_value value{};
  value.type = LOOM_VALUE_INT;
  value.as.i = v;
  return value;
}

loom_value text(const char* s) {
  loom_value value{};
  value.type = LOOM_VALUE_STRING;
  value.as.s = loom_str{s, std::char_traits<char>::length(s)};
  return value;
}

}  // namespace

TEST_CASE("only numeric fields the node added are sampled, kept and dropped apart") {
  Batch batch;
  for (int i = 0; i < 10; ++i) {
    auto& doc = batch.append();
    batch.set_meta(doc, "score_from_input", number(100 + i));
  }
  const std::size_t before = batch.meta.size();
  int k = 0;
  for (auto& doc : batch.docs) {
    batch.set_meta(doc, "score_from_input", number(-1));  // overwritten, not added
    // Removed and set again (a new entry, as when a node rebuilds the meta): not added either.
    batch.remove_meta(doc, "score_from_input");
    batch.set_meta(doc, "score_from_input", number(-2));
    batch.set_meta(doc, "perplexity", number(10.0 * k));
    batch.set_meta(doc, "label", text("en"));
    batch.set_meta(doc, "tokens", integer(k));
    if (k >= 7) batch.drop(doc, "too_perplexing");
    ++k;
  }
  MetaSampler sampler;
  sampler.add_batch(batch, before);
  const auto fields = sampler.results();
  REQUIRE(fields.size() == 2);  // perplexity and tokens, by name
  CHECK(fields[0].field == "perplexity");
  CHECK(fields[0].count_kept == 7);
  CHECK(fields[0].count_dropped == 3);
  CHECK(fields[0].min == 0.0);
  CHECK(fields[0].max == 90.0);
  CHECK(fields[0].sum == 450.0);
  CHECK(fields[0].sample_dropped == std::vector<double>{70, 80, 90});
  CHECK(fields[1].field == "tokens");
  CHECK(fields[1].sum == 45.0);
}

TEST_CASE("integer fields the node added are totalled exactly for stats.json, without sampling") {
  Batch batch;
  for (int i = 0; i < 4; ++i) {
    auto& doc = batch.append();
    // 2^55 + 1 has no exact double: a sum through doubles would be off.
    batch.set_meta(doc, "token_count", integer((std::int64_t{1} << 55) + 1));
    batch.set_meta(doc, "mixed", i == 2 ? number(0.5) : integer(1));
    batch.set_meta(doc, "label", text("en"));
    if (i == 3) batch.drop(doc, "dropped_still_counted");
  }
  MetaSampler sampler;
  sampler.add_batch(batch, 0, /*sample=*/false);
  sampler.add_batch(batch, 0, /*sample=*/false);
  CHECK(sampler.results().empty());  // no report: nothing sampled
  const auto totals = sampler.integer_totals();
  CHECK(totals ==
        std::map<std::string, std::int64_t>{{"token_count", (std::int64_t{1} << 58) + 8}});
}

TEST_CASE("a batch the node added nothing to costs nothing and records nothing") {
  Batch batch;
  auto& doc = batch.append();
  batch.set_meta(doc, "x", number(1));
  MetaSampler sampler;
  sampler.add_batch(batch, batch.meta.size());
  CHECK(sampler.results().empty());
}

TEST_CASE("samples stay bounded, counts stay exact") {
  MetaSampler sampler;
  std::uint64_t total = 0;
  for (int round = 0; round < 30; ++round) {
    Batch batch;
    for (int i = 0; i < 500; ++i) batch.append();
    for (auto& doc : batch.docs)
      batch.set_meta(doc, "v", integer(static_cast<std::int64_t>(total++)));
    sampler.add_batch(batch, 0);
  }
  const auto fields = sampler.results();
  REQUIRE(fields.size() == 1);
  CHECK(fields[0].count_kept == total);
  CHECK(fields[0].sample_kept.size() == MetaSampler::kReservoir);
  CHECK(fields[0].max == static_cast<double>(total - 1));
  // A uniform sample: about as many values from the second half of the stream as the first.
  std::size_t late = 0;
  for (double v : fields[0].sample_kept) late += v >= static_cast<double>(total) / 2 ? 1 : 0;
  CHECK(late > MetaSampler::kReservoir * 4 / 10);
  CHECK(late < MetaSampler::kReservoir * 6 / 10);
}

TEST_CASE("at most kMaxFields fields per node") {
  Batch batch;
  auto& doc = batch.append();
  for (std::size_t i = 0; i < MetaSampler::kMaxFields + 5; ++i)
    batch.set_meta(doc, "f" + std::to_string(100 + i), number(1));
  MetaSampler sampler;
  sampler.add_batch(batch, 0);
  CHECK(sampler.results().size() == MetaSampler::kMaxFields);
}

TEST_CASE("the timeline thins itself and keeps the first and the last point") {
  loom::runtime::Timeline timeline(10);
  for (int i = 0; i < 1000; ++i) {
    loom::TimelinePoint p;
    p.seconds = i * 0.5;
    timeline.add(p, i == 999);
  }
  const auto& points = timeline.points();
  CHECK(points.size() <= 10);
  CHECK(points.size() >= 5);
  CHECK(points.front().seconds == 0.0);
  CHECK(points.back().seconds == 999 * 0.5);
  for (std::size_t i = 1; i < points.size(); ++i) CHECK(points[i].seconds > points[i - 1].seconds);
}
