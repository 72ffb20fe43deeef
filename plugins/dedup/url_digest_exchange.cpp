#include "url_digest_exchange.hpp"

#include <spill/exchange_parts.hpp>

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <string>

namespace loom::dedup {
namespace {

constexpr std::uint64_t kMost = std::numeric_limits<std::uint64_t>::max();

void add_key(KeyExport& out, const spill::Key128& key, std::uint64_t position) {
  XXH128_canonical_t bytes;
  XXH128_canonicalFromHash(&bytes, XXH128_hash_t{key.low, key.high});
  out.add(&bytes, position, 1);
}

std::logic_error out_of_rounds() {
  return std::logic_error("url_digest_dedup: a key exchange round after the last one");
}

}  // namespace

UrlDigestExchange::UrlDigestExchange(UrlDigestIndex& index, std::uint64_t first_shard,
                                     std::size_t memory_budget_bytes)
    : index_(index), base_(first_shard), memory_budget_bytes_(memory_budget_bytes) {
  if (base_ >= (std::uint64_t{1} << (64 - kWalkBits)))
    throw std::invalid_argument("url_digest_dedup: shard index " + std::to_string(base_) +
                                " is too large to order across ranks");
}

spill::Key128 UrlDigestExchange::last_key_of_part() const {
  return {spill::last_key_of_part(part_, parts_), kMost};
}

void UrlDigestExchange::start_phase(Phase phase) {
  phase_ = phase;
  part_ = 0;
  export_walk_.reset();
  import_walk_.reset();
  if (phase == Phase::digests) {
    export_walk_.emplace(index_.walk_first_digests());
    import_walk_.emplace(index_.walk_first_digests());
  } else if (phase == Phase::urls) {
    index_.keep_won();
    export_walk_.emplace(index_.walk_urls());
    import_walk_.emplace(index_.walk_urls());
  } else {
    index_.end_exchange();
  }
}

void UrlDigestExchange::export_keys(KeyExport& out) {
  out.layout(sizeof(XXH128_canonical_t), 0, phase_ == Phase::urls && part_ + 1 == parts_);
  exported_ = 0;
  switch (phase_) {
    case Phase::size: {
      if (index_.records() >= (std::uint64_t{1} << kWalkBits))  // walk indexes stay below
        throw std::invalid_argument(
            "url_digest_dedup: too many records on one rank to order across ranks");
      index_.index_for_exchange();
      spill::add_size_record(out, std::max(index_.first_digest_count(), index_.url_count()));
      exported_ = 1;
      return;
    }
    case Phase::digests:
      export_walk_->visit_through(last_key_of_part(),
                                  [&](const spill::Key128& digest, std::uint64_t walked) {
                                    add_key(out, digest, base_ << kWalkBits | walked);
                                    ++exported_;
                                  });
      return;
    case Phase::urls:
      export_walk_->visit_through(last_key_of_part(), [&](const spill::Key128& url, std::uint64_t) {
        add_key(out, url, index_.kept_here(url) ? 0 : 1);
        ++exported_;
      });
      return;
    case Phase::done: break;
  }
  throw out_of_rounds();
}

void UrlDigestExchange::import_keys(const MergedKeys& in) {
  if (in.size() != exported_)
    throw std::logic_error("url_digest_dedup: " + std::to_string(in.size()) + " merged keys for " +
                           std::to_string(exported_) + " exported");
  std::size_t i = 0;
  switch (phase_) {
    case Phase::size:
      most_keys_ = spill::largest_count(in);
      parts_ = spill::exchange_parts(most_keys_, kRoundBytes, memory_budget_bytes_);
      start_phase(Phase::digests);
      return;
    case Phase::digests:
      import_walk_->visit_through(last_key_of_part(),
                                  [&](const spill::Key128& digest, std::uint64_t walked) {
                                    if (in.position(i++) == (base_ << kWalkBits | walked))
                                      index_.won_digest(digest, walked);
                                  });
      if (++part_ == parts_) start_phase(Phase::urls);
      return;
    case Phase::urls:
      import_walk_->visit_through(last_key_of_part(), [&](const spill::Key128& url, std::uint64_t) {
        if (in.position(i++) == 0) index_.keep_url(url);
      });
      if (++part_ == parts_) start_phase(Phase::done);
      return;
    case Phase::done: break;
  }
  throw out_of_rounds();
}

}  // namespace loom::dedup
