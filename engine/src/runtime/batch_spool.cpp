#include "runtime/batch_spool.hpp"

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace loom::runtime {

namespace fs = std::filesystem;

namespace {

// -- serialization: fixed-width native integers, strings as length + bytes --------------------

template <class T>
void put(std::string& out, T value) {
  out.append(reinterpret_cast<const char*>(&value), sizeof value);
}
void put_bytes(std::string& out, std::string_view bytes) {
  put<std::uint64_t>(out, bytes.size());
  out.append(bytes);
}

class Reader {
 public:
  explicit Reader(std::string_view bytes) : rest_(bytes) {}
  template <class T>
  T get() {
    need(sizeof(T));
    T value;
    std::memcpy(&value, rest_.data(), sizeof value);
    rest_.remove_prefix(sizeof value);
    return value;
  }
  std::string_view bytes() {
    const auto size = get<std::uint64_t>();
    need(size);
    std::string_view out = rest_.substr(0, size);
    rest_.remove_prefix(size);
    return out;
  }
  bool done() const { return rest_.empty(); }

 private:
  void need(std::size_t n) const {
    if (rest_.size() < n) throw std::runtime_error("a spilled batch is truncated");
  }
  std::string_view rest_;
};

}  // namespace

void serialize_batch(const Batch& batch, std::string& out) {
  out.clear();
  put<std::uint64_t>(out, batch.seq);
  put<std::uint8_t>(out,
                    static_cast<std::uint8_t>((batch.shard ? 1 : 0) | (batch.ends_shard ? 2 : 0)));
  if (batch.shard) {
    put<std::uint64_t>(out, batch.shard->index);
    put_bytes(out, batch.shard->uri);
  }
  put<std::uint64_t>(out, batch.docs.size());
  for (const Document& doc : batch.docs) {
    put_bytes(out, doc.text);
    put<std::uint64_t>(out, doc.record_index);
    put<std::uint64_t>(out, doc.byte_offset);
    put_bytes(out, doc.drop_reason);
    put<std::uint32_t>(out, doc.meta_count);
    for (std::int32_t i = doc.meta_head; i >= 0; i = batch.meta[i].next) {
      const MetaEntry& entry = batch.meta[i];
      put_bytes(out, entry.key);
      put<std::uint32_t>(out, entry.value.type);
      switch (entry.value.type) {
        case LOOM_VALUE_BOOL: put<std::int32_t>(out, entry.value.as.b); break;
        case LOOM_VALUE_INT: put<std::int64_t>(out, entry.value.as.i); break;
        case LOOM_VALUE_FLOAT: put<double>(out, entry.value.as.f); break;
        case LOOM_VALUE_STRING:
        case LOOM_VALUE_JSON:
          put_bytes(out, std::string_view(entry.value.as.s.data, entry.value.as.s.size));
          break;
        default: break;
      }
    }
  }
}

BatchPtr deserialize_batch(std::string_view bytes) {
  Reader in(bytes);
  auto batch = std::make_shared<Batch>();
  batch->arena.reserve(bytes.size());  // its texts, keys and strings are fewer bytes than these
  batch->seq = in.get<std::uint64_t>();
  const auto shard_flags = in.get<std::uint8_t>();
  batch->ends_shard = (shard_flags & 2) != 0;
  if ((shard_flags & 1) != 0) {
    auto shard = std::make_shared<ShardRef>();
    shard->index = in.get<std::uint64_t>();
    shard->uri = std::string(in.bytes());
    batch->shard = std::move(shard);
  }
  const auto count = in.get<std::uint64_t>();
  for (std::uint64_t d = 0; d < count; ++d) {
    Document& doc = batch->append();
    batch->set_text(doc, in.bytes());
    doc.record_index = in.get<std::uint64_t>();
    doc.byte_offset = in.get<std::uint64_t>();
    const std::string_view reason = in.bytes();
    if (!reason.empty()) doc.drop_reason = batch->arena.store(reason);
    const auto meta_count = in.get<std::uint32_t>();
    for (std::uint32_t m = 0; m < meta_count; ++m) {
      const std::string_view key = in.bytes();
      loom_value value{};
      value.type = in.get<std::uint32_t>();
      switch (value.type) {
        case LOOM_VALUE_BOOL: value.as.b = in.get<std::int32_t>(); break;
        case LOOM_VALUE_INT: value.as.i = in.get<std::int64_t>(); break;
        case LOOM_VALUE_FLOAT: value.as.f = in.get<double>(); break;
        case LOOM_VALUE_STRING:
        case LOOM_VALUE_JSON: {
          const std::string_view s = in.bytes();
          value.as.s = loom_str{s.data(), s.size()};
          break;
        }
        default: break;
      }
      batch->set_meta(doc, key, value);
    }
  }
  if (!in.done()) throw std::runtime_error("a spilled batch has trailing bytes");
  return batch;
}

// -- the spool ---------------------------------------------------------------------------------

BatchSpool::BatchSpool(std::size_t memory_budget_bytes, fs::path spill_parent, std::string label)
    : budget_(memory_budget_bytes), parent_(std::move(spill_parent)), label_(std::move(label)) {}

BatchSpool::~BatchSpool() {
  if (file_ != nullptr) std::fclose(file_);
}

void BatchSpool::push(BatchPtr batch) {
  batch->ticket.reset();
  Entry entry;
  entry.memory = batch->memory_bytes();
  // A batch whose documents were mostly dropped upstream still holds all their bytes (arenas are
  // append-only and shared): after a language filter, nearly all of a WET batch. Kept as the
  // copy a spilled batch reads back as, it holds only what is left.
  if (entry.memory > 2 * batch->text_bytes() + kCompactSlack) {
    serialize_batch(*batch, scratch_);
    batch = deserialize_batch(scratch_);
    entry.memory = batch->memory_bytes();
  }
  if (in_memory_ + entry.memory <= budget_) {
    in_memory_ += entry.memory;
    entry.batch = std::move(batch);
  } else {
    spill(*batch, entry);
    entry.memory = 0;
  }
  entries_.push_back(std::move(entry));
}

void BatchSpool::open_spill_file() {
  folder_ = std::make_unique<SpillFolder>(parent_, "spool");
  const fs::path path = folder_->path() / "batches";
  file_ = std::fopen(path.c_str(), "w+b");
  if (file_ == nullptr)
    throw std::runtime_error("cannot create " + path.string() + ": " + std::strerror(errno));
}

void BatchSpool::spill(const Batch& batch, Entry& entry) {
  if (file_ == nullptr) open_spill_file();
  serialize_batch(batch, scratch_);
  if (std::fseek(file_, static_cast<long>(file_size_), SEEK_SET) != 0 ||
      std::fwrite(scratch_.data(), 1, scratch_.size(), file_) != scratch_.size())
    throw std::runtime_error("cannot write to " + (folder_->path() / "batches").string() + ": " +
                             std::strerror(errno));
  entry.offset = file_size_;
  entry.length = scratch_.size();
  file_size_ += scratch_.size();
  ++spilled_;
}

BatchPtr BatchSpool::next() {
  if (entries_.empty()) return nullptr;
  Entry entry = std::move(entries_.front());
  entries_.pop_front();
  ++taken_;
  if (entry.batch) {
    in_memory_ -= entry.memory;
    return std::move(entry.batch);
  }
  scratch_.resize(entry.length);
  if (std::fflush(file_) != 0 ||
      std::fseek(file_, static_cast<long>(entry.offset), SEEK_SET) != 0 ||
      std::fread(scratch_.data(), 1, scratch_.size(), file_) != scratch_.size())
    throw std::runtime_error("cannot read back " + (folder_->path() / "batches").string() + ": " +
                             std::strerror(errno));
  try {
    return deserialize_batch(scratch_);
  } catch (const std::exception& e) {
    throw std::runtime_error((folder_->path() / "batches").string() + ": " + e.what());
  }
}

}  // namespace loom::runtime
