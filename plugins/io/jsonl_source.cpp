#include "jsonl_source.hpp"

#include <simdjson.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <new>
#include <optional>
#include <utility>

namespace loom::io {
namespace {

// A line split across lent blocks is joined in a buffer that starts this large.
constexpr std::size_t kJoinedBytes = std::size_t{64} << 10;
static_assert(Input::kLendPadding >= simdjson::SIMDJSON_PADDING,
              "simdjson parses a lent line in place: its padding must fit in the lend padding");
// Texts at least this long skip the parser's string buffer (see take_large_text).
constexpr std::size_t kLargeTextBytes = std::size_t{1} << 20;

bool is_blank(std::string_view line) {
  return std::all_of(line.begin(), line.end(),
                     [](char c) { return c == ' ' || c == '\t' || c == '\r'; });
}

bool has_whitespace(std::string_view json) {
  return json.find_first_of(" \t\r\n") != std::string_view::npos;
}

std::string describe(simdjson::error_code code) {
  switch (code) {
    case simdjson::UTF8_ERROR: return "invalid UTF-8";
    case simdjson::INCORRECT_TYPE: return "invalid record: not a JSON object";
    default: return std::string("invalid JSON: ") + simdjson::error_message(code);
  }
}

const char* type_name(simdjson::ondemand::json_type type) {
  using simdjson::ondemand::json_type;
  switch (type) {
    case json_type::array: return "an array";
    case json_type::object: return "an object";
    case json_type::number: return "a number";
    case json_type::string: return "a string";
    case json_type::boolean: return "a boolean";
    case json_type::null: return "null";
  }
  return "unknown";
}

// A problem with one line: reported as an error or, with on_error: skip, logged and counted.
struct LineProblem {
  std::string what;
};

class JsonlReader final : public ShardReader {
 public:
  JsonlReader(const JsonlSourceOptions& options, std::string shard, Input input)
      : options_(options),
        shard_(std::move(shard)),
        skip_errors_(options.on_error == "skip"),
        max_line_(static_cast<std::size_t>(options.max_line_bytes)),
        input_(std::move(input)) {
    keep_all_ = options.field_map.empty();
    mapped_.resize(options.field_map.size());
  }

  ~JsonlReader() override {
    if (skipped_ == 0) return;
    try {
      log(LOOM_LOG_WARN, shard_ + ": skipped " + std::to_string(skipped_) + " bad line" +
                             (skipped_ == 1 ? "" : "s") + " (on_error: skip)");
    } catch (...) {
    }
  }

  bool read(Batch& batch, std::size_t target_bytes) override {
    const bool done = append_documents(batch, target_bytes);
    shrink_joined();
    if (skipped_in_batch_ > 0) batch.count_skipped("invalid_record", skipped_in_batch_);
    skipped_in_batch_ = 0;
    return done;
  }

 private:
  // Appends documents until about target_bytes of text; true at the end of the shard.
  bool append_documents(Batch& batch, std::size_t target_bytes) {
    std::size_t text_bytes = 0;
    std::string_view line;
    std::uint64_t offset = 0;
    while (text_bytes < target_bytes) {
      if (!next_line(line, offset)) return true;
      if (is_blank(line)) continue;
      if (line.back() == '\r') line.remove_suffix(1);
      std::optional<LineProblem> problem = parse(line);
      if (problem) {
        report(problem->what, line_number_, offset);
        continue;
      }
      if (!take_large_text(batch, offset)) continue;
      Doc doc = batch.append();
      doc.set_text(text_);
      doc.set_origin(line_number_ - 1, offset);
      if (keep_all_) {
        for (const auto& [key, value] : all_) doc.set_meta(key, value);
      } else {
        for (std::size_t k = 0; k < mapped_.size(); ++k)
          if (mapped_[k]) doc.set_meta(options_.field_map[k].first, *mapped_[k]);
      }
      text_bytes += text_.size();
    }
    return false;
  }

