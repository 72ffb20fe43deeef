#include "record_reader.hpp"

#include <text/python_whitespace.hpp>

#include <utility>

namespace loom::commoncrawl {

using textlib::python_split_token;
using textlib::python_strip;

namespace {

constexpr std::string_view kRecordStart = "WARC/1.0";

LineSpan span(std::size_t offset, std::size_t size) {
  return {static_cast<std::uint32_t>(offset), static_cast<std::uint32_t>(size)};
}

}  // namespace

void WarcRecord::clear() {
  lines.clear();
  headers.clear();
  body.clear();
  body_line_count = 0;
  conversion = false;
  too_large = false;
  block_bytes = 0;
}

RecordReader::RecordReader(ByteSource source, std::size_t max_record_bytes)
    : lines_(std::move(source), max_record_bytes), max_record_bytes_(max_record_bytes) {}

void RecordReader::store(std::string_view line) {
  append_bounded(current_.lines, line, max_record_bytes_ + 1);
  current_.lines.push_back('\n');
}

void RecordReader::add_header(std::string_view line) {
  current_.headers.push_back(span(current_.lines.size(), line.size()));
  store(line);
}

void RecordReader::finish_current(std::uint64_t next_record_offset) {
  std::uint64_t block_end = next_record_offset;
  if (current_.body_line_count >= 2 && last_empty_[0] && last_empty_[1])
    block_end = last_offsets_[0];
  current_.block_bytes = block_end > body_start_ ? block_end - body_start_ : 0;
}

bool RecordReader::next(WarcRecord& record) {
  Line line;
  while (lines_.next(line)) {
    const std::string_view stripped = python_strip(line.text);
    if (!started_) {
      started_ = true;
      current_.clear();
      current_.index = next_index_++;
      current_.offset = line.offset;
    }
    if (line.end - current_.offset > max_record_bytes_ || line.too_long) current_.too_large = true;
    if (reading_headers_) {
      if (!current_.too_large) add_header(stripped);
      reading_headers_ = !stripped.empty();
      if (!reading_headers_) {
        std::string_view type;
        current_.conversion = current_.headers.size() > 1 &&
                              python_split_token(current_.header(1), 1, type) &&
                              type == "conversion";
        body_start_ = line.end;
      }
      continue;
    }
    if (!line.too_long && stripped == kRecordStart) {
      finish_current(line.offset);
      std::swap(record, current_);
      current_.clear();
      current_.index = next_index_++;
      current_.offset = line.offset;
      add_header(stripped);
      reading_headers_ = true;
      return true;
    }
    if (current_.body_line_count == 0) body_start_ = line.offset;
    ++current_.body_line_count;
    last_offsets_[0] = last_offsets_[1];
    last_empty_[0] = last_empty_[1];
    last_offsets_[1] = line.offset;
    last_empty_[1] = line.text.empty() && !line.too_long;
    if (current_.conversion && !current_.too_large) {
      current_.body.push_back(span(current_.lines.size(), stripped.size()));
      store(stripped);
    }
  }
  if (!started_) return false;
  // cc_net parses the last record only if it has body lines; a lone header block is passed on
  // too, so that it is counted rather than silently lost.
  finish_current(lines_.position());
  std::swap(record, current_);
  started_ = false;
  return true;
}

}  // namespace loom::commoncrawl
