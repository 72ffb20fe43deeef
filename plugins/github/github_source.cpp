#include "github_source.hpp"

#include <algorithm>
#include <filesystem>

namespace loom::github {
namespace {

namespace fs = std::filesystem;

bool is_export_file(const fs::path& path) {
  const std::string name = path.filename().string();
  for (std::string_view ext : {".jsonl", ".jsonl.gz", ".jsonl.zst", ".jsonl.bz2"})
    if (name.ends_with(ext)) return true;
  return false;
}

}  // namespace

std::vector<std::string> GithubSource::shards() {
  std::error_code error;
  if (!fs::is_directory(options_.root, error))
    throw Error("github_source: root '" + options_.root + "' is not a folder", LOOM_ERR_IO);
  std::vector<std::string> exports;
  std::vector<std::string> repositories;
  for (auto it = fs::recursive_directory_iterator(options_.root, error);
       !error && it != fs::recursive_directory_iterator(); it.increment(error)) {
    if (it->is_regular_file() && is_export_file(it->path())) exports.push_back(it->path().string());
  }
  for (const auto& entry : fs::directory_iterator(options_.root, error))
    if (entry.is_directory() && entry.path().filename().string().front() != '.')
      repositories.push_back(entry.path().string());
  if (error)
    throw Error("github_source: cannot list '" + options_.root + "': " + error.message(),
                LOOM_ERR_IO);
  bigquery_ = options_.format == "bigquery" || (options_.format == "auto" && !exports.empty());
  // What a rerun would read, so that no output is written there.
  if (bigquery_) {
    for (std::string_view ext : {".jsonl", ".jsonl.gz", ".jsonl.zst", ".jsonl.bz2"})
      declare_input(options_.root + "/**/*" + std::string(ext));
  } else {
    declare_input(options_.root + "/*/**");
  }
  std::vector<std::string>& chosen = bigquery_ ? exports : repositories;
  std::sort(chosen.begin(), chosen.end());
  if (chosen.empty())
    throw Error(
        "github_source: no " +
            std::string(bigquery_ ? "*.jsonl[.gz|.zst] export files" : "repository folders") +
            " under '" + options_.root + "'",
        LOOM_ERR_IO);
  return chosen;
}

std::unique_ptr<ShardReader> GithubSource::open(std::string_view shard, std::uint64_t) {
  if (bigquery_) return open_bigquery_rows(std::string(shard));
  return open_repository(std::string(shard), options_.max_file_bytes);
}

}  // namespace loom::github
