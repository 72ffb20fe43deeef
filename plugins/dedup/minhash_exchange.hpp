// minhash_dedup across the ranks of a distributed run (docs/guides/scale-out.md): the clusters
// of one process, resolved over the whole job through the engine's key exchange (per key: the
// smallest position with its payload, and the counts summed).
//
// A document's position is its global order: its shard index, then its index on its rank (each
// shard is on one rank, observed in input order). The rounds, the same on every rank:
//   bands     one round per band: each distinct bucket key of the band on this rank, once,
//             while the band is united locally as in one process. A key some other rank also
//             has (summed count > 1) is kept as a cross key, with a document of its bucket,
//             in a key set that spills sorted runs past the budget (spill::SpillingKeyMap).
//   cross     one round: the most cross keys any rank has, so that every rank splits a label
//   size      round into the same number of key-range parts within the budget.
//   labels    label propagation over the cross keys: each local cluster's label is the smallest
//             position (and that document's record) known in its job-wide cluster; a round
//             exports (cross key, label) and takes the smallest label per key, one key range
//             at a time (an exchange round per part, the cross keys walked in key order);
//             local clusters given the same label are united. One extra record (a key no band
//             has, in the first part) sums the ranks that changed a label in the previous
//             label round, all its parts: when it comes back 0, labels are final after this
//             label round (every rank learns it in the same round).
//   lengths   the shards named by a label from another rank: their holders send the name's
//   names     length, then the name in 64-byte chunks (a gather keyed by shard and chunk).
// Exchanged, per document and band: 24 bytes out and 16 back in its band's rounds (one part of
// one band in memory at a time); the label rounds carry only keys that span ranks.
#pragma once

#include "minhash_index.hpp"

#include <loom/sdk/key_exchange.hpp>
#include <spill/spilling_key_map.hpp>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace loom::dedup {

class MinhashExchange {
 public:
  // The first document of a cluster when it is on another rank.
  struct RemoteSurvivor {
    std::uint64_t shard_index;
    std::uint64_t record;
    const std::string* shard;  // its name, once the names round is in
  };

  // A band round's bytes per bucket key: its exported record (24) in the SDK's KeyExport and
  // again in the engine's buffer, the bucket remembered here (16) and its merged summary (16).
  static constexpr std::size_t kBandRoundBytes = 80;

  // A label round's bytes per cross key: its exported record (36) in the SDK's KeyExport and
  // again in the engine's buffer, its merged summary with the payload (24) and the document
  // remembered here (4).
  static constexpr std::size_t kLabelRoundBytes = 100;

  // `memory_budget_bytes`: what a band round's or a label round's records may take, and the
  // cross keys held in memory (0: one round per band and per label round, the cross keys all in
  // memory). `spill_parent`: where the cross keys' spill folder goes ("" = $TMPDIR, else /tmp).
  MinhashExchange(MinhashIndex& index, std::size_t memory_budget_bytes,
                  std::filesystem::path spill_parent = {});
  ~MinhashExchange();

  // Called for every document in input order, right after the index's add(): its shard and
  // its record in that shard. 4 bytes per document.
  void note_document(std::uint64_t shard_index, std::string_view shard, std::uint64_t record);

  void export_keys(std::uint32_t round, KeyExport& out);
  void import_keys(std::uint32_t round, const MergedKeys& in);

  // Once the last round is in (the index is then settled): for a cluster root
  // (MinhashIndex::survivor), the remote survivor, or null when it is this rank's; and how many
  // label rounds it took.
  const RemoteSurvivor* remote_survivor(std::uint32_t root) const;
  std::uint32_t label_rounds() const { return label_rounds_; }
  std::size_t band_parts() const { return parts_; }
  std::size_t label_parts() const { return label_parts_; }
  // Whether the next import is the cross key size round's, and what it told: the most cross
  // keys on any rank. Then: the cross keys this rank kept, and the sorted runs they spilled.
  bool sizing_cross_keys() const { return phase_ == Phase::cross_size; }
  bool labelling() const { return phase_ == Phase::labels; }
  std::uint64_t most_cross_keys() const { return most_cross_keys_; }
  std::uint64_t cross_keys() const { return cross_keys_; }
  std::size_t cross_key_spills() const { return cross_key_spills_; }

 private:
  enum class Phase { size, bands, cross_size, labels, lengths, names, done };
  struct ShardSpan {
    std::uint32_t first_doc;
    std::uint64_t shard_index;
    std::string name;
  };
  struct Label {
    std::uint64_t position;
    std::uint64_t record;
  };

  const ShardSpan& span_of(std::uint32_t doc) const;
  const ShardSpan* held_shard(std::uint64_t shard_index) const;
  std::uint64_t position_of(std::uint32_t doc) const;
  void export_size(KeyExport& out);
  void import_size(const MergedKeys& in);
  void export_band(KeyExport& out);
  void import_band(const MergedKeys& in);
  void export_cross_size(KeyExport& out);
  void import_cross_size(const MergedKeys& in);
  void start_labels();
  void export_labels(KeyExport& out);
  void import_labels(const MergedKeys& in);
  void unite_equal_labels();
  void place_survivors();
  void export_lengths(KeyExport& out);
  void import_lengths(const MergedKeys& in);
  void export_names(KeyExport& out);
  void import_names(const MergedKeys& in);

  MinhashIndex& index_;
  std::size_t memory_budget_bytes_;
  std::vector<ShardSpan> spans_;        // in input order
  std::vector<std::uint32_t> records_;  // per document
  std::string unorderable_;             // why positions would not order the job, if they would not
  Phase phase_ = Phase::size;
  std::size_t parts_ = 1;  // per band
  std::size_t band_ = 0, part_ = 0;
  std::vector<std::pair<std::uint64_t, std::uint32_t>> exported_;  // the band round's buckets
  std::filesystem::path spill_parent_;
  // Key: the bucket key (high; it orders the parts) and a mix of it with the band (low, unique
  // per band and well mixed); value: the band above the document.
  std::unique_ptr<spill::SpillingKeyMap> cross_;
  std::uint64_t cross_keys_ = 0;
  std::uint64_t most_cross_keys_ = 0;
  std::size_t cross_key_spills_ = 0;
  std::size_t label_parts_ = 1;  // per label round
  std::size_t label_part_ = 0;
  std::optional<spill::SortedWalk> walk_;  // over the cross keys, in the label round
  std::vector<std::uint32_t> part_docs_;   // the label round part's documents, in export order
  std::unordered_map<std::uint32_t, Label> labels_;  // by local cluster root
  bool changed_ = false;      // a label, in the label round so far (all its parts)
  bool any_changed_ = false;  // on any rank, in the previous label round
  std::uint32_t label_rounds_ = 0;
  std::unordered_map<std::uint32_t, RemoteSurvivor> remote_;  // by local cluster root
  std::vector<std::uint64_t> asked_shards_;                   // sorted
  std::vector<std::uint64_t> asked_lengths_;
  std::unordered_map<std::uint64_t, std::string> remote_names_;
};

}  // namespace loom::dedup
