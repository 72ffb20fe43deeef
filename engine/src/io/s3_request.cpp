// S3 requests over libcurl's easy interface, signed with SigV4 (s3_sigv4.cpp) unless anonymous.
#include "io/s3_request.hpp"

#include "io/io_internal.hpp"
#include "io/remote_libraries.hpp"
#include "io/s3_xml.hpp"

#include <strings.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <memory>
#include <thread>

namespace loom::io::s3 {

namespace {

std::string host_of(const std::string& endpoint) {
  const auto start = endpoint.find("://") + 3;
  const auto end = endpoint.find('/', start);
  return endpoint.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* out) {
  const std::string_view line(data, size * count);
  if (line.size() > 5 && strncasecmp(line.data(), "etag:", 5) == 0) {
    std::string value(line.substr(5));
    value.erase(0, value.find_first_not_of(" \t"));
    while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' '))
      value.pop_back();
    *static_cast<std::string*>(out) = value;
  }
  return size * count;
}

struct UploadSource {
  std::string_view body;
  std::size_t offset = 0;
};

std::size_t on_read(char* buffer, std::size_t size, std::size_t count, void* source_pointer) {
  auto& source = *static_cast<UploadSource*>(source_pointer);
  const std::size_t n = std::min(size * count, source.body.size() - source.offset);
  std::copy_n(source.body.data() + source.offset, n, buffer);
  source.offset += n;
  return n;
}

}  // namespace

Location parse_s3_url(const std::string& url) {
  if (!internal::is_s3(url)) throw IoError("'" + url + "' is not an s3:// URL");
  const std::string rest = url.substr(5);
  const auto slash = rest.find('/');
  Location where{rest.substr(0, slash), slash == std::string::npos ? "" : rest.substr(slash + 1)};
  if (where.bucket.empty()) throw IoError("'" + url + "' names no bucket (s3://bucket/key)");
  return where;
}

std::string s3_url(const std::string& bucket, const std::string& key) {
  return "s3://" + bucket + "/" + key;
}

PreparedRequest prepare_request(const S3Config& config, const std::string& method,
                                const Location& where, const Query& query,
                                const std::string& payload_hash) {
  const bool path_style = uses_path_style(config, where.bucket);
  std::string endpoint =
      config.endpoint.empty() ? "https://s3." + config.region + ".amazonaws.com" : config.endpoint;
  std::string path = "/" + uri_encode(where.key, true);
  if (path_style) {
    path = "/" + uri_encode(where.bucket, false) + (where.key.empty() ? "/" : path);
  } else {
    endpoint.insert(endpoint.find("://") + 3, where.bucket + ".");
  }
  PreparedRequest prepared;
  const std::string query_text = canonical_query(query);
  prepared.url = endpoint + path + (query_text.empty() ? "" : "?" + query_text);
  RequestToSign request;
  request.method = method;
  request.encoded_path = path;
  request.query = query;
  request.payload_hash = payload_hash;
  request.headers = {{"host", host_of(endpoint)},
                     {"x-amz-content-sha256", payload_hash},
                     {"x-amz-date", amz_date_now()}};
  if (!config.anonymous && !config.credentials.session_token.empty())
    request.headers.emplace_back("x-amz-security-token", config.credentials.session_token);
  for (const auto& [name, value] : request.headers) prepared.headers.push_back(name + ": " + value);
  if (!config.anonymous) {
    const Signature signature =
        sign_v4(request, config.credentials, config.region, request.headers[2].second);
    prepared.headers.push_back("Authorization: " + signature.authorization);
  }
  return prepared;
}

