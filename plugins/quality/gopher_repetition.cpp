#include "gopher_repetition.hpp"

#include <text/lines.hpp>
#include <text/python_whitespace.hpp>
#include <text/string_ids.hpp>
#include <text/word_ngrams.hpp>

namespace loom::quality {
namespace {

constexpr const char* kNames[kRepetitionRules] = {
    "duplicate_paragraph_ratio",  "duplicate_paragraph_char_ratio", "duplicate_line_ratio",
    "duplicate_line_char_ratio",  "top_2gram_char_ratio",           "top_3gram_char_ratio",
    "top_4gram_char_ratio",       "duplicate_5gram_char_ratio",     "duplicate_6gram_char_ratio",
    "duplicate_7gram_char_ratio", "duplicate_8gram_char_ratio",     "duplicate_9gram_char_ratio",
    "duplicate_10gram_char_ratio"};
constexpr const char* kReasons[kRepetitionRules] = {"duplicate_paragraphs",
                                                    "duplicate_paragraph_chars",
                                                    "duplicate_lines",
                                                    "duplicate_line_chars",
                                                    "top_2gram",
                                                    "top_3gram",
                                                    "top_4gram",
                                                    "duplicate_5grams",
                                                    "duplicate_6grams",
                                                    "duplicate_7grams",
                                                    "duplicate_8grams",
                                                    "duplicate_9grams",
                                                    "duplicate_10grams"};

// Elements of `text` split at runs of at least `min_run` '\n' (re.split(r"\n{min_run,}", text)):
// every element, empty ones included, is counted; a repeat adds its code points.
struct Duplicates {
  double elements = 0;
  double repeated = 0;
  double repeated_code_points = 0;
};

Duplicates find_duplicates(std::string_view text, std::size_t min_run, textlib::StringIds& seen) {
  seen.reset(64);
  Duplicates d;
  auto add = [&](std::string_view element) {
    ++d.elements;
    bool inserted = false;
    seen.id(element, inserted);
    if (!inserted) {
      ++d.repeated;
      d.repeated_code_points += static_cast<double>(textlib::count_code_points(element));
    }
  };
  textlib::for_each_newline_run_split(text, min_run, add);
  return d;
}

struct Scratch {
  textlib::StringIds seen;
  textlib::WordSequence words;
  textlib::NgramCounter ngrams;
};

RepetitionStats measure(std::string_view text, Scratch& scratch) {
  RepetitionStats s{};
  const auto length = static_cast<double>(textlib::count_code_points(text));
  const Duplicates paragraphs = find_duplicates(textlib::python_strip(text), 2, scratch.seen);
  s[0] = ratio(paragraphs.repeated, paragraphs.elements);
  s[1] = ratio(paragraphs.repeated_code_points, length);
  const Duplicates lines = find_duplicates(text, 1, scratch.seen);
  s[2] = ratio(lines.repeated, lines.elements);
  s[3] = ratio(lines.repeated_code_points, length);
  scratch.words.assign(text);
  // When no n-gram occurs twice, no longer one does either: each longer n-gram then occurs once,
  // the first one is the most frequent, and nothing repeats. Most prose stops counting early.
  bool repeats = true;
  for (std::size_t n = 2; n <= 4; ++n) {
    const textlib::TopNgram top =
        repeats ? scratch.ngrams.top(scratch.words, n)
                : textlib::TopNgram{0, scratch.words.size() >= n ? std::size_t{1} : 0};
    repeats = top.count > 1;
    // The n-gram as " ".join(words): its words' code points and n - 1 spaces.
    const double chars =
        top.count == 0
            ? 0.0
            : static_cast<double>(scratch.words.code_points(top.start, top.start + n) + n - 1);
    s[n + 2] = ratio(chars * static_cast<double>(top.count), length);
  }
  for (std::size_t n = 5; n <= 10 && repeats; ++n) {
    const std::uint64_t repeated = scratch.ngrams.duplicate_code_points(scratch.words, n);
    s[n + 2] = ratio(static_cast<double>(repeated), length);
    repeats = repeated > 0;  // 0 means no n-gram occurs twice (the scan then visits every start)
  }
  return s;
}

}  // namespace

GopherRepetition::GopherRepetition(const Options& options) : options_(options) {
  const Options& o = options_;
  limits_ = {o.max_duplicate_paragraph_ratio,  o.max_duplicate_paragraph_char_ratio,
             o.max_duplicate_line_ratio,       o.max_duplicate_line_char_ratio,
             o.max_top_2gram_char_ratio,       o.max_top_3gram_char_ratio,
             o.max_top_4gram_char_ratio,       o.max_duplicate_5gram_char_ratio,
             o.max_duplicate_6gram_char_ratio, o.max_duplicate_7gram_char_ratio,
             o.max_duplicate_8gram_char_ratio, o.max_duplicate_9gram_char_ratio,
             o.max_duplicate_10gram_char_ratio};
  for (const char* name : kNames) keys_.push_back(meta_key(o.meta_prefix, name));
}

void GopherRepetition::process(Batch& batch) {
  const bool filter = options_.mode == "filter";
  Scratch scratch;  // per call: process() may run on several batches at once
  for (Doc doc : batch) {
    if (doc.dropped()) continue;
    const RepetitionStats s = measure(doc.text(), scratch);
    for (std::size_t i = 0; i < kRepetitionRules; ++i) doc.set_meta(keys_[i], s[i]);
    if (!filter) continue;
    for (std::size_t i = 0; i < kRepetitionRules; ++i) {
      if (limits_[i] > 0 && s[i] > limits_[i]) {
        doc.drop(kReasons[i]);
        break;
      }
    }
  }
}

}  // namespace loom::quality
