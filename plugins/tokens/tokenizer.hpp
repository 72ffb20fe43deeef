// A Hugging Face tokenizer.json tokenizer (BPE models; NFC/NFKC/NFD/NFKD normalizers; ByteLevel
// and Split pre-tokenizers in sequence; added tokens matched inside text), giving the ids of
// Hugging Face's encode(text, add_special_tokens=False):
//   1. added tokens with normalized=false are cut out of the raw text;
//   2. each remaining piece is normalized, then added tokens with normalized=true are cut out;
//   3. each remaining piece goes through the pre-tokenizers, and each word through the model.
// A Tokenizer is immutable and shared by threads; each thread encodes with its own Encoder.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "added_tokens.hpp"
#include "bpe_model.hpp"
#include "normalizer.hpp"
#include "regex.hpp"
#include "tokenizer_spec.hpp"

namespace loom::tokens {

class Tokenizer {
 public:
  // Reads `path`; throws TokenizerFileError naming the file and JSON path of what is wrong or
  // not supported.
  static std::shared_ptr<const Tokenizer> load(const std::string& path);
  Tokenizer(const TokenizerSpec& spec, const std::string& path);

  class Encoder;
  std::unique_ptr<Encoder> encoder() const;

  // One past the largest id (vocabulary and added tokens).
  std::uint64_t id_bound() const { return id_bound_; }
  // The id of an added token or vocabulary entry written as `text`; nullopt when there is none.
  std::optional<std::uint32_t> token_id(std::string_view text) const;
  // The bytes `ids` stand for (byte-level models: the original text).
  std::string decode(const std::vector<std::uint32_t>& ids) const;

 private:
  friend class Encoder;
  struct Step {
    PreTokenizerStep spec;
    std::unique_ptr<Regex> regex;  // the Split pattern, or GPT-2's for ByteLevel with use_regex
  };

  TextNormalizer normalizer_;
  std::vector<Step> steps_;
  BpeModel model_;
  AddedTokenMatcher raw_added_;
  AddedTokenMatcher normalized_added_;
  std::unordered_map<std::uint32_t, std::string> added_texts_;
  std::uint64_t id_bound_ = 0;
};

// Not thread-safe: one per thread. Keeps a bounded cache of recent words' ids.
class Tokenizer::Encoder {
 public:
  explicit Encoder(const Tokenizer& tokenizer);

  // Appends the ids of `text`; throws std::invalid_argument naming the byte offset when it is
  // not valid UTF-8.
  void encode(std::string_view text, std::vector<std::uint32_t>& ids);
  std::size_t count(std::string_view text);

  static constexpr std::size_t kCacheEntries = 1 << 16;
  static constexpr std::size_t kCachedWordBytes = 256;  // longer words are not cached

 private:
  void encode_plain(std::string_view text, std::vector<std::uint32_t>& ids);
  void pre_tokenize(std::string_view text);
  void encode_word(std::string_view word, std::vector<std::uint32_t>& ids);

  const Tokenizer& tokenizer_;
  std::vector<std::unique_ptr<Regex::Matcher>> matchers_;  // per step; null without a regex
  BpeModel::Scratch scratch_;
  std::vector<AddedTokenMatcher::Piece> raw_pieces_;
  std::vector<AddedTokenMatcher::Piece> normalized_pieces_;
  std::string normalized_;
  std::string normalize_scratch_;
  std::vector<std::string_view> words_;
  std::vector<std::string_view> next_words_;
  std::vector<Span> spans_;
  std::deque<std::string> prefixed_;  // pieces a prefix space was added to
  std::vector<std::uint32_t> count_ids_;
  StringMap<std::vector<std::uint32_t>> cache_;
};

}  // namespace loom::tokens
