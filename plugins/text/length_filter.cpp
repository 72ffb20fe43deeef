#include "length_filter.hpp"

namespace loom::text {

std::size_t count_code_points(std::string_view text) {
  std::size_t continuation = 0;
  for (char c : text) continuation += (static_cast<unsigned char>(c) & 0xc0) == 0x80 ? 1 : 0;
  return text.size() - continuation;
}

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
    std::size_t chars = count_code_points(text);
    if (chars < min) {
      doc.drop("too_short");
    } else if (max > 0 && chars > max) {
      doc.drop("too_long");
    }
  }
}

}  // namespace loom::text
