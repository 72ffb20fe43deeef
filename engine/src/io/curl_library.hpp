// libcurl, loaded with dlopen on the first http(s) or s3 transfer rather than linked.
//
// Linked, libcurl's dependency tree (TLS, Kerberos, LDAP, IDN...) is loaded, relocated and
// initialized at every process start: ~3.6 ms of CPU per `loom` process, on runs whose inputs and
// outputs are all local files (docs/bench.md, "libcurl loaded on first use"). The headers are
// used as they are; calls go through this table of the functions the engine uses.
#pragma once

#include <curl/curl.h>

#include <string>

namespace loom::io::internal {

struct CurlLibrary {
  decltype(&::curl_easy_init) easy_init;
  decltype(&::curl_easy_setopt) easy_setopt;
  decltype(&::curl_easy_getinfo) easy_getinfo;
  decltype(&::curl_easy_perform) easy_perform;
  decltype(&::curl_easy_pause) easy_pause;
  decltype(&::curl_easy_cleanup) easy_cleanup;
  decltype(&::curl_easy_strerror) easy_strerror;
  decltype(&::curl_multi_init) multi_init;
  decltype(&::curl_multi_add_handle) multi_add_handle;
  decltype(&::curl_multi_remove_handle) multi_remove_handle;
  decltype(&::curl_multi_perform) multi_perform;
  decltype(&::curl_multi_poll) multi_poll;
  decltype(&::curl_multi_info_read) multi_info_read;
  decltype(&::curl_multi_strerror) multi_strerror;
  decltype(&::curl_multi_cleanup) multi_cleanup;
  decltype(&::curl_slist_append) slist_append;
  decltype(&::curl_slist_free_all) slist_free_all;
};

// The library soname this engine was built against (e.g. libcurl.so.4).
const char* curl_library_name();

// Loads libcurl and runs curl_global_init, once per process (thread-safe). Throws IoError
// "<what>: cannot load libcurl (<soname>)...: <the loader's reason>" when it cannot be loaded or
// lacks a function; the next call tries again.
const CurlLibrary& curl_library(const std::string& what);

}  // namespace loom::io::internal
