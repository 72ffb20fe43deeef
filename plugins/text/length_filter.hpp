// length_filter: keeps documents whose text length, in Unicode code points, is within bounds.
#pragma once

#include <loom/plugin.hpp>

#include <cstdint>

namespace loom::text {

struct LengthFilterOptions {
  std::int64_t min_chars = 0;
  std::int64_t max_chars = 0;

  static constexpr auto fields =
      std::tuple(field("min_chars", &LengthFilterOptions::min_chars,
                       "drop (too_short) texts with fewer code points")
                     .min(0),
                 field("max_chars", &LengthFilterOptions::max_chars,
                       "drop (too_long) texts with more code points; 0 means no limit")
                     .min(0));

  void validate() const;
};

class LengthFilter : public Filter {
 public:
  static constexpr const char* name = "length_filter";
  static constexpr const char* summary =
      "drops texts shorter or longer than given numbers of Unicode code points";
  using Options = LengthFilterOptions;
  static constexpr Declared drop_reasons[] = {{"too_short", "under the minimum"},
                                              {"too_long", "over the maximum"}};
  static constexpr std::array<Declared, 0> meta_fields{};

  explicit LengthFilter(const Options& options) : options_(options) {}
  void process(Batch& batch) override;

 private:
  Options options_;
};

}  // namespace loom::text
