// The libraries only remote inputs and outputs use (libcurl for http(s) and s3://, OpenSSL's
// libcrypto for S3 signatures and checksums, libxml2 for S3 answers), loaded with dlopen on first
// use rather than linked.
//
// Linked, they and their dependencies (TLS, Kerberos, LDAP, ICU...) are loaded, relocated and
// initialized at every process start: ~5 ms of CPU per `loom` process, on runs whose inputs and
// outputs are all local files (docs/bench.md, "Libraries of remote storage loaded on first use").
// Their headers are used as they are; calls go through these tables of the functions used.
#pragma once

#include <curl/curl.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

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

struct CryptoLibrary {
  decltype(&::EVP_Digest) digest;
  decltype(&::EVP_sha256) sha256;
  decltype(&::EVP_md5) md5;
  decltype(&::HMAC) hmac;
};

struct XmlLibrary {
  decltype(&::xmlReadMemory) read_memory;
  decltype(&::xmlFreeDoc) free_doc;
  decltype(&::xmlDocGetRootElement) root_element;
  decltype(&::xmlNodeGetContent) node_content;
  xmlFreeFunc* free;  // libxml2's variable xmlFree: frees what node_content returns
};

// Each loads its library once per process (thread-safe; libcurl's and libxml2's global set-up
// included). When it cannot be loaded or lacks a function: throws IoError "<what>: cannot load
// <library> (<soname>), needed for ...: <the loader's reason>", and the next call tries again.
const CurlLibrary& curl_library(const std::string& what);
const CryptoLibrary& crypto_library(const std::string& what);
const XmlLibrary& xml_library(const std::string& what);

}  // namespace loom::io::internal
