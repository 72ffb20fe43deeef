#include "segment_listing.hpp"

#include <text/python_whitespace.hpp>
#include "line_reader.hpp"

#include <loom/plugin.hpp>

#include <memory>

namespace loom::commoncrawl {

using textlib::python_strip;

std::string join_url(std::string_view root, std::string_view relative) {
  while (!relative.empty() && relative.front() == '/') relative.remove_prefix(1);
  std::string out(root);
  if (!out.empty() && out.back() != '/') out.push_back('/');
  out.append(relative);
  return out;
}

std::string dump_listing(std::string_view root, std::string_view dump) {
  std::string id(dump);
  if (!id.starts_with("CC-MAIN-")) id = "CC-MAIN-" + id;
  return join_url(root, "crawl-data/" + id + "/wet.paths.gz");
}

bool is_listing(std::string_view path) {
  return path.ends_with(".paths") || path.ends_with(".paths.gz");
}

std::vector<std::string> read_listing(const std::string& listing, std::string_view root) {
  auto input = std::make_shared<Input>(Input::open(listing));
  LineReader lines(
      [input](char* buffer, std::size_t capacity) { return input->read(buffer, capacity); },
      std::size_t{1} << 16);
  std::vector<std::string> segments;
  Line line;
  while (lines.next(line)) {
    if (line.too_long)
      throw Error(listing + ": line " + std::to_string(segments.size() + 1) +
                  " is not a segment path (longer than 64 KiB)");
    const std::string_view segment = python_strip(line.text);
    if (!segment.empty()) segments.push_back(join_url(root, segment));
  }
  if (segments.empty()) throw Error(listing + ": the WET listing names no segment");
  return segments;
}

std::string segment_name(std::string_view file, std::string_view root) {
  std::string prefix(root);
  if (!prefix.empty() && prefix.back() != '/') prefix.push_back('/');
  if (!prefix.empty() && file.starts_with(prefix)) return std::string(file.substr(prefix.size()));
  const std::size_t crawl = file.find("crawl-data/");
  if (crawl != std::string_view::npos && (crawl == 0 || file[crawl - 1] == '/'))
    return std::string(file.substr(crawl));
  const std::size_t slash = file.find_last_of('/');
  return std::string(slash == std::string_view::npos ? file : file.substr(slash + 1));
}

}  // namespace loom::commoncrawl
