#include "simhash_dedup.hpp"

#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/task_arena.h>

#include <exception>
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
                                         std::size_t index, std::size_t max_threads) {
  std::unique_ptr<FeatureScratch> scratch = take_scratch();
  scratch->max_threads = max_threads;
  Fingerprint fingerprint;
  try {
    fingerprint = simhash(text, static_cast<int>(options_.shingle_width),
                          static_cast<std::size_t>(options_.max_chars), *scratch);
  } catch (const std::invalid_argument& e) {
    throw Error(std::string(batch.shard()) + " record " + std::to_string(doc.origin().first) +
                    ": cannot fingerprint the text: " + e.what(),
                LOOM_ERR_INVALID_INPUT, static_cast<std::int64_t>(index));
  }
  if (text.size() <= kKeepScratchBytes) give_back(std::move(scratch));
  return fingerprint;
}

// A pool rather than one scratch per thread: a thread waiting inside a long book's parallel_for
// may pick up another book's task, which must not share the waiting one's scratch. The pool holds
// at most as many scratches as fingerprints ever ran at once.
std::unique_ptr<FeatureScratch> SimhashDedup::take_scratch() {
  const std::lock_guard lock(scratch_mutex_);
  if (free_scratch_.empty()) return std::make_unique<FeatureScratch>();
  std::unique_ptr<FeatureScratch> scratch = std::move(free_scratch_.back());
  free_scratch_.pop_back();
  return scratch;
}

void SimhashDedup::give_back(std::unique_ptr<FeatureScratch> scratch) {
  const std::lock_guard lock(scratch_mutex_);
  free_scratch_.push_back(std::move(scratch));
}

std::vector<std::uint64_t> SimhashDedup::fingerprints_of(const Batch& batch) {
  std::vector<std::size_t> kept;
  for (std::size_t i = 0; i < batch.size(); ++i)
    if (!batch[i].dropped()) kept.push_back(i);
  std::vector<std::uint64_t> values(kept.size());
  std::vector<std::exception_ptr> failures(kept.size());
  // Only the decisions depend on order; the fingerprints are computed side by side, and the
  // first failing document in batch order is the one reported, whatever the thread count.
  const auto threads = static_cast<std::size_t>(tbb::this_task_arena::max_concurrency());
  const std::size_t threads_per_text = kept.size() >= threads ? 1 : 0;
  tbb::parallel_for(std::size_t{0}, kept.size(), [&](std::size_t k) {
    try {
      const Doc doc = batch[kept[k]];
      values[k] = fingerprint_of(doc.text(), batch, doc, kept[k], threads_per_text).value;
    } catch (...) {
      failures[k] = std::current_exception();
    }
  });
  for (const std::exception_ptr& failure : failures)
    if (failure) std::rethrow_exception(failure);
  return values;
}

void SimhashDedup::process(Batch& batch) {
  ShardFingerprints* observed = nullptr;
  if (exchanged_) {
    const auto it = own_shards_.find(batch.shard_index());
    if (it != own_shards_.end()) observed = &it->second;
  }
  const std::vector<std::uint64_t> computed =
      exchanged_ ? std::vector<std::uint64_t>{} : fingerprints_of(batch);
  std::size_t next_computed = 0;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    Doc doc = batch[i];
    if (doc.dropped()) continue;
    std::uint64_t fingerprint = 0;
    if (!exchanged_) {
      fingerprint = computed[next_computed++];
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
  const std::vector<std::uint64_t> computed = fingerprints_of(batch);
  std::vector<std::uint64_t>& values = own_shards_[batch.shard_index()].values;
  values.insert(values.end(), computed.begin(), computed.end());
}

}  // namespace loom::simhash
