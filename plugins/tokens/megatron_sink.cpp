#include "megatron_sink.hpp"

#include <array>
#include <bit>
#include <cstring>

#include "token_count.hpp"

namespace loom::tokens {
namespace {

static_assert(std::endian::native == std::endian::little, "the format is little-endian");

// gpt-neox indexed_dataset.py's dtype codes.
constexpr std::uint8_t kUint16Code = 8;
constexpr std::uint8_t kInt32Code = 4;
constexpr std::uint64_t kUint16Bound = 65500;  // best_fitting_dtype: vocab_size < 65500

struct EncodedBatch : SinkToken {
  std::string bytes;                // the ids, in the file's type
  std::vector<std::int32_t> sizes;  // ids per document
};

template <class T>
void append_raw(std::string& out, T value) {
  char bytes[sizeof(T)];
  std::memcpy(bytes, &value, sizeof(T));
  out.append(bytes, sizeof(T));
}

// The index header: magic, version 1, dtype code, sequence count, document count + 1.
constexpr std::size_t kCountsAt = 9 + 8 + 1;
constexpr std::size_t kHeaderBytes = kCountsAt + 8 + 8;

std::string index_header(bool narrow, std::size_t sequences) {
  std::string header("MMIDIDX\x00\x00", 9);
  append_raw(header, std::uint64_t{1});
  append_raw(header, narrow ? kUint16Code : kInt32Code);
  append_raw(header, static_cast<std::uint64_t>(sequences));
  append_raw(header, static_cast<std::uint64_t>(sequences + 1));
  return header;
}

// The input file name without folders and compression or format extensions, as jsonl_sink's
// {shard}.
std::string shard_stem(std::string_view uri) {
  if (const auto slash = uri.find_last_of('/'); slash != std::string_view::npos)
    uri.remove_prefix(slash + 1);
  std::string name(uri);
  for (const char* ext : {".gz", ".zst", ".zstd", ".bz2", ".xz", ".jsonl", ".json"})
    if (name.ends_with(ext)) name.resize(name.size() - std::strlen(ext));
  return name;
}

}  // namespace

void MegatronSinkOptions::validate() const {
  if (path.empty()) throw Error("megatron_sink: `path` must not be empty", LOOM_ERR_CONFIG);
  const auto tokenizer_loaded = load_tokenizer_for(MegatronSink::name, tokenizer);
  if (append_eod && !tokenizer_loaded->token_id(eod_token))
    throw Error("megatron_sink: eod_token '" + eod_token + "' is not a token of " + tokenizer,
                LOOM_ERR_CONFIG);
}

MegatronSink::MegatronSink(const Options& options)
    : options_(options),
      pool_(std::make_unique<EncoderPool>(load_tokenizer_for(name, options.tokenizer))) {
  if (options_.append_eod) eod_id_ = pool_->tokenizer().token_id(options_.eod_token);
  narrow_ = pool_->tokenizer().id_bound() < kUint16Bound;
}

std::unique_ptr<SinkToken> MegatronSink::prepare(Batch& batch) {
  auto encoded = std::make_unique<EncodedBatch>();
  auto encoder = pool_->borrow();
  std::vector<std::uint32_t> ids;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    ids.clear();
    encode_record(name, *encoder, batch, i, ids);
    if (eod_id_) ids.push_back(*eod_id_);
    for (std::uint32_t id : ids) {
      if (narrow_)
        append_raw(encoded->bytes, static_cast<std::uint16_t>(id));
      else
        append_raw(encoded->bytes, static_cast<std::int32_t>(id));
    }
    encoded->sizes.push_back(static_cast<std::int32_t>(ids.size()));
  }
  return encoded;
}

void MegatronSink::write(Batch& batch, std::unique_ptr<SinkToken> token) {
  // A host that does not call end_shard: the shard ends where the next one begins.
  if (shard_ && shard_->index != batch.shard_index()) finish_shard();
  if (!token) token = prepare(batch);
  auto& encoded = static_cast<EncodedBatch&>(*token);
  if (!shard_) open_shard(batch);
  std::string sizes;
  for (const std::int32_t size : encoded.sizes) append_raw(sizes, size);
  shard_->bin.write_raw(encoded.bytes);
  shard_->journal.write_raw(sizes);
  shard_->sizes.insert(shard_->sizes.end(), encoded.sizes.begin(), encoded.sizes.end());
}

