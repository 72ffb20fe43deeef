// A backoff n-gram language model, read from an ARPA file or from a KenLM binary file in its
// probing layout, and scored as KenLM's Model.score does (log10, <s>/</s> context, <unk> for
// unknown words). Both readers end in the same tables: KenLM's probing hash layout, owned in
// memory for ARPA and mapped from the file for the binary, so one scoring path serves both.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace loom::ngram {

using WordIndex = std::uint32_t;

// The longest n-grams this reader accepts (KenLM's own default limit is 6).
inline constexpr int max_order = 10;

// A model file that cannot be used; the message names the file and what is wrong with it.
class ModelFileError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A read-only linear-probing hash table in KenLM's layout: `buckets` entries of `entry_bytes`,
// each starting with its 64-bit key. Key 0 marks an empty slot; a key starts probing at slot
// key % buckets and moves right, wrapping around.
struct ProbingTable {
  const unsigned char* entries = nullptr;
  std::uint64_t buckets = 0;
  std::size_t entry_bytes = 0;

  // The entry holding `key`, or nullptr.
  const unsigned char* find(std::uint64_t key) const;
  // How many buckets KenLM gives a table of `count` entries (float arithmetic, as KenLM does).
  static std::uint64_t buckets_for(std::uint64_t count, float multiplier);
};

// The words an n-gram lookup may still use as context, most recent first, and the backoff of
// each context length: backoffs[k - 1] belongs to the context words[0..k-1].
struct ContextState {
  WordIndex words[max_order - 1] = {};
  float backoffs[max_order - 1] = {};
  int length = 0;
};

// Where a reader leaves the model: table views plus whatever keeps their memory alive.
struct ModelTables {
  std::string format;                       // "ARPA" or "KenLM binary (probing)"
  std::shared_ptr<const void> storage;      // owns the bytes the tables point into
  ProbingTable vocabulary;                  // key: MurmurHash64A of the word; then a u32 word index
  const unsigned char* unigrams = nullptr;  // (prob, backoff) float pairs by word index
  std::uint64_t unigram_count = 0;          // word indexes are below this; 0 is <unk>
  std::vector<ProbingTable> middle;         // orders 2 .. order-1: key, prob, backoff
  ProbingTable longest;                     // the highest order: key, prob
};

// KenLM's n-gram key: starts as the newest word's index and folds in each older word.
inline std::uint64_t combine_word_hash(std::uint64_t current, WordIndex next) {
  return (current * 8978948897894561157ULL) ^
         (static_cast<std::uint64_t>(1 + next) * 17894857484156487943ULL);
}

class LanguageModel {
 public:
  // Reads `path`: a KenLM binary file (recognized by its first bytes) or an ARPA file, plain or
  // gzip-compressed. Throws ModelFileError.
  static LanguageModel load(const std::string& path);
  explicit LanguageModel(ModelTables tables);

  int order() const { return static_cast<int>(tables_.middle.size()) + 2; }
  const std::string& format() const { return tables_.format; }
  std::uint64_t vocabulary_size() const { return tables_.unigram_count; }

  // The word's index; 0 (<unk>) when the model does not know it.
  WordIndex index(std::string_view word) const;
  WordIndex end_sentence() const { return end_sentence_; }
  // The state after <s>, for scoring from the start of a sentence.
  const ContextState& begin_sentence_state() const { return begin_sentence_; }

  // log10 p(word | in): the longest n-gram in the model ending with `word` within the context,
  // plus the backoffs of the longer contexts. `out` is the context for the next word.
  float score(const ContextState& in, WordIndex word, ContextState& out) const;

  // What KenLM's Python Model.score(sentence, bos, eos) returns for the words of a sentence:
  // their scores (and </s>'s) summed in single precision.
  float sentence_score(std::span<const std::string_view> words, bool bos = true,
                       bool eos = true) const;

 private:
  ModelTables tables_;
  WordIndex end_sentence_ = 0;
  ContextState begin_sentence_;
};

// The readers behind LanguageModel::load.
ModelTables read_arpa(const std::string& path);
ModelTables read_kenlm_binary(const std::string& path);
// True when the file starts like a KenLM binary file (including unfinished or other versions,
// which read_kenlm_binary then rejects with a precise message).
bool looks_like_kenlm_binary(const std::string& path);

}  // namespace loom::ngram
