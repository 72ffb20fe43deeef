// Local globs: `*`, `?`, `[...]` within one path component, `**` for any depth (zero included).
// Like a shell, wildcards do not match names starting with '.', and `**` does not enter hidden
// folders.
#include "io/io_internal.hpp"

#include <fnmatch.h>
#include <sys/stat.h>

#include <cerrno>

#include <algorithm>
#include <filesystem>
#include <system_error>

namespace loom::io {

namespace {

namespace fs = std::filesystem;

bool has_wildcard(std::string_view component) {
  return component.find_first_of("*?[") != std::string_view::npos;
}

std::vector<std::string> split_components(const std::string& pattern) {
  std::vector<std::string> components;
  std::string current;
  for (const char c : pattern) {
    if (c == '/') {
      if (!current.empty()) components.push_back(std::move(current));
      current.clear();
    } else {
      current += c;
    }
  }
  if (!current.empty()) components.push_back(std::move(current));
  return components;
}

std::string join(const std::string& base, const std::string& name) {
  if (base.empty()) return name;
  if (base.back() == '/') return base + name;
  return base + "/" + name;
}

bool is_directory(const std::string& path) {
  std::error_code error;
  return fs::is_directory(path.empty() ? "." : path, error);
}

// What a path a pattern matched is, when it cannot be an input: empty for a regular file (or a
// symlink to one), for a folder (`*` and `**` match folders too; they are left out quietly) and
// for a path that does not exist.
std::string unreadable_kind(const std::string& path) {
  struct stat target {};
  if (::stat(path.c_str(), &target) == 0) {
    if (S_ISDIR(target.st_mode)) return {};
    return internal::non_regular_kind(target.st_mode);
  }
  const int error = errno;
  struct stat link {};
  if (::lstat(path.c_str(), &link) == 0 && S_ISLNK(link.st_mode))
    return "a symbolic link to a file that does not exist";
  // A literal last component joined to each folder names paths that need not exist: no match.
  if (error == ENOENT || error == ENOTDIR) return {};
  return "unreadable (" + internal::errno_text(error) + ")";
}

bool is_regular_file(const std::string& path) {
  struct stat target {};
  return ::stat(path.c_str(), &target) == 0 && S_ISREG(target.st_mode);
}

// `base` itself and every folder below it, skipping hidden ones.
void add_all_folders(const std::string& base, std::vector<std::string>& out) {
  out.push_back(base);
  std::error_code error;
  fs::directory_iterator it(base.empty() ? "." : base, error);
  if (error) return;
  for (; it != fs::directory_iterator(); it.increment(error)) {
    if (error) return;
    const std::string name = it->path().filename().string();
    if (name.empty() || name.front() == '.') continue;
    std::error_code type_error;
    // Symlinked folders are not followed: they could loop.
    if (it->is_directory(type_error) && !it->is_symlink(type_error)) {
      add_all_folders(join(base, name), out);
    }
  }
}

void add_matching_entries(const std::string& base, const std::string& component,
                          std::vector<std::string>& out) {
  std::error_code error;
  fs::directory_iterator it(base.empty() ? "." : base, error);
  if (error) return;
  for (; it != fs::directory_iterator(); it.increment(error)) {
    if (error) return;
    const std::string name = it->path().filename().string();
    if (fnmatch(component.c_str(), name.c_str(), FNM_PERIOD) == 0) out.push_back(join(base, name));
  }
}

// The first folder of the pattern's literal prefix that does not exist, if any.
std::string missing_folder(const std::string& pattern, const std::vector<std::string>& components) {
  std::string path = pattern.front() == '/' ? "/" : "";
  for (std::size_t i = 0; i + 1 < components.size(); ++i) {
    if (has_wildcard(components[i])) break;
    path = join(path, components[i]);
    if (!is_directory(path)) return path;
  }
  return {};
}

[[noreturn]] void throw_no_match(const std::string& pattern,
                                 const std::vector<std::string>& components) {
  const std::string folder = missing_folder(pattern, components);
  if (!folder.empty()) {
    throw IoError("no files match '" + pattern + "': folder '" + folder + "' does not exist");
  }
  throw IoError("no files match '" + pattern + "'");
}

}  // namespace

std::vector<std::string> expand_paths(const std::string& pattern) {
  if (internal::is_url(pattern)) return {pattern};
  if (internal::is_s3(pattern)) return internal::expand_s3_pattern(pattern);
  if (pattern.empty()) throw IoError("empty input path");
  const std::vector<std::string> components = split_components(pattern);
  const bool literal = std::none_of(components.begin(), components.end(),
                                    [](const std::string& c) { return has_wildcard(c); });
  if (literal) {
    std::error_code error;
    const auto status = fs::status(pattern, error);
    if (fs::exists(status)) {
      if (fs::is_directory(status)) {
        throw IoError("input '" + pattern + "' is a folder, not a file (use '" +
                      join(pattern, "**/*") + "' to read every file below it)");
      }
      if (const std::string kind = unreadable_kind(pattern); !kind.empty())
        throw IoError("input '" + pattern + "' is " + kind + ", not a regular file");
      return {pattern};
    }
    const std::string folder = missing_folder(pattern, components);
    if (!folder.empty()) {
      throw IoError("input '" + pattern + "' does not exist: folder '" + folder +
                    "' does not exist");
    }
    throw IoError("input '" + pattern + "' does not exist");
  }

  std::vector<std::string> candidates{pattern.front() == '/' ? "/" : ""};
  for (std::size_t i = 0; i < components.size(); ++i) {
    const std::string& component = components[i];
    const bool last = i + 1 == components.size();
    std::vector<std::string> next;
    if (component == "**") {
      for (const auto& base : candidates) add_all_folders(base, next);
      if (last) {
        // A trailing `**` means every file below.
        std::vector<std::string> files;
        for (const auto& folder : next) add_matching_entries(folder, "*", files);
        next = std::move(files);
      }
    } else if (has_wildcard(component)) {
      for (const auto& base : candidates) add_matching_entries(base, component, next);
    } else {
      for (const auto& base : candidates) next.push_back(join(base, component));
    }
    if (!last) {
      std::erase_if(next, [](const std::string& path) { return !is_directory(path); });
    }
    // `**` followed by `**`, or `**/x` reached along two routes, must not yield duplicates.
    std::sort(next.begin(), next.end());
    next.erase(std::unique(next.begin(), next.end()), next.end());
    candidates = std::move(next);
    if (candidates.empty()) break;
  }
  // A match that is neither a file nor a folder is refused by name rather than left out: leaving
  // it out would drop its data in silence, or end in a misleading "no files match".
  for (const std::string& path : candidates) {
    if (const std::string kind = unreadable_kind(path); !kind.empty())
      throw IoError("'" + path + "' (matched by '" + pattern + "') is " + kind +
                    ", not a regular file: remove it or narrow the pattern");
  }
  std::erase_if(candidates, [](const std::string& path) { return !is_regular_file(path); });
  if (candidates.empty()) throw_no_match(pattern, components);
  return candidates;
}

}  // namespace loom::io
