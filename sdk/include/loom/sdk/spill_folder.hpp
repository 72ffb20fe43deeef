// loom/sdk/spill_folder.hpp: private folders for data that does not fit in memory, which a later
// run can tell apart from a live run's and remove.
//
// A spill folder is <parent>/loom-spill-<tag>-XXXXXX with a lock file `owner` inside, held by the
// process that made it for as long as the folder lives (lock_file.hpp). A process killed while
// spilling leaves the folder but not the lock, so remove_stale_spill_folders() can find such
// folders by name, take their lock (refused while the owner lives) and remove them. The engine
// sweeps its --spill-dir when a run starts; a component that spills to a folder of its own
// choosing sweeps that folder when it is created.
#pragma once

#include <loom/sdk/lock_file.hpp>

#include <stdlib.h>

#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace loom {

inline constexpr std::string_view spill_folder_prefix = "loom-spill-";

// Where spill folders go when nothing else is configured: $TMPDIR, else /tmp.
inline std::filesystem::path default_spill_parent() {
  std::error_code error;
  std::filesystem::path path = std::filesystem::temp_directory_path(error);
  return error ? std::filesystem::path("/tmp") : path;
}

class SpillFolder {
 public:
  // Makes <parent>/loom-spill-<tag>-XXXXXX (parent "" = default_spill_parent()) and locks its
  // owner file. Throws std::runtime_error naming the parent when that fails.
  SpillFolder(const std::filesystem::path& parent, std::string_view tag) {
    const std::filesystem::path where = parent.empty() ? default_spill_parent() : parent;
    std::string pattern =
        (where / (std::string(spill_folder_prefix) + std::string(tag) + "-XXXXXX")).string();
    if (::mkdtemp(pattern.data()) == nullptr)
      throw std::runtime_error("cannot create a spill folder in " + where.string() + ": " +
                               std::strerror(errno));
    path_ = pattern;
    // Waits if a sweep looks at the fresh, still empty owner file: it leaves it alone.
    owner_ = LockFile::take(path_ / "owner", LockFile::Create::yes, LockFile::Wait::yes);
    if (!owner_.held() || !owner_.write_owner()) {
      const std::string reason = std::strerror(errno);
      remove_folder();
      throw std::runtime_error("cannot lock the spill folder " + pattern + ": " + reason);
    }
  }
  SpillFolder(const SpillFolder&) = delete;
  SpillFolder& operator=(const SpillFolder&) = delete;
  // Removes the folder and everything in it, then releases the lock.
  ~SpillFolder() {
    remove_folder();
    owner_.release();
  }

  const std::filesystem::path& path() const { return path_; }

 private:
  void remove_folder() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }

  std::filesystem::path path_;
  LockFile owner_;
};

struct StaleSpillFolder {
  std::filesystem::path folder;
  std::string owner;  // "pid P on host H"

  std::string message() const {
    return "removed the spill folder " + folder.string() + " left behind by a run that died (" +
           owner + ")";
  }
};

// Removes the spill folders directly under `parent` whose owner process is gone: their owner
// lock is free and names this host. A live process's folders stay, and so do other hosts' (their
// locks may not reach this machine over a network file system) and folders without an owner
// named (a folder being made). Returns what it removed.
inline std::vector<StaleSpillFolder> remove_stale_spill_folders(
    const std::filesystem::path& parent) {
  namespace fs = std::filesystem;
  std::vector<StaleSpillFolder> removed;
  std::error_code error;
  const fs::path where = parent.empty() ? default_spill_parent() : parent;
  fs::directory_iterator it(where, fs::directory_options::skip_permission_denied, error);
  if (error) return removed;
  const std::string host = host_name();
  for (; it != fs::directory_iterator(); it.increment(error)) {
    if (error) break;
    const fs::path folder = it->path();
    if (folder.filename().string().rfind(spill_folder_prefix, 0) != 0) continue;
    std::error_code status_error;
    if (!fs::is_directory(fs::symlink_status(folder, status_error))) continue;
    LockFile owner = LockFile::take(folder / "owner", LockFile::Create::no, LockFile::Wait::no);
    if (!owner.held()) continue;  // alive, or not a spill folder
    const std::string text = LockFile::read_text(owner.path());
    if (LockFile::field(text, "pid").empty() || LockFile::field(text, "host") != host) continue;
    std::error_code remove_error;
    fs::remove_all(folder, remove_error);
    if (!remove_error) removed.push_back({folder, LockFile::describe_owner(text)});
  }
  return removed;
}

}  // namespace loom
