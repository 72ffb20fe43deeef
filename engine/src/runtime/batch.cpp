#include "runtime/batch.hpp"

#include "runtime/arena_chunks.hpp"

#include <algorithm>
#include <cstring>

namespace loom::runtime {

namespace {
// Big enough that a 1 MiB batch of text needs one or two chunks. Standard chunks are recycled
// between batches (arena_chunks.hpp): a source fills a new batch as the sink frees an old one (on
// another thread at --threads 2), and fresh chunks come on huge pages.
constexpr std::size_t kChunkBytes = arena_chunks::kChunkBytes;

// A chunk of `size` bytes in a block of its own (not a standard chunk, even at that size).
std::shared_ptr<Arena::Chunk> own_chunk(std::size_t size) {
  auto chunk = std::make_shared<Arena::Chunk>();
  chunk->own_block = std::make_unique_for_overwrite<char[]>(size);
  chunk->data = chunk->own_block.get();
  chunk->capacity = size;
  return chunk;
}
}  // namespace

Arena::Chunk::~Chunk() {
  if (own_block == nullptr) arena_chunks::give_back(data);
}

char* Arena::allocate(std::size_t size) {
  if (size == 0) size = 1;
  if (current_ == nullptr || current_->capacity - current_->used < size) {
    std::shared_ptr<Chunk> chunk;
    if (size <= kChunkBytes) {
      chunk = std::make_shared<Chunk>();
      chunk->data = arena_chunks::take();
      chunk->capacity = kChunkBytes;
    } else {
      chunk = own_chunk(size);
    }
    current_ = chunk.get();
    chunks_.push_back(std::move(chunk));
  }
  char* p = current_->data + current_->used;
  current_->used += size;
  return p;
}

void Arena::reserve(std::size_t size) {
  if (size == 0 || (current_ != nullptr && current_->capacity - current_->used >= size)) return;
  std::shared_ptr<Chunk> chunk = own_chunk(size);
  current_ = chunk.get();
  chunks_.push_back(std::move(chunk));
}

std::string_view Arena::store(std::string_view bytes) {
  if (bytes.empty()) return {};
  char* p = allocate(bytes.size());
  std::memcpy(p, bytes.data(), bytes.size());
  return {p, bytes.size()};
}

bool Arena::contains(const char* p) const {
  for (const auto& chunk : chunks_) {
    const char* begin = chunk->data;
    if (p >= begin && p < begin + chunk->capacity) return true;
  }
  return false;
}

void Arena::share(const Arena& other) {
  for (const auto& chunk : other.chunks_)
    if (std::find(chunks_.begin(), chunks_.end(), chunk) == chunks_.end()) chunks_.push_back(chunk);
}

std::size_t Arena::bytes_held() const {
  std::size_t total = 0;
  for (const auto& chunk : chunks_) total += chunk->capacity;
  return total;
}

std::vector<Arena::Move> Arena::share_packed(const Arena& other, std::size_t slack) {
  std::vector<Move> moves;
  // Only a chunk no other arena shares can be read whole (its `used` is final): a shared one may
  // be its owner's current chunk, still filling.
  std::vector<const Chunk*> sparse;
  std::size_t total = 0;
  for (const auto& chunk : other.chunks_) {
    if (chunk.use_count() == 1 && chunk->capacity - chunk->used > slack) {
      sparse.push_back(chunk.get());
      total += chunk->used;
    } else {
      chunks_.push_back(chunk);
    }
  }
  if (total == 0) return moves;
  std::shared_ptr<Chunk> packed = own_chunk(total);
  for (const Chunk* chunk : sparse) {
    char* to = packed->data + packed->used;
    std::memcpy(to, chunk->data, chunk->used);
    moves.push_back({chunk->data, chunk->used, to});
    packed->used += chunk->used;
  }
  current_ = packed.get();  // full: the next allocation starts a chunk of its own
  chunks_.push_back(std::move(packed));
  return moves;
}

Document& Batch::append() {
  Document& doc = docs.emplace_back();
  doc.batch = this;
  return doc;
}

const MetaEntry* Batch::find_meta(const Document& doc, std::string_view key) const {
  for (std::int32_t i = doc.meta_head; i >= 0; i = meta[i].next)
    if (meta[i].key == key) return &meta[i];
  return nullptr;
}

loom_value Batch::store_value(const loom_value& value) {
  loom_value stored = value;
  if (value.type == LOOM_VALUE_STRING || value.type == LOOM_VALUE_JSON) {
    std::string_view bytes(value.as.s.data, value.as.s.size);
    if (!arena.contains(bytes.data())) bytes = arena.store(bytes);
    stored.as.s = loom_str{bytes.data(), bytes.size()};
  }
  return stored;
}

void Batch::set_meta(Document& doc, std::string_view key, const loom_value& value) {
  for (std::int32_t i = doc.meta_head; i >= 0; i = meta[i].next) {
    if (meta[i].key == key) {
      meta[i].value = store_value(value);
      return;
    }
  }
  MetaEntry entry;
  entry.key = arena.contains(key.data()) ? key : arena.store(key);
  entry.value = store_value(value);
  const auto index = static_cast<std::int32_t>(meta.size());
  meta.push_back(entry);
  if (doc.meta_tail >= 0)
    meta[doc.meta_tail].next = index;
  else
    doc.meta_head = index;
  doc.meta_tail = index;
  ++doc.meta_count;
}

bool Batch::remove_meta(Document& doc, std::string_view key) {
  std::int32_t previous = -1;
  for (std::int32_t i = doc.meta_head; i >= 0; previous = i, i = meta[i].next) {
    if (meta[i].key != key) continue;
    if (previous >= 0)
      meta[previous].next = meta[i].next;
    else
      doc.meta_head = meta[i].next;
    if (doc.meta_tail == i) doc.meta_tail = previous;
    --doc.meta_count;
    return true;
  }
  return false;
}

bool Batch::rename_meta(Document& doc, std::string_view from, std::string_view to) {
  if (from == to) return find_meta(doc, from) != nullptr;
  std::int32_t found = -1;
  for (std::int32_t i = doc.meta_head; i >= 0; i = meta[i].next)
    if (meta[i].key == from) found = i;
  if (found < 0) return false;
  remove_meta(doc, to);
  meta[found].key = arena.contains(to.data()) ? to : arena.store(to);
  return true;
}

const MetaEntry* Batch::meta_at(const Document& doc, std::size_t index) const {
  std::int32_t i = doc.meta_head;
  for (std::size_t k = 0; i >= 0 && k < index; ++k) i = meta[i].next;
  return i >= 0 ? &meta[i] : nullptr;
}

void Batch::set_text(Document& doc, std::string_view text) {
  doc.text = (text.empty() || arena.contains(text.data())) ? text : arena.store(text);
}

void Batch::drop(Document& doc, std::string_view reason) {
  if (reason.empty()) reason = "dropped";
  doc.drop_reason = arena.store(reason);
}

void Batch::copy_document_into(Batch& target, const Document& doc) const {
  Document& copy = target.append();
  copy.text = doc.text;
  copy.record_index = doc.record_index;
  copy.byte_offset = doc.byte_offset;
  copy.drop_reason = doc.drop_reason;
  for (std::int32_t i = doc.meta_head; i >= 0; i = meta[i].next) {
    MetaEntry entry = meta[i];
    entry.next = -1;
    const auto index = static_cast<std::int32_t>(target.meta.size());
    target.meta.push_back(entry);
    if (copy.meta_tail >= 0)
      target.meta[copy.meta_tail].next = index;
    else
      copy.meta_head = index;
    copy.meta_tail = index;
    ++copy.meta_count;
  }
}

std::shared_ptr<Batch> Batch::select(const std::function<bool(const Document&)>& keep) const {
  auto out = std::make_shared<Batch>();
  out->seq = seq;
  out->shard = shard;
  out->ends_shard = ends_shard;
  out->ticket = ticket;
  out->arena.share(arena);
  for (const Document& doc : docs)
    if (keep(doc)) copy_document_into(*out, doc);
  return out;
}

void Batch::erase_if(const std::function<bool(const Document&)>& remove) {
  auto end = std::remove_if(docs.begin(), docs.end(), remove);
  docs.erase(end, docs.end());
}

std::uint64_t Batch::text_bytes() const {
  std::uint64_t total = 0;
  for (const Document& doc : docs) total += doc.text.size();
  return total;
}

std::shared_ptr<Batch> Batch::packed_copy(std::size_t slack) const {
  auto out = std::make_shared<Batch>();
  out->seq = seq;
  out->shard = shard;
  out->ends_shard = ends_shard;
  const std::vector<Arena::Move> moves = out->arena.share_packed(arena, slack);
  auto rebase = [&moves](const char* p) {
    for (const Arena::Move& move : moves)
      if (p >= move.from && p < move.from + move.size) return move.to + (p - move.from);
    return p;
  };
  auto rebase_view = [&rebase](std::string_view& view) {
    if (!view.empty()) view = {rebase(view.data()), view.size()};
  };
  out->docs = docs;
  for (Document& doc : out->docs) {
    doc.batch = out.get();
    rebase_view(doc.text);
    rebase_view(doc.drop_reason);
  }
  out->meta = meta;  // a copy's capacity is its size
  for (MetaEntry& entry : out->meta) {
    rebase_view(entry.key);
    if ((entry.value.type == LOOM_VALUE_STRING || entry.value.type == LOOM_VALUE_JSON) &&
        entry.value.as.s.size > 0)
      entry.value.as.s.data = rebase(entry.value.as.s.data);
  }
  return out;
}

std::size_t Batch::memory_bytes() const {
  return sizeof(Batch) + arena.bytes_held() + docs.size() * sizeof(Document) +
         meta.capacity() * sizeof(MetaEntry);
}

}  // namespace loom::runtime
