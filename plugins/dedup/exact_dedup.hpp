// exact_dedup: drops every document whose key (the text or one meta field) was seen before.
#pragma once

#include <xxhash.h>

#include <loom/plugin.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

namespace loom::dedup {

struct ExactDedupOptions {
  std::string key = "text";
  std::string on_missing = "fail";

  static constexpr const char* on_missing_values[] = {"fail", "keep"};
  static constexpr auto fields = std::tuple(
      field("key", &ExactDedupOptions::key,
            "what must be unique: \"text\", or the name of a meta field"),
      field("on_missing", &ExactDedupOptions::on_missing,
            "a document without the meta field: fail the run, or keep it (never a duplicate)")
          .one_of(on_missing_values));
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
  // has, and those count as seen before process() starts.
  void observe(const Batch& batch) override;
  void export_keys(std::uint32_t round, KeyExport& out);
  void import_keys(std::uint32_t round, const MergedKeys& in);

 private:
  // The document's key, or nullopt for a document without the meta field (on_missing: keep).
  std::optional<XXH128_hash_t> key_of(const Doc& doc, std::size_t index) const;

  struct HashOf {
    std::size_t operator()(const XXH128_hash_t& h) const { return h.low64; }
  };
  struct Same {
    bool operator()(const XXH128_hash_t& a, const XXH128_hash_t& b) const {
      return XXH128_isEqual(a, b) != 0;
    }
  };

  Options options_;
  bool key_is_text_;
  std::unordered_set<XXH128_hash_t, HashOf, Same> seen_;
  std::unordered_map<XXH128_hash_t, std::uint64_t, HashOf, Same> first_shard_;
  std::vector<std::pair<XXH128_hash_t, std::uint64_t>> exported_;
};

}  // namespace loom::dedup
