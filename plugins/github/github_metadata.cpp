#include "github_metadata.hpp"

#include <stdexcept>
#include <vector>

#include "python_text.hpp"

namespace loom::github {
namespace {

// A meta field copied out of the document, so it survives the document's meta being rebuilt.
struct OwnedField {
  std::string key;
  Value value;
  std::string bytes;  // STRING and JSON payload; value.s points here after own()

  void own() {
    if (value.type == LOOM_VALUE_STRING || value.type == LOOM_VALUE_JSON) value.s = bytes;
  }
};

}  // namespace

void GithubMetadata::process(Batch& batch) {
  std::vector<OwnedField> fields;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    Doc doc = batch[i];
    if (doc.dropped()) continue;
    PythonTextStats stats;
    try {
      stats = python_text_stats(doc.text());
    } catch (const std::invalid_argument& e) {
      throw Error(std::string("github_metadata: text is not valid UTF-8: ") + e.what(),
                  LOOM_ERR_INVALID_INPUT, static_cast<std::int64_t>(i));
    }
    std::optional<Value> hash = doc.meta(options_.hash_field);
    if (!hash)
      throw Error("github_metadata: document has no meta field '" + options_.hash_field +
                      "' (put content_hash before it)",
                  LOOM_ERR_INVALID_INPUT, static_cast<std::int64_t>(i));

    fields.clear();
    doc.for_each_meta([&](std::string_view key, const Value& value) {
      OwnedField& f = fields.emplace_back();
      f.key = key;
      f.value = value;
      f.bytes = value.s;
    });
    for (OwnedField& f : fields) {
      f.own();
      doc.remove_meta(f.key);
    }

    for (const OwnedField& f : fields)
      if (f.key == options_.hash_field) doc.set_meta(f.key, f.value);
    doc.set_meta("timestamp", std::string_view(options_.timestamp));
    doc.set_meta("source", std::string_view(options_.source));
    doc.set_meta("line_count", stats.line_count);
    doc.set_meta("max_line_length", stats.max_line_length);
    if (stats.line_count == 0) {
      doc.set_meta("avg_line_length", std::int64_t{0});
      doc.set_meta("alnum_prop", std::int64_t{0});
    } else {
      const auto length = static_cast<double>(stats.code_points);
      doc.set_meta("avg_line_length", length / static_cast<double>(stats.line_count));
      doc.set_meta("alnum_prop", static_cast<double>(stats.alnum_count) / length);
    }
    // Like Python's {..., **row}: a source column with one of the names above keeps that
    // position and takes the column's value.
    for (const OwnedField& f : fields)
      if (f.key != options_.hash_field) doc.set_meta(f.key, f.value);
  }
}

}  // namespace loom::github
