// loom/sdk/lock_file.hpp: a lock that dies with its process, and who holds it
//
// An exclusive flock(2) on a small file: the kernel releases it when the holder's process exits,
// however it exits (kill -9 too), so a lock never outlives its owner and never needs clearing by
// hand. The holder writes its pid and host into the file, so whoever is refused can say who holds
// it. flock, not fcntl: a flock belongs to one open file, so another open of the same file in the
// same process (a second run embedded in one program, a sweeper checking a folder) is refused
// too, and closing that other descriptor does not drop the holder's lock.
#pragma once

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>

namespace loom {

// This machine's name (gethostname), or "unknown-host".
inline std::string host_name() {
  char name[HOST_NAME_MAX + 1] = {};
  if (::gethostname(name, sizeof name - 1) != 0 || name[0] == '\0') return "unknown-host";
  return name;
}

class LockFile {
 public:
  enum class Wait { no, yes };
  enum class Create { no, yes };

  LockFile() = default;  // holds nothing
  LockFile(LockFile&& other) noexcept
      : fd_(std::exchange(other.fd_, -1)), path_(std::move(other.path_)) {}
  LockFile& operator=(LockFile&& other) noexcept {
    if (this != &other) {
      release();
      fd_ = std::exchange(other.fd_, -1);
      path_ = std::move(other.path_);
    }
    return *this;
  }
  LockFile(const LockFile&) = delete;
  LockFile& operator=(const LockFile&) = delete;
  ~LockFile() { release(); }

  // Takes the exclusive lock on `path`. Holds nothing when another open file holds it (and
  // `wait` is no), when the file is absent (and `create` is no), or when it cannot be opened
  // (errno says why). The lock taken is on the file `path` names at that moment: a holder that
  // removed the file before releasing it leaves nothing behind to lock.
  static LockFile take(const std::filesystem::path& path, Create create, Wait wait) {
    for (int attempt = 0; attempt < 100; ++attempt) {
      const int flags = O_RDWR | O_CLOEXEC | (create == Create::yes ? O_CREAT : 0);
      const int fd = ::open(path.c_str(), flags, 0666);
      if (fd < 0) return {};
      int rc = 0;
      do {
        rc = ::flock(fd, LOCK_EX | (wait == Wait::no ? LOCK_NB : 0));
      } while (rc != 0 && errno == EINTR);
      if (rc != 0) {
        const int error = errno;
        ::close(fd);
        errno = error;
        return {};
      }
      struct stat held = {};
      struct stat named = {};
      if (::fstat(fd, &held) == 0 && ::stat(path.c_str(), &named) == 0 &&
          held.st_dev == named.st_dev && held.st_ino == named.st_ino)
        return LockFile(fd, path);
      ::close(fd);  // removed or replaced while we waited: lock what the name means now
      if (create == Create::no) {
        errno = ENOENT;
        return {};
      }
    }
    errno = EAGAIN;
    return {};
  }

  // The text of a lock file (empty if it cannot be read): who holds it, as write_owner put it.
  static std::string read_text(const std::filesystem::path& path) {
    std::string text;
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return text;
    char buffer[512];
    ssize_t n = 0;
    while (text.size() < 4096 && (n = ::read(fd, buffer, sizeof buffer)) > 0)
      text.append(buffer, static_cast<std::size_t>(n));
    ::close(fd);
    return text;
  }

  // "pid P on host H" from a lock file's text; empty when it names nobody (not yet written).
  static std::string describe_owner(std::string_view text) {
    const std::string pid = field(text, "pid"), host = field(text, "host");
    if (pid.empty()) return {};
    return "pid " + pid + " on host " + (host.empty() ? "?" : host);
  }
  // The value of "key value" on one line of a lock file's text ("" if absent).
  static std::string field(std::string_view text, std::string_view key) {
    std::size_t at = 0;
    while (at < text.size()) {
      const std::size_t end = std::min(text.find('\n', at), text.size());
      const std::string_view line = text.substr(at, end - at);
      if (line.size() > key.size() && line.substr(0, key.size()) == key && line[key.size()] == ' ')
        return std::string(line.substr(key.size() + 1));
      at = end + 1;
    }
    return {};
  }

  bool held() const { return fd_ >= 0; }
  const std::filesystem::path& path() const { return path_; }

  // Replaces the file's text with "pid <this process>\nhost <this host>\n". False on failure.
  bool write_owner() const {
    if (fd_ < 0) return false;
    const std::string text = "pid " + std::to_string(::getpid()) + "\nhost " + host_name() + "\n";
    return ::ftruncate(fd_, 0) == 0 &&
           ::pwrite(fd_, text.data(), text.size(), 0) == static_cast<ssize_t>(text.size());
  }

  // Removes the file while still holding it, then releases the lock.
  void remove_and_release() {
    if (fd_ < 0) return;
    ::unlink(path_.c_str());
    release();
  }

  void release() {
    if (fd_ >= 0) ::close(fd_);  // closing the only descriptor releases the flock
    fd_ = -1;
  }

 private:
  LockFile(int fd, std::filesystem::path path) : fd_(fd), path_(std::move(path)) {}

  int fd_ = -1;
  std::filesystem::path path_;
};

}  // namespace loom
