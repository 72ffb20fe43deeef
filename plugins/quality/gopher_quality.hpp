// gopher_quality: the quality rules of Gopher's MassiveWeb (Rae et al. 2021, appendix A.1.1) with
// datatrove's GopherQualityFilter defaults. How words and lines are counted, and where that
// differs from datatrove: docs/reference/quality-rules.md#gopher_quality.
#pragma once

#include "rule_filter.hpp"

#include <loom/plugin.hpp>

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace loom::quality {

struct GopherQualityOptions {
  std::string mode = "filter";
  std::int64_t min_words = 50;
  std::int64_t max_words = 100000;
  double min_mean_word_length = 3;
  double max_mean_word_length = 10;
  double max_symbol_word_ratio = 0.1;
  double max_bullet_lines_ratio = 0.9;
  double max_ellipsis_lines_ratio = 0.3;
  double min_alpha_words_ratio = 0.8;
  std::int64_t min_stop_words = 2;
  StringList stop_words = {"the", "be", "to", "of", "and", "that", "have", "with"};
  std::string meta_prefix = "gopher_";

  static constexpr auto fields = std::tuple(
      field("mode", &GopherQualityOptions::mode, mode_doc).one_of(mode_values),
      field("min_words", &GopherQualityOptions::min_words,
            "drop (too_few_words) under this many words that are not only punctuation")
          .min(0),
      field("max_words", &GopherQualityOptions::max_words,
            "drop (too_many_words) over this many such words; 0: no limit")
          .min(0),
      field("min_mean_word_length", &GopherQualityOptions::min_mean_word_length,
            "drop (mean_word_length_too_short) when their mean length in code points is lower")
          .min(0),
      field("max_mean_word_length", &GopherQualityOptions::max_mean_word_length,
            "drop (mean_word_length_too_long) when it is higher; 0: no limit")
          .min(0),
      field("max_symbol_word_ratio", &GopherQualityOptions::max_symbol_word_ratio,
            "drop (too_many_hashes, too_many_ellipses) when '#' or '...'/'\u2026' occurrences "
            "per word (all words) exceed this; 0: rule off")
          .min(0),
      field("max_bullet_lines_ratio", &GopherQualityOptions::max_bullet_lines_ratio,
            "drop (too_many_bullet_lines) when more lines start with '\u2022' or '-' (after "
            "whitespace); 0: rule off")
          .range(0, 1),
      field("max_ellipsis_lines_ratio", &GopherQualityOptions::max_ellipsis_lines_ratio,
            "drop (too_many_ellipsis_lines) when more lines end with '...' or '\u2026'; 0: rule "
            "off")
          .range(0, 1),
      field("min_alpha_words_ratio", &GopherQualityOptions::min_alpha_words_ratio,
            "drop (too_few_alpha_words) when fewer words contain a letter (datatrove's "
            "max_non_alpha_words_ratio)")
          .range(0, 1),
      field("min_stop_words", &GopherQualityOptions::min_stop_words,
            "drop (too_few_stop_words) under this many occurrences of stop_words")
          .min(0),
      field("stop_words", &GopherQualityOptions::stop_words,
            "words counted by min_stop_words, compared case-sensitively"),
      field("meta_prefix", &GopherQualityOptions::meta_prefix,
            "prefix of the meta fields written: words, tokens, mean_word_length, hash_ratio, "
            "ellipsis_ratio, bullet_lines_ratio, ellipsis_lines_ratio, alpha_words_ratio, "
            "stop_words"));

  void validate() const;
};

// Everything gopher_quality measures in one document.
struct GopherQualityStats {
  std::int64_t tokens = 0;  // all words, punctuation-only ones included
  std::int64_t words = 0;   // words that are not only punctuation
  double mean_word_length = 0;
  double hash_ratio = 0;
  double ellipsis_ratio = 0;
  double bullet_lines_ratio = 0;
  double ellipsis_lines_ratio = 0;
  double alpha_words_ratio = 0;
  std::int64_t stop_words = 0;
};

// Exact, case-sensitive word lookup. Other words are rejected on their first and last bytes and
// their length by one lookup in a small table: on the bench's C4 text 15.6% of the words pass it
// with the default stop words, 15.3% being stop words (21.8% passed a first byte and length
// test). Words of up to 8 bytes (all the default stop words) are then compared as one integer.
class StopWords {
 public:
  explicit StopWords(const StringList& words);
  bool contains(std::string_view word) const {
    if (word.empty()) return has_empty_;
    const std::size_t length_bit = std::min<std::size_t>(word.size(), kLongBit);
    if (!(lengths_by_ends_[ends_slot(word)] >> length_bit & 1)) return false;
    if (word.size() <= 8) {
      const Packed key{pack(word), word.size()};
      return std::find(short_words_.begin(), short_words_.end(), key) != short_words_.end();
    }
    return std::find(long_words_.begin(), long_words_.end(), word) != long_words_.end();
  }

 private:
  static constexpr std::size_t kLongBit = 9;  // the length bit of every word past 8 bytes
  struct Packed {
    std::uint64_t bytes;
    std::size_t size;
    bool operator==(const Packed&) const = default;
  };
  static std::uint64_t pack(std::string_view w) {  // w.size() <= 8
    std::uint64_t key = 0;
    for (std::size_t i = 0; i < w.size(); ++i)
      key |= static_cast<std::uint64_t>(static_cast<unsigned char>(w[i])) << (8 * i);
    return key;
  }

  std::vector<Packed> short_words_;
  // Slot of a word's first and last bytes (two words may share one: the table only rejects).
  static std::size_t ends_slot(std::string_view w) {  // !w.empty()
    return (static_cast<unsigned char>(w.front()) ^
            static_cast<std::size_t>(static_cast<unsigned char>(w.back())) << 2) &
           (kEndsSlots - 1);
  }
  static constexpr std::size_t kEndsSlots = 1024;
  // Bit n (n <= 8) set when a stop word of n bytes has ends in that slot; kLongBit for longer.
  std::array<std::uint16_t, kEndsSlots> lengths_by_ends_{};
  bool has_empty_ = false;
  std::vector<std::string> long_words_;
};

GopherQualityStats measure_gopher_quality(std::string_view text, const StopWords& stop_words);

class GopherQuality : public Filter {
 public:
  static constexpr const char* name = "gopher_quality";
  static constexpr const char* summary =
      "Gopher quality rules (Rae et al. 2021): word count and length, symbols, bullets, "
      "ellipses, alphabetic and stop words";
  using Options = GopherQualityOptions;
  static constexpr Declared drop_reasons[] = {{"too_few_words", ""},
                                              {"too_many_words", ""},
                                              {"mean_word_length_too_short", ""},
                                              {"mean_word_length_too_long", ""},
                                              {"too_many_hashes", ""},
                                              {"too_many_ellipses", ""},
                                              {"too_many_bullet_lines", ""},
                                              {"too_many_ellipsis_lines", ""},
                                              {"too_few_alpha_words", ""},
                                              {"too_few_stop_words", ""}};
  static constexpr Declared meta_fields[] = {{"*", "the rules' values, under meta_prefix"}};

  explicit GopherQuality(const Options& options);
  void process(Batch& batch) override;

 private:
  // The drop reason of the first failed rule, or nullptr.
  const char* verdict(const GopherQualityStats& s) const;

  Options options_;
  StopWords stop_words_;
  std::vector<std::string> keys_;
};

}  // namespace loom::quality
