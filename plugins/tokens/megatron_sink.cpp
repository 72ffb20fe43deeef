#include "megatron_sink.hpp"

#include <array>
#include <bit>
#include <cstring>

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
    try {
      encoder->encode(batch[i].text(), ids);
    } catch (const std::invalid_argument& e) {
      throw Error(std::string(name) + ": shard '" + std::string(batch.shard()) + "' record " +
                      std::to_string(i) + ": " + e.what(),
                  LOOM_ERR_INVALID_INPUT, static_cast<std::int64_t>(i));
    }
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
  if (shard_index_ && *shard_index_ != batch.shard_index()) finish_shard();
  if (!token) token = prepare(batch);
  auto& encoded = static_cast<EncodedBatch&>(*token);
  if (!bin_) {
    shard_index_ = batch.shard_index();
    prefix_ = options_.path;
    if (const auto at = prefix_.find("{shard}"); at != std::string::npos)
      prefix_.replace(at, 7, shard_stem(batch.shard()));
    if (!written_prefixes_.insert(prefix_).second)
      throw Error(std::string(name) + ": two inputs would write '" + prefix_ +
                      ".bin' (input files with the same name in different folders?)",
                  LOOM_ERR_INVALID_INPUT);
    bin_.emplace(Output::open(prefix_ + ".bin", LOOM_CODEC_NONE));
    // A resumed run continues the file, but the sizes of what it already holds are gone.
    if (bin_->bytes_written() != 0)
      throw Error(std::string(name) + ": cannot resume inside shard '" + prefix_ +
                      ".bin' (the index of what it holds is not kept); rerun with --restart",
                  LOOM_ERR_INVALID_INPUT);
  }
  bin_->write_raw(encoded.bytes);
  sizes_.insert(sizes_.end(), encoded.sizes.begin(), encoded.sizes.end());
}

void MegatronSink::finish_shard() {
  if (!bin_) return;
  // The index: magic, version 1, dtype code, then sizes (int32), byte offsets into the .bin
  // (int64) and document boundaries (int64: 0, then the sequence count after each document).
  std::string index("MMIDIDX\x00\x00", 9);
  append_raw(index, std::uint64_t{1});
  append_raw(index, narrow_ ? kUint16Code : kInt32Code);
  append_raw(index, static_cast<std::uint64_t>(sizes_.size()));
  append_raw(index, static_cast<std::uint64_t>(sizes_.size() + 1));
  for (std::int32_t size : sizes_) append_raw(index, size);
  std::int64_t offset = 0;
  for (std::int32_t size : sizes_) {
    append_raw(index, offset);
    offset += static_cast<std::int64_t>(size) * (narrow_ ? 2 : 4);
  }
  for (std::size_t i = 0; i <= sizes_.size(); ++i) append_raw(index, static_cast<std::int64_t>(i));
  Output idx = Output::open(prefix_ + ".idx", LOOM_CODEC_NONE);
  idx.write_raw(index);
  bin_->commit();
  idx.commit();
  bin_.reset();
  sizes_.clear();
  shard_index_.reset();
}

void MegatronSink::finish() { finish_shard(); }

}  // namespace loom::tokens
