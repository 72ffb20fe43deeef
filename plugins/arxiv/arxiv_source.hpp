// arxiv_source: arXiv bulk source tars (arXiv_src_<yymm>_<nnn>.tar), one document per paper, named
// and dated as RedPajama's arxiv_cleaner.py names and dates it.
#pragma once

#include <loom/plugin.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace loom::arxiv {

struct ArxivSourceOptions {
  StringList paths;
  bool language_slot = true;
  std::string files_field = "tex_file_sizes";
  // Real papers are far below this: the three sample members are 60-90 KB compressed and their TeX
  // 97-259 KB, and arXiv rejects oversized submissions (figures included) unless an administrator
  // grants an exception. The bound is what one paper may cost in memory (about three times it).
  std::int64_t max_paper_bytes = std::int64_t{64} << 20;

  static constexpr auto fields = std::tuple(
      field("paths", &ArxivSourceOptions::paths,
            "monthly tars: local paths, globs (sorted) or http(s) URLs, optionally compressed; "
            "each match is one shard")
          .required(),
      field("language_slot", &ArxivSourceOptions::language_slot,
            "put meta.language (null) between arxiv_id and url, where the reference's record has "
            "it, so a language_id node fills it in place"),
      field("files_field", &ArxivSourceOptions::files_field,
            "meta field listing the byte sizes of the .tex files concatenated in the text (a JSON "
            "array, for arxiv_latex, which removes it)"),
      field("max_paper_bytes", &ArxivSourceOptions::max_paper_bytes,
            "largest <id>.gz member and largest decompressed TeX of one paper (64 MiB: hundreds "
            "of times a real paper's); bigger papers are skipped and counted as "
            "paper_too_large, checked against sizes the tar headers claim before reading and "
            "while decompressing")
          .min(1));
};

class ArxivSource : public Source {
 public:
  static constexpr const char* name = "arxiv_source";
  static constexpr const char* summary =
      "reads arXiv bulk source tars: one document per paper, its .tex files concatenated";
  using Options = ArxivSourceOptions;
  static constexpr Declared drop_reasons[] = {
      {"link_member", "a tar member that is a link"},
      {"special_member", "a device, FIFO or other special file"},
      {"unsafe_member_name", "a member name that leaves the archive"},
      {"not_gz_source", "not a <yymm>/<id>.gz source (e.g. a PDF-only paper)"},
      {"paper_too_large", "over the size limit"},
      {"tex_not_utf8", ".tex files that are not UTF-8"},
      {"unreadable_paper", "a paper archive that cannot be read"}};
  static constexpr Declared meta_fields[] = {
      {"timestamp", "the <id>.gz member's mtime, ISO 8601"},
      {"yymm", "the month folder"},
      {"arxiv_id", "the paper id"},
      {"language", "null slot for language_id (language_slot)"},
      {"url", "https://arxiv.org/abs/<id>"},
      {"source", "\"arxiv\""},
      {"*", "the .tex file sizes, under the files_field option"}};

  explicit ArxivSource(const Options& options) : options_(options) {}
  std::vector<std::string> shards() override;
  std::unique_ptr<ShardReader> open(std::string_view shard, std::uint64_t index) override;

 private:
  Options options_;
};

}  // namespace loom::arxiv
