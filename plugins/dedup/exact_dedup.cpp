#include "exact_dedup.hpp"

#include "spill_errors.hpp"

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

spill::Key128 key_of_hash(const XXH128_hash_t& hash) { return {hash.high64, hash.low64}; }

XXH128_canonical_t canonical(const spill::Key128& key) {
  XXH128_canonical_t out;
  XXH128_canonicalFromHash(&out, XXH128_hash_t{key.low, key.high});
  return out;
}

}  // namespace

ExactDedup::ExactDedup(const Options& options)
    : options_(options),
      key_is_text_(options.key == "text"),
      memory_budget_bytes_(static_cast<std::size_t>(options.memory_budget_mb * 1024 * 1024)),
      seen_(memory_budget_bytes_, options.spill_dir, "exact_dedup") {}

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
  with_spill_errors([&] {
    for (std::size_t i = 0; i < batch.size(); ++i) {
      Doc doc = batch[i];
      if (doc.dropped()) continue;
      const std::optional<XXH128_hash_t> hash = key_of(doc, i);
      if (hash && !seen_.insert(key_of_hash(*hash))) doc.drop("duplicate");
    }
  });
}

void ExactDedup::observe(const Batch& batch) {
  if (!first_shard_)
    first_shard_ = std::make_unique<spill::SpillingKeyMap>(memory_budget_bytes_, options_.spill_dir,
                                                           "exact_dedup");
  with_spill_errors([&] {
    for (std::size_t i = 0; i < batch.size(); ++i) {
      const Doc doc = batch[i];
      if (doc.dropped()) continue;
      if (const std::optional<XXH128_hash_t> hash = key_of(doc, i))
        first_shard_->insert(key_of_hash(*hash), batch.shard_index());
    }
  });
}

// One round: each distinct key with its first shard here, in key order. Ranks hold contiguous
// runs of shards in order, so a key whose smallest shard over the job is below this rank's is a
// lower rank's.
void ExactDedup::export_keys(std::uint32_t, KeyExport& out) {
  out.layout(sizeof(XXH128_hash_t), 0, true);
  if (!first_shard_) return;
  with_spill_errors([&] {
    first_shard_->for_each_sorted([&](const spill::Key128& key, std::uint64_t shard) {
      const XXH128_canonical_t bytes = canonical(key);
      out.add(&bytes, shard, 1);
    });
  });
}

void ExactDedup::import_keys(std::uint32_t, const MergedKeys& in) {
  const std::uint64_t exported = first_shard_ ? first_shard_->size() : 0;
  if (in.size() != exported)
    throw Error("exact_dedup: " + std::to_string(in.size()) + " merged keys for " +
                    std::to_string(exported) + " exported",
                LOOM_ERR_INTERNAL);
  if (!first_shard_) return;
  with_spill_errors([&] {
    std::size_t i = 0;
    first_shard_->for_each_sorted([&](const spill::Key128& key, std::uint64_t shard) {
      if (in.position(i++) < shard) seen_.insert(key);
    });
  });
  first_shard_.reset();
}

}  // namespace loom::dedup
