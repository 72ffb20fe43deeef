#include "wet_shard_reader.hpp"

#include <text/python_whitespace.hpp>
#include "wet_document.hpp"

#include <simdjson.h>

#include <utility>

namespace loom::commoncrawl {

using textlib::count_code_points;

WetShardReader::WetShardReader(const WetSourceOptions& options, std::string path,
                               std::string segment)
    : options_(options), path_(std::move(path)), segment_(std::move(segment)) {
  try {
    auto input = std::make_shared<Input>(Input::open(path_));
    records_ = std::make_unique<RecordReader>(
        [input](char* buffer, std::size_t capacity) { return input->read(buffer, capacity); },
        static_cast<std::size_t>(options_.max_record_bytes));
  } catch (const Error& e) {
    if (options_.on_error != "skip") throw;
    log(LOOM_LOG_WARN, path_ + ": " + e.what() + " (on_error: skip)");
    batch_skip_pending_ = true;
    done_ = true;
  }
}

WetShardReader::~WetShardReader() {
  if (length_mismatches_ == 0) return;
  try {
    log(LOOM_LOG_INFO,
        path_ + ": " + std::to_string(length_mismatches_) + " conversion record" +
            (length_mismatches_ == 1 ? "" : "s") +
            " whose Content-Length differs from the block framed by WARC/1.0 lines (first: " +
            first_mismatch_ + "); kept, as cc_net frames by lines");
  } catch (...) {
  }
}

std::string WetShardReader::where() const {
  return path_ + ": record " + std::to_string(record_.index + 1) + " (byte " +
         std::to_string(record_.offset) + " of the decompressed stream)";
}

void WetShardReader::input_failed(Batch& batch, const std::exception& e) {
  // The record being read when the stream failed is lost with the rest of the file. The host's
  // I/O errors name the file already.
  const std::string message =
      "reading record " + std::to_string(record_read_ ? record_.index + 2 : 1) + ": " + e.what();
  if (options_.on_error != "skip") throw Error(message, LOOM_ERR_IO);
  log(LOOM_LOG_WARN, message + " (on_error: skip: the rest of the file is skipped)");
  batch.count_skipped("input_error");
  done_ = true;
}

bool WetShardReader::next_record(Batch& batch) {
  try {
    record_read_ = records_->next(record_);
    if (!record_read_) done_ = true;
    return record_read_;
  } catch (const std::exception& e) {
    input_failed(batch, e);
    return false;
  }
}

std::size_t WetShardReader::emit(Batch& batch) {
  WetDocument wet;
  if (const char* reason = parse_wet_document(record_, wet)) {
    if (std::string_view(reason) == "record_too_large")
      log(LOOM_LOG_WARN, where() + ": longer than max_record_bytes (" +
                             std::to_string(options_.max_record_bytes) + "), skipped");
    batch.count_skipped(reason);
    return 0;
  }
  if (!simdjson::validate_utf8(record_.lines.data(), record_.lines.size())) {
    if (options_.invalid_utf8 == "fail")
      throw Error(where() + ": the record is not valid UTF-8", LOOM_ERR_INVALID_INPUT,
                  static_cast<std::int64_t>(record_.index));
    log(LOOM_LOG_WARN, where() + ": not valid UTF-8, skipped (invalid_utf8: skip)");
    batch.count_skipped("invalid_utf8");
    return 0;
  }
  if (static_cast<std::uint64_t>(wet.length) != record_.block_bytes) {
    if (length_mismatches_++ == 0)
      first_mismatch_ = "record " + std::to_string(record_.index + 1) + ", Content-Length " +
                        std::to_string(wet.length) + ", block " +
                        std::to_string(record_.block_bytes) + " bytes";
  }
  if (count_code_points(wet.raw_content) < static_cast<std::uint64_t>(options_.min_chars)) {
    batch.count_skipped("too_short");
    return 0;
  }
  Doc doc = batch.append();
  doc.set_text(wet.raw_content);
  doc.set_meta("url", wet.url);
  doc.set_meta("date_download", wet.date_download);
  doc.set_meta("digest", wet.digest);
  doc.set_meta("length", wet.length);
  doc.set_meta("nlines", wet.nlines);
  doc.set_meta("source_domain", wet.source_domain);
  doc.set_meta("title", wet.title);
  doc.set_meta("cc_segment", std::string_view(segment_));
  doc.set_origin(record_.index, record_.offset);
  return wet.raw_content.size();
}

bool WetShardReader::read(Batch& batch, std::size_t target_bytes) {
  if (batch_skip_pending_) {  // the file could not be opened (on_error: skip)
    batch_skip_pending_ = false;
    batch.count_skipped("input_error");
  }
  std::size_t bytes = 0;
  while (!done_ && (bytes < target_bytes || batch.empty())) {
    if (!next_record(batch)) break;
    bytes += emit(batch);
  }
  return done_;
}

}  // namespace loom::commoncrawl
