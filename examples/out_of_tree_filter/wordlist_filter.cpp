#include "wordlist_filter.hpp"

#include <algorithm>

namespace wordlist {
namespace {

// Letters, digits, '_' and every byte of a multi-byte UTF-8 sequence belong to words, so "naïve"
// is one word and "cat" never matches inside "category".
bool is_word_byte(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c >= 0x80;
}

std::string fold_case(std::string_view word, bool ignore_case) {
  std::string out(word);
  if (ignore_case)
    std::transform(out.begin(), out.end(), out.begin(), [](char c) {
      return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
    });
  return out;
}

}  // namespace

void WordlistFilterOptions::validate() const {
  if (words.empty()) throw loom::Error("words is empty: list at least one word", LOOM_ERR_CONFIG);
  for (const std::string& word : words) {
    const bool one_word = !word.empty() && std::all_of(word.begin(), word.end(), [](char c) {
      return is_word_byte(static_cast<unsigned char>(c));
    });
    if (!one_word)
      throw loom::Error("words: '" + word +
                            "' is not a single word (letters, digits and '_' only; no spaces or "
                            "punctuation)",
                        LOOM_ERR_CONFIG);
  }
}

WordlistFilter::WordlistFilter(const Options& options) : ignore_case_(options.ignore_case) {
  for (const std::string& word : options.words) blocked_.insert(fold_case(word, ignore_case_));
}

bool WordlistFilter::contains_blocked_word(std::string_view text) const {
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && !is_word_byte(static_cast<unsigned char>(text[i]))) ++i;
    const std::size_t start = i;
    while (i < text.size() && is_word_byte(static_cast<unsigned char>(text[i]))) ++i;
    if (i > start && blocked_.contains(fold_case(text.substr(start, i - start), ignore_case_)))
      return true;
  }
  return false;
}

void WordlistFilter::process(loom::Batch& batch) {
  for (loom::Doc doc : batch) {
    if (doc.dropped()) continue;
    if (contains_blocked_word(doc.text())) doc.drop("blocked_word");
  }
}

}  // namespace wordlist
