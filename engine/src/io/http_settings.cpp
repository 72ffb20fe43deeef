// The process-wide HTTP retry policy (libcurl's global state is set up when it is first loaded:
// remote_libraries.cpp).
#include "io/io_internal.hpp"

namespace loom::io {

namespace {

HttpSettings& settings_storage() {
  static HttpSettings settings;
  return settings;
}

}  // namespace

void configure_http(const HttpSettings& settings) {
  if (settings.max_retries < 0) throw IoError("http max_retries must not be negative");
  if (settings.initial_backoff_seconds < 0) {
    throw IoError("http initial_backoff_seconds must not be negative");
  }
  settings_storage() = settings;
}

const HttpSettings& http_settings() { return settings_storage(); }

}  // namespace loom::io
