// A pre-tokenizer pattern compiled with PCRE2 (UTF, Unicode properties for \w \d \s and POSIX
// classes, JIT when the machine has it), standing in for Hugging Face's Oniguruma: ordered
// alternation, greedy quantifiers with backtracking, lookahead and \p{..} classes behave alike,
// and \s / \S are rewritten to Oniguruma's White_Space set (PCRE2's also has U+180E).
#pragma once

#include <cstddef>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

struct pcre2_real_code_8;
struct pcre2_real_match_data_8;

namespace loom::tokens {

// A pattern that gave up on a text: PCRE2's match, depth or heap limit reached (a pattern that
// backtracks exponentially, such as (a+)+$ on a long run of a's). The text, not the tokenizer,
// is what the caller reports: the same pattern handles other texts.
class RegexLimitError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct Span {
  std::size_t begin = 0;
  std::size_t end = 0;
};

class Regex {
 public:
  // Throws std::invalid_argument with PCRE2's message and offset when `pattern` does not compile.
  explicit Regex(const std::string& pattern);
  ~Regex();
  Regex(const Regex&) = delete;
  Regex& operator=(const Regex&) = delete;

  // Per-thread match state: a Regex is shared, a Matcher is not.
  class Matcher {
   public:
    explicit Matcher(const Regex& regex);
    ~Matcher();
    Matcher(const Matcher&) = delete;
    Matcher& operator=(const Matcher&) = delete;

    // Every non-overlapping match in `text` (valid UTF-8), left to right; after an empty match
    // the search moves on by one character, and an empty match right where the previous match
    // ended is skipped, as Rust's find_iter does. Throws RegexLimitError where PCRE2 gives up.
    void find_all(std::string_view text, std::vector<Span>& out);

   private:
    const Regex& regex_;
    pcre2_real_match_data_8* data_ = nullptr;
  };

 private:
  std::string pattern_;
  pcre2_real_code_8* code_ = nullptr;
};

}  // namespace loom::tokens
