// Builds the per-slice benchmark inputs (bench/run.sh, "slices" section): for each slice named on
// the command line, a DATA root <out>/<slice>/ holding at least --target-bytes of input in that
// slice's native format, made by replicating (and, where the slice dedups, perturbing) the shared
// sample; see slice_builders.hpp. A slice whose manifest says it was built with the same options
// is left as it is, so the inputs are made once per build folder.
//
// usage: loom_bench_slices --shared DIR --out DIR [--target-bytes N] SLICE...
//        loom_bench_slices --list      (the slices it can build, one per line)
// Prints one line per slice: slice=<name> files=.. input_bytes=.. records=.. copies=..
// perturbation=..

#include "slice_builders.hpp"

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using namespace loom::bench;

namespace {

constexpr const char* kFormat = "loom-bench-slices 1";

using Builder = SliceInput (*)(const SliceTarget&);
// One line per slice: a graph graphs/redpajama/<slice>.yaml is benchmarked iff it is listed here.
const std::map<std::string, Builder> kBuilders = {
    {"c4", build_c4},
    {"github", build_github},
    {"books", build_books},
    {"books_txt", build_books_txt},
    {"arxiv", build_arxiv},
    {"stackexchange", build_stackexchange},
    {"wikipedia", build_wikipedia},
    {"common_crawl", build_common_crawl},
};

std::string header_line(std::uint64_t target_bytes) {
  return std::string(kFormat) + " target_bytes=" + std::to_string(target_bytes);
}

std::string summary_line(const std::string& slice, const SliceInput& input) {
  return "slice=" + slice + " files=" + std::to_string(input.files) +
         " input_bytes=" + std::to_string(input.input_bytes) +
         " records=" + std::to_string(input.records) + " copies=" + std::to_string(input.copies) +
         " perturbation=" + input.perturbation;
}

// The summary line of a manifest written for these options, or "" if there is none.
std::string cached_summary(const fs::path& manifest, std::uint64_t target_bytes) {
  std::ifstream in(manifest);
  std::string header, summary;
  if (!std::getline(in, header) || header != header_line(target_bytes)) return "";
  if (!std::getline(in, summary) || !summary.starts_with("slice=")) return "";
  return summary;
}

[[noreturn]] void usage(const std::string& problem) {
  std::cerr << "loom_bench_slices: " << problem
            << "\nusage: loom_bench_slices --shared DIR --out DIR [--target-bytes N] SLICE...\n"
               "slices:";
  for (const auto& [name, builder] : kBuilders) std::cerr << ' ' << name;
  std::cerr << '\n';
  std::exit(2);
}

}  // namespace

int main(int argc, char** argv) {
  fs::path shared, out;
  std::uint64_t target_bytes = 64'000'000;
  std::vector<std::string> slices;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--list") {
      for (const auto& [name, builder] : kBuilders) std::cout << name << '\n';
      return 0;
    }
    const bool has_value = i + 1 < argc;
    if (arg == "--shared" && has_value)
      shared = argv[++i];
    else if (arg == "--out" && has_value)
      out = argv[++i];
    else if (arg == "--target-bytes" && has_value)
      target_bytes = std::strtoull(argv[++i], nullptr, 10);
    else if (arg.starts_with("-"))
      usage("unknown option " + arg);
    else if (!kBuilders.contains(arg))
      usage("no input builder for slice '" + arg + "'");
    else
      slices.push_back(arg);
  }
  if (shared.empty() || out.empty() || slices.empty() || target_bytes == 0)
    usage("--shared, --out and at least one slice are required");

  try {
    for (const std::string& slice : slices) {
      const fs::path root = out / slice;
      std::string summary = cached_summary(root / "manifest.txt", target_bytes);
      if (summary.empty()) {
        std::cerr << "loom_bench_slices: building " << root.string() << '\n';
        fs::remove_all(root);
        fs::create_directories(root);
        summary = summary_line(slice, kBuilders.at(slice)({shared, root, target_bytes}));
        std::ofstream manifest(root / "manifest.txt");
        manifest << header_line(target_bytes) << '\n' << summary << '\n';
        if (!manifest.flush()) throw std::runtime_error((root / "manifest.txt").string());
      }
      std::cout << summary << std::endl;
    }
  } catch (const std::exception& e) {
    std::cerr << "loom_bench_slices: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
