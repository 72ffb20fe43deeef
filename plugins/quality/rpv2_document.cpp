#include "rpv2_document.hpp"

#include <text/lines.hpp>
#include <text/python_unicode.hpp>
#include <text/python_whitespace.hpp>
#include <text/rpv2_text.hpp>

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace loom::quality {
namespace {

constexpr std::string_view kEllipsis = "\u2026";
constexpr std::string_view kRightDoubleQuote = "\u201d";
// lines.py's BULLET_POINT_SYMBOLS.
constexpr std::string_view kBullets[] = {"\u2022", "\u2023", "\u25b6", "\u25c0", "\u25e6",
                                         "\u25a0", "\u25a1", "\u25aa", "\u25ab", "\u2013"};

bool is_sentence_end(char c) { return c == '.' || c == '!' || c == '?'; }

// len(re.findall(r'\b[^.!?]+[.!?]*', text)): a match starts wherever a word boundary is
// followed by a character other than . ! ?, and runs to the end of the next run of . ! ?.
std::uint64_t count_sentences(std::string_view text) {
  const char* p = text.data();
  const char* const end = p + text.size();
  std::uint64_t count = 0;
  bool previous_word = false;
  while (p < end) {
    std::size_t bytes = 0;
    const bool word = textlib::is_python_word_char(textlib::next_code_point(p, end, bytes));
    if (word != previous_word && !is_sentence_end(*p)) {
      ++count;
      while (p < end && !is_sentence_end(*p)) ++p;  // . ! ? are ASCII: no code point splits
      while (p < end && is_sentence_end(*p)) ++p;
      previous_word = false;
      continue;
    }
    previous_word = word;
    p += bytes;
  }
  return count;
}

bool has_ascii_letter(std::string_view token) {
  for (const char c : token)
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
  return false;
}

// len(text.split()), and how many of those words are "javascript".
std::uint64_t count_split_words(std::string_view text, std::uint64_t& javascript) {
  std::uint64_t words = 0;
  javascript = 0;
  textlib::for_each_split_word(text, [&](std::string_view word) {
    ++words;
    javascript += word == "javascript" ? 1 : 0;
  });
  return words;
}

}  // namespace

double round8(double x) {
  if (!std::isfinite(x)) return x;
  char buffer[400];
  std::snprintf(buffer, sizeof buffer, "%.8f", x);
  return std::strtod(buffer, nullptr);
}

void Rpv2Measurer::measure(std::string_view text, Rpv2Signals& out) {
  out = Rpv2Signals{};
  out.length = textlib::count_code_points(text);
  measure_raw_tokens(text, out);
  measure_normalized(text, out);
  measure_lines(text, out);
}

void Rpv2Measurer::measure_raw_tokens(std::string_view text, Rpv2Signals& out) const {
  std::uint64_t tokens = 0, with_letter = 0, all_caps = 0, stop_words = 0;
  textlib::for_each_wordpunct_token(text, [&](std::string_view token) {
    ++tokens;
    with_letter += has_ascii_letter(token) ? 1 : 0;
    all_caps += textlib::is_python_upper(token) ? 1 : 0;
    stop_words += stop_words_.count(token);
  });
  out.num_sentences = static_cast<double>(count_sentences(text));
  const auto curly = textlib::count_byte(text, '{') + textlib::count_byte(text, '}');
  out.curly_bracket =
      out.length == 0 ? 0.0 : round8(static_cast<double>(curly) / static_cast<double>(out.length));
  if (tokens == 0) return;  // frac_all_caps_words, frac_no_alph_words, symbol ratio stay null
  const auto n = static_cast<double>(tokens);
  out.frac_all_caps_words = round8(static_cast<double>(all_caps) / n);
  out.frac_no_alph_words = round8(1.0 - static_cast<double>(with_letter) / n);
  const auto symbols = textlib::count_byte(text, '#') +
                       textlib::count_non_overlapping(text, "...") +
                       textlib::count_non_overlapping(text, kEllipsis);
  out.symbol_to_word_ratio = round8(static_cast<double>(symbols) / n);
  // V2 guards on normalized words but divides by raw tokens.
  out.stop_word_fraction = static_cast<double>(stop_words) / n;
}

void Rpv2Measurer::measure_normalized(std::string_view text, Rpv2Signals& out) {
  textlib::normalize_rpv2(text, normalized_);
  words_.assign_split(normalized_);
  const std::size_t n = words_.size();
  out.word_count = static_cast<std::int64_t>(n);
  if (n == 0) {
    out.stop_word_fraction = 0;
    return;  // lorem_ipsum, n-gram fractions 0; mean length, unique, entropy null
  }
  out.stop_word_fraction = round8(out.stop_word_fraction);
  const auto normalized_length = textlib::count_code_points(normalized_);
  const auto lorem = textlib::count_non_overlapping(normalized_, "lorem ipsum");
  out.lorem_ipsum = round8(static_cast<double>(lorem) / static_cast<double>(normalized_length));

  const std::uint64_t total_chars = words_.code_points(0, n);
  const auto words = static_cast<double>(n);
  out.mean_word_length = round8(static_cast<double>(total_chars) / words);
  out.frac_unique_words = round8(static_cast<double>(words_.distinct()) / words);
  word_counts_.assign(words_.distinct(), 0);
  for (std::size_t i = 0; i < n; ++i) ++word_counts_[words_.id(i)];
  double entropy = 0;  // summed in order of first appearance, as over a Counter
  for (const std::uint64_t c : word_counts_) {
    const auto x = static_cast<double>(c);
    entropy += -x / words * std::log(x / words);
  }
  out.unigram_entropy = round8(entropy);

  if (total_chars == 0) return;
  // An n-gram that occurs twice contains an (n-1)-gram that does: once no n-gram repeats, no
  // longer one does, and every later fraction stays 0. Most prose stops counting early.
  for (std::size_t k = 0; k < out.top_ngram.size(); ++k) {
    const std::size_t size = k + 2;
    const textlib::TopNgram top = ngrams_.top(words_, size);
    if (top.count <= 1) return;
    const auto chars = static_cast<double>(words_.code_points(top.start, top.start + size) *
                                           static_cast<std::uint64_t>(top.count));
    out.top_ngram[k] = round8(chars / static_cast<double>(total_chars));
  }
  for (std::size_t k = 0; k < out.dupe_ngrams.size(); ++k) {
    const auto covered = ngrams_.covered_by_repeats_code_points(words_, k + 5);
    if (covered == 0) return;
    out.dupe_ngrams[k] = round8(static_cast<double>(covered) / static_cast<double>(total_chars));
  }
}

void Rpv2Measurer::measure_lines(std::string_view text, Rpv2Signals& out) {
  std::uint64_t offset = 0, ellipsis_lines = 0;
  std::size_t at = 0;
  while (at < text.size()) {
    const std::size_t newline = text.find('\n', at);
    const std::size_t end = newline == std::string_view::npos ? text.size() : newline + 1;
    const std::string_view line = text.substr(at, end - at);
    at = end;
    Rpv2Line l;
    std::uint64_t length = 0, upper = 0;
    const char* p = line.data();
    const char* const line_end = p + line.size();
    while (p < line_end) {
      std::size_t bytes = 0;
      upper += textlib::is_python_upper_char(textlib::next_code_point(p, line_end, bytes)) ? 1 : 0;
      ++length;
      p += bytes;
    }
    l.start = offset;
    l.end = offset + length;
    offset = l.end;
    const std::string_view right = textlib::python_rstrip(line);
    l.ends_with_terminal_punctuation = right.ends_with('.') || right.ends_with('!') ||
                                               right.ends_with('?') ||
                                               right.ends_with(kRightDoubleQuote)
                                           ? 1.0
                                           : 0.0;
    ellipsis_lines += right.ends_with("...") || right.ends_with(kEllipsis) ? 1 : 0;
    const std::string_view left = textlib::python_lstrip(line);
    for (const std::string_view bullet : kBullets)
      if (left.starts_with(bullet)) l.starts_with_bullet = 1.0;
    l.uppercase_letter_fraction = round8(static_cast<double>(upper) / static_cast<double>(length));

    textlib::normalize_rpv2(line, normalized_line_);
    std::uint64_t javascript = 0;
    l.words = static_cast<std::int64_t>(count_split_words(normalized_line_, javascript));
    l.javascript_count = static_cast<double>(javascript);
    std::uint64_t normalized_length = 0, numeric = 0;
    p = normalized_line_.data();
    const char* const normalized_end = p + normalized_line_.size();
    while (p < normalized_end) {
      std::size_t bytes = 0;
      numeric += textlib::is_python_numeric_char(textlib::next_code_point(p, normalized_end, bytes))
                     ? 1
                     : 0;
      ++normalized_length;
      p += bytes;
    }
    if (normalized_length != 0)
      l.numerical_chars_fraction =
          round8(static_cast<double>(numeric) / static_cast<double>(normalized_length));
    out.lines.push_back(l);
  }
  if (!out.lines.empty())
    out.frac_lines_end_with_ellipsis =
        round8(static_cast<double>(ellipsis_lines) / static_cast<double>(out.lines.size()));
}

}  // namespace loom::quality
