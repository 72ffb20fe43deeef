#include "wet_source.hpp"

#include "segment_listing.hpp"
#include "wet_shard_reader.hpp"

namespace loom::commoncrawl {

void WetSourceOptions::validate() const {
  if (paths.empty() && dumps.empty())
    throw Error("wet_source needs `paths` (WET files or wet.paths listings) or `dumps`",
                LOOM_ERR_CONFIG);
}

// Listing order is kept (cc_net shards a dump by contiguous slices of it), so `--task I/N`
// splits the same list on every run.
std::vector<std::string> WetSource::shards() {
  std::vector<std::string> all;
  for (const std::string& pattern : options_.paths) {
    for (std::string& path : expand_paths(std::string_view(pattern))) {
      if (!is_listing(path)) {
        all.push_back(std::move(path));
        continue;
      }
      for (std::string& segment : read_listing(path, options_.url_root))
        all.push_back(std::move(segment));
    }
  }
  for (const std::string& dump : options_.dumps)
    for (std::string& segment :
         read_listing(dump_listing(options_.url_root, dump), options_.url_root))
      all.push_back(std::move(segment));
  return all;
}

std::unique_ptr<ShardReader> WetSource::open(std::string_view shard, std::uint64_t) {
  return std::make_unique<WetShardReader>(options_, std::string(shard),
                                          segment_name(shard, options_.url_root));
}

}  // namespace loom::commoncrawl
