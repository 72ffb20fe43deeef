// minhash_dedup's memory at scale (issue 14): feeds the band keys of N synthetic documents
// (default 10 million) through the same index the component uses (MinhashIndex: per band one
// record per document, sorted runs spilled past the budget, union-find), with the component's
// default budget, and reports the peak resident set and bytes per document, while adding and
// after resolving. 10% of the documents are planted near-duplicates of an earlier one (they share
// 1 to 13 of its 14 band keys, the rest fresh); the decisions are checked against the plan: each
// planted copy's survivor is its original's, every other document survives. Signatures are not
// computed (minhash_signature is measured by bench/minhash_dedup.sh): only the index's memory is
// at stake here.
//
// usage: loom_bench_minhash_memory [--docs N] [--budget-mb MB] [--spill-dir DIR]
#include "minhash_index.hpp"

#include <sys/resource.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

namespace {

constexpr std::size_t kBands = 14;  // datatrove's default, minhash_dedup's

std::uint64_t mix(std::uint64_t x) {  // splitmix64's finalizer: distinct inputs, spread keys
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

// Resident set now (from /proc), and the peak so far (getrusage), in bytes.
std::uint64_t rss_now() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);)
    if (line.rfind("VmRSS:", 0) == 0) return std::strtoull(line.c_str() + 6, nullptr, 10) * 1024;
  return 0;
}
std::uint64_t rss_peak() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<std::uint64_t>(usage.ru_maxrss) * 1024;
}

double mb(std::uint64_t bytes) { return static_cast<double>(bytes) / (1024.0 * 1024.0); }

}  // namespace

int main(int argc, char** argv) {
  std::uint64_t docs = 10'000'000;
  double budget_mb = 512;  // minhash_dedup's memory_budget_mb default
  std::string spill_dir;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--docs") == 0) {
      docs = std::strtoull(argv[i + 1], nullptr, 10);
    } else if (std::strcmp(argv[i], "--budget-mb") == 0) {
      budget_mb = std::strtod(argv[i + 1], nullptr);
    } else if (std::strcmp(argv[i], "--spill-dir") == 0) {
      spill_dir = argv[i + 1];
    } else {
      std::fprintf(stderr, "usage: %s [--docs N] [--budget-mb MB] [--spill-dir DIR]\n", argv[0]);
      return 2;
    }
  }
  const std::uint64_t baseline = rss_now();
  const auto started = std::chrono::steady_clock::now();
  loom::dedup::MinhashIndex index(kBands, static_cast<std::size_t>(budget_mb * 1024 * 1024),
                                  spill_dir);
  // planted[i]: the original document i copies, or i itself.
  std::vector<std::uint32_t> planted(docs);
  std::uint64_t keys[kBands];
  std::uint64_t copies = 0;
  for (std::uint64_t i = 0; i < docs; ++i) {
    const std::uint64_t r = mix(i ^ 0x5eed);
    std::uint64_t original = i;
    if (i > 0 && r % 10 == 0) {
      original = planted[(r >> 8) % i];  // a copy of an original, never of a copy
      ++copies;
    }
    planted[i] = static_cast<std::uint32_t>(original);
    const std::size_t shared = original == i ? 0 : 1 + (r >> 40) % (kBands - 1);
    for (std::size_t band = 0; band < kBands; ++band)
      keys[band] = mix((band < shared ? original : i) * kBands + band);
    index.add(keys);
  }
  const std::uint64_t after_add = rss_peak();
  const double add_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  index.resolve();
  const std::uint64_t after_resolve = rss_peak();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

  std::uint64_t wrong = 0;
  for (std::uint64_t i = 0; i < docs; ++i)
    if (index.survivor(static_cast<std::uint32_t>(i)) != planted[i]) ++wrong;
  // The plan itself (4 bytes per document) is the bench's, not the index's.
  const std::uint64_t plan = docs * sizeof(std::uint32_t);
  const std::uint64_t index_peak = after_resolve - baseline - plan;
  std::printf(
      "minhash index, %llu documents (%llu planted near-duplicates), %zu bands, budget %.0f MB: "
      "peak RSS %.0f MB after adding (%.1f s), %.0f MB after resolving (%.1f s in all); "
      "%zu spilled runs per band; index %.1f bytes per document at its peak (RSS less the "
      "bench's own %.0f MB), %.1f bytes per document beyond the budget; decisions %s\n",
      static_cast<unsigned long long>(docs), static_cast<unsigned long long>(copies), kBands,
      budget_mb, mb(after_add), add_seconds, mb(after_resolve), seconds, index.runs_spilled(),
      static_cast<double>(index_peak) / static_cast<double>(docs), mb(baseline + plan),
      (static_cast<double>(index_peak) - budget_mb * 1024 * 1024) / static_cast<double>(docs),
      wrong == 0 ? "as planted" : "WRONG");
  if (wrong != 0) {
    std::fprintf(stderr, "%llu documents got another survivor than planted\n",
                 static_cast<unsigned long long>(wrong));
    return 1;
  }
  return 0;
}
