#include "arxiv_latex.hpp"

#include <charconv>
#include <vector>

namespace loom::arxiv {
namespace {

// The text split at the sizes listed in a JSON array of non-negative integers.
std::vector<std::string_view> split_files(std::string_view text, std::string_view sizes_json,
                                          std::size_t record) {
  std::vector<std::string_view> files;
  std::size_t at = 0;
  std::size_t i = 0;
  auto bad = [&](const std::string& why) {
    return Error("document " + std::to_string(record) + ": file sizes " + std::string(sizes_json) +
                     ": " + why,
                 LOOM_ERR_INVALID_INPUT, static_cast<std::int64_t>(record));
  };
  auto skip_space = [&] {
    while (i < sizes_json.size() && (sizes_json[i] == ' ' || sizes_json[i] == '\n')) ++i;
  };
  skip_space();
  if (i >= sizes_json.size() || sizes_json[i] != '[') throw bad("not a JSON array");
  ++i;
  skip_space();
  if (i < sizes_json.size() && sizes_json[i] == ']') {
    ++i;
  } else {
    for (;;) {
      skip_space();
      std::size_t size = 0;
      auto [end, ec] =
          std::from_chars(sizes_json.data() + i, sizes_json.data() + sizes_json.size(), size);
      if (ec != std::errc()) throw bad("expected a byte count");
      i = static_cast<std::size_t>(end - sizes_json.data());
      if (size > text.size() - at) throw bad("sizes add up to more than the text");
      files.push_back(text.substr(at, size));
      at += size;
      skip_space();
      if (i < sizes_json.size() && sizes_json[i] == ',') {
        ++i;
        continue;
      }
      if (i < sizes_json.size() && sizes_json[i] == ']') {
        ++i;
        break;
      }
      throw bad("expected ',' or ']'");
    }
  }
  if (at != text.size()) throw bad("sizes do not add up to the text's length");
  return files;
}

}  // namespace

ArxivLatex::ArxivLatex(const Options& options) : options_(options) {
  quirks_.paragraph_needs_subparagraph = options.paragraph_needs_subparagraph;
  quirks_.inline_comment_eats_preceding_char = options.inline_comment_eats_preceding_char;
  quirks_.unescapable_macro_fails_paper = options.unescapable_macro_drops_paper;
}

void ArxivLatex::process(Batch& batch) {
  for (std::size_t r = 0; r < batch.size(); ++r) {
    Doc doc = batch[r];
    if (doc.dropped()) continue;
    const std::string_view text = doc.text();
    std::vector<std::string_view> files;
    if (auto sizes = doc.meta(options_.files_field)) {
      if (sizes->type != LOOM_VALUE_JSON && sizes->type != LOOM_VALUE_STRING)
        throw Error("document " + std::to_string(r) + ": meta." + options_.files_field +
                        " is not a JSON array of file sizes",
                    LOOM_ERR_INVALID_INPUT, static_cast<std::int64_t>(r));
      files = split_files(text, sizes->s, r);
    } else {
      files.push_back(text);
    }
    CleanedProject cleaned = clean_project(files, quirks_);
    doc.remove_meta(options_.files_field);
    if (cleaned.failed) {
      auto id = doc.meta("arxiv_id");
      log(LOOM_LOG_WARN,
          "arxiv_latex: " +
              (id && id->type == LOOM_VALUE_STRING ? std::string(id->s)
                                                   : "document " + std::to_string(r)) +
              ": " + cleaned.failure + " (dropped: unescapable_macro)");
      doc.drop("unescapable_macro");
      continue;
    }
    if (cleaned.text.empty() && options_.drop_empty) {
      doc.drop("empty_text");
      continue;
    }
    doc.set_text(cleaned.text);
  }
}

}  // namespace loom::arxiv
