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

Fingerprint SimhashDedup::fingerprint_of(std::string_view text, const Batch& batch, const Doc& doc,
                                         std::size_t index) {
  Fingerprint fingerprint;
  try {
    fingerprint = simhash(text, static_cast<int>(options_.shingle_width),
                          static_cast<std::size_t>(options_.max_chars), scratch_);
  } catch (const std::invalid_argument& e) {
    throw Error(std::string(batch.shard()) + " record " + std::to_string(doc.origin().first) +
                    ": cannot fingerprint the text: " + e.what(),
                LOOM_ERR_INVALID_INPUT, static_cast<std::int64_t>(index));
  }
  if (text.size() > kKeepScratchBytes) scratch_ = FeatureScratch{};
  return fingerprint;
}

void SimhashDedup::process(Batch& batch) {
  ShardFingerprints* observed = nullptr;
  if (exchanged_) {
    const auto it = own_shards_.find(batch.shard_index());
    if (it != own_shards_.end()) observed = &it->second;
  }
  for (std::size_t i = 0; i < batch.size(); ++i) {
    Doc doc = batch[i];
    if (doc.dropped()) continue;
    std::uint64_t fingerprint = 0;
    if (!exchanged_) {
      fingerprint = fingerprint_of(doc.text(), batch, doc, i).value;
    } else if (observed != nullptr && observed->next < observed->values.size()) {
      fingerprint = observed->values[observed->next++];
    } else {
      throw Error(std::string(batch.shard()) + " record " + std::to_string(doc.origin().first) +
                      ": simhash_dedup was given a document its first pass did not see",
                  LOOM_ERR_INTERNAL, static_cast<std::int64_t>(i));
    }
    if (!options_.fingerprint_field.empty())
      doc.set_meta(options_.fingerprint_field, fingerprint_hex(fingerprint));
    const bool near_earlier = index_.first_near(fingerprint).has_value();
    index_.insert(fingerprint);
    if (near_earlier) doc.drop("simhash_near_dup");
  }
}

void SimhashDedup::observe(const Batch& batch) {
  std::vector<std::uint64_t>& values = own_shards_[batch.shard_index()].values;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    const Doc doc = batch[i];
    if (doc.dropped()) continue;
    values.push_back(fingerprint_of(doc.text(), batch, doc, i).value);
  }
}

}  // namespace loom::simhash
