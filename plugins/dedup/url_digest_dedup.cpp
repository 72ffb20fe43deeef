#include "url_digest_dedup.hpp"

#include "spill_errors.hpp"

namespace loom::dedup {
namespace {

enum Round : std::uint32_t { kFiles = 0, kDigests = 1, kUrls = 2 };

// A position in the job's walk: the rank's first shard, then the entry's index in its walk.
constexpr int kWalkBits = 40;

void add_hash(KeyExport& out, const XXH128_hash_t& hash, std::uint64_t position) {
  XXH128_canonical_t key;
  XXH128_canonicalFromHash(&key, hash);
  out.add(&key, position, 1);
}

void check_count(const MergedKeys& in, std::size_t exported) {
  if (in.size() != exported)
    throw Error("url_digest_dedup: " + std::to_string(in.size()) + " merged keys for " +
                    std::to_string(exported) + " exported",
                LOOM_ERR_INTERNAL);
}

// A string meta field, or nullopt when the document has no such field or it is not a string.
std::optional<std::string_view> string_field(const Doc& doc, const std::string& key) {
  const std::optional<Value> value = doc.meta(key);
  if (!value || value->type != LOOM_VALUE_STRING) return std::nullopt;
  return value->s;
}

}  // namespace

UrlDigestDedup::UrlDigestDedup(const Options& options)
    : options_(options),
      index_(static_cast<std::size_t>(options.memory_budget_mb * 1024 * 1024), options.spill_dir) {}

bool UrlDigestDedup::key_of(const Doc& doc, std::size_t record, std::string_view& url,
                            std::string_view& digest) const {
  const auto url_value = string_field(doc, options_.url_field);
  const auto digest_value = string_field(doc, options_.digest_field);
  if (url_value && digest_value) {
    url = *url_value;
    digest = *digest_value;
    return true;
  }
  if (options_.on_missing == "keep") return false;
  const std::string& field = url_value ? options_.digest_field : options_.url_field;
  throw Error("document has no string meta field '" + field +
                  "' (url_digest_dedup); set on_missing: keep to pass such documents",
              LOOM_ERR_INVALID_INPUT, static_cast<std::int64_t>(record));
}

void UrlDigestDedup::observe(const Batch& batch) {
  with_spill_errors([&] {
    std::string_view url, digest;
    for (std::size_t i = 0; i < batch.size(); ++i) {
      const Doc doc = batch[i];
      if (doc.dropped() || !key_of(doc, i, url, digest)) continue;
      std::string_view file = batch.shard();
      if (!options_.file_field.empty()) {
        const auto named = string_field(doc, options_.file_field);
        if (!named)
          throw Error("document has no string meta field '" + options_.file_field +
                          "' (url_digest_dedup's file_field)",
                      LOOM_ERR_INVALID_INPUT, static_cast<std::int64_t>(i));
        file = *named;
      }
      index_.observe(file, url, digest);
      if (!first_shard_) first_shard_ = batch.shard_index();
    }
  });
}

void UrlDigestDedup::process(Batch& batch) {
  with_spill_errors([&] {
    if (batch.empty()) return;
    if (!decided_) {  // the first documents of the second pass: every record has been observed
      index_.decide();
      decided_ = true;
    }
    std::string_view url, digest;
    for (std::size_t i = 0; i < batch.size(); ++i) {
      Doc doc = batch[i];
      if (doc.dropped() || !key_of(doc, i, url, digest)) continue;
      if (!index_.keeps(url)) doc.drop("duplicate");
    }
  });
}

void UrlDigestDedup::export_keys(std::uint32_t round, KeyExport& out) {
  with_spill_errors([&] {
    out.layout(sizeof(XXH128_canonical_t), 0, round == kUrls);
    exported_.clear();
    if (round == kFiles) {
      for (const XXH128_hash_t& file : index_.file_hashes()) add_hash(out, file, 0);
    } else if (round == kDigests) {
      const std::uint64_t base = first_shard_.value_or(0);
      if (base >= (std::uint64_t{1} << (64 - kWalkBits)))
        throw Error("url_digest_dedup: shard index " + std::to_string(base) +
                        " is too large to order across ranks",
                    LOOM_ERR_INTERNAL);
      exported_ = index_.first_digests();
      for (auto& [digest, walked] : exported_) {
        if (walked >= (std::uint64_t{1} << kWalkBits))
          throw Error("url_digest_dedup: too many records on one rank to order across ranks",
                      LOOM_ERR_INTERNAL);
        walked |= base << kWalkBits;
        add_hash(out, digest, walked);
      }
    } else {
      exported_urls_.clear();
      for (const auto& [url, kept] : index_.urls()) {
        exported_urls_.push_back(url);
        add_hash(out, url, kept ? 0 : 1);
      }
    }
  });
}

void UrlDigestDedup::import_keys(std::uint32_t round, const MergedKeys& in) {
  with_spill_errors([&] {
    if (round == kFiles) {
      for (std::size_t i = 0; i < in.size(); ++i)
        if (in.count(i) > 1)
          throw Error("url_digest_dedup: records of one file (file_field '" + options_.file_field +
                          "') are on more than one rank, so its URL dict would be split; run "
                          "this graph on fewer ranks or name files by their source shard",
                      LOOM_ERR_INVALID_INPUT);
    } else if (round == kDigests) {
      check_count(in, exported_.size());
      std::vector<bool> won(exported_.size());
      for (std::size_t i = 0; i < in.size(); ++i) won[i] = in.position(i) == exported_[i].second;
      index_.decide_digests(won);
      exported_ = {};
    } else {
      check_count(in, exported_urls_.size());
      std::vector<XXH128_hash_t> kept;
      for (std::size_t i = 0; i < in.size(); ++i)
        if (in.position(i) == 0) kept.push_back(exported_urls_[i]);
      exported_urls_ = {};
      index_.keep_urls(kept);
      decided_ = true;
    }
  });
}

}  // namespace loom::dedup
