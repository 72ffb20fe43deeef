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

void ExactDedup::process(Batch& batch) {
  for (std::size_t i = 0; i < batch.size(); ++i) {
    Doc doc = batch[i];
    if (doc.dropped()) continue;
    XXH128_hash_t hash;
    if (key_is_text_) {
      std::string_view text = doc.text();
      hash = XXH3_128bits(text.data(), text.size());
    } else {
      std::optional<Value> value = doc.meta(options_.key);
      if (!value) {
        if (options_.on_missing == "keep") continue;
        throw Error("document has no meta field '" + options_.key +
                        "' (the exact_dedup key); set on_missing: keep to pass such documents",
                    LOOM_ERR_INVALID_INPUT, static_cast<std::int64_t>(i));
      }
      hash = hash_value(*value);
    }
    if (!seen_.insert(hash).second) doc.drop("duplicate");
  }
}

}  // namespace loom::dedup
