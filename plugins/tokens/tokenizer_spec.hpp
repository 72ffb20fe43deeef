// What Loom's tokenizer takes from a Hugging Face tokenizer.json: the parts that decide the ids
// of encode(text, add_special_tokens=False). read_tokenizer_spec() refuses anything else it finds
// there, naming the file and the JSON path, so an unsupported tokenizer fails when the graph is
// validated instead of counting differently from Hugging Face.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace loom::tokens {

class TokenizerFileError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class NormalForm { nfc, nfkc, nfd, nfkd };

// Hugging Face's SplitDelimiterBehavior.
enum class SplitBehavior { removed, isolated, merged_with_previous, merged_with_next, contiguous };

struct SplitStep {
  std::string regex;  // a PCRE2 pattern (a `String` pattern arrives escaped)
  SplitBehavior behavior = SplitBehavior::isolated;
  bool invert = false;
};

struct ByteLevelStep {
  bool add_prefix_space = false;
  bool use_regex = true;  // split with GPT-2's pattern first
};

using PreTokenizerStep = std::variant<SplitStep, ByteLevelStep>;

struct AddedTokenSpec {
  std::uint32_t id = 0;
  std::string content;
  bool normalized = false;  // matched in the normalized text rather than the raw text
};

struct BpeSpec {
  std::vector<std::pair<std::string, std::uint32_t>> vocab;
  std::vector<std::pair<std::string, std::string>> merges;  // in rank order
  std::optional<std::string> unk_token;
  bool fuse_unk = false;
  bool ignore_merges = false;  // a word that is itself in the vocabulary is one token
};

struct TokenizerSpec {
  std::vector<NormalForm> normalizers;  // applied in order
  std::vector<PreTokenizerStep> pre_tokenizers;
  BpeSpec model;
  std::vector<AddedTokenSpec> added_tokens;

  // The pre-tokenizers end with ByteLevel: the model then works on the text's bytes.
  bool byte_level() const {
    return !pre_tokenizers.empty() && std::holds_alternative<ByteLevelStep>(pre_tokenizers.back());
  }
};

// Reads and checks `path`; throws TokenizerFileError ("<path>: <json path>: <what>") when the
// file cannot be read or parsed, or uses something not supported.
TokenizerSpec read_tokenizer_spec(const std::string& path);

}  // namespace loom::tokens
