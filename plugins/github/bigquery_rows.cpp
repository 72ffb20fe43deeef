// BigQuery JSON export rows: one object per line; `content` is the text, the other columns are
// meta fields in input order (nested values such as `language` kept as compact JSON).
#include <simdjson.h>

#include <optional>
#include <utility>
#include <vector>

#include "github_source.hpp"

namespace loom::github {
namespace {

constexpr std::size_t read_bytes = std::size_t{1} << 20;

class BigqueryRows final : public ShardReader {
 public:
  explicit BigqueryRows(std::string path) : path_(std::move(path)), input_(Input::open(path_)) {}

  bool read(Batch& batch, std::size_t target_bytes) override {
    std::size_t text_bytes = 0;
    std::uint64_t null_content = 0;
    std::string line;
    while (text_bytes < target_bytes) {
      if (!next_line(line)) break;
      if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
      text_bytes += parse(line, batch, null_content);
    }
    if (null_content > 0) batch.count_skipped("content_null", null_content);
    return at_end_;
  }

 private:
  bool next_line(std::string& line) {
    while (true) {
      const std::size_t newline = pending_.find('\n', scan_from_);
      if (newline != std::string::npos) {
        line.assign(pending_, 0, newline);
        pending_.erase(0, newline + 1);
        scan_from_ = 0;
        ++line_number_;
        return true;
      }
      scan_from_ = pending_.size();
      if (eof_) {
        at_end_ = true;
        if (pending_.empty()) return false;
        line.swap(pending_);
        pending_.clear();
        scan_from_ = 0;
        ++line_number_;
        return true;
      }
      const std::size_t old = pending_.size();
      pending_.resize(old + read_bytes);
      const std::size_t n = input_.read(pending_.data() + old, read_bytes);
      pending_.resize(old + n);
      if (n == 0) eof_ = true;
    }
  }

  [[noreturn]] void fail(const std::string& what) const {
    throw Error(path_ + ":" + std::to_string(line_number_) + ": " + what)
        .at_line(static_cast<std::int64_t>(line_number_));
  }

  // Appends the row's document unless its content is null; returns its text size.
  std::size_t parse(const std::string& line, Batch& batch, std::uint64_t& null_content) {
    simdjson::padded_string padded(line);
    columns_.clear();
    minified_.clear();
    minified_.reserve(line.size());  // never outgrown, so views into it stay valid
    std::optional<std::string_view> content;
    bool content_null = false;
    try {
      simdjson::ondemand::document row = parser_.iterate(padded);
      simdjson::ondemand::object object = row.get_object();
      for (auto column : object) {
        const std::string_view key = column.unescaped_key();
        simdjson::ondemand::value value = column.value();
        using simdjson::ondemand::json_type;
        const json_type type = value.type();
        if (key == "content") {
          if (type == json_type::null) {
            content_null = bool(value.is_null());
            continue;
          }
          if (type != json_type::string) fail("column 'content' is not a string");
          content = std::string_view(value.get_string());
          continue;
        }
        columns_.emplace_back(key, convert(key, value, type));
      }
      if (!row.current_location().error()) fail("invalid JSON: content after the object");
    } catch (const simdjson::simdjson_error& e) {
      fail(e.error() == simdjson::UTF8_ERROR ? std::string("invalid UTF-8")
                                             : std::string("invalid JSON: ") + e.what());
    }
    if (content_null) {
      ++null_content;
      return 0;
    }
    if (!content) fail("row has no 'content' column");
    Doc doc = batch.append();
    doc.set_text(*content);
    for (const auto& [key, value] : columns_) doc.set_meta(key, value);
    doc.set_origin(line_number_ - 1, 0);
    return content->size();
  }

  Value convert(std::string_view key, simdjson::ondemand::value value,
                simdjson::ondemand::json_type type) {
    using simdjson::ondemand::json_type;
    switch (type) {
      case json_type::string: return Value::string(value.get_string());
      case json_type::boolean: return Value::boolean(value.get_bool());
      case json_type::null:
        if (!bool(value.is_null())) fail("invalid JSON in column '" + std::string(key) + "'");
        return Value::null();
      case json_type::number: {
        const std::string_view token = value.raw_json_token();
        std::int64_t i = 0;
        double f = 0;
        if (token.find_first_of(".eE") == std::string_view::npos &&
            value.get_int64().get(i) == simdjson::SUCCESS)
          return Value::integer(i);
        if (value.get_double().get(f) == simdjson::SUCCESS) return Value::real(f);
        fail("number out of range in column '" + std::string(key) + "'");
      }
      case json_type::array:
      case json_type::object: {
        const std::string_view raw =
            type == json_type::array ? simdjson::ondemand::array(value.get_array()).raw_json()
                                     : simdjson::ondemand::object(value.get_object()).raw_json();
        const std::size_t start = minified_.size();
        minified_.resize(start + raw.size());
        std::size_t length = 0;
        if (simdjson::minify(raw.data(), raw.size(), minified_.data() + start, length) !=
            simdjson::SUCCESS)
          fail("invalid JSON in column '" + std::string(key) + "'");
        minified_.resize(start + length);
        return Value::json(std::string_view(minified_).substr(start, length));
      }
    }
    fail("invalid JSON in column '" + std::string(key) + "'");
  }

  std::string path_;
  Input input_;
  std::string pending_;
  std::size_t scan_from_ = 0;
  bool eof_ = false;
  bool at_end_ = false;
  std::uint64_t line_number_ = 0;
  simdjson::ondemand::parser parser_;
  std::string minified_;
  std::vector<std::pair<std::string_view, Value>> columns_;
};

}  // namespace

std::unique_ptr<ShardReader> open_bigquery_rows(std::string path) {
  return std::make_unique<BigqueryRows>(std::move(path));
}

}  // namespace loom::github
