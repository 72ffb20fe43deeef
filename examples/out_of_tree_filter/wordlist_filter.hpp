// wordlist_filter: drops documents that contain any word of a block list.
#pragma once

#include <loom/plugin.hpp>

#include <string>
#include <unordered_set>

namespace wordlist {

struct WordlistFilterOptions {
  loom::StringList words;
  bool ignore_case = true;

  static constexpr auto fields = std::tuple(
      loom::field("words", &WordlistFilterOptions::words,
                  "drop (blocked_word) documents containing any of these words, matched as "
                  "whole words")
          .required(),
      loom::field("ignore_case", &WordlistFilterOptions::ignore_case,
                  "match regardless of ASCII letter case"));

  void validate() const;
};

class WordlistFilter : public loom::Filter {
 public:
  static constexpr const char* name = "wordlist_filter";
  static constexpr const char* summary = "drops documents that contain a word from a block list";
  using Options = WordlistFilterOptions;

  explicit WordlistFilter(const Options& options);
  void process(loom::Batch& batch) override;

 private:
  bool contains_blocked_word(std::string_view text) const;

  std::unordered_set<std::string> blocked_;
  bool ignore_case_;
};

}  // namespace wordlist
