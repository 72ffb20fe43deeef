#include "path_filter.hpp"

#include <algorithm>

#include "meta_access.hpp"

namespace loom::github {

void PathFilter::process(Batch& batch) {
  for (std::size_t i = 0; i < batch.size(); ++i) {
    Doc doc = batch[i];
    if (doc.dropped()) continue;
    const std::string_view path = required_string(doc, options_.field, i, name);
    const auto ends_with = [&](const std::string& s) { return path.ends_with(s); };
    const auto equals = [&](const std::string& s) { return path == s; };
    if (std::any_of(options_.excluded_suffixes.begin(), options_.excluded_suffixes.end(),
                    ends_with))
      doc.drop("excluded_suffix");
    else if (std::any_of(options_.excluded_paths.begin(), options_.excluded_paths.end(), equals))
      doc.drop("excluded_path");
  }
}

}  // namespace loom::github
