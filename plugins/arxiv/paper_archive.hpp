// libarchive access to arXiv's bulk source format: a monthly tar of `<yymm>/<id>.gz` members, each
// a gzipped tar of a project or one gzipped .tex file.
#pragma once

#include <loom/plugin.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

struct archive;
struct archive_entry;

namespace loom::arxiv {

struct TarMember {
  enum class Kind { regular_file, folder, symlink, hardlink, other };
  std::string name;
  Kind kind = Kind::other;
  std::string link_target;  // for a symlink or hardlink: the name it points to
  std::int64_t mtime_seconds = 0;
  std::int64_t mtime_nanoseconds = 0;
  std::int64_t size = 0;
  std::int64_t header_offset = 0;  // in the uncompressed tar stream
};

// Streams a monthly tar from a loom::Input (local, glob match or http(s); the host decompresses
// .gz/.zst/.bz2 by name), member by member. A damaged or truncated tar throws loom::Error naming
// the file and the member.
class MonthlyTar {
 public:
  explicit MonthlyTar(std::string uri);
  ~MonthlyTar();
  MonthlyTar(const MonthlyTar&) = delete;
  MonthlyTar& operator=(const MonthlyTar&) = delete;

  // Moves to the next member; false at the end of the archive.
  bool next(TarMember& member);
  // The current member's bytes (call at most once per member, after next()). A member that claims
  // or holds more than max_bytes throws loom::Error, so callers check member.size first.
  std::string read_data(std::int64_t max_bytes);

  struct Feed;  // the loom::Input libarchive pulls from

 private:
  [[noreturn]] void fail(const std::string& what) const;

  // Frees the reader even when the constructor throws (a file that is not a tar).
  struct ArchiveFree {
    void operator()(::archive* a) const;
  };

  std::string uri_;
  std::unique_ptr<Feed> feed_;
  std::unique_ptr<::archive, ArchiveFree> archive_;
  std::string current_;
  archive_entry* entry_ = nullptr;  // the current member's header, owned by archive_
  std::int64_t member_count_ = 0;
};

// What _tex_proj_loader makes of one `<id>.gz`.
struct TexProject {
  enum class Status { ok, unreadable, not_utf8, too_large };
  Status status = Status::ok;
  std::string problem;             // for anything but ok: what was wrong, naming the inner file
  std::vector<std::string> files;  // .tex contents in member order (a lone gzipped file: itself)
};

// A gzipped tar contributes its `*.tex` regular members in member order; anything that does not
// read as a tar is decompressed as one gzipped file taken as TeX, whatever its name. Any file that
// is not UTF-8 drops the whole project, as in the reference. `max_bytes` bounds the decompressed
// size: a member that claims more is too_large before it is read, and a gzip bomb is too_large as
// soon as its output passes the bound.
TexProject load_tex_project(std::string_view gz_bytes, std::int64_t max_bytes);

}  // namespace loom::arxiv
