#include "arxiv_source.hpp"

#include "arxiv_naming.hpp"
#include "paper_archive.hpp"

#include <algorithm>

namespace loom::arxiv {
namespace {

constexpr std::string_view kAbsUrl = "https://arxiv.org/abs/";

class MonthlyTarReader : public ShardReader {
 public:
  MonthlyTarReader(const ArxivSourceOptions& options, std::string uri)
      : options_(options), uri_(uri), tar_(std::move(uri)) {}

  bool read(Batch& batch, std::size_t target_bytes) override {
    std::size_t bytes = 0;
    TarMember member;
    while (bytes < target_bytes) {
      if (!tar_.next(member)) return true;
      ++member_index_;
      bytes += add_paper(batch, member);
    }
    return false;
  }

 private:
  void skip(Batch& batch, const TarMember& member, std::string_view reason,
            const std::string& why) {
    log(LOOM_LOG_WARN, uri_ + ": member " + std::to_string(member_index_ - 1) + " '" + member.name +
                           "': " + why + " (skipped: " + std::string(reason) + ")");
    batch.count_skipped(reason);
  }

  // Returns the text bytes added.
  std::size_t add_paper(Batch& batch, const TarMember& member) {
    // The reference extracts the tar and globs `**/*.gz`. Folders only hold papers; anything else
    // that is not a regular file is skipped and counted, never passed over in silence.
    switch (member.kind) {
      case TarMember::Kind::regular_file: break;
      case TarMember::Kind::folder: return 0;
      case TarMember::Kind::symlink:
      case TarMember::Kind::hardlink:
        skip(batch, member, "link_member",
             std::string(member.kind == TarMember::Kind::symlink ? "a symbolic" : "a hard") +
                 " link to '" + member.link_target + "', not a paper of its own");
        return 0;
      case TarMember::Kind::other:
        skip(batch, member, "special_member", "a device, FIFO or other special file");
        return 0;
    }
    auto parts = safe_member_path(member.name);
    if (!parts) {
      skip(batch, member, "unsafe_member_name",
           "absolute or '..' name: the reference would extract it outside its scratch folder");
      return 0;
    }
    if (parts->empty() || !parts->back().ends_with(".gz")) {
      skip(batch, member, "not_gz_source", "not a <yymm>/<id>.gz source (e.g. a PDF-only paper)");
      return 0;
    }
    if (member.size > options_.max_paper_bytes) {
      skip(batch, member, "paper_too_large",
           std::to_string(member.size) + " bytes, more than max_paper_bytes");
      return 0;
    }
    // The compressed member is a temporary: it is gone before the text is copied into the batch.
    TexProject project =
        load_tex_project(tar_.read_data(options_.max_paper_bytes), options_.max_paper_bytes);
    switch (project.status) {
      case TexProject::Status::ok: break;
      case TexProject::Status::not_utf8:
        skip(batch, member, "tex_not_utf8", project.problem);
        return 0;
      case TexProject::Status::too_large:
        skip(batch, member, "paper_too_large", project.problem);
        return 0;
      case TexProject::Status::unreadable:
        skip(batch, member, "unreadable_paper", project.problem);
        return 0;
    }

    // yymm = the parent folder's stem and arxiv_id = the file's stem, as pathlib gives them.
    const std::string_view file = parts->back();
    const std::string_view yymm =
        parts->size() >= 2 ? python_stem((*parts)[parts->size() - 2]) : "";
    const std::string arxiv_id = format_arxiv_id(python_stem(file));

    std::size_t total = 0;
    std::string sizes = "[";
    for (std::size_t i = 0; i < project.files.size(); ++i) {
      total += project.files[i].size();
      sizes += (i ? "," : "") + std::to_string(project.files[i].size());
    }
    sizes += "]";
    char* text = batch.alloc(total);
    std::size_t at = 0;
    for (std::string& content : project.files) {  // each file freed once it is in the batch
      std::copy(content.begin(), content.end(), text + at);
      at += content.size();
      std::string().swap(content);
    }

    Doc doc = batch.append();
    doc.set_text(std::string_view(text, total));
    doc.set_origin(member_index_ - 1, static_cast<std::uint64_t>(member.header_offset));
    doc.set_meta("timestamp", python_isoformat_utc(member.mtime_seconds, member.mtime_nanoseconds));
    doc.set_meta("yymm", yymm);
    doc.set_meta("arxiv_id", std::string_view(arxiv_id));
    if (options_.language_slot) doc.set_meta("language", Value::null());
    doc.set_meta("url", std::string(kAbsUrl) + arxiv_id);
    doc.set_meta("source", "arxiv");
    doc.set_meta(options_.files_field, Value::json(sizes));
    return total;
  }

  const ArxivSourceOptions& options_;
  std::string uri_;
  MonthlyTar tar_;
  std::uint64_t member_index_ = 0;
};

}  // namespace

std::vector<std::string> ArxivSource::shards() { return expand_paths(options_.paths); }

std::unique_ptr<ShardReader> ArxivSource::open(std::string_view shard, std::uint64_t) {
  return std::make_unique<MonthlyTarReader>(options_, std::string(shard));
}

}  // namespace loom::arxiv
