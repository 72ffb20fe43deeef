// github_path_filter: the reference's stage-1 path rules (github_clean_dedup_local.py): a path
// ending in ".crt" (certificates) or exactly "LICENSE" (only the root-level one) is skipped.
#pragma once

#include <loom/plugin.hpp>

#include <string>

namespace loom::github {

struct PathFilterOptions {
  std::string field = "path";
  StringList excluded_suffixes = {".crt"};
  StringList excluded_paths = {"LICENSE"};

  static constexpr auto fields = std::tuple(
      loom::field("field", &PathFilterOptions::field, "meta field holding the file path"),
      loom::field("excluded_suffixes", &PathFilterOptions::excluded_suffixes,
                  "drop a path ending in one of these (case-sensitive); reason excluded_suffix"),
      loom::field("excluded_paths", &PathFilterOptions::excluded_paths,
                  "drop a path equal to one of these (exact, so only at the repository root); "
                  "reason excluded_path"));
};

class PathFilter : public Filter {
 public:
  static constexpr const char* name = "github_path_filter";
  static constexpr const char* summary =
      "drops files by path: *.crt and the root LICENSE by default (reference stage 1)";
  using Options = PathFilterOptions;
  static constexpr Declared drop_reasons[] = {{"excluded_suffix", "a *.crt file"},
                                              {"excluded_path", "the root LICENSE"}};
  static constexpr std::array<Declared, 0> meta_fields{};

  explicit PathFilter(const Options& options) : options_(options) {}
  void process(Batch& batch) override;

 private:
  Options options_;
};

}  // namespace loom::github
