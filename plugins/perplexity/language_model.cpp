#include "language_model.hpp"

#include "murmur_hash.hpp"

#include <algorithm>
#include <cstring>

namespace loom::ngram {
namespace {

float load_float(const unsigned char* at) {
  float value;
  std::memcpy(&value, at, sizeof value);
  return value;
}

// KenLM's probing tables keep a flag in the sign bit of each probability (set: no longer n-gram
// extends this one to the left). Log probabilities are never positive, so the value is the
// stored one with the sign bit forced on.
float stored_probability(const unsigned char* at) {
  std::uint32_t bits;
  std::memcpy(&bits, at, sizeof bits);
  bits |= 0x80000000U;
  float value;
  std::memcpy(&value, &bits, sizeof value);
  return value;
}

}  // namespace

const unsigned char* ProbingTable::find(std::uint64_t key) const {
  if (buckets == 0) return nullptr;
  std::uint64_t slot = key % buckets;
  // A valid table always has an empty slot; the bound only guards against a corrupt file.
  for (std::uint64_t probes = 0; probes < buckets; ++probes) {
    const unsigned char* entry = entries + slot * entry_bytes;
    std::uint64_t stored;
    std::memcpy(&stored, entry, sizeof stored);
    if (stored == key) return entry;
    if (stored == 0) return nullptr;
    if (++slot == buckets) slot = 0;
  }
  return nullptr;
}

std::uint64_t ProbingTable::buckets_for(std::uint64_t count, float multiplier) {
  const auto scaled = static_cast<std::uint64_t>(multiplier * static_cast<float>(count));
  return std::max(count + 1, scaled);
}

LanguageModel::LanguageModel(ModelTables tables) : tables_(std::move(tables)) {
  end_sentence_ = index("</s>");
  const WordIndex begin = index("<s>");
  begin_sentence_.words[0] = begin;
  begin_sentence_.backoffs[0] = load_float(tables_.unigrams + 8 * begin + 4);
  begin_sentence_.length = 1;
}

LanguageModel LanguageModel::load(const std::string& path) {
  return LanguageModel(looks_like_kenlm_binary(path) ? read_kenlm_binary(path) : read_arpa(path));
}

WordIndex LanguageModel::index(std::string_view word) const {
  const unsigned char* entry = tables_.vocabulary.find(murmur_hash_64a(word));
  if (entry == nullptr) return 0;
  WordIndex found;
  std::memcpy(&found, entry + 8, sizeof found);
  return found < tables_.unigram_count ? found : 0;
}

float LanguageModel::score(const ContextState& in, WordIndex word, ContextState& out) const {
  const unsigned char* unigram = tables_.unigrams + 8 * static_cast<std::size_t>(word);
  float probability = stored_probability(unigram);
  out.words[0] = word;
  out.backoffs[0] = load_float(unigram + 4);
  int matched = 1;

  // Every order the context allows, not stopping at the first missing one: KenLM fills such
  // gaps with "blank" entries when it builds, so a longer n-gram is found either way.
  const int order = this->order();
  const int reach = std::min(in.length + 1, order);
  std::uint64_t key = word;
  for (int n = 2; n <= reach; ++n) {
    key = combine_word_hash(key, in.words[n - 2]);
    if (n < order) {
      const unsigned char* entry = tables_.middle[n - 2].find(key);
      out.backoffs[n - 1] = entry != nullptr ? load_float(entry + 12) : 0.0F;
      if (entry == nullptr) continue;
      probability = stored_probability(entry + 8);
      matched = n;
    } else if (const unsigned char* entry = tables_.longest.find(key); entry != nullptr) {
      probability = stored_probability(entry + 8);
      matched = n;
    }
  }

  out.length = std::min(matched, order - 1);
  for (int k = 1; k < out.length; ++k) out.words[k] = in.words[k - 1];
  // The contexts longer than the n-gram found back off, shortest first, in float like KenLM.
  for (int k = matched - 1; k < in.length; ++k) probability += in.backoffs[k];
  return probability;
}

float LanguageModel::sentence_score(std::span<const std::string_view> words, bool bos,
                                    bool eos) const {
  ContextState state = bos ? begin_sentence_ : ContextState{};
  ContextState next;
  float total = 0.0F;
  for (std::string_view word : words) {
    total += score(state, index(word), next);
    state = next;
  }
  if (eos) total += score(state, end_sentence_, next);
  return total;
}

}  // namespace loom::ngram
