#include "fineweb_quality.hpp"

#include <text/char_class.hpp>
#include <text/lines.hpp>
#include <text/python_whitespace.hpp>
#include <text/string_ids.hpp>
#include <text/words.hpp>

#include <algorithm>

namespace loom::quality {
namespace {

// The first byte of the code point that ends `line` (not empty).
const char* last_code_point(std::string_view line) {
  const char* p = line.data() + line.size() - 1;
  while (p > line.data() && (static_cast<unsigned char>(*p) & 0xc0) == 0x80) --p;
  return p;
}

}  // namespace

FineWebQuality::FineWebQuality(const Options& options) : options_(options) {
  for (const char* name : {"lines", "punctuated_lines_ratio", "short_lines_ratio",
                           "duplicate_line_char_ratio", "newline_word_ratio"})
    keys_.push_back(meta_key(options_.meta_prefix, name));
}

bool FineWebQuality::punctuated(std::string_view line) const {
  if (options_.stop_chars.empty()) {
    const char* last = last_code_point(line);
    return (textlib::read_code_point(last, line.data() + line.size()).flags &
            textlib::kSentenceEnd) != 0;
  }
  return std::any_of(options_.stop_chars.begin(), options_.stop_chars.end(),
                     [&](const std::string& s) { return !s.empty() && line.ends_with(s); });
}

const char* FineWebQuality::verdict(const FineWebStats& s) const {
  const Options& o = options_;
  if (s.lines == 0) return "empty";
  if (s.punctuated_lines_ratio < o.min_punctuated_lines_ratio &&
      !(s.punctuated_lines_ratio == 0 && o.allow_no_punctuated_lines))
    return "too_few_punctuated_lines";
  if (o.max_short_lines_ratio > 0 && s.short_lines_ratio > o.max_short_lines_ratio)
    return "too_many_short_lines";
  if (o.max_duplicate_line_char_ratio > 0 &&
      s.duplicate_line_char_ratio > o.max_duplicate_line_char_ratio)
    return "duplicate_line_chars";
  if (o.max_newline_word_ratio > 0 && s.newline_word_ratio > o.max_newline_word_ratio)
    return "too_many_newlines";
  return nullptr;
}

void FineWebQuality::process(Batch& batch) {
  const bool filter = options_.mode == "filter";
  const auto short_length = static_cast<std::size_t>(options_.short_line_length);
  textlib::StringIds seen;
  for (Doc doc : batch) {
    if (doc.dropped()) continue;
    const std::string_view text = doc.text();
    FineWebStats s;
    std::int64_t punctuated_lines = 0, short_lines = 0;
    double repeated_code_points = 0;
    seen.reset(64);
    // text.split("\n") without its blank lines (line.strip() == ""): the same lines as cutting at
    // runs of '\n', since the empty pieces between two '\n' are blank.
    textlib::for_each_newline_run_split(text, 1, [&](std::string_view line) {
      if (textlib::python_strip(line).empty()) return;
      ++s.lines;
      punctuated_lines += punctuated(line) ? 1 : 0;
      const std::size_t length = textlib::count_code_points(line);
      short_lines += length <= short_length ? 1 : 0;
      bool inserted = false;
      seen.id(line, inserted);
      if (!inserted) repeated_code_points += static_cast<double>(length);
    });
    const auto newlines = static_cast<std::int64_t>(textlib::count_byte(text, '\n'));
    std::int64_t words = 0;
    textlib::for_each_word(text, [&](const textlib::Word&) { ++words; });
    const auto lines = static_cast<double>(s.lines);
    s.punctuated_lines_ratio = ratio(static_cast<double>(punctuated_lines), lines);
    s.short_lines_ratio = ratio(static_cast<double>(short_lines), lines);
    s.duplicate_line_char_ratio =
        ratio(repeated_code_points, static_cast<double>(textlib::count_code_points(text)) -
                                        static_cast<double>(newlines));
    s.newline_word_ratio = ratio(static_cast<double>(newlines), static_cast<double>(words));
    doc.set_meta(keys_[0], s.lines);
    doc.set_meta(keys_[1], s.punctuated_lines_ratio);
    doc.set_meta(keys_[2], s.short_lines_ratio);
    doc.set_meta(keys_[3], s.duplicate_line_char_ratio);
    doc.set_meta(keys_[4], s.newline_word_ratio);
    if (!filter) continue;
    if (const char* reason = verdict(s)) doc.drop(reason);
  }
}

}  // namespace loom::quality
