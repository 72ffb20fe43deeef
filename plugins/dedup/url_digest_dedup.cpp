#include "url_digest_dedup.hpp"

namespace loom::dedup {
namespace {

// A string meta field, or nullopt when the document has no such field or it is not a string.
std::optional<std::string_view> string_field(const Doc& doc, const std::string& key) {
  const std::optional<Value> value = doc.meta(key);
  if (!value || value->type != LOOM_VALUE_STRING) return std::nullopt;
  return value->s;
}

}  // namespace

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
  }
}

void UrlDigestDedup::process(Batch& batch) {
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
}

}  // namespace loom::dedup
