#include "paper_archive.hpp"

#include "arxiv_naming.hpp"

#include <archive.h>
#include <archive_entry.h>

#include <cerrno>
#include <cstdint>
#include <exception>

namespace loom::arxiv {
namespace {

constexpr std::size_t kChunk = 1 << 16;

std::string archive_message(::archive* a) {
  const char* message = archive_error_string(a);
  return message != nullptr ? message : "unknown libarchive error";
}

struct ArchiveCloser {
  void operator()(::archive* a) const { archive_read_free(a); }
};
using ArchivePtr = std::unique_ptr<::archive, ArchiveCloser>;

// Appends the current entry's data; false (with `problem` set) on a read error or past max_bytes.
// A size the entry announces (at most max_bytes) is reserved up front, so a large member is held
// once rather than through a chain of doublings.
bool read_entry(::archive* a, archive_entry* entry, std::string& out, std::int64_t max_bytes,
                std::string& problem, bool& too_large) {
  if (entry != nullptr && archive_entry_size_is_set(entry) != 0) {
    const std::int64_t announced = archive_entry_size(entry);
    if (announced > max_bytes) {
      problem = "claims " + std::to_string(announced) + " bytes, more than " +
                std::to_string(max_bytes) + " (max_paper_bytes)";
      too_large = true;
      return false;
    }
    if (announced > 0) out.reserve(out.size() + static_cast<std::size_t>(announced));
  }
  char buffer[kChunk];
  for (;;) {
    const la_ssize_t n = archive_read_data(a, buffer, sizeof buffer);
    if (n == 0) return true;
    if (n < 0) {
      problem = archive_message(a);
      return false;
    }
    if (static_cast<std::int64_t>(out.size()) + n > max_bytes) {
      problem = "more than " + std::to_string(max_bytes) + " bytes decompressed (max_paper_bytes)";
      too_large = true;
      return false;
    }
    out.append(buffer, static_cast<std::size_t>(n));
  }
}

bool set_utf8_problem(const std::string& file, const std::string& content, TexProject& project) {
  if (auto bad = first_invalid_utf8(content)) {
    project.status = TexProject::Status::not_utf8;
    project.problem = file + " is not UTF-8 (byte offset " + std::to_string(*bad) + ")";
    return true;
  }
  return false;
}

TexProject single_gzipped_file(std::string_view gz_bytes, std::int64_t max_bytes) {
  TexProject project;
  ArchivePtr a(archive_read_new());
  archive_read_support_filter_gzip(a.get());
  archive_read_support_format_raw(a.get());
  archive_entry* entry = nullptr;
  if (archive_read_open_memory(a.get(), gz_bytes.data(), gz_bytes.size()) != ARCHIVE_OK) {
    project.status = TexProject::Status::unreadable;
    project.problem = "not a readable tar or gzip file: " + archive_message(a.get());
    return project;
  }
  const int rc = archive_read_next_header(a.get(), &entry);
  if (rc == ARCHIVE_EOF) {
    project.files.emplace_back();
    return project;
  }
  if (rc < ARCHIVE_WARN || archive_filter_code(a.get(), 0) != ARCHIVE_FILTER_GZIP) {
    project.status = TexProject::Status::unreadable;
    project.problem = "neither a tar nor a gzip file";
    return project;
  }
  std::string content;
  bool too_large = false;
  if (!read_entry(a.get(), nullptr, content, max_bytes, project.problem, too_large)) {
    project.status = too_large ? TexProject::Status::too_large : TexProject::Status::unreadable;
    project.problem = "gzipped file: " + project.problem;
    return project;
  }
  if (!set_utf8_problem("the gzipped file", content, project))
    project.files.push_back(std::move(content));
  return project;
}

}  // namespace

TexProject load_tex_project(std::string_view gz_bytes, std::int64_t max_bytes) {
  ArchivePtr a(archive_read_new());
  archive_read_support_filter_all(a.get());
  archive_read_support_format_tar(a.get());
  archive_entry* entry = nullptr;
  int rc = archive_read_open_memory(a.get(), gz_bytes.data(), gz_bytes.size());
  if (rc == ARCHIVE_OK) rc = archive_read_next_header(a.get(), &entry);
  if (rc == ARCHIVE_EOF) return {};
  if (rc < ARCHIVE_WARN) return single_gzipped_file(gz_bytes, max_bytes);

  TexProject project;
  std::int64_t total = 0;
  for (; rc != ARCHIVE_EOF; rc = archive_read_next_header(a.get(), &entry)) {
    if (rc < ARCHIVE_WARN) {
      project.status = TexProject::Status::unreadable;
      project.problem = "damaged project tar: " + archive_message(a.get());
      return project;
    }
    const char* raw_name = archive_entry_pathname(entry);
    const std::string name = raw_name != nullptr ? raw_name : "";
    if (archive_entry_filetype(entry) != AE_IFREG || !name.ends_with(".tex")) continue;
    std::string content;
    bool too_large = false;
    if (!read_entry(a.get(), entry, content, max_bytes - total, project.problem, too_large)) {
      project.status = too_large ? TexProject::Status::too_large : TexProject::Status::unreadable;
      project.problem = name + ": " + project.problem;
      return project;
    }
    total += static_cast<std::int64_t>(content.size());
    if (set_utf8_problem(name, content, project)) return project;
    project.files.push_back(std::move(content));
  }
  return project;
}

// ---------------------------------------------------------------------------------------------

struct MonthlyTar::Feed {
  explicit Feed(const std::string& uri) : input(loom::Input::open(uri)), buffer(kChunk) {}
  loom::Input input;
  std::vector<char> buffer;
  std::string error;
};

namespace {
la_ssize_t feed_read(::archive* a, void* context, const void** out) {
  auto* feed = static_cast<MonthlyTar::Feed*>(context);
  try {
    const std::size_t n = feed->input.read(feed->buffer.data(), feed->buffer.size());
    *out = feed->buffer.data();
    return static_cast<la_ssize_t>(n);
  } catch (const std::exception& e) {
    feed->error = e.what();
    archive_set_error(a, EIO, "%s", e.what());
    return -1;
  }
}
}  // namespace

namespace {
// A hardlink entry is stored with the type of what it links to; its link name tells it apart.
TarMember::Kind member_kind(archive_entry* entry) {
  if (archive_entry_hardlink(entry) != nullptr) return TarMember::Kind::hardlink;
  switch (archive_entry_filetype(entry)) {
    case AE_IFREG: return TarMember::Kind::regular_file;
    case AE_IFDIR: return TarMember::Kind::folder;
    case AE_IFLNK: return TarMember::Kind::symlink;
    default: return TarMember::Kind::other;
  }
}
}  // namespace

void MonthlyTar::ArchiveFree::operator()(::archive* a) const { archive_read_free(a); }

MonthlyTar::MonthlyTar(std::string uri)
    : uri_(std::move(uri)), feed_(std::make_unique<Feed>(uri_)), archive_(archive_read_new()) {
  archive_read_support_filter_all(archive_.get());
  archive_read_support_format_tar(archive_.get());
  if (archive_read_open(archive_.get(), feed_.get(), nullptr, &feed_read, nullptr) != ARCHIVE_OK)
    fail("cannot read it as a tar");
}

MonthlyTar::~MonthlyTar() = default;

void MonthlyTar::fail(const std::string& what) const {
  std::string message = uri_ + ": " + what;
  if (!current_.empty())
    message += " (at member " + std::to_string(member_count_) + " '" + current_ + "')";
  message += ": " + (feed_->error.empty() ? archive_message(archive_.get()) : feed_->error);
  throw loom::Error(message, feed_->error.empty() ? LOOM_ERR_INVALID_INPUT : LOOM_ERR_IO);
}

bool MonthlyTar::next(TarMember& member) {
  archive_entry* entry = nullptr;
  entry_ = nullptr;
  const int rc = archive_read_next_header(archive_.get(), &entry);
  if (rc == ARCHIVE_EOF) return false;
  if (rc < ARCHIVE_WARN) fail("damaged or truncated tar");
  entry_ = entry;
  const char* name = archive_entry_pathname(entry);
  member.name = name != nullptr ? name : "";
  member.kind = member_kind(entry);
  const char* target = archive_entry_hardlink(entry);
  if (target == nullptr) target = archive_entry_symlink(entry);
  member.link_target = target != nullptr ? target : "";
  member.mtime_seconds = archive_entry_mtime(entry);
  member.mtime_nanoseconds = archive_entry_mtime_nsec(entry);
  member.size = archive_entry_size(entry);
  member.header_offset = archive_read_header_position(archive_.get());
  current_ = member.name;
  ++member_count_;
  return true;
}

std::string MonthlyTar::read_data(std::int64_t max_bytes) {
  std::string data;
  std::string problem;
  bool too_large = false;
  if (!read_entry(archive_.get(), entry_, data, max_bytes, problem, too_large))
    fail(too_large ? "member data: " + problem : "truncated member data");
  return data;
}

}  // namespace loom::arxiv
