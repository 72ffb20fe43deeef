// s3:// patterns: the keys under the pattern's literal prefix, listed page by page with
// ListObjectsV2 continuation tokens, matched like local globs (`*`, `?`, `[...]` within one
// path component, `**` for any depth).
#include "io/io_internal.hpp"
#include "io/s3_request.hpp"
#include "io/s3_xml.hpp"

#include <algorithm>

namespace loom::io::internal {

namespace {

// Every key starting with `prefix`; folder markers (keys ending in '/') left out.
std::vector<std::string> list_keys(const s3::Location& where, const std::string& pattern) {
  std::vector<std::string> keys;
  std::string token;
  for (int page = 1;; ++page) {
    s3::Query query = {{"list-type", "2"}, {"prefix", where.key}};
    if (!token.empty()) query.emplace_back("continuation-token", token);
    const std::string what = "cannot list '" + s3::s3_url(where.bucket, where.key) + "' (for '" +
                             pattern + "', page " + std::to_string(page) + ")";
    const s3::Response response = s3::perform("GET", {where.bucket, ""}, query, {}, what);
    if (response.status != 200) throw IoError(s3::describe_failure(response, where, what));
    for (std::string& key : s3::xml_texts(response.body, "Key", what))
      if (!key.empty() && key.back() != '/') keys.push_back(std::move(key));
    if (s3::xml_text(response.body, "IsTruncated", what) != "true") break;
    std::string next = s3::xml_text(response.body, "NextContinuationToken", what);
    if (next.empty() || next == token)
      throw IoError(what +
                    ": the listing says it is truncated but gives no new continuation "
                    "token, so the rest of it cannot be read");
    token = std::move(next);
  }
  return keys;
}

}  // namespace

std::vector<std::string> expand_s3_pattern(const std::string& pattern) {
  const s3::Location where = s3::parse_s3_url(pattern);
  const std::size_t wildcard = where.key.find_first_of("*?[");
  if (wildcard == std::string::npos) {
    if (where.key.empty() || where.key.back() == '/')
      throw IoError("input '" + pattern + "' is a bucket or folder, not an object (use '" +
                    pattern + (pattern.back() == '/' ? "" : "/") +
                    "**/*' to read every object below it)");
    return {pattern};  // opening it says whether it exists: no request per literal shard here
  }
  const std::vector<std::string> keys =
      list_keys({where.bucket, where.key.substr(0, wildcard)}, pattern);
  const std::vector<std::string> wanted = path_components(where.key);
  std::vector<std::string> matched;
  for (const std::string& key : keys)
    if (glob_matches(wanted, 0, path_components(key), 0))
      matched.push_back(s3::s3_url(where.bucket, key));
  std::sort(matched.begin(), matched.end());
  if (matched.empty())
    throw IoError("no objects match '" + pattern + "' (" + std::to_string(keys.size()) +
                  " keys listed under '" + s3::s3_url(where.bucket, where.key.substr(0, wildcard)) +
                  "')");
  return matched;
}

}  // namespace loom::io::internal
