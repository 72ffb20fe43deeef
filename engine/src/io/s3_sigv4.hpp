// AWS Signature Version 4 for S3 requests: the canonical request, the string to sign and the
// signature, exposed step by step so a test can compare each against botocore's signer.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace loom::io::s3 {

struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // temporary credentials only
};

struct RequestToSign {
  std::string method;
  std::string encoded_path;  // as sent: "/bucket/key" with each byte URI-encoded (uri_encode_path)
  std::vector<std::pair<std::string, std::string>> query;    // raw (not encoded) names and values
  std::vector<std::pair<std::string, std::string>> headers;  // every header to sign, host included
  std::string payload_hash;  // hex SHA-256 of the body, or "UNSIGNED-PAYLOAD"
};

struct Signature {
  std::string canonical_request;
  std::string string_to_sign;
  std::string signature;      // hex
  std::string authorization;  // the Authorization header's value
};

// `amz_date` is the request time as "YYYYMMDDTHHMMSSZ" (the x-amz-date header's value).
Signature sign_v4(const RequestToSign& request, const Credentials& credentials,
                  std::string_view region, std::string_view amz_date,
                  std::string_view service = "s3");

// RFC 3986 encoding of every byte but A-Z a-z 0-9 - _ . ~ (and '/' when keep_slash).
std::string uri_encode(std::string_view text, bool keep_slash);
// The query string as sent and as signed: encoded names and values, sorted, joined by '&'.
std::string canonical_query(const std::vector<std::pair<std::string, std::string>>& query);

std::string sha256_hex(std::string_view data);
inline constexpr std::string_view kEmptyPayloadSha256 =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
// Now, as "YYYYMMDDTHHMMSSZ".
std::string amz_date_now();

}  // namespace loom::io::s3
