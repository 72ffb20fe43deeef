#include "io/remote_libraries.hpp"

#include "io/io.hpp"

#include <dlfcn.h>

#include <string>

#if !defined(LOOM_CURL_SONAME) || !defined(LOOM_CRYPTO_SONAME) || !defined(LOOM_XML2_SONAME)
#error "the sonames of the libraries loaded on first use are set by engine/CMakeLists.txt"
#endif
#ifdef LIBXML_THREAD_ALLOC_ENABLED
#error "this libxml2 keeps xmlFree per thread; XmlLibrary expects the process-wide variable"
#endif

namespace loom::io::internal {

namespace {

// A library loaded for good (never closed: its functions may be called until the process ends).
class LoadedLibrary {
 public:
  LoadedLibrary(const char* name, const char* soname, const char* needed_for)
      : name_(name), soname_(soname) {
    // RTLD_NOW: a missing symbol of the library's own dependencies fails here, not mid-transfer.
    handle_ = ::dlopen(soname, RTLD_NOW | RTLD_LOCAL);
    if (handle_ == nullptr) {
      const char* reason = ::dlerror();
      throw IoError("cannot load " + name_ + " (" + soname_ + "), needed for " + needed_for + ": " +
                    (reason != nullptr ? reason : "unknown reason"));
    }
  }

  template <typename Pointer>
  void resolve(const char* symbol_name, Pointer& pointer) const {
    void* symbol = ::dlsym(handle_, symbol_name);
    if (symbol == nullptr)
      throw IoError("cannot use " + name_ + " (" + soname_ + "): it has no " + symbol_name);
    pointer = reinterpret_cast<Pointer>(symbol);
  }

 private:
  std::string name_;
  std::string soname_;
  void* handle_ = nullptr;
};

CurlLibrary load_curl() {
  const LoadedLibrary library("libcurl", LOOM_CURL_SONAME, "http(s) and s3:// inputs and outputs");
  CurlLibrary curl{};
  library.resolve("curl_easy_init", curl.easy_init);
  library.resolve("curl_easy_setopt", curl.easy_setopt);
  library.resolve("curl_easy_getinfo", curl.easy_getinfo);
  library.resolve("curl_easy_perform", curl.easy_perform);
  library.resolve("curl_easy_pause", curl.easy_pause);
  library.resolve("curl_easy_cleanup", curl.easy_cleanup);
  library.resolve("curl_easy_strerror", curl.easy_strerror);
  library.resolve("curl_multi_init", curl.multi_init);
  library.resolve("curl_multi_add_handle", curl.multi_add_handle);
  library.resolve("curl_multi_remove_handle", curl.multi_remove_handle);
  library.resolve("curl_multi_perform", curl.multi_perform);
  library.resolve("curl_multi_poll", curl.multi_poll);
  library.resolve("curl_multi_info_read", curl.multi_info_read);
  library.resolve("curl_multi_strerror", curl.multi_strerror);
  library.resolve("curl_multi_cleanup", curl.multi_cleanup);
  library.resolve("curl_slist_append", curl.slist_append);
  library.resolve("curl_slist_free_all", curl.slist_free_all);
  decltype(&::curl_global_init) global_init = nullptr;
  library.resolve("curl_global_init", global_init);
  if (global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
    throw IoError("cannot initialize libcurl (curl_global_init failed)");
  return curl;
}

CryptoLibrary load_crypto() {
  const LoadedLibrary library("OpenSSL's libcrypto", LOOM_CRYPTO_SONAME,
                              "s3:// request signatures and checksums");
  CryptoLibrary crypto{};
  library.resolve("EVP_Digest", crypto.digest);
  library.resolve("EVP_sha256", crypto.sha256);
  library.resolve("EVP_md5", crypto.md5);
  library.resolve("HMAC", crypto.hmac);
  return crypto;
}

XmlLibrary load_xml() {
  const LoadedLibrary library("libxml2", LOOM_XML2_SONAME, "s3:// listings and error answers");
  XmlLibrary xml{};
  library.resolve("xmlReadMemory", xml.read_memory);
  library.resolve("xmlFreeDoc", xml.free_doc);
  library.resolve("xmlDocGetRootElement", xml.root_element);
  library.resolve("xmlNodeGetContent", xml.node_content);
  library.resolve("xmlFree", xml.free);
  decltype(&::xmlInitParser) init_parser = nullptr;
  library.resolve("xmlInitParser", init_parser);
  init_parser();  // once, before any thread parses
  return xml;
}

// The table `load` gives, made once; a throwing load is retried by the next call.
template <typename Library>
const Library& loaded_once(Library (*load)(), const std::string& what) {
  try {
    static const Library library = load();
    return library;
  } catch (const IoError& error) {
    throw IoError(what + ": " + error.what());
  }
}

}  // namespace

const CurlLibrary& curl_library(const std::string& what) { return loaded_once(&load_curl, what); }

const CryptoLibrary& crypto_library(const std::string& what) {
  return loaded_once(&load_crypto, what);
}

const XmlLibrary& xml_library(const std::string& what) { return loaded_once(&load_xml, what); }

}  // namespace loom::io::internal
