#include "first_shard_exchange.hpp"

#include <xxhash.h>
#include <spill/exchange_parts.hpp>

#include <limits>
#include <stdexcept>

namespace loom::dedup {
namespace {

constexpr std::uint64_t kMost = std::numeric_limits<std::uint64_t>::max();

XXH128_canonical_t canonical(const spill::Key128& key) {
  XXH128_canonical_t out;
  XXH128_canonicalFromHash(&out, XXH128_hash_t{key.low, key.high});
  return out;
}

}  // namespace

FirstShardExchange::FirstShardExchange(std::size_t memory_budget_bytes,
                                       std::filesystem::path spill_dir, std::string who)
    : who_(who),
      memory_budget_bytes_(memory_budget_bytes),
      first_shard_(memory_budget_bytes, std::move(spill_dir), std::move(who)) {}

spill::Key128 FirstShardExchange::last_key_of_part() const {
  return {spill::last_key_of_part(part_, parts_), kMost};
}

void FirstShardExchange::export_keys(KeyExport& out) {
  out.layout(sizeof(XXH128_canonical_t), 0, phase_ == Phase::parts && part_ + 1 == parts_);
  switch (phase_) {
    case Phase::size: {
      spill::add_size_record(out, first_shard_.size());
      exported_ = 1;
      return;
    }
    case Phase::parts:
      if (!export_walk_) {
        export_walk_.emplace(first_shard_.walk_sorted());
        import_walk_.emplace(first_shard_.walk_sorted());
      }
      exported_ = 0;
      export_walk_->visit_through(last_key_of_part(),
                                  [&](const spill::Key128& key, std::uint64_t shard) {
                                    const XXH128_canonical_t bytes = canonical(key);
                                    out.add(&bytes, shard, 1);
                                    ++exported_;
                                  });
      return;
    case Phase::done: break;
  }
  throw std::logic_error(who_ + ": a key exchange round after the last one");
}

void FirstShardExchange::import_keys(
    const MergedKeys& in, const std::function<void(const spill::Key128&)>& lower_rank_has) {
  if (in.size() != exported_)
    throw std::logic_error(who_ + ": " + std::to_string(in.size()) + " merged keys for " +
                           std::to_string(exported_) + " exported");
  if (phase_ == Phase::size) {
    most_keys_ = spill::largest_count(in);
    parts_ = spill::exchange_parts(most_keys_, kRoundBytes, memory_budget_bytes_);
    phase_ = Phase::parts;
    return;
  }
  if (phase_ != Phase::parts)
    throw std::logic_error(who_ + ": a key exchange round after the last one");
  std::size_t i = 0;
  // Ranks hold contiguous runs of shards in order, so a key whose smallest shard over the job is
  // below this rank's is a lower rank's.
  import_walk_->visit_through(last_key_of_part(),
                              [&](const spill::Key128& key, std::uint64_t shard) {
                                if (in.position(i++) < shard) lower_rank_has(key);
                              });
  if (++part_ < parts_) return;
  phase_ = Phase::done;
  export_walk_.reset();
  import_walk_.reset();
}

}  // namespace loom::dedup
