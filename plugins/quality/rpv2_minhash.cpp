#include "rpv2_minhash.hpp"

#include <text/python_whitespace.hpp>
#include <text/rpv2_text.hpp>

#include <cstdlib>

namespace loom::quality {
namespace {

double parse_threshold(const std::string& text) {
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0' || !(value > 0 && value <= 1))
    throw Error("rpv2_minhash: similarity threshold '" + text + "' is not a number in (0, 1]",
                LOOM_ERR_CONFIG);
  return value;
}

}  // namespace

void Rpv2MinHashOptions::validate() const {
  if (similarity_thresholds.empty())
    throw Error("rpv2_minhash: similarity_thresholds is empty", LOOM_ERR_CONFIG);
  for (const std::string& t : similarity_thresholds) parse_threshold(t);
}

Rpv2MinHash::Rpv2MinHash(const Options& options)
    : options_(options),
      permutations_(rpv2_minhash_permutations(static_cast<std::size_t>(options.num_permutations),
                                              static_cast<std::uint32_t>(options.seed))) {
  for (const std::string& t : options.similarity_thresholds) {
    const auto [bands, rows] =
        rpv2_optimal_bands(parse_threshold(t), static_cast<std::size_t>(options.num_permutations));
    bandings_.push_back({"signature_sim" + t, bands, rows});
  }
}

void Rpv2MinHash::process(Batch& batch) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string normalized, json;
  std::vector<std::string_view> words;
  for (Doc doc : batch) {
    if (doc.dropped()) continue;
    textlib::normalize_rpv2(doc.text(), normalized);
    words.clear();
    textlib::for_each_split_word(normalized, [&](std::string_view w) { words.push_back(w); });
    const std::vector<std::uint32_t> signature =
        rpv2_minhash_signature(words, static_cast<std::size_t>(options_.ngram_size), permutations_);
    for (const Banding& banding : bandings_) {
      if (signature.empty()) {
        doc.set_meta(banding.key, Value::json("null"));
        continue;
      }
      json.assign(1, '[');
      for (std::size_t band = 0; band < banding.bands; ++band) {
        if (band != 0) json.push_back(',');
        json.push_back('"');
        for (std::size_t row = 0; row < banding.rows; ++row) {
          const std::uint32_t v = signature[band * banding.rows + row];
          for (int shift = 28; shift >= 0; shift -= 4) json.push_back(kHex[(v >> shift) & 15]);
        }
        json.push_back('"');
      }
      json.push_back(']');
      doc.set_meta(banding.key, Value::json(json));
    }
  }
}

}  // namespace loom::quality
