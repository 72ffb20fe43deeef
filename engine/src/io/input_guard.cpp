// The run's inputs, so that no output replaces one or lands where a rerun would read it back
// (OUT set to DATA, a sink path pointing into an input folder). Everything is compared in its
// canonical form (symlinks resolved, `.` and `..` removed), files also by device and inode so a
// hard link to an input counts as that input.
#include "io/io_internal.hpp"

#include <fnmatch.h>
#include <sys/stat.h>

#include <filesystem>
#include <mutex>
#include <set>
#include <vector>

namespace loom::io {

namespace {

namespace fs = std::filesystem;

struct GuardedInputs {
  std::mutex mutex;
  std::set<std::string> files;                                // canonical paths of input files
  std::set<std::pair<dev_t, ino_t>> file_ids;                 // the same files, by identity
  std::set<std::string> folders;                              // input shards that are whole folders
  std::vector<std::pair<std::string, std::string>> patterns;  // canonical form -> as written
};

GuardedInputs& guarded() {
  static auto* instance = new GuardedInputs;  // never destroyed: outputs may outlive statics
  return *instance;
}

bool has_wildcard(std::string_view text) { return text.find_first_of("*?[") != text.npos; }

std::string canonical_form(const std::string& path) {
  std::error_code error;
  fs::path resolved = fs::weakly_canonical(fs::absolute(path, error), error);
  if (error) resolved = fs::absolute(path, error).lexically_normal();
  return resolved.string();
}

// A glob's folder part before the first wildcard is resolved like a path; the rest is kept.
std::string canonical_pattern(const std::string& pattern) {
  const std::size_t wildcard = pattern.find_first_of("*?[");
  if (wildcard == std::string::npos) return canonical_form(pattern);
  const std::size_t slash = pattern.rfind('/', wildcard);
  if (slash == std::string::npos) return canonical_form(".") + "/" + pattern;
  return canonical_form(pattern.substr(0, slash == 0 ? 1 : slash)) + pattern.substr(slash);
}

bool inside(const std::string& path, const std::string& folder) {
  return path.size() > folder.size() && path.compare(0, folder.size(), folder) == 0 &&
         (folder.back() == '/' || path[folder.size()] == '/');
}

[[noreturn]] void refuse(const std::string& output, const std::string& why) {
  throw IoError("refusing to write output '" + output + "': " + why +
                "; the run would replace its own input or read its output back on a rerun. "
                "Write the output somewhere no input pattern reaches");
}

}  // namespace

namespace internal {

std::vector<std::string> path_components(std::string_view path) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= path.size()) {
    const std::size_t end = std::min(path.find('/', start), path.size());
    if (end > start) out.emplace_back(path.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

// The semantics of expand_paths: wildcards stay within a component and skip names starting with
// '.', `**` stands for any number of folders (none included) that are not hidden.
bool glob_matches(const std::vector<std::string>& pattern, std::size_t p,
                  const std::vector<std::string>& path, std::size_t q) {
  if (p == pattern.size()) return q == path.size();
  if (pattern[p] == "**") {
    if (glob_matches(pattern, p + 1, path, q)) return true;
    return q < path.size() && path[q].front() != '.' && glob_matches(pattern, p, path, q + 1);
  }
  if (q == path.size()) return false;
  if (fnmatch(pattern[p].c_str(), path[q].c_str(), FNM_PERIOD) != 0) return false;
  return glob_matches(pattern, p + 1, path, q + 1);
}

}  // namespace internal

void reset_input_guard() {
  auto& g = guarded();
  std::lock_guard lock(g.mutex);
  g.files.clear();
  g.file_ids.clear();
  g.folders.clear();
  g.patterns.clear();
}

void guard_input(const std::string& path_or_pattern) {
  if (path_or_pattern.empty() || internal::is_url(path_or_pattern)) return;
  auto& g = guarded();
  if (internal::is_s3(path_or_pattern)) {  // keys are compared as written: no folders, no links
    std::lock_guard lock(g.mutex);
    if (has_wildcard(path_or_pattern))
      g.patterns.emplace_back(path_or_pattern, path_or_pattern);
    else
      g.files.insert(path_or_pattern);
    return;
  }
  if (has_wildcard(path_or_pattern)) {
    std::string canonical = canonical_pattern(path_or_pattern);
    std::lock_guard lock(g.mutex);
    g.patterns.emplace_back(std::move(canonical), path_or_pattern);
    return;
  }
  std::string canonical = canonical_form(path_or_pattern);
  struct stat info {};
  const bool exists = ::stat(path_or_pattern.c_str(), &info) == 0;
  std::lock_guard lock(g.mutex);
  if (exists && S_ISDIR(info.st_mode)) {
    g.folders.insert(std::move(canonical));
    return;
  }
  if (exists) g.file_ids.emplace(info.st_dev, info.st_ino);
  g.files.insert(std::move(canonical));
}

void check_output_path(const std::string& output) {
  if (internal::is_url(output)) return;
  const bool s3 = internal::is_s3(output);
  const std::string canonical = s3 ? output : canonical_form(output);
  struct stat info {};
  const bool exists = !s3 && ::stat(output.c_str(), &info) == 0;
  auto& g = guarded();
  std::lock_guard lock(g.mutex);
  if (g.files.count(canonical) != 0 ||
      (exists && g.file_ids.count({info.st_dev, info.st_ino}) != 0))
    refuse(output, "it is an input of this run");
  for (const std::string& folder : g.folders)
    if (inside(canonical, folder))
      refuse(output, "it lies inside the input folder '" + folder + "'");
  const auto path_parts = internal::path_components(canonical);
  for (const auto& [pattern, written] : g.patterns)
    if (internal::glob_matches(internal::path_components(pattern), 0, path_parts, 0))
      refuse(output, "the input pattern '" + written + "' matches it");
}

}  // namespace loom::io
