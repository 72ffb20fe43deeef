#include "c4_quality.hpp"

#include <text/char_class.hpp>
#include <text/lines.hpp>
#include <text/python_whitespace.hpp>

#include <algorithm>
#include <array>

namespace loom::quality {
namespace {

constexpr std::array<std::string_view, 6> kPolicy = {"terms of use",   "privacy policy",
                                                     "cookie policy",  "uses cookies",
                                                     "use of cookies", "use cookies"};

// Words before a '.' that punkt's English model knows as abbreviations (the common ones).
constexpr std::array<std::string_view, 24> kAbbreviations = {
    "Mr",  "Mrs", "Ms", "Dr",  "Prof", "St", "Jr",  "Sr",  "vs",  "etc", "No",  "Inc",
    "Ltd", "Co",  "Mt", "Gen", "Col",  "Lt", "Sgt", "Rev", "Fig", "e.g", "i.e", "approx"};

bool is_closing(char c) { return c == '"' || c == '\'' || c == ')' || c == ']'; }
bool is_opening(char c) { return c == '"' || c == '\'' || c == '(' || c == '['; }

// line.split(): the number of words and the longest one, in code points.
void split_words(std::string_view line, std::int64_t& words, std::int64_t& longest) {
  words = longest = 0;
  std::int64_t current = 0;  // code points of the word being read
  const char* p = line.data();
  const char* const end = p + line.size();
  while (p < end) {
    const textlib::CodePoint cp = textlib::read_code_point(p, end);
    p += cp.bytes;
    if (cp.flags & textlib::kSpace) {
      current = 0;
      continue;
    }
    if (current++ == 0) ++words;
    longest = std::max(longest, current);
  }
}

// CITATION_REGEX.sub("", line) for \[\d*]|\[edit]|\[citation needed], \d any Nd digit.
void remove_citations(std::string_view line, std::string& out) {
  if (line.find('[') == std::string_view::npos) {
    out.assign(line);
    return;
  }
  out.clear();
  std::size_t i = 0;
  while (i < line.size()) {
    if (line[i] != '[') {
      out += line[i++];
      continue;
    }
    const std::string_view rest = line.substr(i);
    std::size_t length = 0;
    if (rest.starts_with("[edit]")) {
      length = 6;
    } else if (rest.starts_with("[citation needed]")) {
      length = 17;
    } else {
      std::size_t j = i + 1;
      while (j < line.size()) {
        const textlib::CodePoint cp =
            textlib::read_code_point(line.data() + j, line.data() + line.size());
        if (!(cp.flags & textlib::kDigit)) break;
        j += cp.bytes;
      }
      if (j < line.size() && line[j] == ']') length = j + 1 - i;
    }
    if (length == 0) {
      out += line[i++];
    } else {
      i += length;
    }
  }
}

bool ends_with_terminal_punctuation(std::string_view line) {
  if (line.empty() || line.ends_with("...")) return false;
  const char last = line.back();
  return last == '.' || last == '?' || last == '!' || last == '"' || last == '\'';
}

// Lowercases ASCII letters into `out` and returns the set of letters present (bit c - 'a'), so a
// phrase whose letters are not all there is not searched for.
std::uint32_t ascii_lower(std::string_view line, std::string& out) {
  out.assign(line);
  std::uint32_t letters = 0;
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c >= 'a' && c <= 'z') letters |= std::uint32_t{1} << (c - 'a');
  }
  return letters;
}

constexpr std::uint32_t letters_of(std::string_view phrase) {
  std::uint32_t letters = 0;
  for (char c : phrase)
    if (c >= 'a' && c <= 'z') letters |= std::uint32_t{1} << (c - 'a');
  return letters;
}

// True when `lower` (with the letters `present`) contains `phrase` (lowercase ASCII).
bool contains(const std::string& lower, std::uint32_t present, std::string_view phrase) {
  const std::uint32_t needed = letters_of(phrase);
  return (present & needed) == needed && lower.find(phrase) != std::string::npos;
}

}  // namespace

