// simhash_dedup across ranks: every rank needs the fingerprints of all books before its own,
// i.e. of the lower ranks' shards, since a near-duplicate may sit in any of a book's blocks and
// the rule is pairwise (a merge per key, keeping the earliest, would lose the others). The
// exchange's merge (smallest position wins, with its payload) becomes a gather keyed by
// (shard, chunk): the rank holding a shard exports each chunk of its fingerprints at position
// 0, a rank that needs them exports the same key at position 1 with an empty payload, and gets
// the holder's chunk back. Round 0 tells each rank how many books each lower shard has.
#include <cstring>

#include "simhash_dedup.hpp"

namespace loom::simhash {
namespace {

// Fingerprints per exported record: a chunk's key and summary (32 bytes) are paid once per 64
// fingerprints (512 bytes of payload).
constexpr std::size_t kChunk = 64;
constexpr std::uint64_t kHolder = 0, kAsker = 1;

std::size_t chunks_of(std::uint64_t count) {
  return static_cast<std::size_t>((count + kChunk - 1) / kChunk);
}

struct ChunkKey {
  std::uint64_t shard;
  std::uint64_t chunk;
};

}  // namespace

void SimhashDedup::export_keys(std::uint32_t round, KeyExport& out) {
  exchanged_ = true;
  if (round == 0) {
    out.layout(sizeof(std::uint64_t), 0, false);
    // Ranks hold contiguous runs of shards in order, so every shard below this rank's first
    // is a lower rank's or one with no book here (its count comes back 0).
    const std::uint64_t first = own_shards_.empty() ? 0 : own_shards_.begin()->first;
    lower_shards_.clear();
    for (std::uint64_t shard = 0; shard < first; ++shard) {
      lower_shards_.push_back(shard);
      out.add(&shard, kAsker, 0);
    }
    for (const auto& [shard, fingerprints] : own_shards_)
      out.add(&shard, kHolder, fingerprints.values.size());
    return;
  }
  out.layout(sizeof(ChunkKey), kChunk * sizeof(std::uint64_t), true);
  const std::string empty(kChunk * sizeof(std::uint64_t), '\0');
  for (std::size_t i = 0; i < lower_shards_.size(); ++i)
    for (std::size_t chunk = 0; chunk < chunks_of(lower_counts_[i]); ++chunk) {
      const ChunkKey key{lower_shards_[i], chunk};
      out.add(&key, kAsker, 0, empty);
    }
  std::string payload;
  for (const auto& [shard, fingerprints] : own_shards_) {
    const std::vector<std::uint64_t>& values = fingerprints.values;
    for (std::size_t chunk = 0; chunk < chunks_of(values.size()); ++chunk) {
      const std::size_t begin = chunk * kChunk;
      const std::size_t count = std::min(kChunk, values.size() - begin);
      payload.assign(empty);
      std::memcpy(payload.data(), values.data() + begin, count * sizeof(std::uint64_t));
      const ChunkKey key{shard, chunk};
      out.add(&key, kHolder, 1, payload);
    }
  }
}

void SimhashDedup::import_keys(std::uint32_t round, const MergedKeys& in) {
  if (round == 0) {
    const std::size_t expected = lower_shards_.size() + own_shards_.size();
    if (in.size() != expected)
      throw Error("simhash_dedup: " + std::to_string(in.size()) + " merged records for " +
                      std::to_string(expected) + " exported",
                  LOOM_ERR_INTERNAL);
    lower_counts_.resize(lower_shards_.size());
    for (std::size_t i = 0; i < lower_shards_.size(); ++i) lower_counts_[i] = in.count(i);
    return;
  }
  std::size_t record = 0;
  for (std::size_t i = 0; i < lower_shards_.size(); ++i) {
    const std::uint64_t count = lower_counts_[i];
    for (std::size_t chunk = 0; chunk < chunks_of(count); ++chunk, ++record) {
      if (record >= in.size() || in.position(record) != kHolder)
        throw Error("simhash_dedup: no rank sent the fingerprints of shard " +
                        std::to_string(lower_shards_[i]),
                    LOOM_ERR_INTERNAL);
      const std::string_view payload = in.payload(record);
      const std::size_t n = std::min<std::uint64_t>(kChunk, count - chunk * kChunk);
      for (std::size_t k = 0; k < n; ++k) {
        std::uint64_t fingerprint = 0;
        std::memcpy(&fingerprint, payload.data() + k * sizeof fingerprint, sizeof fingerprint);
        index_.insert(fingerprint);
      }
    }
  }
  lower_shards_ = {};
  lower_counts_ = {};
}

}  // namespace loom::simhash
