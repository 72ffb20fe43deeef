// Whole small files that may be S3 objects: existence, reading, removal (resume manifests).
#include "io/io_internal.hpp"
#include "io/s3_request.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace loom::io {

bool exists(const std::string& path_or_url) {
  if (!internal::is_s3(path_or_url)) {
    std::error_code error;
    return std::filesystem::exists(path_or_url, error);
  }
  const s3::Location where = s3::parse_s3_url(path_or_url);
  const std::string what = "cannot check whether '" + path_or_url + "' exists";
  const s3::Response answer = s3::perform("HEAD", where, {}, {}, what);
  if (answer.status == 200) return true;
  if (answer.status == 404) return false;
  throw IoError(s3::describe_failure(answer, where, what));
}

std::string read_whole(const std::string& path_or_url) {
  if (!internal::is_s3(path_or_url)) {
    std::ifstream stream(path_or_url, std::ios::binary);
    if (!stream) throw IoError("cannot read '" + path_or_url + "'");
    std::ostringstream text;
    text << stream.rdbuf();
    return text.str();
  }
  auto input = open_input(path_or_url, LOOM_CODEC_NONE);
  std::string text;
  std::string buffer(internal::kIoBufferBytes, '\0');
  while (const std::size_t n = input->read(buffer.data(), buffer.size())) text.append(buffer, 0, n);
  return text;
}

void put_object(const std::string& url, std::string_view text) {
  const s3::Location where = s3::parse_s3_url(url);
  const std::string what = "cannot write '" + url + "'";
  const s3::Response answer = s3::perform("PUT", where, {}, text, what);
  if (answer.status != 200) throw IoError(s3::describe_failure(answer, where, what));
}

void remove(const std::string& path_or_url) {
  if (!internal::is_s3(path_or_url)) {
    std::error_code error;
    std::filesystem::remove(path_or_url, error);
    return;
  }
  const s3::Location where = s3::parse_s3_url(path_or_url);
  const std::string what = "cannot remove '" + path_or_url + "'";
  const s3::Response answer = s3::perform("DELETE", where, {}, {}, what);
  if (answer.status != 204 && answer.status != 200 && answer.status != 404)
    throw IoError(s3::describe_failure(answer, where, what));
}

std::string local_stand_in(const std::string& path_or_url) {
  if (!internal::is_s3(path_or_url)) return path_or_url;
  return internal::s3_spool_path(path_or_url);
}

}  // namespace loom::io
