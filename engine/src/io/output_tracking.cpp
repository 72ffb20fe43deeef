// Which sink owns each open output, snapshots for resume checkpoints, and adopted temporary
// files of an earlier, interrupted run.
#include "io/output_tracking.hpp"

#include "io/background_commit.hpp"
#include "io/io_internal.hpp"
#include "io/temporary_owner.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>

namespace loom::io {

namespace {

thread_local int current_owner = -1;

struct AdoptedEntry {
  int owner = -1;
  internal::Adopted file;
};

struct Tracking {
  std::mutex mutex;
  std::map<internal::TrackedOutput*, int> open;       // output -> owner
  std::map<int, std::vector<std::string>> committed;  // owner -> paths, in commit order
  std::map<std::string, AdoptedEntry> adopted;        // final path -> temporary file
  std::map<std::string, int> committed_before;        // paths committed by an earlier run
  std::map<std::string, std::set<std::string>> stale_by_folder;  // temporaries of dead pids
  // Temporaries whose pid still ran when their folder was listed: a process that was ending then
  // (a rank of a job just killed, stopped on the signal) is checked again at the commit.
  std::map<std::string, std::set<std::string>> running_by_folder;
};

Tracking& tracking() {
  static auto* instance = new Tracking;  // never destroyed: outputs may outlive statics
  return *instance;
}

void sync_folder_of(const std::string& path) {
  const auto folder = std::filesystem::path(path).parent_path();
  const int fd = ::open(folder.empty() ? "." : folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

}  // namespace

OutputOwnerScope::OutputOwnerScope(int owner) : previous_(current_owner) { current_owner = owner; }
OutputOwnerScope::~OutputOwnerScope() { current_owner = previous_; }

std::atomic<bool> keep_temporaries{false};

void keep_temporaries_for_resume() { keep_temporaries = true; }
bool keeping_temporaries_for_resume() { return keep_temporaries.load(); }

void reset_output_tracking() {
  keep_temporaries = false;
  auto& t = tracking();
  std::lock_guard lock(t.mutex);
  t.open.clear();
  t.committed.clear();
  t.adopted.clear();
  t.committed_before.clear();
  t.stale_by_folder.clear();
  t.running_by_folder.clear();
}

std::optional<OwnerCheckpoint> checkpoint_outputs(int owner) {
  // Only durable files may be listed as committed: the commits still in flight finish first.
  internal::wait_for_background_commits();
  auto& t = tracking();
  std::lock_guard lock(t.mutex);
  OwnerCheckpoint state;
  for (const auto& [output, output_owner] : t.open) {
    if (output_owner != owner) continue;
    const auto bytes = output->sync_for_checkpoint();
    if (!bytes) return std::nullopt;
    state.open.push_back({output->final_path(), output->temporary_path(), *bytes});
  }
  for (const auto& [path, entry] : t.adopted)
    if (entry.owner == owner) state.open.push_back({path, entry.file.temporary, entry.file.bytes});
  for (const auto& [path, by] : t.committed_before)
    if (by == owner) state.committed.push_back(path);
  const auto it = t.committed.find(owner);
  if (it != t.committed.end())
    state.committed.insert(state.committed.end(), it->second.begin(), it->second.end());
  return state;
}

void adopt_outputs(int owner, const OwnerCheckpoint& state) {
  auto& t = tracking();
  std::lock_guard lock(t.mutex);
  for (const auto& output : state.open)
    t.adopted[output.path] = AdoptedEntry{owner, {output.temporary, output.bytes}};
  for (const auto& path : state.committed) t.committed_before[path] = owner;
}

void commit_adopted_outputs() {
  auto& t = tracking();
  std::lock_guard lock(t.mutex);
  for (const auto& [path, entry] : t.adopted) {
    const std::string& temporary = entry.file.temporary;
    struct stat info {};
    if (::stat(temporary.c_str(), &info) != 0) {
      // Renamed by the interrupted run after its checkpoint: already complete (a spool file
      // whose upload did not finish is uploaded now).
      if (::stat(path.c_str(), &info) == 0) {
        internal::finish_spooled_output(path);
        continue;
      }
      throw IoError("cannot finish '" + path + "': its temporary file '" + temporary +
                    "' recorded at the last checkpoint is gone");
    }
    if (::truncate(temporary.c_str(), static_cast<off_t>(entry.file.bytes)) != 0)
      throw IoError("cannot truncate '" + temporary + "': " + internal::errno_text(errno));
    const int fd = ::open(temporary.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0 || ::fsync(fd) != 0) {
      const int error_number = errno;
      if (fd >= 0) ::close(fd);
      throw IoError("cannot sync '" + temporary + "': " + internal::errno_text(error_number));
    }
    ::close(fd);
    if (::rename(temporary.c_str(), path.c_str()) != 0)
      throw IoError("cannot rename '" + temporary + "' to '" + path +
                    "': " + internal::errno_text(errno));
    sync_folder_of(path);
    internal::finish_spooled_output(path);  // an s3:// output's spool file goes up now
  }
  t.adopted.clear();
}

void check_open_outputs() {
  std::vector<std::string> paths;
  {
    auto& t = tracking();
    std::lock_guard lock(t.mutex);
    for (const auto& [output, owner] : t.open) paths.push_back(output->final_path());
  }
  for (const std::string& path : paths) check_output_path(path);
}

namespace internal {

void track_output(TrackedOutput* output) {
  if (current_owner < 0) return;
  auto& t = tracking();
  std::lock_guard lock(t.mutex);
  t.open.emplace(output, current_owner);
}

void untrack_output(TrackedOutput* output, bool committed) {
  auto& t = tracking();
  std::lock_guard lock(t.mutex);
  const auto it = t.open.find(output);
  if (it == t.open.end()) return;
  if (committed) t.committed[it->second].push_back(output->final_path());
  t.open.erase(it);
}

int untrack_output_for_commit(TrackedOutput* output) {
  auto& t = tracking();
  std::lock_guard lock(t.mutex);
  const auto it = t.open.find(output);
  if (it == t.open.end()) return -1;
  const int owner = it->second;
  t.open.erase(it);
  return owner;
}

void record_committed(int owner, const std::string& final_path) {
  if (owner < 0) return;
  auto& t = tracking();
  std::lock_guard lock(t.mutex);
  t.committed[owner].push_back(final_path);
}

std::optional<Adopted> take_adopted(const std::string& path) {
  auto& t = tracking();
  std::lock_guard lock(t.mutex);
  if (t.committed_before.count(path) != 0)
    throw IoError("cannot resume: '" + path +
                  "' was already completed before the last checkpoint and is being written "
                  "again, so this sink cannot continue where it stopped (e.g. a size limit "
                  "that numbers files); rerun with --restart");
  const auto it = t.adopted.find(path);
  if (it == t.adopted.end()) return std::nullopt;
  Adopted file = it->second.file;
  t.adopted.erase(it);
  return file;
}

namespace {

// Where `path`'s temporaries lie, and how their names start.
struct TemporaryNames {
  std::string folder;
  std::string prefix;
};

TemporaryNames temporary_names(const std::string& path) {
  const std::filesystem::path target(path);
  return {target.parent_path().empty() ? "." : target.parent_path().string(),
          target.filename().string() + ".loom-tmp-"};
}

}  // namespace

void remove_stale_temporaries(const std::string& path, const std::string& keep) {
  // Each folder is listed once per run (thousands of outputs may share one); only the stale
  // temporaries of `path` itself are removed, since other paths may belong to other tasks
  // (another machine's pids mean nothing here).
  const auto [folder, prefix] = temporary_names(path);
  auto& t = tracking();
  std::lock_guard lock(t.mutex);
  auto [listing, fresh] = t.stale_by_folder.try_emplace(folder);
  if (fresh) {
    std::error_code error;
    for (std::filesystem::directory_iterator it(folder, error), end; !error && it != end;
         it.increment(error)) {
      const std::string name = it->path().filename().string();
      const long pid = temporary_owner(name);
      // This process's own pid too: a temporary it did not write is an earlier process's.
      if (pid == 0) continue;
      if (temporary_owner_may_run(pid, it->path().string())) {
        t.running_by_folder[folder].insert(name);
        continue;
      }
      listing->second.insert(name);
    }
  }
  auto& stale = listing->second;
  const std::string kept_name = std::filesystem::path(keep).filename().string();
  for (auto it = stale.lower_bound(prefix); it != stale.end() && it->rfind(prefix, 0) == 0;) {
    const std::string full = (std::filesystem::path(folder) / *it).string();
    if (keep.empty() || *it != kept_name) ::unlink(full.c_str());
    it = stale.erase(it);
  }
}

void remove_late_stale_temporaries(const std::string& path) {
  const auto [folder, prefix] = temporary_names(path);
  auto& t = tracking();
  std::lock_guard lock(t.mutex);
  const auto listing = t.running_by_folder.find(folder);
  if (listing == t.running_by_folder.end()) return;
  auto& running = listing->second;
  for (auto it = running.lower_bound(prefix); it != running.end() && it->rfind(prefix, 0) == 0;) {
    const std::string full = (std::filesystem::path(folder) / *it).string();
    if (temporary_owner_may_run(temporary_owner(*it), full)) {
      ++it;
      continue;
    }
    ::unlink(full.c_str());
    it = running.erase(it);
  }
}

}  // namespace internal

}  // namespace loom::io