void MegatronSink::open_shard(const Batch& batch) {
  std::string prefix = options_.path;
  if (const auto at = prefix.find("{shard}"); at != std::string::npos)
    prefix.replace(at, 7, shard_stem(batch.shard()));
  if (!written_prefixes_.insert(prefix).second)
    throw Error(std::string(name) + ": two inputs would write '" + prefix +
                    ".bin' (input files with the same name in different folders?)",
                LOOM_ERR_INVALID_INPUT);
  // Either both files are new, or both are a resumed run's continuation of what the last
  // checkpoint recorded (the engine cuts each back to its length then).
  Output bin = Output::open(prefix + ".bin", LOOM_CODEC_NONE);
  Output journal = Output::open(prefix + ".idx", LOOM_CODEC_NONE);
  shard_ = std::make_unique<OpenShard>(
      OpenShard{batch.shard_index(), std::move(prefix), std::move(bin), std::move(journal), {}});
  if (shard_->journal.bytes_written() == 0)
    shard_->journal.write_raw(index_header(narrow_, 0));
  else
    read_back_sizes(*shard_);
}

void MegatronSink::read_back_sizes(OpenShard& shard) const {
  const std::string journal = shard.journal.read_back();
  const std::string expected = index_header(narrow_, 0);
  const auto cannot_resume = [&](const std::string& why) {
    return Error(std::string(name) + ": cannot resume shard '" + shard.prefix + ".bin': " + why +
                     "; rerun with --restart",
                 LOOM_ERR_INVALID_INPUT);
  };
  // The counts in the header are not read: a finished index taken back by a resumed run (the
  // interrupted run completed the shard after its last checkpoint) has the final ones.
  if (journal.size() < kHeaderBytes || journal.compare(0, kCountsAt, expected, 0, kCountsAt) != 0 ||
      (journal.size() - kHeaderBytes) % sizeof(std::int32_t) != 0)
    throw cannot_resume("the index being written is not one this sink started (" +
                        std::to_string(journal.size()) + " bytes, or another id type)");
  shard.sizes.resize((journal.size() - kHeaderBytes) / sizeof(std::int32_t));
  std::memcpy(shard.sizes.data(), journal.data() + kHeaderBytes,
              shard.sizes.size() * sizeof(std::int32_t));
  std::uint64_t tokens = 0;
  for (const std::int32_t size : shard.sizes) tokens += static_cast<std::uint64_t>(size);
  const std::uint64_t bytes = tokens * (narrow_ ? 2 : 4);
  if (bytes != shard.bin.bytes_written())
    throw cannot_resume("it holds " + std::to_string(shard.bin.bytes_written()) +
                        " bytes, but the sizes of its " + std::to_string(shard.sizes.size()) +
                        " documents add up to " + std::to_string(bytes));
}

void MegatronSink::end_shard(std::uint64_t shard_index) {
  if (shard_ && shard_->index == shard_index) finish_shard();
}

void MegatronSink::finish_shard() {
  if (!shard_) return;
  // The index: the header, then sizes (int32), byte offsets into the .bin (int64) and document
  // boundaries (int64: 0, then the sequence count after each document).
  const std::vector<std::int32_t>& sizes = shard_->sizes;
  std::string index = index_header(narrow_, sizes.size());
  for (std::int32_t size : sizes) append_raw(index, size);
  std::int64_t offset = 0;
  for (std::int32_t size : sizes) {
    append_raw(index, offset);
    offset += static_cast<std::int64_t>(size) * (narrow_ ? 2 : 4);
  }
  for (std::size_t i = 0; i <= sizes.size(); ++i) append_raw(index, static_cast<std::int64_t>(i));
  Output idx = Output::open(shard_->prefix + ".idx", LOOM_CODEC_NONE);
  idx.write_raw(index);
  shard_->bin.commit();
  idx.commit();
  // Only now: until the index is committed, a resumed run needs the journal. After, the index
  // starts with the same bytes, and the engine takes it back in the journal's place.
  shard_->journal.abort();
  shard_.reset();
}

void MegatronSink::finish() { finish_shard(); }

}  // namespace loom::tokens
