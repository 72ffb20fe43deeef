// s3:// URLs and signed S3 requests: the URL and headers of a request (for streamed GETs, which
// io's HTTP input performs), and whole small requests (listings, uploads) with retries.
#pragma once

#include "io/s3_config.hpp"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace loom::io::s3 {

struct Location {
  std::string bucket;
  std::string key;  // may be empty (the bucket itself)
};
// "s3://bucket/key" -> {bucket, key}; throws IoError when there is no bucket.
Location parse_s3_url(const std::string& url);
std::string s3_url(const std::string& bucket, const std::string& key);

using Query = std::vector<std::pair<std::string, std::string>>;

struct PreparedRequest {
  std::string url;
  std::vector<std::string> headers;  // "Name: value", Authorization included unless anonymous
};
// Signs now; `payload_hash` is the body's hex SHA-256.
PreparedRequest prepare_request(const S3Config& config, const std::string& method,
                                const Location& where, const Query& query,
                                const std::string& payload_hash);

struct Response {
  long status = 0;
  std::string body;
  std::string etag;
};

// Performs one request, retried (as http_settings() says) on connection failures, 5xx and 429;
// other answers are returned whatever their status. Throws IoError naming `what` when no answer
// came.
Response perform(const std::string& method, const Location& where, const Query& query,
                 std::string_view body, const std::string& what);

// "access denied (HTTP 403, AccessDenied: ...)" and the like, for an error answer.
std::string describe_failure(const Response& response, const Location& where,
                             const std::string& what);
// What a bare status means for an object (a streamed GET carries no error body).
std::string explain_object_status(long status);

}  // namespace loom::io::s3
