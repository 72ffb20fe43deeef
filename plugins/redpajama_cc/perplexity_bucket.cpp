#include "perplexity_bucket.hpp"

#include <algorithm>
#include <charconv>
#include <iterator>
#include <stdexcept>

namespace loom::redpajama_cc {
namespace {

constexpr const char* kDropReasons[] = {"bucket_head", "bucket_middle", "bucket_tail",
                                        "bucket_all"};
static_assert(std::size(kDropReasons) == std::size(bucket_names));

std::size_t bucket_index(std::string_view bucket) {
  for (std::size_t i = 0; i < std::size(bucket_names); ++i)
    if (bucket == bucket_names[i]) return i;
  return std::size(bucket_names);
}

double parse_cutoff(const std::string& option, const std::string& language,
                    const std::string& text) {
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size())
    throw Error(
        "perplexity_bucket: " + option + "." + language + " is '" + text + "', not a number",
        LOOM_ERR_CONFIG);
  return value;
}

const std::string* find(const StringMap& map, const std::string& key) {
  for (const auto& [k, v] : map)
    if (k == key) return &v;
  return nullptr;
}

std::string read_all(const std::string& uri) {
  Input in = Input::open(uri);
  std::string bytes;
  char buffer[1 << 16];
  while (const std::size_t n = in.read(buffer, sizeof buffer)) bytes.append(buffer, n);
  return bytes;
}

}  // namespace

void PerplexityBucketOptions::validate() const {
  const bool inline_cutoffs = !head_cutoffs.empty() || !tail_cutoffs.empty();
  if (cutoff_csv.empty() && !inline_cutoffs)
    throw Error("perplexity_bucket: give cutoff_csv, or head_cutoffs and tail_cutoffs",
                LOOM_ERR_CONFIG);
  if (!cutoff_csv.empty() && inline_cutoffs)
    throw Error("perplexity_bucket: cutoff_csv and head_cutoffs/tail_cutoffs exclude each other",
                LOOM_ERR_CONFIG);
  for (const auto& [language, value] : head_cutoffs) {
    parse_cutoff("head_cutoffs", language, value);
    if (find(tail_cutoffs, language) == nullptr)
      throw Error("perplexity_bucket: head_cutoffs has '" + language + "' but tail_cutoffs not",
                  LOOM_ERR_CONFIG);
  }
  for (const auto& [language, value] : tail_cutoffs) {
    parse_cutoff("tail_cutoffs", language, value);
    if (find(head_cutoffs, language) == nullptr)
      throw Error("perplexity_bucket: tail_cutoffs has '" + language + "' but head_cutoffs not",
                  LOOM_ERR_CONFIG);
  }
  for (const std::string& bucket : drop_buckets)
    if (bucket_index(bucket) == std::size(bucket_names))
      throw Error("perplexity_bucket: drop_buckets has '" + bucket +
                      "'; buckets are head, middle, tail and all",
                  LOOM_ERR_CONFIG);
}

PerplexityBucket::PerplexityBucket(const Options& options) : options_(options) {
  options_.validate();
  if (!options_.cutoff_csv.empty()) {
    const std::string csv = read_all(options_.cutoff_csv);
    try {
      table_ = CutoffTable::from_csv(csv, options_.cutoff_csv,
                                     static_cast<int>(options_.head_percentile),
                                     static_cast<int>(options_.tail_percentile));
    } catch (const std::invalid_argument& e) {
      throw Error(std::string("perplexity_bucket: ") + e.what(), LOOM_ERR_CONFIG);
    }
  }
  for (const auto& [language, head] : options_.head_cutoffs)
    table_.add(language, Cutoffs{parse_cutoff("head_cutoffs", language, head),
                                 parse_cutoff("tail_cutoffs", language,
                                              *find(options_.tail_cutoffs, language))});
  for (const std::string& bucket : options_.drop_buckets) drop_[bucket_index(bucket)] = true;
}

void PerplexityBucket::process(Batch& batch) {
  for (std::size_t i = 0; i < batch.size(); ++i) {
    Doc doc = batch[i];
    if (doc.dropped()) continue;
    // cc_net: doc.get("perplexity", -1) and doc.get("language"); a language that is not a
    // string is never a column of the table.
    double perplexity = -1;
    if (const std::optional<Value> value = doc.meta(options_.perplexity_field)) {
      if (value->type == LOOM_VALUE_FLOAT)
        perplexity = value->f;
      else if (value->type == LOOM_VALUE_INT)
        perplexity = static_cast<double>(value->i);
      else
        throw Error("meta field '" + options_.perplexity_field + "' is not a number",
                    LOOM_ERR_INVALID_INPUT, static_cast<std::int64_t>(i));
    }
    const Cutoffs* cutoffs = nullptr;
    if (const std::optional<Value> language = doc.meta(options_.language_field);
        language && language->type == LOOM_VALUE_STRING)
      cutoffs = table_.find(language->s);
    const std::string_view bucket = bucket_of(perplexity, cutoffs);
    doc.set_meta(options_.bucket_field, bucket);
    const std::size_t index = bucket_index(bucket);
    if (drop_[index]) doc.drop(kDropReasons[index]);
  }
}

}  // namespace loom::redpajama_cc
