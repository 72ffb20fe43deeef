// Samples the numeric meta fields a node adds (a filter's perplexity, language score, ...) for
// the run report: per field, exact counts, min, max and sum, plus a fixed-size uniform sample
// (reservoir) of the values, kept and dropped documents apart. Memory is bounded: at most
// kMaxFields fields per node, kReservoir values per field and outcome.
//
// Cost: nothing for a batch to which the node added no meta entry (one size comparison); else
// one walk over the documents' meta lists, and one lock per batch to merge.
#pragma once

#include "runtime/batch.hpp"

#include <loom/engine/run_observations.hpp>

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace loom::runtime {

class MetaSampler {
 public:
  static constexpr std::size_t kReservoir = 2000;
  static constexpr std::size_t kMaxFields = 16;

  // After process(): `meta_before` is batch.meta.size() before it. Entries at or past that index
  // were created by the node; of those, the ones whose key no entry before had are fields it
  // added (setting an existing key again, or rebuilding the meta in a new order, adds nothing).
  // Call before dropped documents are removed: their values are sampled as `dropped`.
  // `sample`: also keep min, max and the reservoirs (for the report); without it, only the
  // exact integer totals are kept (every run does that: they go to stats.json).
  void add_batch(const Batch& batch, std::size_t meta_before, bool sample = true);

  std::vector<MetaFieldSample> results() const;
  // Exact sums over kept and dropped documents of the fields the node added whose every value
  // was an integer (a token count, say), by field.
  std::map<std::string, std::int64_t> integer_totals() const;

 private:
  struct Field {
    MetaFieldSample sample;
    bool any = false;
    std::int64_t integer_total = 0;
    bool all_integers = true;
  };
  void add_value(Field& field, double value, bool dropped);
  std::uint64_t next_random();

  mutable std::mutex mutex_;
  std::map<std::string, Field, std::less<>> fields_;
  std::uint64_t random_state_ = 0x9e3779b97f4a7c15ull;
};

}  // namespace loom::runtime
