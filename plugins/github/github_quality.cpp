#include "github_quality.hpp"

#include <algorithm>
#include <charconv>

#include "meta_access.hpp"

namespace loom::github {
namespace {

// Shortest round-trip form, without a trailing ".0", so the default reasons read like the
// reference's ("avg_line_length>100", "alnum_prop<0.25").
std::string number_text(double value) {
  char buffer[64];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, result.ptr);
}

}  // namespace

GithubQuality::GithubQuality(const Options& options)
    : options_(options),
      max_line_reason_("max_line_length>" + std::to_string(options.max_line_length)),
      avg_line_reason_("avg_line_length>" + number_text(options.max_avg_line_length)),
      alnum_reason_("alnum_prop<" + number_text(options.min_alnum_prop)) {}

void GithubQuality::process(Batch& batch) {
  for (std::size_t i = 0; i < batch.size(); ++i) {
    Doc doc = batch[i];
    if (doc.dropped()) continue;
    if (doc.text().empty()) {
      doc.drop("empty");
      continue;
    }
    const std::string_view path = required_string(doc, options_.path_field, i, name);
    const bool whitelisted =
        options_.extensions.empty() ||
        std::any_of(options_.extensions.begin(), options_.extensions.end(),
                    [&](const std::string& ext) { return path.ends_with(ext); });
    if (!whitelisted) {
      doc.drop("extension_whitelist");
      continue;
    }
    if (required_number(doc, "max_line_length", i, name) >
        static_cast<double>(options_.max_line_length)) {
      doc.drop(max_line_reason_);
      continue;
    }
    if (required_number(doc, "avg_line_length", i, name) > options_.max_avg_line_length) {
      doc.drop(avg_line_reason_);
      continue;
    }
    if (required_number(doc, "alnum_prop", i, name) < options_.min_alnum_prop)
      doc.drop(alnum_reason_);
  }
}

}  // namespace loom::github
