#include "jsonl_sink.hpp"

#include <algorithm>
#include <utility>

namespace loom::io {
namespace {

struct Chunk {
  std::string key;
  Buffer frame;       // compressed records
  std::string plain;  // or, without compression, the records themselves (no second copy)
  std::string_view bytes() const { return plain.empty() ? frame.view() : plain; }
};

struct PreparedBatch : SinkToken {
  std::vector<Chunk> chunks;  // in order of first appearance in the batch
};

std::string quoted(std::string_view s, JsonStyle style) {
  std::string out;
  if (!append_string(out, s, style))
    throw Error("field name '" + std::string(s) + "' is not valid UTF-8", LOOM_ERR_CONFIG);
  return out;
}

JsonStyle style_named(const std::string& name) {
  if (name == "compact") return JsonStyle::compact;
  if (name == "python_utf8") return JsonStyle::python_utf8;
  return JsonStyle::python;
}

}  // namespace

void JsonlSinkOptions::validate() const {
  PathTemplate parsed(path);  // throws on a malformed template
  if (max_file_bytes > 0 && !parsed.uses_part())
    throw Error("max_file_bytes needs '{part}' in path '" + path +
                    "' so that each part gets its own file name",
                LOOM_ERR_CONFIG);
  if (!text_after.empty() && (!meta_field.empty() || meta_first))
    throw Error("text_after '" + text_after +
                    "' places the text among top-level meta fields: it needs meta_field: '' and "
                    "meta_first: false",
                LOOM_ERR_CONFIG);
}

JsonlSink::JsonlSink(const Options& options)
    : options_(options),
      style_(style_named(options.json_style)),
      template_(options.path),
      commit_on_new_shard_(template_.uses_shard() && !template_.uses_meta()) {
  const bool with_spaces = spaced(style_);
  text_key_ = quoted(options.text_field, style_) + (with_spaces ? ": " : ":");
  if (!options.meta_field.empty())
    meta_key_ = quoted(options.meta_field, style_) + (with_spaces ? ": {" : ":{");
}

JsonlSink::~JsonlSink() = default;  // open outputs abort: no partial file looks complete

void JsonlSink::append_value(std::string& out, const Value& value) const {
  const bool with_spaces = spaced(style_);
  switch (value.type) {
    case LOOM_VALUE_NULL: out += "null"; break;
    case LOOM_VALUE_BOOL: out += value.b ? "true" : "false"; break;
    case LOOM_VALUE_INT: {
      char buf[24];
      auto r = std::to_chars(buf, buf + sizeof buf, value.i);
      out.append(buf, static_cast<std::size_t>(r.ptr - buf));
      break;
    }
    case LOOM_VALUE_FLOAT: append_python_float(out, value.f); break;
    case LOOM_VALUE_STRING:
      if (!append_string(out, value.s, style_)) throw Error("a meta value is not valid UTF-8");
      break;
    case LOOM_VALUE_JSON:
      if (!with_spaces) {
        out += value.s;
        break;
      }
      try {
        static thread_local simdjson::ondemand::parser parser;
        append_python_json(out, value.s, style_, parser);
      } catch (const simdjson::simdjson_error& e) {
        throw Error("a JSON meta value is malformed (" + std::string(e.what()) +
                    "): " + std::string(value.s.substr(0, 80)));
      }
      break;
  }
}

void JsonlSink::append_field(std::string& out, std::string_view key, const Value& value) const {
  if (!append_string(out, key, style_))
    throw Error("meta field name '" + std::string(key) + "' is not valid UTF-8");
  out += spaced(style_) ? ": " : ":";
  try {
    append_value(out, value);
  } catch (const Error& e) {
    throw Error("meta field '" + std::string(key) + "': " + e.what());
  }
}

void JsonlSink::append_text(const Doc& doc, std::string& out) const {
  out += text_key_;
  if (!append_string(out, doc.text(), style_)) throw Error("the text is not valid UTF-8");
}

// The meta object, or with an empty meta_field the bare fields; leading_separator puts a
// separator before the first thing written.
void JsonlSink::append_meta_fields(const Doc& doc, std::string& out, bool leading_separator) const {
  const bool with_spaces = spaced(style_);
  const bool nested = !options_.meta_field.empty();
  const char* separator = with_spaces ? ", " : ",";
  if (nested) {
    if (leading_separator) out += separator;
    out += meta_key_;
  }
  bool first = true;
  doc.for_each_meta([&](std::string_view key, const Value& value) {
    if (!first || (!nested && leading_separator)) out += separator;
    first = false;
    append_field(out, key, value);
  });
  if (nested) out += '}';
}

// Top-level meta fields with the text right after the text_after field (last without it).
void JsonlSink::append_text_among_fields(const Doc& doc, std::string& out) const {
  const char* separator = spaced(style_) ? ", " : ",";
  bool first = true;
  bool text_written = false;
  doc.for_each_meta([&](std::string_view key, const Value& value) {
    if (!first) out += separator;
    first = false;
    append_field(out, key, value);
    if (!text_written && key == options_.text_after) {
      out += separator;
      append_text(doc, out);
      text_written = true;
    }
  });
  if (!text_written) {
    if (!first) out += separator;
    append_text(doc, out);
  }
}

void JsonlSink::serialize(const Doc& doc, std::string& out) const {
  out += '{';
  if (!options_.text_after.empty()) {
    append_text_among_fields(doc, out);
  } else if (options_.meta_first) {
    append_meta_fields(doc, out, false);
    if (!options_.meta_field.empty() || doc.meta_count() > 0) out += spaced(style_) ? ", " : ",";
    append_text(doc, out);
  } else {
    append_text(doc, out);
    append_meta_fields(doc, out, true);
  }
  out += "}\n";
}

loom_codec JsonlSink::codec_for_key(const std::string& key) const {
  if (options_.compression == "none") return LOOM_CODEC_NONE;
  if (options_.compression == "gzip") return LOOM_CODEC_GZIP;
  if (options_.compression == "zstd") return LOOM_CODEC_ZSTD;
  return codec_for_path(PathTemplate::path(key, 0));
}

std::unique_ptr<SinkToken> JsonlSink::prepare(Batch& batch) {
  const std::string stem = shard_stem(batch.shard());
  const bool per_doc_key = template_.uses_meta();
  std::vector<std::pair<std::string, std::string>> groups;  // key -> serialized records
  thread_local std::string reused_records;
  std::size_t text_bytes = 0;
  for (Doc doc : batch) text_bytes += doc.text().size();

  for (std::size_t i = 0; i < batch.size(); ++i) {
    Doc doc = batch[i];
    try {
      if (groups.empty() || per_doc_key) {
        std::string key = template_.key(stem, doc);
        auto it = std::find_if(groups.begin(), groups.end(),
                               [&](const auto& g) { return g.first == key; });
        if (it == groups.end()) {
          groups.emplace_back(std::move(key), std::string());
          if (!per_doc_key) {
            // The thread's buffer from its last batch (see below), then text plus escapes plus
            // meta: a rough size that avoids most regrowth.
            // Without compression the records leave with the token, and write() hands them
            // back through the spares instead.
            std::string& records = groups.back().second;
            records.swap(reused_records);
            const std::size_t wanted = text_bytes + text_bytes / 4 + 4096;
            if (records.capacity() < wanted) {
              std::string spare = take_spare_records(wanted);
              if (spare.capacity() > records.capacity()) records.swap(spare);
            }
            records.clear();
            records.reserve(wanted);
          }
          it = groups.end() - 1;
        }
        serialize(doc, it->second);
      } else {
        serialize(doc, groups.front().second);
      }
    } catch (const Error& e) {
      throw Error(std::string(e.what()), e.code()).at_record(static_cast<std::int64_t>(i));
    }
  }

  auto token = std::make_unique<PreparedBatch>();
  token->chunks.reserve(groups.size());
  for (auto& [key, records] : groups) {
    Chunk chunk{key, Buffer(), std::string()};
    const loom_codec codec = codec_for_key(key);
    if (codec == LOOM_CODEC_NONE) {
      chunk.plain = std::move(records);
    } else {
      compress_frame(codec, static_cast<int>(options_.level), records, chunk.frame);
      // Kept for the thread's next batch: a fresh megabyte-sized buffer per batch costs page
      // faults (zeroed pages) worth a tenth of a one-thread run.
      // Not past 64 MiB: a huge document's buffer is not held by the thread for the whole run.
      if (records.capacity() > reused_records.capacity() && records.capacity() <= (64u << 20))
        reused_records.swap(records);
    }
    token->chunks.push_back(std::move(chunk));
  }
  return token;
}

namespace {
// About as many as the batches prepared ahead of write() at once, and at most 64 MiB in all, so
// that a run of large books does not hold several of their buffers for the rest of the run.
constexpr std::size_t kSpareRecords = 4;
constexpr std::size_t kSpareRecordBytes = std::size_t{64} << 20;
}  // namespace

// The smallest spare of at least `wanted` bytes, else the largest: a spare that is too small is
// grown into a new block, while the C library could have served the size from what it holds.
std::string JsonlSink::take_spare_records(std::size_t wanted) {
  const std::lock_guard lock(spare_mutex_);
  if (spare_records_.empty()) return {};
  auto best = spare_records_.begin();
  for (auto it = spare_records_.begin(); it != spare_records_.end(); ++it) {
    const bool fits = it->capacity() >= wanted;
    const bool best_fits = best->capacity() >= wanted;
    if (fits != best_fits
            ? fits
            : (fits ? it->capacity() < best->capacity() : it->capacity() > best->capacity()))
      best = it;
  }
  std::string records = std::move(*best);
  spare_records_.erase(best);
  spare_bytes_ -= records.capacity();
  return records;
}

void JsonlSink::give_back_records(std::string records) {
  const std::lock_guard lock(spare_mutex_);
  if (spare_records_.size() == kSpareRecords ||
      spare_bytes_ + records.capacity() > kSpareRecordBytes)
    return;
  spare_bytes_ += records.capacity();
  spare_records_.push_back(std::move(records));
}

JsonlSink::Target& JsonlSink::open_target(const std::string& key) {
  auto [it, inserted] = targets_.try_emplace(key);
  Target& target = it->second;
  if (target.out) return target;
  std::string path = PathTemplate::path(key, target.part);
  if (committed_paths_.count(path) != 0)
    throw Error("two inputs would write the same output file '" + path +
                    "' (input files with the same name in different folders?): put more in the "
                    "path template, e.g. {part} or a meta field",
                LOOM_ERR_INVALID_INPUT);
  target.out.emplace(Output::open(path, codec_for_key(key), static_cast<int>(options_.level)));
  open_order_.push_back(key);
  return target;
}

void JsonlSink::commit_all() {
  for (const std::string& key : open_order_) {
    Target& target = targets_.at(key);
    if (!target.out) continue;
    committed_paths_.insert(PathTemplate::path(key, target.part));
    target.out->commit();
    target.out.reset();
    ++target.part;
  }
  open_order_.clear();
}

void JsonlSink::write(Batch& batch, std::unique_ptr<SinkToken> token) {
  if (commit_on_new_shard_ && last_shard_index_ && *last_shard_index_ != batch.shard_index())
    commit_all();
  last_shard_index_ = batch.shard_index();
  if (!token) token = prepare(batch);
  auto& prepared = static_cast<PreparedBatch&>(*token);
  for (Chunk& chunk : prepared.chunks) {
    Target& target = open_target(chunk.key);
    target.out->write_raw(chunk.bytes());
    if (!chunk.plain.empty()) give_back_records(std::move(chunk.plain));
    if (options_.max_file_bytes > 0 &&
        target.out->bytes_written() >= static_cast<std::uint64_t>(options_.max_file_bytes)) {
      committed_paths_.insert(PathTemplate::path(chunk.key, target.part));
      target.out->commit();
      target.out.reset();
      ++target.part;
    }
  }
}

void JsonlSink::finish() { commit_all(); }

}  // namespace loom::io
