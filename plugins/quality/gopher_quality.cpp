#include "gopher_quality.hpp"

#include <text/lines.hpp>
#include <text/words.hpp>

#include <algorithm>

namespace loom::quality {
namespace {

constexpr std::string_view kBullet = "\u2022";
constexpr std::string_view kEllipsis = "\u2026";

}  // namespace

void GopherQualityOptions::validate() const {
  check_bounds("min_words", static_cast<double>(min_words), "max_words",
               static_cast<double>(max_words));
  check_bounds("min_mean_word_length", min_mean_word_length, "max_mean_word_length",
               max_mean_word_length);
}

StopWords::StopWords(const StringList& words) {
  for (const auto& w : words) {
    if (w.empty()) {
      has_empty_ = true;
      continue;
    }
    const std::size_t length_bit = std::min<std::size_t>(w.size(), kLongBit);
    lengths_by_ends_[ends_slot(w)] |= static_cast<std::uint16_t>(1u << length_bit);
    if (w.size() > 8) {
      long_words_.push_back(w);
    } else {
      short_words_.push_back({pack(w), w.size()});
    }
  }
}

GopherQualityStats measure_gopher_quality(std::string_view text, const StopWords& stop_words) {
  GopherQualityStats s;
  std::int64_t word_code_points = 0, alpha_words = 0;
  std::int64_t breaks = 0, bullet_lines = 0, ellipsis_lines = 0;
  // Lines come from the same pass as words: a line's lstrip() starts with its first word and its
  // rstrip() ends with its last one (line breaks are whitespace).
  bool line_start = true, last_word_ellipsis = false;
  const char* after_last_break = text.data();
  textlib::for_each_word(
      text,
      // Inlined into the tokenizer's loop, so that the counters stay in registers.
      [&](const textlib::Word& w) __attribute__((always_inline)) {
        ++s.tokens;
        if (!w.symbols_only) {
          ++s.words;
          word_code_points += w.code_points;
        }
        alpha_words += w.has_alpha ? 1 : 0;
        s.stop_words += stop_words.contains(w.text) ? 1 : 0;
        if (line_start) {
          bullet_lines += w.text.starts_with(kBullet) || w.text.starts_with('-') ? 1 : 0;
          line_start = false;
        }
        last_word_ellipsis =
            w.symbols_only && (w.text.ends_with("...") || w.text.ends_with(kEllipsis));
      },
      [&](const char* after) {
        ++breaks;
        ellipsis_lines += last_word_ellipsis ? 1 : 0;
        line_start = true;
        last_word_ellipsis = false;
        after_last_break = after;
      });
  // str.splitlines(): no line after a final break.
  const bool last_line = after_last_break < text.data() + text.size();
  ellipsis_lines += last_line && last_word_ellipsis ? 1 : 0;
  const std::int64_t lines = breaks + (last_line ? 1 : 0);
  const auto hashes = static_cast<double>(textlib::count_byte(text, '#'));
  const auto ellipses = static_cast<double>(textlib::count_non_overlapping(text, "...") +
                                            textlib::count_non_overlapping(text, kEllipsis));
  const auto tokens = static_cast<double>(s.tokens);
  s.mean_word_length = ratio(static_cast<double>(word_code_points), static_cast<double>(s.words));
  s.hash_ratio = ratio(hashes, tokens);
  s.ellipsis_ratio = ratio(ellipses, tokens);
  s.bullet_lines_ratio = ratio(static_cast<double>(bullet_lines), static_cast<double>(lines));
  s.ellipsis_lines_ratio = ratio(static_cast<double>(ellipsis_lines), static_cast<double>(lines));
  s.alpha_words_ratio = ratio(static_cast<double>(alpha_words), tokens);
  return s;
}

GopherQuality::GopherQuality(const Options& options)
    : options_(options), stop_words_(options.stop_words) {
  for (const char* name :
       {"words", "tokens", "mean_word_length", "hash_ratio", "ellipsis_ratio", "bullet_lines_ratio",
        "ellipsis_lines_ratio", "alpha_words_ratio", "stop_words"})
    keys_.push_back(meta_key(options_.meta_prefix, name));
}

const char* GopherQuality::verdict(const GopherQualityStats& s) const {
  const Options& o = options_;
  if (s.words < o.min_words) return "too_few_words";
  if (o.max_words > 0 && s.words > o.max_words) return "too_many_words";
  if (s.mean_word_length < o.min_mean_word_length) return "mean_word_length_too_short";
  if (o.max_mean_word_length > 0 && s.mean_word_length > o.max_mean_word_length)
    return "mean_word_length_too_long";
  if (o.max_symbol_word_ratio > 0 && s.hash_ratio > o.max_symbol_word_ratio)
    return "too_many_hashes";
  if (o.max_symbol_word_ratio > 0 && s.ellipsis_ratio > o.max_symbol_word_ratio)
    return "too_many_ellipses";
  if (o.max_bullet_lines_ratio > 0 && s.bullet_lines_ratio > o.max_bullet_lines_ratio)
    return "too_many_bullet_lines";
  if (o.max_ellipsis_lines_ratio > 0 && s.ellipsis_lines_ratio > o.max_ellipsis_lines_ratio)
    return "too_many_ellipsis_lines";
  if (s.alpha_words_ratio < o.min_alpha_words_ratio) return "too_few_alpha_words";
  if (s.stop_words < o.min_stop_words) return "too_few_stop_words";
  return nullptr;
}

void GopherQuality::process(Batch& batch) {
  const bool filter = options_.mode == "filter";
  for (Doc doc : batch) {
    if (doc.dropped()) continue;
    const GopherQualityStats s = measure_gopher_quality(doc.text(), stop_words_);
    doc.set_meta(keys_[0], s.words);
    doc.set_meta(keys_[1], s.tokens);
    doc.set_meta(keys_[2], s.mean_word_length);
    doc.set_meta(keys_[3], s.hash_ratio);
    doc.set_meta(keys_[4], s.ellipsis_ratio);
    doc.set_meta(keys_[5], s.bullet_lines_ratio);
    doc.set_meta(keys_[6], s.ellipsis_lines_ratio);
    doc.set_meta(keys_[7], s.alpha_words_ratio);
    doc.set_meta(keys_[8], s.stop_words);
    if (!filter) continue;
    if (const char* reason = verdict(s)) doc.drop(reason);
  }
}

}  // namespace loom::quality
