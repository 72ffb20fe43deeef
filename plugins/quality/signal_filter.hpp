// signal_filter: keeps documents whose numeric meta value lies within bounds, where the value is
// a number or a list of RedPajama-V2 [start, end, value] spans reduced to one number (V2's
// document signals have one span; its line signals one per line). The rules of V2's dataset
// card (graphs/recipes/rpv2_gopher_rules.yaml) are a chain of these.
#pragma once

#include "rule_filter.hpp"

#include <loom/plugin.hpp>

#include <optional>
#include <string>

namespace loom::quality {

inline constexpr const char* reduce_values[] = {"sum", "mean"};

struct SignalFilterOptions {
  std::string field_name;
  double min = 0;
  double max = 0;
  std::string reduce = "sum";
  std::string reason;

  static constexpr auto fields = std::tuple(
      field("field", &SignalFilterOptions::field_name,
            "meta field holding a number or a JSON list of [start, end, value] spans")
          .required(),
      field("min", &SignalFilterOptions::min, "drop (<reason>_too_low) when the value is lower")
          .min(0),
      field("max", &SignalFilterOptions::max,
            "drop (<reason>_too_high) when the value is higher; 0: no upper bound")
          .min(0),
      field("reduce", &SignalFilterOptions::reduce,
            "how spans become one value: sum (a document signal's single value; V2's card sums "
            "rps_lines_start_with_bulletpoint) or mean (the sum over the number of spans, e.g. "
            "the fraction of lines)")
          .one_of(reduce_values),
      field("reason", &SignalFilterOptions::reason,
            "prefix of the drop reasons; empty: the field name. A document without the field, "
            "with a null or non-numeric value, or with no spans to average is dropped as "
            "<reason>_missing"));

  void validate() const { check_bounds("min", min, "max", max); }
};

class SignalFilter : public Filter {
 public:
  static constexpr const char* name = "signal_filter";
  static constexpr const char* summary =
      "keeps documents whose numeric meta value (a number or RedPajama-V2 spans, summed or "
      "averaged) is within bounds";
  using Options = SignalFilterOptions;
  static constexpr Declared drop_reasons[] = {
      {"*", "<reason>_missing, <reason>_too_low, <reason>_too_high (reason option)"}};
  static constexpr std::array<Declared, 0> meta_fields{};

  explicit SignalFilter(const Options& options);
  void process(Batch& batch) override;

 private:
  Options options_;
  std::string too_low_;
  std::string too_high_;
  std::string missing_;
};

// The number a meta value stands for (see SignalFilterOptions), or nothing.
std::optional<double> signal_value(const Value& value, bool mean);

}  // namespace loom::quality
