#include "char_ngrams.hpp"

#include <algorithm>
#include <cstring>

namespace loom::fasttext_inference {
namespace {

constexpr std::uint32_t fnv_offset = 2166136261u;
constexpr std::uint32_t fnv_prime = 16777619u;

bool continuation_byte(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// Eight bytes at a time: the word is followed by `padding` zero bytes.
bool all_ascii(const char* word, std::size_t size) {
  std::uint64_t any = 0;
  for (std::size_t i = 0; i < size; i += 8) {
    std::uint64_t bytes;
    std::memcpy(&bytes, word + i, 8);
    any |= bytes;
  }
  return (any & 0x8080808080808080ull) == 0;
}

bool kept_bucket(const std::uint64_t* kept_bits, std::uint32_t bucket) {
  return kept_bits == nullptr || ((kept_bits[bucket / 64] >> (bucket % 64)) & 1) != 0;
}

}  // namespace

CharNgrams::CharNgrams(const NgramBuckets& buckets, Path widest) : buckets_(buckets) {
  // computeSubwords starts at one character whatever minn says: a smaller min_n is 1 (the
  // vector paths index their per-length tables from min_n).
  buckets_.min_n = std::max(buckets_.min_n, 1);
  if (buckets_.buckets > 0) bucket_reciprocal_ = ~std::uint64_t{0} / buckets_.buckets + 1;
  if (buckets_.buckets == 0 || buckets_.max_n > max_vector_n) return;
  if (widest >= Path::avx512 && __builtin_cpu_supports("avx512f") != 0 &&
      __builtin_cpu_supports("avx512vl") != 0 && __builtin_cpu_supports("bmi2") != 0)
    path_ = Path::avx512;
  else if (widest >= Path::avx2 && __builtin_cpu_supports("avx2") != 0)
    path_ = Path::avx2;
  const int lengths = buckets_.max_n - buckets_.min_n + 1;
  // Up to 4 characters of up to 4 bytes fit the 16 bytes a lane hashes; a lone "<" or ">" (an
  // n-gram only for min_n = 1) is left to the scalar path.
  utf8_vector_ = path_ == Path::avx512 && buckets_.min_n >= 2 && buckets_.max_n <= 4;
  // A lone "<" or ">" is no n-gram, which only 1-grams must check: the batched path leaves them
  // to kept(), as it does more than four lengths (its interleaving is written for 1-4).
  batched_ = path_ == Path::avx512 && buckets_.min_n >= 2 && lengths >= 1 && lengths <= 4 &&
             (buckets_.kept_bits == nullptr || buckets_.kept_before != nullptr) &&
             batched_avx512_supported();
  if (!batched_ || buckets_.kept_bits == nullptr) return;
  kept_before_words_.resize((std::size_t{buckets_.buckets} + 31) / 32);
  for (std::size_t i = 0; i < kept_before_words_.size(); ++i) {
    std::uint32_t before = buckets_.kept_before[i / 2];
    if (i % 2 == 1)
      before += static_cast<std::uint32_t>(std::popcount(buckets_.kept_bits[i / 2] & 0xFFFFFFFFu));
    kept_before_words_[i] = before;
  }
}

void CharNgrams::append_ranks(std::string_view token, BatchedNgrams& out) const {
  std::string& word = out.word;
  const std::size_t size = token.size() + 2;
  word.assign(size + padding, '\0');
  word[0] = '<';
  std::memcpy(word.data() + 1, token.data(), token.size());
  word[size - 1] = '>';
  kept(word.data(), size, out.kept);
  for (const KeptNgram& ngram : out.kept) out.ranks.push_back(ngram.rank);
}

void CharNgrams::kept_ranks(const std::string_view* tokens, std::size_t count,
                            BatchedNgrams& out) const {
  out.ranks.clear();
  out.spans.assign(count, BatchedNgrams::Span{});
  if (batched_) kept_ascii_ranks_avx512(buckets_, kept_before_words_.data(), tokens, count, out);
  for (std::size_t i = 0; i < count; ++i) {
    BatchedNgrams::Span& span = out.spans[i];
    if (batched_ && span.begin <= span.end) continue;
    span.begin = static_cast<std::uint32_t>(out.ranks.size());
    append_ranks(tokens[i], out);
    span.end = static_cast<std::uint32_t>(out.ranks.size());
  }
}

void CharNgrams::kept(const char* word, std::size_t size, std::vector<KeptNgram>& out) const {
  out.clear();
  if (buckets_.buckets == 0 || buckets_.max_n <= 0) return;
  if (path_ != Path::scalar && all_ascii(word, size)) {
    if (path_ == Path::avx512)
      kept_ascii_ngrams_avx512(buckets_, word, size, out);
    else
      kept_ascii_ngrams_avx2(buckets_, word, size, out);
    return;
  }
  if (utf8_vector_) {
    if (kept_utf8_ngrams_avx512(buckets_, word, size, out)) return;
    out.clear();
  }
  kept_scalar(word, size, out);
}

void CharNgrams::kept_scalar(const char* word, std::size_t size,
                             std::vector<KeptNgram>& out) const {
  // Dictionary::computeSubwords: every run of min_n..max_n UTF-8 characters, except a lone "<"
  // or ">", hashed with FNV-1a over its sign-extended bytes.
  __extension__ using u128 = unsigned __int128;
  const auto max_n = static_cast<std::size_t>(buckets_.max_n);
  const auto min_n = static_cast<std::size_t>(buckets_.min_n);
  for (std::size_t i = 0; i < size; ++i) {
    if (continuation_byte(word[i])) continue;
    std::uint32_t h = fnv_offset;
    for (std::size_t j = i, n = 1; j < size && n <= max_n; ++n) {
      h = (h ^ static_cast<std::uint32_t>(static_cast<std::int8_t>(word[j++]))) * fnv_prime;
      while (j < size && continuation_byte(word[j]))
        h = (h ^ static_cast<std::uint32_t>(static_cast<std::int8_t>(word[j++]))) * fnv_prime;
      if (n < min_n || (n == 1 && (i == 0 || j == size))) continue;
      // h % buckets (Lemire, Kaser and Kurz, "Faster remainder by direct computation").
      const std::uint64_t low = bucket_reciprocal_ * h;
      const auto bucket =
          static_cast<std::uint32_t>((static_cast<u128>(low) * buckets_.buckets) >> 64);
      if (!kept_bucket(buckets_.kept_bits, bucket)) continue;
      push_kept(buckets_, bucket, kept_rank(buckets_, bucket), out);
    }
  }
}

}  // namespace loom::fasttext_inference
