// license_filter: keeps documents whose license meta field starts with an allowed prefix (the
// reference's BigQuery `license LIKE 'mit%' OR 'bsd%' OR 'apache%'`, case-sensitive like LIKE).
#pragma once

#include <loom/plugin.hpp>

#include <string>

namespace loom::github {

struct LicenseFilterOptions {
  std::string field = "license";
  StringList allowed_prefixes = {"mit", "bsd", "apache"};

  static constexpr auto fields = std::tuple(
      loom::field("field", &LicenseFilterOptions::field, "meta field holding the license id"),
      loom::field("allowed_prefixes", &LicenseFilterOptions::allowed_prefixes,
                  "a license is kept if it starts with one of these (case-sensitive); a missing "
                  "or null license is dropped, as SQL's NULL LIKE is not true"));
  void validate() const;
};

class LicenseFilter : public Filter {
 public:
  static constexpr const char* name = "license_filter";
  static constexpr const char* summary =
      "keeps permissively licensed files (license starts with mit, bsd or apache by default)";
  using Options = LicenseFilterOptions;
  static constexpr Declared drop_reasons[] = {
      {"license_missing", "no license field"},
      {"license_not_a_string", "a license that is not a string"},
      {"license_*", "license_<id> for a license outside allowed_prefixes"}};
  static constexpr std::array<Declared, 0> meta_fields{};

  explicit LicenseFilter(const Options& options) : options_(options) {}
  void process(Batch& batch) override;

 private:
  Options options_;
};

}  // namespace loom::github