  // The next line (without its '\n') and the stream offset of its first byte; false at the end.
  // A line is parsed where the host lent it (Input::lend, no copy); only one that runs past the
  // end of a lent block is joined in a buffer of the reader's. Lines longer than max_line_bytes
  // are reported as soon as that many bytes have been seen, and never joined whole.
  bool next_line(std::string_view& line, std::uint64_t& offset) {
    joined_size_ = 0;  // the previous line is done with
    while (true) {
      if (pos_ == lent_.size()) {
        if (!eof_) {
          lent_offset_ += lent_.size();
          lent_ = input_.lend();
          pos_ = 0;
          eof_ = lent_.empty();
          continue;
        }
        if (joined_size_ == 0 || discarding_) return false;
        ++line_number_;  // the last line, without a newline
        line = std::string_view(joined_.get(), joined_size_);
        line_capacity_ = joined_capacity_ + Input::kLendPadding;
        offset = joined_offset_;
        joined_size_ = 0;
        return true;
      }
      const char* start = lent_.data() + pos_;
      const std::size_t available = lent_.size() - pos_;
      const char* newline = static_cast<const char*>(std::memchr(start, '\n', available));
      const std::size_t length =
          newline != nullptr ? static_cast<std::size_t>(newline - start) : available;
      if (discarding_) {  // the rest of a skipped over-long line
        pos_ += newline != nullptr ? length + 1 : length;
        discarding_ = newline == nullptr;
        continue;
      }
      if (joined_size_ + length > max_line_) {
        ++line_number_;
        offset = joined_size_ > 0 ? joined_offset_ : lent_offset_ + pos_;
        joined_size_ = 0;
        pos_ += newline != nullptr ? length + 1 : length;
        discarding_ = newline == nullptr;
        report("line longer than max_line_bytes (" + std::to_string(max_line_) + ")", line_number_,
               offset);
        continue;
      }
      if (newline == nullptr) {  // the line goes on in the next lent block
        if (joined_size_ == 0) joined_offset_ = lent_offset_ + pos_;
        join(start, length);
        pos_ += length;
        continue;
      }
      ++line_number_;
      pos_ += length + 1;
      if (joined_size_ == 0) {
        line = std::string_view(start, length);
        line_capacity_ =
            static_cast<std::size_t>(lent_.data() + lent_.size() - start) + Input::kLendPadding;
        offset = lent_offset_ + (pos_ - length - 1);
      } else {
        join(start, length);
        line = std::string_view(joined_.get(), joined_size_);
        line_capacity_ = joined_capacity_ + Input::kLendPadding;
        offset = joined_offset_;
      }
      return true;
    }
  }

  // Appends to the line being joined. It never holds more than max_line_bytes (next_line checks
  // first), and realloc lets the C library move a large block by remapping its pages instead of
  // holding the old and the new copy at once.
  void join(const char* bytes, std::size_t count) {
    if (joined_size_ + count > joined_capacity_) {
      std::size_t capacity = std::max(kJoinedBytes, joined_capacity_);
      while (capacity < joined_size_ + count) capacity *= 2;
      capacity = std::min(capacity, max_line_);
      void* moved = std::realloc(joined_.get(), capacity + Input::kLendPadding);
      if (moved == nullptr) throw std::bad_alloc();
      (void)joined_.release();
      joined_.reset(static_cast<char*>(moved));
      joined_capacity_ = capacity;
    }
    std::memcpy(joined_.get() + joined_size_, bytes, count);
    joined_size_ += count;
  }

  // After a long line the documents hold their own copies, so the join buffer does not keep a
  // book's worth of memory for the rest of the shard.
  void shrink_joined() {
    if (joined_capacity_ <= kJoinedBytes) return;
    joined_.reset();
    joined_capacity_ = joined_size_ = 0;
  }

  void report(const std::string& what, std::uint64_t line, std::uint64_t offset) {
    std::string message = shard_ + ":" + std::to_string(line) + ": " + what;
    if (!skip_errors_)
      throw Error(message)
          .at_line(static_cast<std::int64_t>(line))
          .at_offset(static_cast<std::int64_t>(offset));
    ++skipped_;
    ++skipped_in_batch_;
    log(LOOM_LOG_WARN, message + " (skipped)");
  }

