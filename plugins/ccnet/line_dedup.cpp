#include "line_dedup.hpp"

#include <ccnet_text/normalizer.hpp>
#include <spill/spill_errors.hpp>
#include <text/python_whitespace.hpp>

#include <algorithm>
#include <charconv>
#include <string_view>

namespace loom::ccnet {

namespace {

// Hashes of content.split("\n"), in order.
void line_hashes(std::string_view text, std::vector<std::uint64_t>& out) {
  out.clear();
  while (true) {
    const std::size_t end = text.find('\n');
    out.push_back(dedup_line_hash(text.substr(0, end)));
    if (end == std::string_view::npos) return;
    text.remove_prefix(end + 1);
  }
}

Error bad_line_ids(std::string_view json, std::size_t index) {
  return Error("ccnet_line_dedup: meta field line_ids is not a JSON list of integers: " +
                   std::string(json.substr(0, 80)),
               LOOM_ERR_INVALID_INPUT, static_cast<std::int64_t>(index));
}

// An incoming line_ids (a JSON list of integers, as this stage writes it).
std::vector<std::int64_t> parse_line_ids(const std::string_view text, std::size_t index) {
  std::vector<std::int64_t> ids;
  std::string_view json = text;
  auto bad = [&] { return bad_line_ids(text, index); };
  auto skip_spaces = [&] {
    while (!json.empty() && (json.front() == ' ' || json.front() == '\n' || json.front() == '\t' ||
                             json.front() == '\r'))
      json.remove_prefix(1);
  };
  skip_spaces();
  if (json.empty() || json.front() != '[') throw bad();
  json.remove_prefix(1);
  skip_spaces();
  if (!json.empty() && json.front() == ']') return ids;
  while (true) {
    skip_spaces();
    std::int64_t id = 0;
    const auto [end, ec] = std::from_chars(json.data(), json.data() + json.size(), id);
    if (ec != std::errc()) throw bad();
    ids.push_back(id);
    json.remove_prefix(static_cast<std::size_t>(end - json.data()));
    skip_spaces();
    if (json.empty()) throw bad();
    const char c = json.front();
    json.remove_prefix(1);
    if (c == ']') break;
    if (c != ',') throw bad();
  }
  skip_spaces();
  if (!json.empty()) throw bad();
  return ids;
}

}  // namespace

LineDedup::LineDedup(const Options& options)
    : options_(options),
      groups_(static_cast<std::size_t>(options.memory_budget_mb * 1024 * 1024), options.spill_dir),
      // A sixteenth of the budget (64 MiB at the default), so that a small budget stays small.
      first_pass_(std::min(FirstPassHashes::default_capacity_bytes,
                           static_cast<std::size_t>(options.memory_budget_mb * 1024 * 1024 / 16))) {
}

std::uint64_t LineDedup::group_of(const Batch& batch) const {
  return options_.group_shards == 0
             ? 0
             : batch.shard_index() / static_cast<std::uint64_t>(options_.group_shards);
}

void LineDedup::observe(const Batch& batch) {
  const std::uint64_t group = group_of(batch);
  for (std::size_t i = 0; i < batch.size(); ++i) {
    const Doc doc = batch[i];
    // HashesCollector skips documents without content (compute_hashes returns None).
    if (doc.dropped() || doc.text().empty()) continue;
    line_hashes(doc.text(), hashes_);
    first_pass_.keep(doc.text(), hashes_);  // before add_document, which sorts them in place
    groups_.add_document(group, hashes_);
  }
}

void LineDedup::process(Batch& batch) {
  groups_.finish();
  if (!spill_logged_ && groups_.duplicated().spilled()) {
    spill_logged_ = true;
    log(LOOM_LOG_INFO, "ccnet_line_dedup: " + std::to_string(groups_.duplicated().size()) +
                           " lines found in two or more documents, held on disk (" +
                           std::to_string(groups_.duplicated().spills()) +
                           " sorted runs written) to stay within memory_budget_mb");
  }
  const DuplicatedInGroup counts = groups_.duplicated_in(group_of(batch));
  // Once the duplicated lines spill, a lookup may read a run (its I/O errors name the file).
  spill::with_spill_errors([&] {
    for (std::size_t i = 0; i < batch.size(); ++i) {
      Doc doc = batch[i];
      if (doc.dropped()) continue;
      dedup_document(doc, i, counts);
    }
  });
}

void LineDedup::export_keys(std::uint32_t, KeyExport& out) {
  if (!exchange_) {
    groups_.finish();
    exchange_.emplace(groups_, static_cast<std::size_t>(options_.memory_budget_mb * 1024 * 1024));
  }
  exchange_->export_keys(out);
}

void LineDedup::import_keys(std::uint32_t, const MergedKeys& in) {
  if (!exchange_)
    throw Error("ccnet_line_dedup: keys imported before any export", LOOM_ERR_INTERNAL);
  const bool sizing = !exchange_->sized();
  exchange_->import_keys(in);
  if (sizing && exchange_->parts() > 1)
    log(LOOM_LOG_INFO, "ccnet_line_dedup: " + std::to_string(exchange_->most_keys()) +
                           " line hashes on the busiest rank, exchanged in " +
                           std::to_string(exchange_->parts()) +
                           " parts to keep each round within memory_budget_mb");
  if (exchange_->done()) exchange_.reset();
}

void LineDedup::dedup_document(Doc doc, std::size_t index, const DuplicatedInGroup& counts) {
  const std::string_view content = doc.text();
  if (content.empty()) {
    doc.drop("empty_text");
    return;
  }
  if (!first_pass_.take(content, hashes_)) line_hashes(content, hashes_);
  // DuplicatesRemover: a hash two documents have is zeroed; no surviving line drops the doc.
  std::size_t kept = 0;
  for (const std::uint64_t hash : hashes_) counts.prefetch(hash);
  for (std::uint64_t& hash : hashes_) {
    if (counts.duplicated(hash)) {
      hash = 0;
    } else {
      ++kept;
    }
  }
  if (kept == 0) {
    doc.drop("all_lines_duplicate");
    return;
  }
  // finalize_doc.
  if (!doc.meta("original_nlines")) {
    const std::optional<Value> nlines = doc.meta("nlines");
    doc.set_meta("original_nlines",
                 nlines ? *nlines : Value::integer(static_cast<std::int64_t>(hashes_.size())));
  }
  if (!doc.meta("original_length")) {
    const std::optional<Value> length = doc.meta("length");
    doc.set_meta(
        "original_length",
        length ? *length
               : Value::integer(static_cast<std::int64_t>(textlib::count_code_points(content))));
  }
  // An earlier pass's line_ids maps this text's lines to the original's.
  std::vector<std::int64_t> incoming_ids;
  const std::optional<Value> ids = doc.meta("line_ids");
  if (ids) {
    if (ids->type != LOOM_VALUE_JSON) throw bad_line_ids(ids->s, index);
    incoming_ids = parse_line_ids(ids->s, index);
  }
  // zip(original_line_ids, lines, hashes) stops at the shortest.
  const std::size_t lines = ids ? std::min(incoming_ids.size(), hashes_.size()) : hashes_.size();
  seen_.start(lines);
  line_ids_.clear();
  // Most documents lose no line: their text stays as it is (no copy), and is only built anew
  // from the first line removed on (the lines before it are the text's first bytes as they are).
  bool removed = lines < hashes_.size();  // a shorter incoming line_ids cuts the text
  text_.clear();
  std::string_view rest = content;
  for (std::size_t k = 0; k < lines; ++k) {
    const std::size_t end = rest.find('\n');
    const std::string_view line = rest.substr(0, end);
    const std::size_t line_start = content.size() - rest.size();
    rest.remove_prefix(end == std::string_view::npos ? rest.size() : end + 1);
    const std::uint64_t hash = hashes_[k];
    const bool first = seen_.first_time(hash);
    if (!first || hash == 0) {
      // Lines 0 to k-1 were all kept: they are the text up to line k's preceding '\n'.
      if (!removed) text_.assign(content.substr(0, line_start == 0 ? 0 : line_start - 1));
      removed = true;
      continue;
    }
    if (removed) {
      if (!line_ids_.empty()) text_.push_back('\n');
      text_.append(line);
    }
    line_ids_.push_back(ids ? incoming_ids[k] : static_cast<std::int64_t>(k));
  }
  ids_json_ = "[";
  char digits[24];
  for (std::size_t k = 0; k < line_ids_.size(); ++k) {
    if (k > 0) ids_json_.push_back(',');
    const auto written = std::to_chars(digits, digits + sizeof digits, line_ids_[k]);
    ids_json_.append(digits, written.ptr);
  }
  ids_json_.push_back(']');
  if (removed) doc.set_text(text_);
  const std::string_view kept_text = removed ? std::string_view(text_) : content;
  doc.set_meta("nlines", static_cast<std::int64_t>(line_ids_.size()));
  doc.set_meta("length", static_cast<std::int64_t>(textlib::count_code_points(kept_text)));
  doc.set_meta("line_ids", Value::json(ids_json_));
}

}  // namespace loom::ccnet