std::int64_t count_sentences(std::string_view line) {
  const char* const begin = line.data();
  const char* const end = begin + line.size();
  const char* p = begin;
  const char* word_start = begin;
  std::int64_t ends = 0;
  bool text = false;
  while (p < end) {
    textlib::CodePoint cp = textlib::read_code_point(p, end);
    if (cp.flags & textlib::kSpace) {
      p += cp.bytes;
      word_start = p;
      continue;
    }
    text = true;
    if (!(cp.flags & textlib::kSentenceEnd)) {
      p += cp.bytes;
      continue;
    }
    const char* run = p;
    while (p < end && ((cp = textlib::read_code_point(p, end)).flags & textlib::kSentenceEnd) != 0)
      p += cp.bytes;
    const bool single_period = p - run == 1 && *run == '.';
    while (p < end && is_closing(*p)) ++p;
    const char* gap = p;
    while (p < end && textlib::whitespace_at(p, end) != 0) p += textlib::whitespace_at(p, end);
    if (p == gap) continue;  // inside a word ("e.g", "3.5")
    const std::string_view before(word_start, static_cast<std::size_t>(run - word_start));
    word_start = p;
    if (p == end) continue;
    const textlib::CodePoint next = textlib::read_code_point(p, end);
    if (!(next.flags & (textlib::kUpper | textlib::kDigit)) && !is_opening(*p)) continue;
    const bool abbreviation =
        single_period &&
        (textlib::count_code_points(before) == 1 ||
         std::find(kAbbreviations.begin(), kAbbreviations.end(), before) != kAbbreviations.end());
    if (!abbreviation) ++ends;
  }
  return text ? ends + 1 : 0;
}

C4Stats measure_c4(std::string_view text, const C4QualityOptions& o, std::string* kept) {
  C4Stats s;
  std::string cleaned, lower;
  if (kept) kept->clear();
  textlib::for_each_python_line(text, [&](std::string_view raw) {
    ++s.lines;
    const std::string_view line = textlib::python_strip(raw);
    std::int64_t words = 0, longest = 0;
    split_words(line, words, longest);
    if (o.max_word_length > 0 && longest > o.max_word_length) {
      ++s.too_long_word_lines;
      return;
    }
    if (o.remove_citations) {
      remove_citations(line, cleaned);
    } else {
      cleaned.assign(line);
    }
    if (o.require_terminal_punctuation && !ends_with_terminal_punctuation(cleaned)) {
      ++s.no_terminal_punctuation_lines;
      return;
    }
    if (words < o.min_words_per_line) {
      ++s.too_few_words_lines;
      return;
    }
    const std::uint32_t present = ascii_lower(cleaned, lower);
    if (contains(lower, present, "lorem ipsum")) {
      s.lorem_ipsum = true;
      if (o.drop_lorem_ipsum && !s.first_document_rule) s.first_document_rule = "lorem_ipsum";
    }
    if (contains(lower, present, "javascript")) {
      ++s.javascript_lines;
      if (o.remove_javascript_lines) return;
    }
    if (cleaned.find('{') != std::string::npos) {
      s.curly_bracket = true;
      if (o.drop_curly_bracket && !s.first_document_rule) s.first_document_rule = "curly_bracket";
    }
    if (std::any_of(kPolicy.begin(), kPolicy.end(),
                    [&](std::string_view p) { return contains(lower, present, p); })) {
      ++s.policy_lines;
      if (o.remove_policy_lines) return;
    }
    s.sentences += count_sentences(cleaned);
    ++s.kept_lines;
    if (kept) {
      if (!kept->empty()) *kept += '\n';
      *kept += cleaned;
    }
  });
  if (kept) {
    const std::string_view stripped = textlib::python_strip(*kept);
    if (stripped.size() != kept->size()) *kept = std::string(stripped);
  }
  return s;
}

C4Quality::C4Quality(const Options& options) : options_(options) {
  for (const char* name :
       {"lines", "kept_lines", "too_long_word_lines", "no_terminal_punctuation_lines",
        "too_few_words_lines", "javascript_lines", "policy_lines", "sentences", "lorem_ipsum",
        "curly_bracket"})
    keys_.push_back(meta_key(options_.meta_prefix, name));
}

void C4Quality::process(Batch& batch) {
  const bool filter = options_.mode == "filter";
  std::string kept;
  for (Doc doc : batch) {
    if (doc.dropped()) continue;
    const std::string_view text = doc.text();
    const C4Stats s = measure_c4(text, options_, filter ? &kept : nullptr);
    doc.set_meta(keys_[0], s.lines);
    doc.set_meta(keys_[1], s.kept_lines);
    doc.set_meta(keys_[2], s.too_long_word_lines);
    doc.set_meta(keys_[3], s.no_terminal_punctuation_lines);
    doc.set_meta(keys_[4], s.too_few_words_lines);
    doc.set_meta(keys_[5], s.javascript_lines);
    doc.set_meta(keys_[6], s.policy_lines);
    doc.set_meta(keys_[7], s.sentences);
    doc.set_meta(keys_[8], s.lorem_ipsum);
    doc.set_meta(keys_[9], s.curly_bracket);
    if (!filter) continue;
    if (s.first_document_rule) {
      doc.drop(s.first_document_rule);
    } else if (s.sentences < options_.min_sentences) {
      doc.drop("too_few_sentences");
    } else if (kept != text) {
      doc.set_text(kept);
    }
  }
}

}  // namespace loom::quality
