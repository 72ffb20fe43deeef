#include "language_id.hpp"

#include <fasttext_inference/classifier_pool.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <utility>
#include <vector>

namespace loom::langid {
namespace {

std::string default_model_path() {
  std::string cache;
  if (const char* c = std::getenv("LOOM_CACHE"); c != nullptr && *c != '\0') {
    cache = c;
  } else {
    const char* home = std::getenv("HOME");
    cache = std::string(home != nullptr ? home : "") + "/.cache/loom";
  }
  return cache + "/models/lid.176.ftz";
}

constexpr std::string_view label_prefix = "__label__";

// Field name and value copied out of a document, so its meta can be rebuilt in a new order.
struct OwnedField {
  std::string key;
  Value value;
  std::string storage;
};

void set_fields_first(Doc& doc, std::vector<std::pair<std::string, Value>> fields) {
  std::vector<OwnedField> existing;
  doc.for_each_meta([&](std::string_view key, const Value& value) {
    existing.push_back(OwnedField{std::string(key), value, std::string(value.s)});
  });
  for (const OwnedField& f : existing) doc.remove_meta(f.key);
  for (auto& [key, value] : fields) doc.set_meta(key, value);
  for (OwnedField& f : existing) {
    f.value.s = f.storage;
    if (std::none_of(fields.begin(), fields.end(), [&](const auto& n) { return n.first == f.key; }))
      doc.set_meta(f.key, f.value);
  }
}

}  // namespace

void prepare_text(std::string_view text, const LanguageIdOptions& options, std::string& out) {
  out.clear();
  if (options.newlines == "keep") {
    out.assign(text);
  } else {
    // Whole runs between newlines copied at once: a byte-by-byte copy was 6-7% of the Common
    // Crawl graph's time (docs/bench.md).
    const bool space = options.newlines == "space";
    out.reserve(text.size() + 1);
    while (!text.empty()) {
      const auto* newline = static_cast<const char*>(std::memchr(text.data(), '\n', text.size()));
      const std::size_t run = newline == nullptr ? text.size() : newline - text.data();
      out.append(text.data(), run);
      if (newline == nullptr) break;
      if (space) out += ' ';
      text.remove_prefix(run + 1);
    }
  }
  if (options.lowercase)
    for (char& c : out) c = c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

double round_like_python(double x, int digits) {
  // printf rounds the exact binary value correctly (ties to even), as CPython's round() does.
  // cc_net rounds with numpy instead (rint(x * 10^digits) / 10^digits), which is the same for a
  // fastText score: a float's 24-bit significand times 100 is exact in a double, so rint sees the
  // exact value too, and dividing the integer by 100 gives the double nearest the decimal.
  char buffer[400];
  std::snprintf(buffer, sizeof buffer, "%.*f", digits, x);
  return std::strtod(buffer, nullptr);
}

LanguageId::LanguageId(const Options& options) : options_(options) {
  if (options_.model.empty()) options_.model = default_model_path();
  if (!std::filesystem::is_regular_file(options_.model))
    throw Error("language_id: model file '" + options_.model +
                    "' not found (scripts/setup.sh installs lid.176.ftz; or set `model`)",
                LOOM_ERR_CONFIG);
  try {
    classifier_ = std::make_unique<fasttext_inference::ClassifierPool>(options_.model);
  } catch (const std::exception& e) {
    throw Error("language_id: cannot load fastText model '" + options_.model + "': " + e.what(),
                LOOM_ERR_CONFIG);
  }
}

LanguageId::~LanguageId() = default;

void LanguageId::process(Batch& batch) {
  const bool filter = options_.mode == "filter";
  fasttext_inference::ClassifierPool::Lease lease = classifier_->borrow_cache();
  std::string line;
  for (Doc doc : batch) {
    if (doc.dropped()) continue;
    // The Python binding appends "\n"; predictLine reads up to it and adds </s>. The fast
    // classifier reads the line exactly as predictLine would.
    prepare_text(doc.text(), options_, line);
    line += '\n';
    const auto prediction = classifier_->classifier().predict(line, lease.cache());
    std::string label;
    double score = 0.0;
    if (prediction) {
      label = prediction->label;
      if (label.starts_with(label_prefix)) label.erase(0, label_prefix.size());
      score = std::min(1.0, static_cast<double>(prediction->probability));
    }
    if (options_.score_digits >= 0)
      score = round_like_python(score, static_cast<int>(options_.score_digits));
    std::vector<std::pair<std::string, Value>> fields;
    fields.emplace_back(options_.label_field, Value::string(label));
    if (!options_.score_field.empty())
      fields.emplace_back(options_.score_field, Value::real(score));
    if (options_.field_position == "first") {
      set_fields_first(doc, std::move(fields));
    } else {
      for (auto& [key, value] : fields) doc.set_meta(key, value);
    }
    if (!filter) continue;
    // cc_net's order and its separate counts: its Classifier step drops an empty text and a
    // (rounded) score under the threshold whatever the label; keep_lang then drops the labels
    // not whitelisted.
    const auto& keep = options_.languages;
    if (doc.text().empty())
      doc.drop("empty_text");
    else if (score < options_.threshold)
      doc.drop("score_below_threshold");
    else if (!keep.empty() && std::find(keep.begin(), keep.end(), label) == keep.end())
      doc.drop("language_not_listed");
  }
}

}  // namespace loom::langid
