// meta_filter: keeps documents whose meta field holds one of a list of string values.
#pragma once

#include <loom/plugin.hpp>

#include <string>
#include <unordered_set>

namespace loom::text {

struct MetaFilterOptions {
  std::string field_name;
  StringList values;

  static constexpr auto fields = std::tuple(
      field("field", &MetaFilterOptions::field_name, "meta field to look at").required(),
      field("values", &MetaFilterOptions::values,
            "kept values (compared as strings); a document whose field holds anything else is "
            "dropped as <field>_not_listed, one without the field (or with a non-string value) "
            "as <field>_missing")
          .required());
};

class MetaFilter : public Filter {
 public:
  static constexpr const char* name = "meta_filter";
  static constexpr const char* summary =
      "keeps documents whose meta field is one of the listed values (e.g. a language list)";
  using Options = MetaFilterOptions;
  static constexpr Declared drop_reasons[] = {{"*", "<field>_not_listed and <field>_missing"}};
  static constexpr std::array<Declared, 0> meta_fields{};

  explicit MetaFilter(const Options& options);
  void process(Batch& batch) override;

 private:
  std::string field_;
  std::unordered_set<std::string> values_;
  std::string not_listed_;
  std::string missing_;
};

}  // namespace loom::text
