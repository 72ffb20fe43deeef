// Where S3 requests go and how they are signed, found the way the AWS CLI finds it: environment
// variables first, then the profile's entries in the shared credentials and config files.
#pragma once

#include "io/s3_sigv4.hpp"

#include <functional>
#include <string>

namespace loom::io::s3 {

struct S3Config {
  std::string profile;
  bool anonymous = false;  // AWS_NO_SIGN_REQUEST=true: unsigned requests (public buckets)
  Credentials credentials;
  std::string credentials_source;  // where they came from, for error messages
  std::string region;              // never empty (us-east-1 when nothing says otherwise)
  std::string endpoint;            // scheme://host[:port] of an S3-compatible store; empty: AWS
  std::string addressing_style;    // "auto", "path" or "virtual"
  std::string problem;             // a configuration error, reported when S3 is first used
};

// `getenv` stands for the environment (tests pass their own).
using Environment = std::function<const char*(const char*)>;
S3Config load_s3_config(const Environment& getenv);

// The process's configuration, loaded on first use. Throws IoError if it has a problem or no
// credentials (and anonymous access was not asked for).
const S3Config& s3_config();

// Path-style (endpoint/bucket/key) or virtual-hosted (bucket.endpoint/key) addressing. "auto"
// means virtual-hosted on AWS for names that fit in a host name, path-style on custom endpoints
// (MinIO, Ceph and most S3-compatible stores expect it).
bool uses_path_style(const S3Config& config, const std::string& bucket);

}  // namespace loom::io::s3
