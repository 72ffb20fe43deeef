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

void ExactDedup::start_exchange() {
  if (!exchange_)
    exchange_ = std::make_unique<FirstShardExchange>(memory_budget_bytes_, options_.spill_dir,
                                                     "exact_dedup");
}

void ExactDedup::observe(const Batch& batch) {
  start_exchange();
  with_spill_errors([&] {
    for (std::size_t i = 0; i < batch.size(); ++i) {
      const Doc doc = batch[i];
      if (doc.dropped()) continue;
      if (const std::optional<XXH128_hash_t> hash = key_of(doc, i))
        exchange_->note(key_of_hash(*hash), batch.shard_index());
    }
  });
}

// Every rank takes the same rounds, also one that observed nothing (it exports no keys).
void ExactDedup::export_keys(std::uint32_t, KeyExport& out) {
  start_exchange();
  with_spill_errors([&] { exchange_->export_keys(out); });
}

void ExactDedup::import_keys(std::uint32_t, const MergedKeys& in) {
  if (!exchange_) throw Error("exact_dedup: keys imported before any export", LOOM_ERR_INTERNAL);
  const bool sizing = !exchange_->sized();
  with_spill_errors(
      [&] { exchange_->import_keys(in, [&](const spill::Key128& key) { seen_.insert(key); }); });
  if (sizing && exchange_->parts() > 1)
    log(LOOM_LOG_INFO, "exact_dedup: " + std::to_string(exchange_->most_keys()) +
                           " keys on the busiest rank, exchanged in " +
                           std::to_string(exchange_->parts()) +
                           " parts to keep each round within memory_budget_mb");
  if (exchange_->done()) exchange_.reset();
}

}  // namespace loom::dedup
