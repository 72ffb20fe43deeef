#include "exact_dedup.hpp"

#include <cstring>

namespace loom::dedup {
namespace {

// Strings hash as their bytes (seed 0, plain XXH3-128); other types use their type as the seed,
// so the integer 1 and the string "1" are different keys.
XXH128_hash_t hash_value(const Value& v) {
  const auto seed = static_cast<XXH64_hash_t>(v.type);
  switch (v.type) {
    case LOOM_VALUE_STRING: return XXH3_128bits(v.s.data(), v.s.size());
    case LOOM_VALUE_JSON: return XXH3_128bits_withSeed(v.s.data(), v.s.size(), seed);
    case LOOM_VALUE_INT: return XXH3_128bits_withSeed(&v.i, sizeof v.i, seed);
    case LOOM_VALUE_FLOAT: {
      double f = v.f == 0 ? 0.0 : v.f;  // -0.0 and 0.0 are the same value
      return XXH3_128bits_withSeed(&f, sizeof f, seed);
    }
    case LOOM_VALUE_BOOL: {
      unsigned char b = v.b ? 1 : 0;
      return XXH3_128bits_withSeed(&b, 1, seed);
    }
    case LOOM_VALUE_NULL: break;
  }
  return XXH3_128bits_withSeed(nullptr, 0, seed);
}

}  // namespace

ExactDedup::ExactDedup(const Options& options)
    : options_(options), key_is_text_(options.key == "text") {}

std::optional<XXH128_hash_t> ExactDedup::key_of(const Doc& doc, std::size_t index) const {
  if (key_is_text_) {
    const std::string_view text = doc.text();
    return XXH3_128bits(text.data(), text.size());
  }
  const std::optional<Value> value = doc.meta(options_.key);
  if (value) return hash_value(*value);
  if (options_.on_missing == "keep") return std::nullopt;
  throw Error("document has no meta field '" + options_.key +
                  "' (the exact_dedup key); set on_missing: keep to pass such documents",
              LOOM_ERR_INVALID_INPUT, static_cast<std::int64_t>(index));
}

void ExactDedup::process(Batch& batch) {
  for (std::size_t i = 0; i < batch.size(); ++i) {
    Doc doc = batch[i];
    if (doc.dropped()) continue;
    const std::optional<XXH128_hash_t> hash = key_of(doc, i);
    if (hash && !seen_.insert(*hash).second) doc.drop("duplicate");
  }
}

void ExactDedup::observe(const Batch& batch) {
  for (std::size_t i = 0; i < batch.size(); ++i) {
    const Doc doc = batch[i];
    if (doc.dropped()) continue;
    if (const std::optional<XXH128_hash_t> hash = key_of(doc, i))
      first_shard_.try_emplace(*hash, batch.shard_index());
  }
}

// One round: each distinct key with its first shard here. Ranks hold contiguous runs of shards
// in order, so a key whose smallest shard over the job is below this rank's is a lower rank's.
void ExactDedup::export_keys(std::uint32_t, KeyExport& out) {
  out.layout(sizeof(XXH128_hash_t), 0, true);
  exported_.assign(first_shard_.begin(), first_shard_.end());
  first_shard_ = {};
  for (const auto& [hash, shard] : exported_) {
    XXH128_canonical_t key;
    XXH128_canonicalFromHash(&key, hash);
    out.add(&key, shard, 1);
  }
}

void ExactDedup::import_keys(std::uint32_t, const MergedKeys& in) {
  if (in.size() != exported_.size())
    throw Error("exact_dedup: " + std::to_string(in.size()) + " merged keys for " +
                    std::to_string(exported_.size()) + " exported",
                LOOM_ERR_INTERNAL);
  for (std::size_t i = 0; i < in.size(); ++i)
    if (in.position(i) < exported_[i].second) seen_.insert(exported_[i].first);
  exported_ = {};
}

}  // namespace loom::dedup
