// Process-wide set-up: libcurl's global state and the HTTP retry policy.
#include "io/io_internal.hpp"

#include <curl/curl.h>

#include <mutex>

namespace loom::io {

namespace {

HttpSettings& settings_storage() {
  static HttpSettings settings;
  return settings;
}

}  // namespace

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
      throw IoError("cannot initialize libcurl (curl_global_init failed)");
    }
  });
}

void configure_http(const HttpSettings& settings) {
  if (settings.max_retries < 0) throw IoError("http max_retries must not be negative");
  if (settings.initial_backoff_seconds < 0) {
    throw IoError("http initial_backoff_seconds must not be negative");
  }
  settings_storage() = settings;
}

const HttpSettings& http_settings() { return settings_storage(); }

}  // namespace loom::io
