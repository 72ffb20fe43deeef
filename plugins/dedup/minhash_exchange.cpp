#include "minhash_exchange.hpp"

#include <spill/exchange_parts.hpp>

#include <algorithm>
#include <cstring>
#include <limits>
#include <stdexcept>

namespace loom::dedup {
namespace {

// A position: the shard index above kDocBits bits of the document's index on its rank.
constexpr int kDocBits = 40;
constexpr std::uint64_t kDocMask = (std::uint64_t{1} << kDocBits) - 1;
// The label rounds' key: a bucket key and its band; the flag record has a band no band has.
constexpr std::uint32_t kLabelKeyBytes = 12;
constexpr std::uint32_t kFlagBand = std::numeric_limits<std::uint32_t>::max();
constexpr std::size_t kNameChunk = 64;
constexpr std::uint64_t kHolder = 0, kAsker = 1;

// A cross key in the key set: the bucket key first (the walk's order, so a part is a key range),
// then a bijective mix of it and the band (unique per band; the set's slots and filters need
// well-mixed bits, which bucket keys of a poor hash might lack).
spill::Key128 cross_key(std::uint64_t key, std::uint32_t band) {
  std::uint64_t low = key + 0x9e3779b97f4a7c15 * (std::uint64_t{band} + 1);
  low = (low ^ (low >> 30)) * 0xbf58476d1ce4e5b9;  // splitmix64's finalizer
  low = (low ^ (low >> 27)) * 0x94d049bb133111eb;
  return spill::Key128{key, low ^ (low >> 31)};
}

struct LabelKey {
  char bytes[kLabelKeyBytes];
  LabelKey(std::uint64_t key, std::uint32_t band) {
    std::memcpy(bytes, &key, sizeof key);
    std::memcpy(bytes + sizeof key, &band, sizeof band);
  }
};

struct ChunkKey {
  std::uint64_t shard;
  std::uint64_t chunk;
};

std::string_view u64_bytes(const std::uint64_t& value) {
  return {reinterpret_cast<const char*>(&value), sizeof value};
}

std::uint64_t u64_of(std::string_view bytes) {
  std::uint64_t value = 0;
  std::memcpy(&value, bytes.data(), sizeof value);
  return value;
}

std::size_t chunks_of(std::uint64_t length) {
  return static_cast<std::size_t>((length + kNameChunk - 1) / kNameChunk);
}

void check_count(const MergedKeys& in, std::size_t exported, const char* round) {
  if (in.size() != exported)
    throw std::runtime_error("minhash_dedup: " + std::to_string(in.size()) +
                             " merged records for " + std::to_string(exported) + " exported (" +
                             round + " round)");
}

}  // namespace

MinhashExchange::MinhashExchange(MinhashIndex& index, std::size_t memory_budget_bytes,
                                 std::filesystem::path spill_parent)
    : index_(index),
      memory_budget_bytes_(memory_budget_bytes),
      spill_parent_(std::move(spill_parent)) {}

MinhashExchange::~MinhashExchange() = default;

void MinhashExchange::note_document(std::uint64_t shard_index, std::string_view shard,
                                    std::uint64_t record) {
  // Limits of the positions across ranks only: one process never exchanges, so it must not
  // fail on them; export_size() does.
  if (record > std::numeric_limits<std::uint32_t>::max() && unorderable_.empty())
    unorderable_ = "record " + std::to_string(record) + " of shard " + std::string(shard) +
                   " is past the 4294967295 records per shard it can order across ranks";
  if (spans_.empty() || spans_.back().shard_index != shard_index) {
    if (!spans_.empty() && shard_index < spans_.back().shard_index && unorderable_.empty())
      unorderable_ = "shard " + std::string(shard) + " came after a later shard";
    if (shard_index >= (std::uint64_t{1} << (64 - kDocBits)) && unorderable_.empty())
      unorderable_ = "shard index " + std::to_string(shard_index) + " is too large";
    spans_.push_back(
        ShardSpan{static_cast<std::uint32_t>(records_.size()), shard_index, std::string(shard)});
  }
  records_.push_back(static_cast<std::uint32_t>(record));
}

const MinhashExchange::ShardSpan& MinhashExchange::span_of(std::uint32_t doc) const {
  const auto after =
      std::upper_bound(spans_.begin(), spans_.end(), doc,
                       [](std::uint32_t d, const ShardSpan& span) { return d < span.first_doc; });
  return *(after - 1);  // the first span starts at document 0
}

const MinhashExchange::ShardSpan* MinhashExchange::held_shard(std::uint64_t shard_index) const {
  const auto at =
      std::lower_bound(spans_.begin(), spans_.end(), shard_index,
                       [](const ShardSpan& span, std::uint64_t s) { return span.shard_index < s; });
  return at != spans_.end() && at->shard_index == shard_index ? &*at : nullptr;
}

std::uint64_t MinhashExchange::position_of(std::uint32_t doc) const {
  return span_of(doc).shard_index << kDocBits | doc;
}

const MinhashExchange::RemoteSurvivor* MinhashExchange::remote_survivor(std::uint32_t root) const {
  const auto it = remote_.find(root);
  return it == remote_.end() ? nullptr : &it->second;
}

void MinhashExchange::export_keys(std::uint32_t round, KeyExport& out) {
  (void)round;  // the phase says where the rounds are: their number depends on the data
  switch (phase_) {
    case Phase::size: return export_size(out);
    case Phase::bands: return export_band(out);
    case Phase::cross_size: return export_cross_size(out);
    case Phase::labels: return export_labels(out);
    case Phase::lengths: return export_lengths(out);
    case Phase::names: return export_names(out);
    case Phase::done: break;
  }
  throw std::logic_error("minhash_dedup: a key exchange round after the last one");
}

void MinhashExchange::import_keys(std::uint32_t round, const MergedKeys& in) {
  (void)round;
  switch (phase_) {
    case Phase::size: return import_size(in);
    case Phase::bands: return import_band(in);
    case Phase::cross_size: return import_cross_size(in);
    case Phase::labels: return import_labels(in);
    case Phase::lengths: return import_lengths(in);
    case Phase::names: return import_names(in);
    case Phase::done: break;
  }
  throw std::logic_error("minhash_dedup: a key exchange round after the last one");
}

void MinhashExchange::export_size(KeyExport& out) {
  if (records_.size() != index_.documents())
    throw std::logic_error("minhash_dedup: documents noted and indexed differ");
  if (!unorderable_.empty())
    throw std::runtime_error("minhash_dedup cannot order its documents across ranks: " +
                             unorderable_);
  out.layout(sizeof(std::uint64_t), 0, false);
  spill::add_size_record(out, records_.size());
}

void MinhashExchange::import_size(const MergedKeys& in) {
  check_count(in, 1, "size");
  const std::uint64_t most = spill::largest_count(in);
  if (memory_budget_bytes_ != 0)
    parts_ = spill::exchange_parts(most, kBandRoundBytes, memory_budget_bytes_);
  phase_ = Phase::bands;
}

void MinhashExchange::export_band(KeyExport& out) {
  out.layout(sizeof(std::uint64_t), 0, false);
  exported_.clear();
  const std::uint64_t last_key = spill::last_key_of_part(part_, parts_);
  index_.unite_band_until(band_, last_key, [&](std::uint64_t key, std::uint32_t first_doc) {
    out.add(&key, position_of(first_doc), 1);
    exported_.emplace_back(key, first_doc);
  });
}

void MinhashExchange::import_band(const MergedKeys& in) {
  check_count(in, exported_.size(), "band");
  if (!cross_) {
    // No budget: the cross keys all in memory (the table grows as they come).
    const std::size_t budget = memory_budget_bytes_ != 0
                                   ? memory_budget_bytes_
                                   : std::numeric_limits<std::size_t>::max() / 8;
    cross_ = std::make_unique<spill::SpillingKeyMap>(budget, spill_parent_, "minhash_dedup");
  }
  for (std::size_t i = 0; i < in.size(); ++i)
    if (in.count(i) > 1) {  // another rank has the bucket too
      const auto band = static_cast<std::uint32_t>(band_);
      if (!cross_->insert(cross_key(exported_[i].first, band),
                          std::uint64_t{band} << 32 | exported_[i].second))
        throw std::logic_error("minhash_dedup: a bucket key twice in one band");
    }
  exported_ = {};
  if (++part_ < parts_) return;
  part_ = 0;
  if (++band_ == index_.bands()) phase_ = Phase::cross_size;
}

void MinhashExchange::export_cross_size(KeyExport& out) {
  cross_keys_ = cross_ ? cross_->size() : 0;
  out.layout(sizeof(std::uint64_t), 0, false);
  spill::add_size_record(out, cross_keys_);
}

void MinhashExchange::import_cross_size(const MergedKeys& in) {
  check_count(in, 1, "cross key size");
  most_cross_keys_ = spill::largest_count(in);
  if (memory_budget_bytes_ != 0)
    label_parts_ = spill::exchange_parts(most_cross_keys_, kLabelRoundBytes, memory_budget_bytes_);
  start_labels();
}

void MinhashExchange::start_labels() {
  phase_ = Phase::labels;
  if (cross_) {
    cross_->for_each_sorted([&](const spill::Key128&, std::uint64_t value) {
      const std::uint32_t root = index_.find(static_cast<std::uint32_t>(value));
      labels_.try_emplace(root, Label{position_of(root), records_[root]});
    });
    cross_key_spills_ = cross_->spills();
  }
  changed_ = cross_keys_ != 0;  // nothing sent yet
}

void MinhashExchange::export_labels(KeyExport& out) {
  out.layout(kLabelKeyBytes, sizeof(std::uint64_t), false);
  if (label_part_ == 0 && cross_) walk_ = cross_->walk_sorted();
  part_docs_.clear();
  if (walk_) {
    const std::uint64_t last_key = spill::last_key_of_part(label_part_, label_parts_);
    walk_->visit_through(spill::Key128{last_key, std::numeric_limits<std::uint64_t>::max()},
                         [&](const spill::Key128& key, std::uint64_t value) {
                           const auto doc = static_cast<std::uint32_t>(value);
                           const Label& label = labels_.at(index_.find(doc));
                           out.add(
                               LabelKey(key.high, static_cast<std::uint32_t>(value >> 32)).bytes,
                               label.position, 0, u64_bytes(label.record));
                           part_docs_.push_back(doc);
                         });
  }
  if (label_part_ != 0) return;
  const std::uint64_t none = 0;
  out.add(LabelKey(0, kFlagBand).bytes, 0, changed_ ? 1 : 0, u64_bytes(none));
}

void MinhashExchange::import_labels(const MergedKeys& in) {
  const bool first_part = label_part_ == 0;
  check_count(in, part_docs_.size() + (first_part ? 1 : 0), "label");
  if (first_part) {
    any_changed_ = in.count(part_docs_.size()) != 0;  // in the previous round, on any rank
    changed_ = false;
  }
  for (std::size_t i = 0; i < part_docs_.size(); ++i) {
    Label& label = labels_.at(index_.find(part_docs_[i]));
    if (in.position(i) < label.position) {
      label = Label{in.position(i), u64_of(in.payload(i))};
      changed_ = true;
    }
  }
  part_docs_ = {};
  if (++label_part_ < label_parts_) return;
  label_part_ = 0;
  walk_.reset();
  ++label_rounds_;
  unite_equal_labels();
  if (any_changed_) return;
  // Nothing changed anywhere last round, so this round's labels were last round's: final.
  place_survivors();
  phase_ = Phase::lengths;
}

// Local clusters with the same label are one cluster of the job: united here, a smaller label
// reaching either reaches both at once.
void MinhashExchange::unite_equal_labels() {
  std::vector<std::pair<std::uint64_t, std::uint32_t>> by_label;
  by_label.reserve(labels_.size());
  for (const auto& [root, label] : labels_) by_label.emplace_back(label.position, root);
  std::sort(by_label.begin(), by_label.end());
  bool united = false;
  for (std::size_t i = 1; i < by_label.size(); ++i)
    if (by_label[i].first == by_label[i - 1].first) {
      index_.unite(by_label[i - 1].second, by_label[i].second);
      united = true;
    }
  if (!united) return;
  std::unordered_map<std::uint32_t, Label> by_root;
  for (const auto& [root, label] : labels_) by_root.try_emplace(index_.find(root), label);
  labels_ = std::move(by_root);
}

// A cluster whose first document is on this rank joins it (a smaller index: the root); one
// whose first document is elsewhere keeps that document's shard and record.
void MinhashExchange::place_survivors() {
  std::vector<std::pair<std::uint32_t, Label>> remote;
  for (const auto& [root, label] : labels_) {
    const std::uint64_t shard = label.position >> kDocBits;
    if (held_shard(shard) != nullptr)
      index_.unite(root, static_cast<std::uint32_t>(label.position & kDocMask));
    else
      remote.emplace_back(root, label);
  }
  for (const auto& [root, label] : remote) {
    const std::uint64_t shard = label.position >> kDocBits;
    remote_.emplace(index_.find(root), RemoteSurvivor{shard, label.record, nullptr});
    asked_shards_.push_back(shard);
  }
  std::sort(asked_shards_.begin(), asked_shards_.end());
  asked_shards_.erase(std::unique(asked_shards_.begin(), asked_shards_.end()), asked_shards_.end());
  labels_ = {};
  cross_.reset();  // and its spill folder
  index_.settle();
}

void MinhashExchange::export_lengths(KeyExport& out) {
  out.layout(sizeof(std::uint64_t), 0, false);
  for (const ShardSpan& span : spans_) out.add(&span.shard_index, kHolder, span.name.size());
  for (const std::uint64_t shard : asked_shards_) out.add(&shard, kAsker, 0);
}

void MinhashExchange::import_lengths(const MergedKeys& in) {
  check_count(in, spans_.size() + asked_shards_.size(), "shard name length");
  for (std::size_t i = 0; i < asked_shards_.size(); ++i) {
    const std::size_t at = spans_.size() + i;
    if (in.position(at) != kHolder)
      throw std::runtime_error("minhash_dedup: no rank holds shard " +
                               std::to_string(asked_shards_[i]) + ", named by a cluster");
    asked_lengths_.push_back(in.count(at));
  }
  phase_ = Phase::names;
}

void MinhashExchange::export_names(KeyExport& out) {
  out.layout(sizeof(ChunkKey), kNameChunk, true);
  std::string chunk;
  for (const ShardSpan& span : spans_)
    for (std::size_t c = 0; c < chunks_of(span.name.size()); ++c) {
      chunk.assign(kNameChunk, '\0');
      span.name.copy(chunk.data(), kNameChunk, c * kNameChunk);
      const ChunkKey key{span.shard_index, c};
      out.add(&key, kHolder, 0, chunk);
    }
  const std::string empty(kNameChunk, '\0');
  for (std::size_t i = 0; i < asked_shards_.size(); ++i)
    for (std::size_t c = 0; c < chunks_of(asked_lengths_[i]); ++c) {
      const ChunkKey key{asked_shards_[i], c};
      out.add(&key, kAsker, 0, empty);
    }
}

void MinhashExchange::import_names(const MergedKeys& in) {
  std::size_t at = 0;
  for (const ShardSpan& span : spans_) at += chunks_of(span.name.size());
  for (std::size_t i = 0; i < asked_shards_.size(); ++i) {
    std::string name;
    for (std::size_t c = 0; c < chunks_of(asked_lengths_[i]); ++c, ++at) {
      if (at >= in.size() || in.position(at) != kHolder)
        throw std::runtime_error("minhash_dedup: no rank sent the name of shard " +
                                 std::to_string(asked_shards_[i]));
      name.append(in.payload(at));
    }
    name.resize(static_cast<std::size_t>(asked_lengths_[i]));
    remote_names_.emplace(asked_shards_[i], std::move(name));
  }
  check_count(in, at, "shard name");
  for (auto& [root, survivor] : remote_) survivor.shard = &remote_names_.at(survivor.shard_index);
  asked_shards_ = {};
  asked_lengths_ = {};
  phase_ = Phase::done;
}

}  // namespace loom::dedup
