// Finding and opening plugin libraries. This is the only file that includes Boost.DLL, so the rest
// of the engine sees plugins only as descriptors (see Registry::add_plugin).
#include "plugin/registry.hpp"

#include "base/text.hpp"

#include <boost/dll/runtime_symbol_info.hpp>
#include <boost/dll/shared_library.hpp>

#include <dlfcn.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <string>
#include <system_error>
#include <vector>

namespace loom {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view plugin_prefix = "libloom_";
constexpr std::string_view plugin_suffix = ".so";

// RTLD_NOW: an unresolved symbol is reported at load time with its name, not as a crash halfway
// through a run. RTLD_LOCAL: a plugin's symbols never resolve another plugin's references, so two
// plugins may bundle different versions of the same library without clashing. RTLD_NODELETE: a
// library stays mapped for the life of the process even after its Registry is gone, because
// objects it made (vtables, thread-local destructors on pool threads, static destructors) may
// still run its code.
const auto load_flags = static_cast<boost::dll::load_mode::type>(
    boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local | RTLD_NODELETE);

Diagnostic error_at(const std::string& graph_file, SourceMark mark, std::string message) {
  Diagnostic d;
  d.severity = Severity::error;
  d.file = graph_file;
  d.mark = mark;
  d.message = std::move(message);
  return d;
}

// An existing directory in canonical form, or "" if it is missing.
std::string existing_directory(const std::string& path) {
  std::error_code ec;
  if (path.empty() || !fs::is_directory(path, ec)) return {};
  fs::path canonical = fs::canonical(path, ec);
  return ec ? std::string{} : canonical.string();
}

void split_colon_list(const std::string& text, std::vector<std::string>& out) {
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find(':', start);
    if (end == std::string::npos) end = text.size();
    if (end > start) out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
}

// `<bin>/..`, the folder above the running executable, or "" if unknown.
fs::path executable_prefix() {
  boost::dll::fs::error_code ec;
  fs::path exe = boost::dll::program_location(ec);
  if (ec || exe.empty()) return {};
  return exe.parent_path() / "..";
}

bool is_plugin_file_name(const std::string& name) {
  return name.size() > plugin_prefix.size() + plugin_suffix.size() &&
         name.starts_with(plugin_prefix) && name.ends_with(plugin_suffix);
}

// "libloom_io.so" -> "io".
std::string plugin_name_of_file(const std::string& file_name) {
  return file_name.substr(plugin_prefix.size(),
                          file_name.size() - plugin_prefix.size() - plugin_suffix.size());
}

// Plugin files in one directory, sorted by file name so loading order never depends on the
// filesystem.
std::vector<fs::path> plugin_files_in(const std::string& dir) {
  std::vector<fs::path> files;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    std::error_code type_ec;
    if (is_plugin_file_name(name) && it->is_regular_file(type_ec)) files.push_back(it->path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

std::vector<std::string> plugin_search_path(const std::vector<std::string>& cli_paths) {
  std::vector<std::string> candidates = cli_paths;
  if (const char* env = std::getenv("LOOM_PLUGIN_PATH")) split_colon_list(env, candidates);
  const fs::path prefix = executable_prefix();
  // An installed loom's own plugins, found relative to it first, so a tree installed (or moved)
  // to another prefix than the one compiled in still uses its own plugins.
#ifdef LOOM_PLUGIN_INSTALL_RELDIR
  if (!prefix.empty()) candidates.push_back((prefix / LOOM_PLUGIN_INSTALL_RELDIR).string());
#endif
#ifdef LOOM_PLUGIN_INSTALL_DIR
  candidates.emplace_back(LOOM_PLUGIN_INSTALL_DIR);
#endif
  // A loom run from its build tree: <build>/bin/loom next to <build>/plugins.
  if (!prefix.empty()) candidates.push_back((prefix / "plugins").string());

  std::vector<std::string> result;
  std::set<std::string> seen;
  for (const std::string& candidate : candidates) {
    std::string dir = existing_directory(candidate);
    if (!dir.empty() && seen.insert(dir).second) result.push_back(std::move(dir));
  }
  return result;
}

std::string plugin_file_name(const std::string& plugin_name) {
  return std::string(plugin_prefix) + plugin_name + std::string(plugin_suffix);
}

bool Registry::load_file(const std::string& path, std::vector<Diagnostic>& diagnostics,
                         const std::string& graph_file, SourceMark mark) {
  // One spelling per file, so the same library reached through another path is recognised.
  std::error_code ec;
  const fs::path resolved = fs::weakly_canonical(fs::absolute(path, ec), ec);
  const std::string file = ec || resolved.empty() ? path : resolved.string();

  for (const auto& plugin : plugins_)
    if (plugin->file == file) return true;  // already loaded: the library is shared, not reopened

  if (!fs::exists(file, ec)) {
    diagnostics.push_back(
        error_at(graph_file, mark, "cannot load plugin '" + file + "': no such file"));
    return false;
  }

  boost::dll::fs::error_code load_error;
  auto library = std::make_shared<boost::dll::shared_library>(file, load_error, load_flags);
  if (load_error || !library->is_loaded()) {
    // Boost.DLL reports only a generic error code; dlerror() still holds the loader's reason,
    // prefixed with the path we already name.
    const char* raw_reason = dlerror();
    std::string reason = raw_reason != nullptr ? raw_reason : load_error.message();
    if (reason.starts_with(file + ": ")) reason.erase(0, file.size() + 2);
    diagnostics.push_back(
        error_at(graph_file, mark, "cannot load plugin '" + file + "': " + reason));
    return false;
  }

  if (!library->has(LOOM_PLUGIN_ENTRY_SYMBOL)) {
    Diagnostic d = error_at(
        graph_file, mark,
        "'" + file + "' is not a Loom plugin: it does not export " + LOOM_PLUGIN_ENTRY_SYMBOL);
    d.notes.push_back(
        "a plugin defines it with LOOM_PLUGIN(...) (loom/plugin.hpp) or exports "
        "`const loom_plugin* loom_plugin_entry(void)` (loom/plugin.h)");
    diagnostics.push_back(std::move(d));
    return false;
  }

  using entry_signature = const loom_plugin*();
  auto& entry = library->get<entry_signature>(LOOM_PLUGIN_ENTRY_SYMBOL);
  const loom_plugin* descriptor = entry();
  // The library stays open from here on, whatever add_plugin decides: the descriptor and any
  // component it registered point into it.
  libraries_.push_back(library);
  if (descriptor == nullptr) {
    diagnostics.push_back(error_at(graph_file, mark,
                                   "plugin '" + file + "' returned no descriptor: " +
                                       LOOM_PLUGIN_ENTRY_SYMBOL + "() returned NULL"));
    return false;
  }
  return add_plugin(descriptor, file, diagnostics, graph_file, mark);
}

bool Registry::load_named(const std::string& name, const std::vector<std::string>& search_path,
                          std::vector<Diagnostic>& diagnostics, const std::string& graph_file,
                          SourceMark mark) {
  const std::string file_name = plugin_file_name(name);
  std::vector<std::string> available;
  for (const std::string& dir : search_path) {
    const fs::path candidate = fs::path(dir) / file_name;
    std::error_code ec;
    if (fs::is_regular_file(candidate, ec))
      return load_file(candidate.string(), diagnostics, graph_file, mark);
    for (const fs::path& file : plugin_files_in(dir))
      available.push_back(plugin_name_of_file(file.filename().string()));
  }

  Diagnostic d =
      error_at(graph_file, mark,
               "plugin '" + name + "' not found: no " + file_name + " in the plugin search path");
  if (const std::string suggestion = closest_match(name, available); !suggestion.empty())
    d.notes.push_back("did you mean '" + suggestion + "'?");
  d.notes.push_back(search_path.empty() ? "searched: no plugin folder exists"
                                        : "searched: " + join(search_path, ", "));
  d.notes.push_back("add the folder that holds " + file_name +
                    " with --plugin-path or LOOM_PLUGIN_PATH (colon-separated)");
  diagnostics.push_back(std::move(d));
  return false;
}

void Registry::load_all(const std::vector<std::string>& search_path,
                        std::vector<Diagnostic>& diagnostics) {
  std::set<std::string> seen;  // file names: the first folder on the path that has one wins
  for (const std::string& dir : search_path)
    for (const fs::path& file : plugin_files_in(dir))
      if (seen.insert(file.filename().string()).second) load_file(file.string(), diagnostics);
}

}  // namespace loom
