// Batches: the unit the engine moves between nodes. A batch owns its documents, their metadata
// and the bytes both point into (an append-only arena), so stages pass views, not copies, and a
// document costs no heap allocation of its own.
#pragma once

#include <loom/plugin.h>

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace loom::runtime {

// Append-only byte storage. Written bytes never change, so copies of a batch share chunks; each
// arena only ever allocates from chunks it created itself after the copy.
class Arena {
 public:
  char* allocate(std::size_t size);
  std::string_view store(std::string_view bytes);
  // The next `size` bytes allocated fit in one chunk of just that size, not a standard chunk
  // (a batch read back from its serialized form, which bounds its bytes).
  void reserve(std::size_t size);
  // Whether `p` points into a chunk this arena can see (bytes from batch_alloc need no copy).
  bool contains(const char* p) const;
  // Makes `other`'s bytes readable from this arena (used when a batch is split or copied).
  void share(const Arena& other);
  // Bytes of every chunk this arena keeps alive (shared chunks included).
  std::size_t bytes_held() const;

  // Where share_packed() copied a chunk's bytes.
  struct Move {
    const char* from;
    std::size_t size;
    const char* to;
  };
  // Makes `other`'s bytes readable from this (empty) arena as share() does, but for the chunks
  // only `other` holds that leave more than `slack` bytes unused: their used bytes are copied
  // into one chunk of their total size instead. Views into those must be rebased through the
  // moves returned.
  std::vector<Move> share_packed(const Arena& other, std::size_t slack);

  struct Chunk {
    char* data = nullptr;
    std::unique_ptr<char[]> own_block;  // a chunk of another size than the standard one
    std::size_t capacity = 0;
    std::size_t used = 0;
    Chunk() = default;
    Chunk(const Chunk&) = delete;
    Chunk& operator=(const Chunk&) = delete;
    ~Chunk();  // a standard chunk goes back to arena_chunks for the next batch
  };

 private:
  std::vector<std::shared_ptr<Chunk>> chunks_;
  Chunk* current_ = nullptr;  // only ever a chunk this arena allocated
};

struct MetaEntry {
  std::string_view key;
  loom_value value{};
  std::int32_t next = -1;
};

class Batch;

struct Document {
  Batch* batch = nullptr;
  std::string_view text;
  std::int32_t meta_head = -1;
  std::int32_t meta_tail = -1;
  std::uint32_t meta_count = 0;
  std::uint64_t record_index = 0;
  std::uint64_t byte_offset = 0;
  std::string_view drop_reason;  // empty while kept
};

// Released when every batch derived from one source batch is gone; frees a slot of the
// in-flight budget.
class Ticket {
 public:
  explicit Ticket(std::function<void()> on_release) : on_release_(std::move(on_release)) {}
  ~Ticket() {
    if (on_release_) on_release_();
  }
  Ticket(const Ticket&) = delete;
  Ticket& operator=(const Ticket&) = delete;

 private:
  std::function<void()> on_release_;
};

struct ShardRef {
  std::string uri;
  std::uint64_t index = 0;
};

class Batch {
 public:
  std::uint64_t seq = 0;  // position in its source's output, contiguous from 0
  std::shared_ptr<const ShardRef> shard;
  // The last batch its source emits for this shard: sinks are told the shard is complete
  // (end_shard) once they wrote it.
  bool ends_shard = false;
  std::shared_ptr<Ticket> ticket;
  std::deque<Document> docs;  // deque: handles stay valid while sources append
  std::vector<MetaEntry> meta;
  Arena arena;
  // Input records a source skipped while filling this batch, by reason.
  std::map<std::string, std::uint64_t, std::less<>> skipped;

  Document& append();

  // Metadata, with Python dict semantics (a set on an existing key keeps its position).
  const MetaEntry* find_meta(const Document& doc, std::string_view key) const;
  void set_meta(Document& doc, std::string_view key, const loom_value& value);
  bool remove_meta(Document& doc, std::string_view key);
  bool rename_meta(Document& doc, std::string_view from, std::string_view to);
  const MetaEntry* meta_at(const Document& doc, std::size_t index) const;
  void set_text(Document& doc, std::string_view text);
  void drop(Document& doc, std::string_view reason);

  // A new batch with the same sequence number, shard and ticket, holding copies of the
  // documents for which keep(doc) is true. Bytes are shared, not copied.
  std::shared_ptr<Batch> select(const std::function<bool(const Document&)>& keep) const;
  // Removes documents for which remove(doc) is true, in place.
  void erase_if(const std::function<bool(const Document&)>& remove);

  std::uint64_t text_bytes() const;
  // A copy (seq, shard, documents, metadata) that holds its bytes in as little memory as a
  // serialized copy would, without copying the chunks the batch fills: it shares those, and only
  // the sparse ones' bytes (more than `slack` unused, typically the last chunk of a source's
  // batch) are copied, into one chunk (Arena::share_packed).
  std::shared_ptr<Batch> packed_copy(std::size_t slack) const;
  // What the batch keeps in memory: its arena's chunks plus the document and metadata tables.
  std::size_t memory_bytes() const;

 private:
  loom_value store_value(const loom_value& value);
  void copy_document_into(Batch& target, const Document& doc) const;
};

using BatchPtr = std::shared_ptr<Batch>;

}  // namespace loom::runtime
