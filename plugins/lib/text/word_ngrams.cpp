#include <text/word_ngrams.hpp>
#include <text/words.hpp>

#include <bit>

namespace loom::textlib {
namespace {

constexpr std::uint64_t kBase = 0x9e3779b97f4a7c15ULL;  // odd: invertible mod 2^64

std::size_t table_size(std::size_t items) { return std::bit_ceil(items * 2 + 16); }

std::size_t slot_of(std::uint64_t hash, std::size_t mask) {
  return static_cast<std::size_t>((hash * 0xff51afd7ed558ccdULL) >> 32) & mask;
}

}  // namespace

void WordSequence::assign(std::string_view text) {
  ids_.clear();
  code_point_prefix_.assign(1, 0);
  distinct_.reset(text.size() / 8);  // about one distinct word per 8 bytes of text
  bool inserted = false;
  for_each_word(text, [&](const Word& w) {
    ids_.push_back(distinct_.id(w.text, inserted));
    code_point_prefix_.push_back(code_point_prefix_.back() + w.code_points);
  });
  hash_prefix_.assign(ids_.size() + 1, 0);
  for (std::size_t i = 0; i < ids_.size(); ++i)
    hash_prefix_[i + 1] = hash_prefix_[i] * kBase + ids_[i] + 1;
}

WordSequence::WordSequence() {
  powers_[0] = 1;
  for (std::size_t n = 1; n < powers_.size(); ++n) powers_[n] = powers_[n - 1] * kBase;
}

std::uint64_t WordSequence::ngram_hash(std::size_t start, std::size_t n) const {
  return hash_prefix_[start + n] - hash_prefix_[start] * powers_[n];
}

bool WordSequence::same(std::size_t a, std::size_t b, std::size_t n) const {
  for (std::size_t k = 0; k < n; ++k)
    if (ids_[a + k] != ids_[b + k]) return false;
  return true;
}

void NgramCounter::reset(std::size_t expected) {
  entries_.clear();
  slots_.assign(table_size(expected), 0);
}

std::size_t NgramCounter::find_or_insert(const WordSequence& words, std::size_t start,
                                         std::size_t n, bool& inserted) {
  const std::uint64_t h = words.ngram_hash(start, n);
  // A slot holds the entry index + 1 (low 32 bits) and the hash's high half, so a probe rarely
  // has to look at the entry or compare words.
  const std::uint64_t tag = h & 0xffffffff00000000ULL;
  const std::size_t mask = slots_.size() - 1;
  std::size_t slot = slot_of(h, mask);
  for (std::uint64_t held; (held = slots_[slot]) != 0; slot = (slot + 1) & mask) {
    if ((held & 0xffffffff00000000ULL) != tag) continue;
    const std::size_t e = (held & 0xffffffffULL) - 1;
    if (words.same(entries_[e].start, start, n)) {
      inserted = false;
      return e;
    }
  }
  entries_.push_back({static_cast<std::uint32_t>(start), 0});
  slots_[slot] = tag | entries_.size();
  inserted = true;
  return entries_.size() - 1;
}

TopNgram NgramCounter::top(const WordSequence& words, std::size_t n) {
  if (n == 0 || n > kMaxNgram || words.size() < n) return {};
  const std::size_t grams = words.size() - n + 1;
  reset(grams);
  bool inserted = false;
  for (std::size_t i = 0; i < grams; ++i) ++entries_[find_or_insert(words, i, n, inserted)].count;
  TopNgram best;
  for (const Entry& e : entries_)  // in order of first occurrence
    if (e.count > best.count) best = {e.start, e.count};
  return best;
}

std::uint64_t NgramCounter::duplicate_code_points(const WordSequence& words, std::size_t n) {
  if (n == 0 || n > kMaxNgram || words.size() < n) return 0;
  const std::size_t grams = words.size() - n + 1;
  reset(grams);
  std::uint64_t repeated = 0;
  bool inserted = false;
  std::size_t i = 0;
  while (i < grams) {
    find_or_insert(words, i, n, inserted);
    if (inserted) {
      ++i;
    } else {
      repeated += words.code_points(i, i + n);
      i += n;
    }
  }
  return repeated;
}

}  // namespace loom::textlib
