// S3 configuration found as the AWS CLI finds it: environment first, then the profile in the
// shared credentials and config files; endpoints, region and addressing style.
#include "io/s3_config.hpp"
#include "io/s3_request.hpp"

#include "io_test_support.hpp"

#include <doctest/doctest.h>

#include <map>

using namespace loom::io;
using namespace loom::io::s3;
using loom::io::testing::ScratchDir;
using loom::io::testing::write_file;

namespace {

struct FakeEnvironment {
  std::map<std::string, std::string> values;
  Environment lookup() const {
    return [this](const char* name) -> const char* {
      const auto it = values.find(name);
      return it == values.end() ? nullptr : it->second.c_str();
    };
  }
};

}  // namespace

TEST_CASE("S3 config: environment credentials win over the files") {
  ScratchDir dir;
  write_file(dir.file(".aws/credentials"),
             "[default]\naws_access_key_id = FILEKEY\n"
             "aws_secret_access_key = filesecret\n");
  FakeEnvironment env{{{"HOME", dir.path().string()},
                       {"AWS_ACCESS_KEY_ID", "ENVKEY"},
                       {"AWS_SECRET_ACCESS_KEY", "envsecret"},
                       {"AWS_SESSION_TOKEN", "token"}}};
  const S3Config config = load_s3_config(env.lookup());
  CHECK(config.problem.empty());
  CHECK(config.credentials.access_key_id == "ENVKEY");
  CHECK(config.credentials.secret_access_key == "envsecret");
  CHECK(config.credentials.session_token == "token");
  CHECK(config.region == "us-east-1");
  CHECK(config.endpoint.empty());
}

TEST_CASE("S3 config: AWS_PROFILE picks a profile of both files; nested s3 settings") {
  ScratchDir dir;
  write_file(dir.file("creds"),
             "# comment\n[default]\naws_access_key_id = DEFAULTKEY\n"
             "aws_secret_access_key = d\n\n[work]\n"
             "aws_access_key_id = WORKKEY\naws_secret_access_key = w s\n");
  write_file(dir.file("config"),
             "[default]\nregion = eu-west-1\n[profile work]\n"
             "region = ap-south-1\nendpoint_url = http://127.0.0.1:9000/\n"
             "s3 =\n  addressing_style = virtual\n");
  FakeEnvironment env{{{"HOME", "/nonexistent"},
                       {"AWS_SHARED_CREDENTIALS_FILE", dir.file("creds")},
                       {"AWS_CONFIG_FILE", dir.file("config")},
                       {"AWS_PROFILE", "work"}}};
  S3Config config = load_s3_config(env.lookup());
  CHECK(config.problem.empty());
  CHECK(config.credentials.access_key_id == "WORKKEY");
  CHECK(config.credentials.secret_access_key == "w s");
  CHECK(config.region == "ap-south-1");
  CHECK(config.endpoint == "http://127.0.0.1:9000");
  CHECK(config.addressing_style == "virtual");
  CHECK_FALSE(uses_path_style(config, "bucket"));

  env.values["AWS_REGION"] = "us-west-2";
  env.values["AWS_ENDPOINT_URL"] = "https://minio.example:9000";
  env.values.erase("AWS_PROFILE");
  config = load_s3_config(env.lookup());
  CHECK(config.credentials.access_key_id == "DEFAULTKEY");
  CHECK(config.region == "us-west-2");
  CHECK(config.endpoint == "https://minio.example:9000");
  CHECK(config.addressing_style == "auto");
  CHECK(uses_path_style(config, "bucket"));  // a custom endpoint: path-style

  env.values["AWS_ENDPOINT_URL_S3"] = "http://s3only:1";
  CHECK(load_s3_config(env.lookup()).endpoint == "http://s3only:1");
}

TEST_CASE("S3 config: a missing profile, half credentials and a bad endpoint are problems") {
  ScratchDir dir;
  FakeEnvironment env{{{"HOME", dir.path().string()}, {"AWS_PROFILE", "nosuch"}}};
  CHECK(load_s3_config(env.lookup()).problem.find("'nosuch'") != std::string::npos);
  env.values = {{"HOME", dir.path().string()}, {"AWS_ACCESS_KEY_ID", "K"}};
  CHECK(load_s3_config(env.lookup()).problem.find("together") != std::string::npos);
  env.values = {{"HOME", dir.path().string()}, {"AWS_ENDPOINT_URL", "localhost:9000"}};
  CHECK(load_s3_config(env.lookup()).problem.find("http://") != std::string::npos);
}

TEST_CASE("S3 config: anonymous access, and AWS addressing") {
  ScratchDir dir;
  FakeEnvironment env{{{"HOME", dir.path().string()}, {"AWS_NO_SIGN_REQUEST", "true"}}};
  const S3Config config = load_s3_config(env.lookup());
  CHECK(config.anonymous);
  CHECK(config.problem.empty());
  CHECK_FALSE(uses_path_style(config, "commoncrawl"));
  CHECK(uses_path_style(config, "dotted.bucket"));
  const PreparedRequest request =
      prepare_request(config, "GET", {"commoncrawl", "crawl-data/a b.gz"}, {}, "x");
  CHECK(request.url == "https://commoncrawl.s3.us-east-1.amazonaws.com/crawl-data/a%20b.gz");
  for (const std::string& header : request.headers)
    CHECK(header.rfind("Authorization", 0) == std::string::npos);
}

TEST_CASE("S3 URLs: bucket and key; signed path-style requests") {
  const Location where = parse_s3_url("s3://bkt/dir/file name.gz");
  CHECK(where.bucket == "bkt");
  CHECK(where.key == "dir/file name.gz");
  CHECK(parse_s3_url("s3://bkt").key.empty());
  CHECK_THROWS_AS(parse_s3_url("s3:///key"), IoError);
  S3Config config;
  config.region = "us-east-1";
  config.endpoint = "http://127.0.0.1:9000";
  config.addressing_style = "auto";
  config.credentials = {"K", "S", ""};
  const PreparedRequest request =
      prepare_request(config, "GET", {"bkt", ""}, {{"list-type", "2"}, {"prefix", "a b/"}}, "x");
  CHECK(request.url == "http://127.0.0.1:9000/bkt/?list-type=2&prefix=a%20b%2F");
  CHECK(request.headers.front() == "host: 127.0.0.1:9000");
  CHECK(request.headers.back().rfind("Authorization: AWS4-HMAC-SHA256 Credential=K/", 0) == 0);
}
