// github_source: GitHub files as the reference's BigQuery export rows, from either layout of
// <root>:
//   - BigQuery JSON export files (*.jsonl, *.jsonl.gz, *.jsonl.zst, at any depth): one row per
//     line, `content` becomes the text, every other column a meta field in input order;
//     rows with a null content are skipped and counted (the export's `content IS NOT NULL`);
//   - otherwise every folder directly under <root> is one repository (`owner__repo` names
//     become `owner/repo`): each regular file becomes a row of the same shape (id = git blob
//     sha1, size, binary, copies, repo_name, ref, path, mode, symlink_target, license,
//     language) with the license detected from the repository's LICENSE/COPYING file.
//     Binary files (a NUL byte), invalid UTF-8 and files over max_file_bytes are skipped and
//     counted; empty files are kept (the quality filter drops them as `empty`).
#pragma once

#include <loom/plugin.hpp>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace loom::github {

struct GithubSourceOptions {
  std::string root;
  std::string format = "auto";
  std::int64_t max_file_bytes = std::int64_t{1} << 20;

  static constexpr const char* format_values[] = {"auto", "bigquery", "repositories"};
  static constexpr auto fields = std::tuple(
      loom::field("root", &GithubSourceOptions::root,
                  "local folder holding BigQuery export files or one folder per repository")
          .required(),
      loom::field("format", &GithubSourceOptions::format,
                  "auto: bigquery if any *.jsonl[.gz|.zst] is below root, else repositories")
          .one_of(format_values),
      loom::field("max_file_bytes", &GithubSourceOptions::max_file_bytes,
                  "repositories: larger files are skipped (BigQuery's contents table stops "
                  "at 1 MiB)")
          .min(1));
};

class GithubSource : public Source {
 public:
  static constexpr const char* name = "github_source";
  static constexpr const char* summary =
      "GitHub files as BigQuery-export rows: from export JSONL or repository folders";
  using Options = GithubSourceOptions;
  static constexpr Declared drop_reasons[] = {
      {"content_null", "a row whose content is null"},
      {"not_regular_file", "a link or special file in a repository folder"},
      {"too_large", "a file over 1 MiB"},
      {"binary_file", "a file with a NUL byte"},
      {"invalid_utf8", "a file that is not UTF-8"}};
  static constexpr Declared meta_fields[] = {{"id", "git blob id"},
                                             {"size", "bytes"},
                                             {"binary", "false"},
                                             {"copies", "\"1\""},
                                             {"repo_name", "owner/repo"},
                                             {"ref", "null"},
                                             {"path", "path in the repository"},
                                             {"mode", "file mode"},
                                             {"symlink_target", "null"},
                                             {"license", "detected license"},
                                             {"language", "null"},
                                             {"*", "the BigQuery row's other columns"}};

  explicit GithubSource(const Options& options) : options_(options) {}
  std::vector<std::string> shards() override;
  std::unique_ptr<ShardReader> open(std::string_view shard, std::uint64_t index) override;

 private:
  Options options_;
  bool bigquery_ = false;
};

// Reader factories (bigquery_rows.cpp, repository_files.cpp).
std::unique_ptr<ShardReader> open_bigquery_rows(std::string path);
std::unique_ptr<ShardReader> open_repository(std::string folder, std::int64_t max_file_bytes);

// What a folder entry is when it is neither a regular file nor a folder ("a symbolic link", "a
// FIFO (named pipe)", ...); empty for regular files and folders. Symlinks are not followed.
std::string special_entry_kind(const std::filesystem::directory_entry& entry);

// The lowercase SPDX-like id BigQuery's licenses table uses (mit, apache-2.0, bsd-3-clause,
// gpl-3.0, ...) for a license file's text; empty when not recognised.
std::string detect_license(std::string_view text);

}  // namespace loom::github
