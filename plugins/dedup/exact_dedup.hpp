// exact_dedup: drops every document whose key (the text or one meta field) was seen before.
// The keys seen (XXH3-128 hashes) are held in memory up to `memory_budget_mb`, past it in
// sorted runs on disk (SpillingKeyMap, plugins/lib/spill), with the same decisions.
#pragma once

#include <xxhash.h>

#include "first_shard_exchange.hpp"

#include <loom/plugin.hpp>
#include <spill/spilling_key_map.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace loom::dedup {

struct ExactDedupOptions {
  std::string key = "text";
  std::string on_missing = "fail";
  double memory_budget_mb = 512;
  std::string spill_dir;

  static constexpr const char* on_missing_values[] = {"fail", "keep"};
  static constexpr auto fields = std::tuple(
      field("key", &ExactDedupOptions::key,
            "what must be unique: \"text\", or the name of a meta field"),
      field("on_missing", &ExactDedupOptions::on_missing,
            "a document without the meta field: fail the run, or keep it (never a duplicate)")
          .one_of(on_missing_values),
      field("memory_budget_mb", &ExactDedupOptions::memory_budget_mb,
            "memory for the distinct keys (33 to 50 bytes each); past it they go to sorted "
            "runs on disk (24 bytes per key, plus about 1.3 bytes per key in memory); on more "
            "than one rank, also what one exchange round's records take (80 bytes per key)")
          .min(0.001),
      field("spill_dir", &ExactDedupOptions::spill_dir,
            "parent folder of the spill folder; empty: $TMPDIR, else /tmp"));
};

class ExactDedup : public Deduper {
 public:
  static constexpr const char* name = "exact_dedup";
  static constexpr const char* summary =
      "drops exact duplicates of the text or a meta field (XXH3-128), keeping the first";
  using Options = ExactDedupOptions;
  static constexpr Declared drop_reasons[] = {{"duplicate", "the key was seen before"}};
  static constexpr std::array<Declared, 0> meta_fields{};

  explicit ExactDedup(const Options& options);
  void process(Batch& batch) override;

  // On more than one rank (docs/guides/scale-out.md): observe() notes the shard of each key's
  // first document on this rank; the exchange says which keys a lower rank (an earlier shard)
  // has, and those count as seen before process() starts (FirstShardExchange: in key-range
  // parts, each round's records within memory_budget_mb).
  void observe(const Batch& batch) override;
  void export_keys(std::uint32_t round, KeyExport& out);
  void import_keys(std::uint32_t round, const MergedKeys& in);

 private:
  // The document's key, or nullopt for a document without the meta field (on_missing: keep).
  std::optional<XXH128_hash_t> key_of(const Doc& doc, std::size_t index) const;

  Options options_;
  bool key_is_text_;
  std::size_t memory_budget_bytes_;
  spill::SpillingKeyMap seen_;
  // On more than one rank, from observe() to the last import_keys(): each key's first shard here.
  std::unique_ptr<FirstShardExchange> exchange_;
  void start_exchange();
};

}  // namespace loom::dedup