Response perform(const std::string& method, const Location& where, const Query& query,
                 std::string_view body, const std::string& what) {
  const internal::CurlLibrary& curl = internal::curl_library(what);
  const S3Config& config = s3_config();
  const HttpSettings settings = http_settings();
  const std::string payload_hash = sha256_hex(body);
  for (int attempt = 0;; ++attempt) {
    const PreparedRequest prepared = prepare_request(config, method, where, query, payload_hash);
    std::unique_ptr<CURL, decltype(curl.easy_cleanup)> easy(curl.easy_init(), curl.easy_cleanup);
    if (!easy) throw IoError(what + ": libcurl initialization failed");
    curl_slist* headers = nullptr;
    for (const std::string& header : prepared.headers)
      headers = curl.slist_append(headers, header.c_str());
    headers = curl.slist_append(headers, "Expect:");  // no 100-continue round trip
    std::unique_ptr<curl_slist, decltype(curl.slist_free_all)> header_list(headers,
                                                                           curl.slist_free_all);
    Response response;
    UploadSource source{body};
    char error_buffer[CURL_ERROR_SIZE] = {};
    CURL* handle = easy.get();
    curl.easy_setopt(handle, CURLOPT_URL, prepared.url.c_str());
    curl.easy_setopt(handle, CURLOPT_PROTOCOLS_STR, "http,https");
    // HEAD is CURLOPT_NOBODY: a custom "HEAD" would make curl wait for a body.
    if (method != "HEAD") curl.easy_setopt(handle, CURLOPT_CUSTOMREQUEST, method.c_str());
    curl.easy_setopt(handle, CURLOPT_HTTPHEADER, headers);
    curl.easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
    curl.easy_setopt(handle, CURLOPT_USERAGENT, "loom");
    curl.easy_setopt(handle, CURLOPT_ERRORBUFFER, error_buffer);
    curl.easy_setopt(handle, CURLOPT_WRITEFUNCTION, &on_body);
    curl.easy_setopt(handle, CURLOPT_WRITEDATA, &response.body);
    curl.easy_setopt(handle, CURLOPT_HEADERFUNCTION, &on_header);
    curl.easy_setopt(handle, CURLOPT_HEADERDATA, &response.etag);
    curl.easy_setopt(handle, CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(std::max(1.0, settings.connect_timeout_seconds * 1000)));
    curl.easy_setopt(handle, CURLOPT_LOW_SPEED_LIMIT, 1024L);
    curl.easy_setopt(
        handle, CURLOPT_LOW_SPEED_TIME,
        static_cast<long>(std::max(1.0, std::ceil(settings.low_speed_timeout_seconds))));
    if (method == "PUT" || method == "POST") {
      curl.easy_setopt(handle, CURLOPT_UPLOAD, 1L);
      curl.easy_setopt(handle, CURLOPT_READFUNCTION, &on_read);
      curl.easy_setopt(handle, CURLOPT_READDATA, &source);
      curl.easy_setopt(handle, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(body.size()));
    } else if (method == "HEAD") {
      curl.easy_setopt(handle, CURLOPT_NOBODY, 1L);
    }
    const CURLcode result = curl.easy_perform(handle);
    if (result == CURLE_OK) {
      curl.easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &response.status);
      // 501 is S3's NotImplemented: asking again cannot help.
      if (!internal::is_retryable_http_status(response.status) || response.status == 501 ||
          attempt >= settings.max_retries)
        return response;
    } else if (!internal::is_retryable_curl_code(result) || attempt >= settings.max_retries) {
      throw IoError(what + ": " + curl.easy_strerror(result) +
                    (error_buffer[0] != '\0' ? std::string(" (") + error_buffer + ")" : "") +
                    (attempt > 0 ? "; gave up after " + std::to_string(attempt) + " retries"
                                 : std::string()));
    }
    const double backoff = std::min(settings.initial_backoff_seconds * std::pow(2.0, attempt),
                                    std::max(60.0, settings.initial_backoff_seconds));
    std::this_thread::sleep_for(std::chrono::duration<double>(backoff));
  }
}

std::string describe_failure(const Response& response, const Location& where,
                             const std::string& what) {
  std::string code, message;
  try {
    code = xml_text(response.body, "Code", what);
    message = xml_text(response.body, "Message", what);
  } catch (const IoError&) {
    // Not an S3 error document (a proxy's page): the status says enough.
  }
  std::string detail = "HTTP status " + std::to_string(response.status) +
                       (code.empty() ? "" : ", " + code) + (message.empty() ? "" : ": " + message);
  if (code == "NoSuchBucket")
    return what + ": bucket '" + where.bucket + "' does not exist (" + detail + ")";
  if (code == "NoSuchKey")
    return what + ": no object '" + where.key + "' in bucket '" + where.bucket + "' (" + detail +
           ")";
  if (response.status == 403 || code == "InvalidAccessKeyId" || code == "SignatureDoesNotMatch") {
    const S3Config& config = s3_config();
    return what + ": access denied (" + detail + "); the request was " +
           (config.anonymous ? "unsigned (AWS_NO_SIGN_REQUEST)"
                             : "signed with credentials from " + config.credentials_source);
  }
  return what + ": " + detail;
}

std::string explain_object_status(long status) {
  if (status == 404)
    return "; the object does not exist (if it was listed, it was deleted after the listing)";
  if (status == 403) {
    const S3Config& config = s3_config();
    return "; access denied, the request was " +
           (config.anonymous ? std::string("unsigned (AWS_NO_SIGN_REQUEST)")
                             : "signed with credentials from " + config.credentials_source);
  }
  return {};
}

}  // namespace loom::io::s3
