// WARC records of a WET file framed as cc_net's group_by_docs frames them: every line stripped
// (Unicode whitespace), the header block runs up to and including its first empty line, and a
// body line equal to "WARC/1.0" starts the next record. Content-Length plays no part in framing.
#pragma once

#include "line_reader.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace loom::commoncrawl {

// 32-bit: records are limited to max_record_bytes < 2 GiB, and a record of short lines holds
// many spans.
struct LineSpan {
  std::uint32_t offset;  // in WarcRecord::lines
  std::uint32_t size;
};

struct WarcRecord {
  std::uint64_t index = 0;   // 0-based position in the stream (every record, warcinfo included)
  std::uint64_t offset = 0;  // stream offset of its first line
  // Stripped lines, each followed by '\n', so consecutive body lines joined by '\n' are one
  // contiguous range of `lines`.
  std::vector<char> lines;
  std::vector<LineSpan> headers;
  std::vector<LineSpan> body;  // kept only for conversion records (see body_line_count)
  std::size_t body_line_count = 0;
  bool conversion = false;  // headers[1]'s value is "conversion" (cc_net's test, by position)
  bool too_large = false;   // over max_record_bytes: its body was not kept
  // Bytes of the block as framed: from the first body line up to the next record, less a final
  // pair of empty lines (the "\r\n\r\n" that ends a WARC record). Compared with Content-Length.
  std::uint64_t block_bytes = 0;

  std::string_view header(std::size_t i) const { return view(headers[i]); }
  std::string_view body_line(std::size_t i) const { return view(body[i]); }
  // body lines [first, last) joined by '\n'.
  std::string_view body_range(std::size_t first, std::size_t last) const {
    if (first >= last) return {};
    return std::string_view(lines.data(), lines.size())
        .substr(body[first].offset,
                body[last - 1].offset + body[last - 1].size - body[first].offset);
  }
  std::string_view view(const LineSpan& s) const {
    return std::string_view(lines.data(), lines.size()).substr(s.offset, s.size);
  }
  void clear();
};

class RecordReader {
 public:
  RecordReader(ByteSource source, std::size_t max_record_bytes);

  // The next record; false at the end of the stream.
  bool next(WarcRecord& record);

 private:
  void add_header(std::string_view line);
  void store(std::string_view line);
  void finish_current(std::uint64_t next_record_offset);

  LineReader lines_;
  std::size_t max_record_bytes_;
  WarcRecord current_;
  bool started_ = false;
  bool reading_headers_ = true;
  std::uint64_t next_index_ = 0;
  std::uint64_t body_start_ = 0;
  // Start offsets of the last two body lines and whether each was empty before stripping.
  std::uint64_t last_offsets_[2] = {0, 0};
  bool last_empty_[2] = {false, false};
};

}  // namespace loom::commoncrawl
