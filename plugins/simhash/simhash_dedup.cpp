#include "simhash_dedup.hpp"

#include <stdexcept>

namespace loom::simhash {
namespace {
// After a text this long (far past a typical book) the scratch is given back rather than kept at
// its size for the rest of the run.
constexpr std::size_t kKeepScratchBytes = std::size_t{16} << 20;
}  // namespace

SimhashDedup::SimhashDedup(const Options& options)
    : options_(options), index_(static_cast<int>(options.max_distance)) {}

void SimhashDedup::process(Batch& batch) {
  for (std::size_t i = 0; i < batch.size(); ++i) {
    Doc doc = batch[i];
    if (doc.dropped()) continue;
    Fingerprint fingerprint;
    try {
      fingerprint = simhash(doc.text(), static_cast<int>(options_.shingle_width),
                            static_cast<std::size_t>(options_.max_chars), scratch_);
    } catch (const std::invalid_argument& e) {
      throw Error(std::string(batch.shard()) + " record " + std::to_string(doc.origin().first) +
                      ": cannot fingerprint the text: " + e.what(),
                  LOOM_ERR_INVALID_INPUT, static_cast<std::int64_t>(i));
    }
    if (doc.text().size() > kKeepScratchBytes) scratch_ = FeatureScratch{};
    if (!options_.fingerprint_field.empty())
      doc.set_meta(options_.fingerprint_field, fingerprint_hex(fingerprint.value));
    const bool near_earlier = index_.first_near(fingerprint.value).has_value();
    index_.insert(fingerprint.value);
    if (near_earlier) doc.drop("simhash_near_dup");
  }
}

}  // namespace loom::simhash