  // A large text is unescaped straight into the batch rather than into the parser's string
  // buffer and then copied: one copy of a book instead of two. False (reported) on a bad escape.
  bool take_large_text(Batch& batch, std::uint64_t offset) {
    if (large_text_.raw() == nullptr) return true;
    auto* out = reinterpret_cast<std::uint8_t*>(
        batch.alloc(large_text_bytes_ + simdjson::SIMDJSON_PADDING));
    const auto* start = reinterpret_cast<const char*>(out);
    const simdjson::simdjson_result<std::string_view> text = parser_.unescape(large_text_, out);
    if (text.error()) {
      report(describe(text.error()), line_number_, offset);
      return false;
    }
    text_ = std::string_view(start, text.value_unsafe().size());
    return true;
  }

  // Parses one line into text_ and the meta fields; views stay valid until the next parse.
  std::optional<LineProblem> parse(std::string_view line) {
    text_ = {};
    large_text_ = {};
    all_.clear();
    std::fill(mapped_.begin(), mapped_.end(), std::nullopt);
    json_scratch_.clear();
    json_scratch_.reserve(line.size());  // minified JSON never outgrows the line: views stay put
    bool have_text = false;
    try {
      simdjson::padded_string_view view(line.data(), line.size(), line_capacity_);
      simdjson::ondemand::document doc = parser_.iterate(view);
      simdjson::ondemand::object object = doc.get_object();
      for (auto field : object) {
        std::string_view key = field.unescaped_key();
        simdjson::ondemand::value value = field.value();
        if (key == options_.text_field) {
          simdjson::ondemand::json_type type = value.type();
          if (type != simdjson::ondemand::json_type::string)
            return LineProblem{"text field '" + options_.text_field + "' is " + type_name(type) +
                               ", not a string"};
          large_text_ = {};
          const std::size_t token_bytes = value.raw_json_token().size();
          if (token_bytes >= kLargeTextBytes) {
            large_text_ = value.get_raw_json_string();
            large_text_bytes_ = token_bytes;
          } else {
            text_ = value.get_string();
          }
          have_text = true;
          continue;
        }
        if (keep_all_) {
          all_.emplace_back(key, convert(value));
          continue;
        }
        std::optional<Value> converted;
        for (std::size_t k = 0; k < mapped_.size(); ++k) {
          if (options_.field_map[k].second != key) continue;
          if (!converted) converted = convert(value);
          mapped_[k] = converted;
        }
      }
      if (!doc.current_location().error())
        return LineProblem{"invalid JSON: unexpected content after the object"};
    } catch (const simdjson::simdjson_error& e) {
      return LineProblem{describe(e.error())};
    }
    if (!have_text) return LineProblem{"missing text field '" + options_.text_field + "'"};
    return fill_missing_fields();
  }

  // A mapped input field absent from the record: an error, a null, or nothing, as configured.
  std::optional<LineProblem> fill_missing_fields() {
    if (options_.missing_fields == "omit") return std::nullopt;
    for (std::size_t k = 0; k < mapped_.size(); ++k) {
      if (mapped_[k]) continue;
      if (options_.missing_fields == "null") {
        mapped_[k] = Value::null();
        continue;
      }
      const auto& [meta_name, input_name] = options_.field_map[k];
      return LineProblem{"missing field '" + input_name + "' (mapped to meta '" + meta_name +
                         "'; set missing_fields: null or omit to accept it)"};
    }
    return std::nullopt;
  }

  Value convert(simdjson::ondemand::value value) {
    using simdjson::ondemand::json_type;
    switch (json_type(value.type())) {
      case json_type::string: return Value::string(value.get_string());
      case json_type::boolean: return Value::boolean(value.get_bool());
      case json_type::null:
        if (!bool(value.is_null())) throw simdjson::simdjson_error(simdjson::INCORRECT_TYPE);
        return Value::null();
      case json_type::array: return nested(simdjson::ondemand::array(value.get_array()).raw_json());
      case json_type::object:
        return nested(simdjson::ondemand::object(value.get_object()).raw_json());
      case json_type::number: return number(value);
    }
    throw simdjson::simdjson_error(simdjson::INCORRECT_TYPE);
  }

