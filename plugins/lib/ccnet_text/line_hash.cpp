#include <ccnet_text/normalizer.hpp>

#include <nettle/sha1.h>

#include <cstdint>

namespace loom::ccnet {

// Nettle rather than OpenSSL's EVP interface: a line is ~100 bytes, one or two SHA-1 blocks, so
// the per-call cost decides, and nettle's one-shot init/update/digest on a stack context (with
// the SHA-NI compression function in Debian's fat build) is ~1.45x faster per line than EVP's
// Init/Update/Final on a reused context.
std::uint64_t line_hash(std::string_view normalized) {
  sha1_ctx context;
  sha1_init(&context);
  sha1_update(&context, normalized.size(),
              reinterpret_cast<const std::uint8_t*>(normalized.data()));
  std::uint8_t digest[SHA1_DIGEST_SIZE];
  sha1_digest(&context, SHA1_DIGEST_SIZE, digest);
  // numpy reads the first 8 bytes as a native uint64; cc_net runs on little-endian machines.
  std::uint64_t value = 0;
  for (int i = 7; i >= 0; --i) value = (value << 8) | digest[i];
  return value;
}

}  // namespace loom::ccnet
