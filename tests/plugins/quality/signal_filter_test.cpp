// signal_filter: bounds on a number or on RedPajama-V2 spans (summed or averaged), its drop
// reasons, and documents whose value cannot be read.
#include "quality_plugin.hpp"

namespace {

using loom::testing::MetaValue;

std::string verdict_for(const MetaValue& value, const loom::testing::OptionMap& options) {
  loom::testing::Instance instance(quality_test::plugin().component("signal_filter"), options);
  loom::testing::Document doc;
  doc.text = "x";
  doc.meta = {{"s", value}};
  return quality_test::verdict(instance.process({doc}).at(0));
}

}  // namespace

TEST_CASE("signal_filter keeps values within inclusive bounds, numbers and spans alike") {
  const loom::testing::OptionMap bounds = {{"field", "s"}, {"min", "3"}, {"max", "10"}};
  CHECK(verdict_for(MetaValue(std::int64_t{3}), bounds) == "kept");
  CHECK(verdict_for(MetaValue(10.0), bounds) == "kept");
  CHECK(verdict_for(MetaValue(2.5), bounds) == "s_too_low");
  CHECK(verdict_for(MetaValue(10.5), bounds) == "s_too_high");
  CHECK(verdict_for(MetaValue::json("[[0,5,10.0]]"), bounds) == "kept");
  CHECK(verdict_for(MetaValue::json("[[0,5,11]]"), bounds) == "s_too_high");
  CHECK(verdict_for(MetaValue::json("4"), bounds) == "kept");
}

TEST_CASE("signal_filter sums line spans, or averages them over the lines") {
  const MetaValue bullets = MetaValue::json("[[0,2,1.0],[2,4,1.0],[4,6,0.0],[6,8,1.0]]");
  CHECK(verdict_for(bullets, {{"field", "s"}, {"max", "2.5"}}) == "s_too_high");  // sum 3
  CHECK(verdict_for(bullets, {{"field", "s"}, {"max", "0.75"}, {"reduce", "mean"}}) == "kept");
  CHECK(verdict_for(bullets,
                    {{"field", "s"}, {"max", "0.7"}, {"reduce", "mean"}, {"reason", "bullets"}}) ==
        "bullets_too_high");
}

TEST_CASE("signal_filter drops what it cannot read as <reason>_missing") {
  const loom::testing::OptionMap o = {{"field", "s"}, {"max", "1"}};
  CHECK(verdict_for(MetaValue::json("[[0,0,null]]"), o) == "s_missing");
  CHECK(verdict_for(MetaValue::json("[]"), {{"field", "s"}, {"reduce", "mean"}}) == "s_missing");
  CHECK(verdict_for(MetaValue::json("[]"), o) == "kept");  // an empty sum is 0
  CHECK(verdict_for(MetaValue::json("[[0,1]]"), o) == "s_missing");
  CHECK(verdict_for(MetaValue::json("{\"a\":1}"), o) == "s_missing");
  CHECK(verdict_for(MetaValue("0.5"), o) == "s_missing");  // a string is not a number
  CHECK(verdict_for(MetaValue(0.5), {{"field", "other"}}) == "other_missing");
}

TEST_CASE("signal_filter refuses a lower bound above the upper one") {
  const auto& c = quality_test::plugin().component("signal_filter");
  CHECK_THROWS_WITH(loom::testing::check_options(c, {{"field", "s"}, {"min", "5"}, {"max", "1"}}),
                    doctest::Contains("min (5) is greater than max (1)"));
  CHECK_THROWS(loom::testing::check_options(c, {{"min", "1"}}));  // field is required
  CHECK_THROWS(loom::testing::check_options(c, {{"field", "s"}, {"reduce", "max"}}));
}
