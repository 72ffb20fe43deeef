// The engine's owner merge of one key exchange round (dist/key_exchange.cpp), for the tests that
// simulate ranks: per key, the counts summed and the smallest position with its payload, ties to
// the lower rank; each rank gets the summary of each of its records, in its export order.
#pragma once

#include <doctest/doctest.h>
#include <loom/sdk/key_exchange.hpp>

#include <cstdint>
#include <cstring>
#include <map>
#include <string>
#include <vector>

namespace {

// The engine's owner merge over every rank's export of one round, as each rank's import.
std::vector<std::string> merge(const std::vector<loom::KeyExport>& exports) {
  const std::size_t width = exports[0].key_bytes() + 16 + exports[0].payload_bytes();
  struct Merged {
    std::uint64_t position = ~std::uint64_t{0};
    std::uint64_t count = 0;
    std::string payload;
  };
  std::map<std::string, Merged> merged;
  for (const loom::KeyExport& e : exports) {  // in rank order: a tie keeps the lower rank's
    const std::string& bytes = e.bytes();
    for (std::size_t at = 0; at < bytes.size(); at += width) {
      std::uint64_t position, count;
      std::memcpy(&position, bytes.data() + at + e.key_bytes(), 8);
      std::memcpy(&count, bytes.data() + at + e.key_bytes() + 8, 8);
      Merged& m = merged[bytes.substr(at, e.key_bytes())];
      m.count += count;
      if (position < m.position) {
        m.position = position;
        m.payload = bytes.substr(at + e.key_bytes() + 16, e.payload_bytes());
      }
    }
  }
  std::vector<std::string> replies;
  for (const loom::KeyExport& e : exports) {
    std::string reply;
    const std::string& bytes = e.bytes();
    for (std::size_t at = 0; at < bytes.size(); at += width) {
      const Merged& m = merged.at(bytes.substr(at, e.key_bytes()));
      reply.append(reinterpret_cast<const char*>(&m.position), 8);
      reply.append(reinterpret_cast<const char*>(&m.count), 8);
      reply.append(m.payload);
    }
    replies.push_back(std::move(reply));
  }
  return replies;
}

// Rounds until the last, every rank agreeing which one it is: `export_round(rank, out)`, then
// `import_round(rank, merged)` with the merge of every rank's export. Returns the rounds taken.
template <class Export, class Import>
std::size_t run_rounds(std::size_t ranks, Export&& export_round, Import&& import_round) {
  for (std::size_t rounds = 1;; ++rounds) {
    REQUIRE(rounds <= 10000);
    std::vector<loom::KeyExport> exports(ranks);
    for (std::size_t r = 0; r < ranks; ++r) export_round(r, exports[r]);
    for (std::size_t r = 1; r < ranks; ++r) REQUIRE(exports[r].last() == exports[0].last());
    const std::vector<std::string> replies = merge(exports);
    for (std::size_t r = 0; r < ranks; ++r) import_round(r, loom::MergedKeys(replies[r], 0));
    if (exports[0].last()) return rounds;
  }
}

}  // namespace
