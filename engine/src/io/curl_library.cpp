#include "io/curl_library.hpp"

#include "io/io.hpp"

#include <dlfcn.h>

#include <string>

#ifndef LOOM_CURL_SONAME
#error "LOOM_CURL_SONAME (the soname of the libcurl the engine is built against) is not defined"
#endif

namespace loom::io::internal {

namespace {

template <typename Function>
void resolve(void* library, const char* name, Function& function) {
  void* symbol = ::dlsym(library, name);
  if (symbol == nullptr) {
    throw IoError(std::string("cannot use libcurl (") + curl_library_name() + "): it has no " +
                  name + " (libcurl 7.66 or later is needed)");
  }
  function = reinterpret_cast<Function>(symbol);
}

CurlLibrary load() {
  // RTLD_NOW: a missing symbol of libcurl's own dependencies fails here, not mid-transfer.
  void* library = ::dlopen(curl_library_name(), RTLD_NOW | RTLD_LOCAL);
  if (library == nullptr) {
    const char* reason = ::dlerror();
    throw IoError(std::string("cannot load libcurl (") + curl_library_name() +
                  "), needed for http(s) and s3:// inputs and outputs: " +
                  (reason != nullptr ? reason : "unknown reason") +
                  " (on Debian: apt-get install libcurl4)");
  }
  CurlLibrary curl{};
  resolve(library, "curl_easy_init", curl.easy_init);
  resolve(library, "curl_easy_setopt", curl.easy_setopt);
  resolve(library, "curl_easy_getinfo", curl.easy_getinfo);
  resolve(library, "curl_easy_perform", curl.easy_perform);
  resolve(library, "curl_easy_pause", curl.easy_pause);
  resolve(library, "curl_easy_cleanup", curl.easy_cleanup);
  resolve(library, "curl_easy_strerror", curl.easy_strerror);
  resolve(library, "curl_multi_init", curl.multi_init);
  resolve(library, "curl_multi_add_handle", curl.multi_add_handle);
  resolve(library, "curl_multi_remove_handle", curl.multi_remove_handle);
  resolve(library, "curl_multi_perform", curl.multi_perform);
  resolve(library, "curl_multi_poll", curl.multi_poll);
  resolve(library, "curl_multi_info_read", curl.multi_info_read);
  resolve(library, "curl_multi_strerror", curl.multi_strerror);
  resolve(library, "curl_multi_cleanup", curl.multi_cleanup);
  resolve(library, "curl_slist_append", curl.slist_append);
  resolve(library, "curl_slist_free_all", curl.slist_free_all);
  decltype(&::curl_global_init) global_init = nullptr;
  resolve(library, "curl_global_init", global_init);
  if (global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
    throw IoError("cannot initialize libcurl (curl_global_init failed)");
  return curl;  // the library stays loaded until the process ends
}

}  // namespace

const char* curl_library_name() { return LOOM_CURL_SONAME; }

const CurlLibrary& curl_library(const std::string& what) {
  try {
    static const CurlLibrary curl = load();  // a throwing load is retried by the next caller
    return curl;
  } catch (const IoError& error) {
    throw IoError(what + ": " + error.what());
  }
}

}  // namespace loom::io::internal
