#include <ccnet_text/normalizer.hpp>

#include <openssl/evp.h>

#include <array>
#include <memory>
#include <stdexcept>

namespace loom::ccnet {

namespace {

// One SHA-1 implementation fetched once, and one digest context per thread reused for every
// line: EVP_Digest would look the algorithm up and allocate a context on each call.
struct Sha1 {
  struct FreeMd {
    void operator()(EVP_MD* md) const { EVP_MD_free(md); }
  };
  struct FreeContext {
    void operator()(EVP_MD_CTX* context) const { EVP_MD_CTX_free(context); }
  };
  std::unique_ptr<EVP_MD, FreeMd> md{EVP_MD_fetch(nullptr, "SHA1", nullptr)};
};

const EVP_MD* sha1() {
  static const Sha1 fetched;
  if (!fetched.md) throw std::runtime_error("ccnet: OpenSSL has no SHA-1");
  return fetched.md.get();
}

EVP_MD_CTX* thread_context() {
  thread_local std::unique_ptr<EVP_MD_CTX, Sha1::FreeContext> context{EVP_MD_CTX_new()};
  if (!context) throw std::runtime_error("ccnet: cannot allocate an OpenSSL digest context");
  return context.get();
}

}  // namespace

std::uint64_t line_hash(std::string_view normalized) {
  EVP_MD_CTX* context = thread_context();
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  if (EVP_DigestInit_ex2(context, sha1(), nullptr) != 1 ||
      EVP_DigestUpdate(context, normalized.data(), normalized.size()) != 1 ||
      EVP_DigestFinal_ex(context, digest.data(), &length) != 1 || length != 20)
    throw std::runtime_error("ccnet: OpenSSL SHA-1 failed");
  // numpy reads the first 8 bytes as a native uint64; cc_net runs on little-endian machines.
  std::uint64_t value = 0;
  for (int i = 7; i >= 0; --i) value = (value << 8) | digest[static_cast<std::size_t>(i)];
  return value;
}

}  // namespace loom::ccnet