  // Integers that do not fit int64 and floats that overflow a double keep their exact token.
  static Value number(simdjson::ondemand::value value) {
    std::string_view token = value.raw_json_token();
    while (!token.empty() && (token.back() == ' ' || token.back() == '\t' || token.back() == '\r'))
      token.remove_suffix(1);
    bool integral = token.find_first_of(".eE") == std::string_view::npos;
    if (integral) {
      std::int64_t i = 0;
      if (value.get_int64().get(i) == simdjson::SUCCESS) return Value::integer(i);
      return Value::json(token);
    }
    double f = 0;
    if (value.get_double().get(f) == simdjson::SUCCESS) return Value::real(f);
    return Value::json(token);
  }

  Value nested(std::string_view raw) {
    if (!has_whitespace(raw)) return Value::json(raw);
    std::size_t start = json_scratch_.size();
    json_scratch_.resize(start + raw.size());
    std::size_t length = 0;
    if (simdjson::minify(raw.data(), raw.size(), json_scratch_.data() + start, length) !=
        simdjson::SUCCESS)
      throw simdjson::simdjson_error(simdjson::TAPE_ERROR);
    json_scratch_.resize(start + length);
    return Value::json(std::string_view(json_scratch_).substr(start, length));
  }

  const JsonlSourceOptions& options_;
  std::string shard_;
  bool skip_errors_;
  std::size_t max_line_;
  Input input_;

  std::string_view lent_;  // the block the host lent last; [pos_, end) is unread
  std::size_t pos_ = 0;
  std::uint64_t lent_offset_ = 0;  // stream offset of lent_[0]
  std::size_t line_capacity_ = 0;  // readable bytes from the current line's start (simdjson)
  bool eof_ = false;
  bool discarding_ = false;

  struct FreeBuffer {
    void operator()(char* p) const { std::free(p); }
  };
  std::unique_ptr<char, FreeBuffer> joined_;  // joined_capacity_ bytes plus the lend padding
  std::size_t joined_capacity_ = 0;
  std::size_t joined_size_ = 0;
  std::uint64_t joined_offset_ = 0;  // stream offset of the joined line's first byte
  std::uint64_t line_number_ = 0;    // lines seen so far, blank ones included
  std::uint64_t skipped_ = 0;
  std::uint64_t skipped_in_batch_ = 0;

  simdjson::ondemand::parser parser_;
  bool keep_all_ = true;
  std::string_view text_;
  simdjson::ondemand::raw_json_string large_text_;  // set instead of text_ for a large text
  std::size_t large_text_bytes_ = 0;                // its escaped size, quotes included
  std::vector<std::pair<std::string_view, Value>> all_;
  std::vector<std::optional<Value>> mapped_;
  std::string json_scratch_;
};

}  // namespace

std::vector<std::string> JsonlSource::shards() {
  shards_ = expand_paths(options_.paths);
  return shards_;
}

std::unique_ptr<ShardReader> JsonlSource::open(std::string_view shard, std::uint64_t index) {
  std::optional<Input> input;
  if (next_ && next_->index == index && shards_[index] == shard) input = std::move(next_->input);
  next_.reset();
  if (!input) input = Input::open(shard);
  open_next(index + 1);
  return std::make_unique<JsonlReader>(options_, std::string(shard), std::move(*input));
}

// The engine reads shards in order, so the next one is opened now: with more than one thread the
// host decodes a compressed file ahead on the other threads, and the start of the next shard then
// overlaps the parse of this one instead of waiting for it. Local files only (a download would
// start for a shard that may belong to another task), and a file that will not open now is
// opened, and its error reported, when its turn comes.
void JsonlSource::open_next(std::uint64_t index) {
  if (index >= shards_.size()) return;
  const std::string& path = shards_[index];
  if (path.find("://") != std::string::npos) return;
  try {
    next_.emplace(NextShard{index, Input::open(path)});
  } catch (const std::exception&) {
    next_.reset();
  }
}

}  // namespace loom::io
