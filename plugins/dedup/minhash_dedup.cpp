#include "minhash_dedup.hpp"

#include <stdexcept>

namespace loom::dedup {
namespace {

MinhashShape shape_of(const MinhashDedupOptions& options) {
  MinhashShape shape;
  shape.ngram_words = static_cast<std::size_t>(options.ngram_words);
  shape.bands = static_cast<std::size_t>(options.bands);
  shape.rows_per_band = static_cast<std::size_t>(options.rows_per_band);
  shape.seed = static_cast<std::uint64_t>(options.seed);
  return shape;
}

}  // namespace

MinhashDedup::MinhashDedup(const Options& options)
    : signature_(shape_of(options)),
      index_(static_cast<std::size_t>(options.bands),
             static_cast<std::size_t>(options.memory_budget_mb * 1024 * 1024), options.spill_dir),
      exchange_(index_, static_cast<std::size_t>(options.memory_budget_mb * 1024 * 1024),
                options.spill_dir) {}

void MinhashDedup::observe(const Batch& batch) {
  for (const Doc doc : batch) {
    try {
      if (!doc.dropped() && signature_.band_keys(doc.text(), band_keys_))
        index_.add(band_keys_.data());
      else
        index_.add_without_keys();
      exchange_.note_document(batch.shard_index(), batch.shard(), doc.origin().first);
    } catch (const std::runtime_error& e) {
      throw Error(e.what(), LOOM_ERR_IO);
    }
  }
}

void MinhashDedup::export_keys(std::uint32_t round, KeyExport& out) {
  try {
    exchange_.export_keys(round, out);
  } catch (const std::runtime_error& e) {
    throw Error(e.what(), LOOM_ERR_IO);
  }
}

void MinhashDedup::import_keys(std::uint32_t round, const MergedKeys& in) {
  const bool sizing = exchange_.sizing_cross_keys(), labelling = exchange_.labelling();
  try {
    exchange_.import_keys(round, in);
  } catch (const std::runtime_error& e) {
    throw Error(e.what(), LOOM_ERR_IO);
  }
  if (sizing && exchange_.label_parts() > 1)
    log(LOOM_LOG_INFO, "minhash_dedup: " + std::to_string(exchange_.most_cross_keys()) +
                           " cross keys on the busiest rank (" +
                           std::to_string(exchange_.cross_key_spills()) +
                           " sorted runs spilled here), label rounds exchanged in " +
                           std::to_string(exchange_.label_parts()) +
                           " parts to keep each round within memory_budget_mb");
  if (labelling && !exchange_.labelling() && exchange_.label_parts() > 1)
    log(LOOM_LOG_INFO, "minhash_dedup: labels final after " +
                           std::to_string(exchange_.label_rounds()) + " label rounds of " +
                           std::to_string(exchange_.label_parts()) + " parts");
}

void MinhashDedup::process(Batch& batch) {
  if (batch.empty()) return;
  if (!index_.resolved()) {  // the first documents of the second pass: all have been observed
    try {
      index_.resolve();
    } catch (const std::runtime_error& e) {
      throw Error(e.what(), LOOM_ERR_IO);
    }
  }
  if (batch.shard_index() != last_shard_index_) {
    last_shard_index_ = batch.shard_index();
    shards_.emplace_back(batch.shard());
  }
  const auto shard = static_cast<std::uint32_t>(shards_.size() - 1);
  for (std::size_t i = 0; i < batch.size(); ++i) {
    Doc doc = batch[i];
    if (next_doc_ >= index_.documents())
      throw Error("minhash_dedup: process() got more documents than observe() (" +
                      std::to_string(index_.documents()) + ")",
                  LOOM_ERR_INTERNAL, static_cast<std::int64_t>(i));
    const std::uint32_t at = next_doc_++;
    if (doc.dropped()) continue;
    const std::uint32_t first = index_.survivor(at);
    if (const MinhashExchange::RemoteSurvivor* remote = exchange_.remote_survivor(first)) {
      doc.drop("near_duplicate");  // the cluster's first document is on a lower rank
      doc.set_meta("near_duplicate_of_shard", std::string_view(*remote->shard));
      doc.set_meta("near_duplicate_of_record", static_cast<std::int64_t>(remote->record));
      continue;
    }
    if (first == at) {
      if (index_.has_duplicates(at)) survivors_.emplace(at, Survivor{shard, doc.origin().first});
      continue;
    }
    const Survivor& survivor = survivors_.at(first);  // the first document came earlier
    doc.drop("near_duplicate");
    doc.set_meta("near_duplicate_of_shard", std::string_view(shards_[survivor.shard]));
    doc.set_meta("near_duplicate_of_record", static_cast<std::int64_t>(survivor.record));
  }
}

}  // namespace loom::dedup
