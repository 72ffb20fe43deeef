#include "content_hash.hpp"

#include <openssl/evp.h>

#include <array>

namespace loom::github {

void ContentHash::process(Batch& batch) {
  static constexpr char hex_digits[] = "0123456789abcdef";
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  std::array<char, 32> hex{};
  for (std::size_t i = 0; i < batch.size(); ++i) {
    Doc doc = batch[i];
    if (doc.dropped()) continue;
    const std::string_view text = doc.text();
    unsigned int length = 0;
    if (EVP_Digest(text.data(), text.size(), digest.data(), &length, EVP_md5(), nullptr) != 1 ||
        length != 16)
      throw Error("content_hash: OpenSSL md5 failed", LOOM_ERR_INTERNAL,
                  static_cast<std::int64_t>(i));
    for (std::size_t k = 0; k < 16; ++k) {
      hex[2 * k] = hex_digits[digest[k] >> 4];
      hex[2 * k + 1] = hex_digits[digest[k] & 0x0F];
    }
    doc.set_meta(options_.field, std::string_view(hex.data(), hex.size()));
  }
}

}  // namespace loom::github
