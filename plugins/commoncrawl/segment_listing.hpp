// Which WET files a wet_source reads: Common Crawl dumps (their wet.paths.gz listing), listings
// given as paths, and WET/WARC files or globs, in option order; and the cc_segment of each.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace loom::commoncrawl {

// `root` + `relative` with exactly one '/' between them.
std::string join_url(std::string_view root, std::string_view relative);

// The listing of a dump id ("2023-06" or "CC-MAIN-2023-06") under `root`:
// <root>/crawl-data/CC-MAIN-<dump>/wet.paths.gz, as cc_net's cc_wet_paths_url builds it.
std::string dump_listing(std::string_view root, std::string_view dump);

// True for a wet.paths listing (a name ending in .paths or .paths.gz).
bool is_listing(std::string_view path);

// Each non-empty stripped line of a listing (read through the host), joined to `root`.
std::vector<std::string> read_listing(const std::string& listing, std::string_view root);

// The segment name cc_net stores: the path relative to `root` when the file is under it, else
// the "crawl-data/..." part of its path, else its file name (as the golden run's local copies).
std::string segment_name(std::string_view file, std::string_view root);

}  // namespace loom::commoncrawl
