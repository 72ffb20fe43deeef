#include "stackexchange_source.hpp"

#include "site_reader.hpp"

#include <libxml/parser.h>
#include <loom/sdk/spill_folder.hpp>

#include <utility>

namespace loom::stackexchange {
namespace {

bool strip_suffix(std::string& s, std::string_view suffix) {
  if (s.size() < suffix.size() || s.compare(s.size() - suffix.size(), suffix.size(), suffix) != 0)
    return false;
  s.resize(s.size() - suffix.size());
  return true;
}

}  // namespace

std::string site_from_path(std::string_view path) {
  std::string p(path);
  while (!p.empty() && p.back() == '/') p.pop_back();
  const auto slash = p.find_last_of('/');
  std::string name = slash == std::string::npos ? p : p.substr(slash + 1);
  if (name == "Posts.xml" && slash != std::string::npos) {
    const std::string folder = p.substr(0, slash);
    const auto parent = folder.find_last_of('/');
    return parent == std::string::npos ? folder : folder.substr(parent + 1);
  }
  for (std::string_view ext : {".gz", ".zst", ".zstd", ".bz2"})
    if (strip_suffix(name, ext)) break;
  for (std::string_view ext : {".7z", ".xml"})
    if (strip_suffix(name, ext)) break;
  return name;
}

StackExchangeSource::StackExchangeSource(const Options& options) : options_(options) {
  // Posts.xml pieces and posts' HTML are parsed on several threads; libxml2 2.9 wants its global
  // set-up done once, before that, not raced by the first parsers.
  xmlInitParser();
  // A run killed while spilling left its folder behind; nobody else will ever read it.
  for (const StaleSpillFolder& stale : remove_stale_spill_folders(options_.spill_dir))
    log(LOOM_LOG_INFO, stale.message());
}

std::vector<std::string> StackExchangeSource::shards() { return expand_paths(options_.paths); }

std::unique_ptr<ShardReader> StackExchangeSource::open(std::string_view shard, std::uint64_t) {
  return open_site_reader(options_, std::string(shard));
}

}  // namespace loom::stackexchange
