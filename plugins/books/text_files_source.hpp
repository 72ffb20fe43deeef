// text_files_source: one document per text file (Project Gutenberg .txt books), UTF-8 or Latin-1.
#pragma once

#include <loom/plugin.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace loom::books {

struct TextFilesSourceOptions {
  StringList paths;
  std::string encoding = "auto";
  bool strip_gutenberg = false;
  std::string file_field = "file";
  std::string on_error = "fail";
  std::int64_t max_file_bytes = std::int64_t{256} << 20;

  static constexpr const char* encoding_values[] = {"auto", "utf-8", "latin-1"};
  static constexpr const char* on_error_values[] = {"fail", "skip"};
  static constexpr auto fields = std::tuple(
      field("paths", &TextFilesSourceOptions::paths,
            "input files: local paths or globs (sorted) or http(s) URLs; each file is one "
            "document")
          .required(),
      field("encoding", &TextFilesSourceOptions::encoding,
            "auto reads a file as UTF-8 when it is valid UTF-8 and as Latin-1 (ISO-8859-1) "
            "otherwise; utf-8 makes invalid UTF-8 an error")
          .one_of(encoding_values),
      field("strip_gutenberg", &TextFilesSourceOptions::strip_gutenberg,
            "keep only the text between the Project Gutenberg START and END marker lines"),
      field("file_field", &TextFilesSourceOptions::file_field,
            "meta field receiving the file's path relative to its glob's fixed folder; empty "
            "for none"),
      field("on_error", &TextFilesSourceOptions::on_error,
            "what an unreadable file does (binary, invalid UTF-8 under encoding: utf-8, too "
            "large): fail the run, or skip it (logged and counted)")
          .one_of(on_error_values),
      field("max_file_bytes", &TextFilesSourceOptions::max_file_bytes,
            "largest accepted file, in bytes (a file is read whole)")
          .min(1));
};

// The 1 MiB pieces a file is read into before it is copied into its batch, kept between files:
// their pages are mapped already, where fresh pieces for every book cost a page fault per 4 KiB.
class SparePieces {
 public:
  static constexpr std::size_t piece_bytes = std::size_t{1} << 20;
  static constexpr std::size_t max_spare = 8;  // most books fit
  std::unique_ptr<char[]> take();
  // Keeps up to max_spare of them, frees the rest; `pieces` is left empty.
  void give_back(std::vector<std::unique_ptr<char[]>>& pieces);

 private:
  std::mutex mutex_;
  std::vector<std::unique_ptr<char[]>> spare_;
};

class TextFilesSource : public Source {
 public:
  static constexpr const char* name = "text_files_source";
  static constexpr const char* summary =
      "reads text files (e.g. Gutenberg .txt) as one document each, UTF-8 or Latin-1";
  using Options = TextFilesSourceOptions;
  static constexpr Declared drop_reasons[] = {
      {"empty_file", "a file with no bytes"},
      {"unreadable_file", "a file that cannot be read or is too large"},
      {"binary_file", "a NUL byte (a binary file?)"},
      {"invalid_utf8", "not UTF-8 with encoding: utf-8"}};
  static constexpr Declared meta_fields[] = {
      {"*", "the file's relative path, under the file_field option"}};

  explicit TextFilesSource(const Options& options) : options_(options) {}
  std::vector<std::string> shards() override;
  std::unique_ptr<ShardReader> open(std::string_view shard, std::uint64_t index) override;

 private:
  Options options_;
  std::map<std::string, std::string, std::less<>> relative_names_;
  std::shared_ptr<SparePieces> spare_pieces_ = std::make_shared<SparePieces>();
};

}  // namespace loom::books
