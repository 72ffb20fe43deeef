// SigV4 signatures checked against botocore's signer (an independent implementation), computed
// offline by sigv4_reference.py, step by step: canonical request, string to sign, signature.
#include "io/s3_sigv4.hpp"

#include <doctest/doctest.h>

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

using namespace loom::io::s3;

namespace {

struct Case {
  std::string method, bucket, key;
  std::vector<std::pair<std::string, std::string>> query, headers;
  std::string payload_hash;
};

std::string hex(std::string_view text) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (const unsigned char c : text) {
    out += kDigits[c >> 4];
    out += kDigits[c & 0xf];
  }
  return out;
}

std::string unhex(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i + 1 < text.size(); i += 2)
    out += static_cast<char>(std::stoi(text.substr(i, 2), nullptr, 16));
  return out;
}

std::string join_pairs(const std::vector<std::pair<std::string, std::string>>& items) {
  std::string out;
  for (const auto& [name, value] : items) {
    if (!out.empty()) out += '\n';
    out += name + std::string(1, '\0') + value;
  }
  return out;
}

const Credentials kCredentials{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", ""};
constexpr const char* kRegion = "eu-west-3";
constexpr const char* kDate = "20261206T193000Z";

std::vector<Case> cases() {
  const std::string date = kDate;
  const auto headers = [&](const std::string& payload,
                           std::vector<std::pair<std::string, std::string>> extra = {}) {
    std::vector<std::pair<std::string, std::string>> all = {
        {"Host", "127.0.0.1:9000"}, {"X-Amz-Date", date}, {"X-Amz-Content-SHA256", payload}};
    all.insert(all.end(), extra.begin(), extra.end());
    return all;
  };
  const std::string empty(kEmptyPayloadSha256);
  const std::string body = sha256_hex("part one\n");
  return {
      {"GET", "data", "shards/part-00000.jsonl.gz", {}, headers(empty), empty},
      {"GET", "data", "with space/and+plus & amp=eq.txt", {}, headers(empty), empty},
      {"GET",
       "data",
       "unicodé/日本語/ÿ.wet.gz",
       {},
       headers(empty, {{"Range", "bytes=100-"}}),
       empty},
      {"GET", "data", "tilde~/star*/quote'/percent%2F", {}, headers(empty), empty},
      {"GET",
       "data",
       "",
       {{"list-type", "2"},
        {"prefix", "crawl-data/CC MAIN/日本"},
        {"continuation-token", "1/abc+def==/x"},
        {"max-keys", "1000"}},
       headers(empty),
       empty},
      {"POST", "data", "out/result.jsonl", {{"uploads", ""}}, headers(empty), empty},
      {"PUT",
       "data",
       "out/result.jsonl",
       {{"uploadId", "2~abc/def+ghi=="}, {"partNumber", "3"}},
       headers(body,
               {{"Content-Length", "9"}, {"X-Amz-Security-Token", "  token  with   spaces "}}),
       body},
      {"DELETE",
       "data",
       "out/a b.jsonl",
       {{"uploadId", "xyz"}},
       headers("UNSIGNED-PAYLOAD"),
       "UNSIGNED-PAYLOAD"},
  };
}

std::string reference_script() {
  return std::string(LOOM_SOURCE_DIR) + "/tests/unit/io/sigv4_reference.py";
}

// Debian's botocore lives under the system python; prefer it.
std::string python() {
  return std::filesystem::exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
}

}  // namespace

TEST_CASE("SigV4: canonical request, string to sign and signature equal botocore's") {
  const std::vector<Case> all = cases();
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("loom-sigv4-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  struct Cleanup {
    std::filesystem::path dir;
    ~Cleanup() { std::filesystem::remove_all(dir); }
  } cleanup{dir};
  {
    std::ofstream input(dir / "cases.tsv");
    for (const Case& c : all) {
      input << hex(c.method) << '\t' << hex(c.bucket) << '\t' << hex(c.key) << '\t'
            << hex(join_pairs(c.query)) << '\t' << hex(join_pairs(c.headers)) << '\t'
            << hex(c.payload_hash) << '\t' << hex(kCredentials.access_key_id) << '\t'
            << hex(kCredentials.secret_access_key) << '\t' << hex(kRegion) << '\t' << hex(kDate)
            << '\n';
    }
  }
  const std::string command = python() + " " + reference_script() + " < " +
                              (dir / "cases.tsv").string() + " > " + (dir / "out.tsv").string();
  const int status = std::system(command.c_str());
  if (WIFEXITED(status) && WEXITSTATUS(status) == 77) {
    MESSAGE("SKIPPED: botocore is not installed (apt-get install python3-botocore)");
    return;
  }
  REQUIRE_MESSAGE(status == 0, "the botocore reference script failed: " << command);
  std::ifstream output(dir / "out.tsv");
  std::string line;
  std::size_t index = 0;
  while (std::getline(output, line)) {
    REQUIRE(index < all.size());
    const Case& c = all[index++];
    std::istringstream fields(line);
    std::string canonical, to_sign, signature;
    std::getline(fields, canonical, '\t');
    std::getline(fields, to_sign, '\t');
    std::getline(fields, signature, '\t');
    RequestToSign request;
    request.method = c.method;
    request.encoded_path = "/" + c.bucket + (c.key.empty() ? "" : "/" + uri_encode(c.key, true));
    request.query = c.query;
    request.headers = c.headers;
    request.payload_hash = c.payload_hash;
    const Signature ours = sign_v4(request, kCredentials, kRegion, kDate);
    INFO("request ", index, ": ", c.method, " ", c.bucket, "/", c.key);
    CHECK(ours.canonical_request == unhex(canonical));
    CHECK(ours.string_to_sign == unhex(to_sign));
    CHECK(ours.signature == signature);
  }
  CHECK(index == all.size());
}

TEST_CASE("SigV4: the example signature of AWS's documentation (GET object with Range)") {
  // "Example: GET Object" in the S3 API reference's SigV4 header-based authentication page.
  RequestToSign request;
  request.method = "GET";
  request.encoded_path = "/test.txt";
  request.headers = {{"Host", "examplebucket.s3.amazonaws.com"},
                     {"Range", "bytes=0-9"},
                     {"x-amz-content-sha256", std::string(kEmptyPayloadSha256)},
                     {"x-amz-date", "20130524T000000Z"}};
  request.payload_hash = std::string(kEmptyPayloadSha256);
  const Signature signature =
      sign_v4(request, {"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", ""},
              "us-east-1", "20130524T000000Z");
  CHECK(signature.signature == "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
}
