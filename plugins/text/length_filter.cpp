#include "length_filter.hpp"

#include <text/python_whitespace.hpp>

namespace loom::text {

void LengthFilterOptions::validate() const {
  if (max_chars > 0 && min_chars > max_chars)
    throw Error("min_chars (" + std::to_string(min_chars) + ") is greater than max_chars (" +
                    std::to_string(max_chars) + ")",
                LOOM_ERR_CONFIG);
}

void LengthFilter::process(Batch& batch) {
  const auto min = static_cast<std::size_t>(options_.min_chars);
  const auto max = static_cast<std::size_t>(options_.max_chars);
  for (Doc doc : batch) {
    if (doc.dropped()) continue;
    std::string_view text = doc.text();
    if (text.size() < min) {
      doc.drop("too_short");
      continue;
    }
    // Every code point takes 1 to 4 bytes, so many texts need no counting at all.
    if ((text.size() + 3) / 4 >= min && (max == 0 || text.size() <= max)) continue;
    const std::size_t chars = textlib::count_code_points(text);
    if (chars < min) {
      doc.drop("too_short");
    } else if (max > 0 && chars > max) {
      doc.drop("too_long");
    }
  }
}

}  // namespace loom::text
