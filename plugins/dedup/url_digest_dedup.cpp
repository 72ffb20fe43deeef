#include "url_digest_dedup.hpp"

#include "spill_errors.hpp"

namespace loom::dedup {
namespace {

// Round 0 checks that no file spans ranks; UrlDigestExchange takes the rounds after it.
constexpr std::uint32_t kFiles = 0;

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
    if (round == kFiles) {
      out.layout(sizeof(XXH128_canonical_t), 0, false);
      const std::vector<XXH128_hash_t> files = index_.file_hashes();
      for (const XXH128_hash_t& file : files) {
        XXH128_canonical_t key;
        XXH128_canonicalFromHash(&key, file);
        out.add(&key, 0, 1);
      }
      exported_files_ = files.size();
      return;
    }
    if (!exchange_)
      exchange_ = std::make_unique<UrlDigestExchange>(
          index_, first_shard_.value_or(0),
          static_cast<std::size_t>(options_.memory_budget_mb * 1024 * 1024));
    exchange_->export_keys(out);
  });
}

void UrlDigestDedup::import_keys(std::uint32_t round, const MergedKeys& in) {
  if (round == kFiles) {
    if (in.size() != exported_files_)
      throw Error("url_digest_dedup: " + std::to_string(in.size()) + " merged keys for " +
                      std::to_string(exported_files_) + " exported",
                  LOOM_ERR_INTERNAL);
    for (std::size_t i = 0; i < in.size(); ++i)
      if (in.count(i) > 1)
        throw Error("url_digest_dedup: records of one file (file_field '" + options_.file_field +
                        "') are on more than one rank, so its URL dict would be split; run "
                        "this graph on fewer ranks or name files by their source shard",
                    LOOM_ERR_INVALID_INPUT);
    return;
  }
  if (!exchange_)
    throw Error("url_digest_dedup: keys imported before any export", LOOM_ERR_INTERNAL);
  const bool sizing = !exchange_->sized();
  with_spill_errors([&] { exchange_->import_keys(in); });
  if (sizing && exchange_->parts() > 1)
    log(LOOM_LOG_INFO, "url_digest_dedup: " + std::to_string(exchange_->most_keys()) +
                           " keys on the busiest rank, exchanged in " +
                           std::to_string(exchange_->parts()) +
                           " parts to keep each round within memory_budget_mb");
  if (exchange_->done()) {
    exchange_.reset();
    decided_ = true;
  }
}

}  // namespace loom::dedup
