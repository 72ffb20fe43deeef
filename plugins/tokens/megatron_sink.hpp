// megatron_sink: training-ready token shards in the Megatron-LM / GPT-NeoX indexed dataset
// format (`MMIDIDX`, what gpt-neox's tools/preprocess_data.py writes): per input shard a .bin of
// token ids back to back and a .idx of sizes, byte offsets and document boundaries. One document
// is one sequence, with an end-of-document token appended as --append-eod does; the id type is
// uint16 when every id fits (vocabulary under 65,500, as gpt-neox's best_fitting_dtype), else
// int32. Both files appear complete or not at all, and a shard's pair only once it is done.
// Resumable: while a shard is written, the document sizes its .bin holds are appended to the
// .idx's temporary file too (the index header, then the sizes: the first bytes of the finished
// .idx), so a resumed run reopens both where the checkpoint left them and reads the sizes back.
// The engine tells the sink when a shard is complete (end_shard, ABI 1.3); the shard's files are
// committed then, so no checkpoint ever finds a finished shard open.
#pragma once

#include <loom/plugin.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "encoder_pool.hpp"

namespace loom::tokens {

struct MegatronSinkOptions {
  std::string tokenizer;
  std::string path;
  bool append_eod = true;
  std::string eod_token = "<|endoftext|>";

  static constexpr auto fields = std::tuple(
      loom::field("tokenizer", &MegatronSinkOptions::tokenizer,
                  "Hugging Face tokenizer.json the ids come from (e.g. GPT-NeoX-20B's)")
          .required(),
      loom::field("path", &MegatronSinkOptions::path,
                  "output prefix: {shard} is the input file name without folders and extensions; "
                  "<prefix>.bin and <prefix>.idx are written")
          .required(),
      loom::field("append_eod", &MegatronSinkOptions::append_eod,
                  "append the end-of-document token to every document (--append-eod)"),
      loom::field("eod_token", &MegatronSinkOptions::eod_token,
                  "the end-of-document token (an added token or vocabulary entry of the "
                  "tokenizer)"));
  void validate() const;
};

class MegatronSink : public Sink {
 public:
  static constexpr const char* name = "megatron_sink";
  static constexpr const char* summary =
      "token ids as Megatron-LM/GPT-NeoX indexed datasets (.bin + .idx, MMIDIDX), one per shard";
  using Options = MegatronSinkOptions;
  static constexpr std::array<Declared, 0> drop_reasons{};
  static constexpr std::array<Declared, 0> meta_fields{};

  explicit MegatronSink(const Options& options);
  std::unique_ptr<SinkToken> prepare(Batch& batch) override;
  void write(Batch& batch, std::unique_ptr<SinkToken> token) override;
  void end_shard(std::uint64_t shard_index);
  void finish() override;

 private:
  // The shard being written: its token file, the index's temporary file growing alongside
  // (header and sizes, the journal a resumed run reads back), and the sizes in memory.
  struct OpenShard {
    std::uint64_t index = 0;
    std::string prefix;
    Output bin;
    Output journal;
    std::vector<std::int32_t> sizes;
  };

  void open_shard(const Batch& batch);
  void read_back_sizes(OpenShard& shard) const;
  void finish_shard();

  Options options_;
  std::unique_ptr<EncoderPool> pool_;
  std::optional<std::uint32_t> eod_id_;
  bool narrow_ = true;  // uint16 ids, else int32

  // write()-side state.
  std::unique_ptr<OpenShard> shard_;
  std::set<std::string> written_prefixes_;
};

}  // namespace loom::tokens
