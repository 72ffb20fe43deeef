#include "license_filter.hpp"

#include <algorithm>

namespace loom::github {

void LicenseFilterOptions::validate() const {
  if (allowed_prefixes.empty())
    throw Error("allowed_prefixes is empty: every document would be dropped", LOOM_ERR_CONFIG);
}

void LicenseFilter::process(Batch& batch) {
  std::string reason;
  for (Doc doc : batch) {
    if (doc.dropped()) continue;
    std::optional<Value> license = doc.meta(options_.field);
    if (!license || license->type == LOOM_VALUE_NULL) {
      doc.drop("license_missing");
      continue;
    }
    if (license->type != LOOM_VALUE_STRING) {
      doc.drop("license_not_a_string");
      continue;
    }
    const std::string_view id = license->s;
    const bool allowed =
        std::any_of(options_.allowed_prefixes.begin(), options_.allowed_prefixes.end(),
                    [&](const std::string& prefix) { return id.starts_with(prefix); });
    if (allowed) continue;
    // The license id goes into the reason so stats.json counts drops per license.
    reason.assign("license_");
    reason.append(id);
    doc.drop(reason);
  }
}

}  // namespace loom::github
