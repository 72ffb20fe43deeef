// The dump-shaped slices: stackexchange (Posts.xml per site) and arxiv (monthly bulk tars).
#include "slice_builders.hpp"

#include "slice_io.hpp"

#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace loom::bench {
namespace {

// Adds `offset` to the number of each attribute ` <name>="<digits>"` in `row`.
std::string renumber(std::string_view row, std::uint64_t offset) {
  static constexpr std::string_view kIdAttributes[] = {" Id=\"", " ParentId=\"",
                                                       " AcceptedAnswerId=\""};
  std::string out(row);
  for (std::string_view attribute : kIdAttributes) {
    const std::size_t at = out.find(attribute);
    if (at == std::string::npos) continue;
    const std::size_t start = at + attribute.size();
    const std::size_t end = out.find('"', start);
    if (end == std::string::npos) throw std::runtime_error("unterminated attribute in a row");
    const std::uint64_t id = std::stoull(out.substr(start, end - start));
    out.replace(start, end - start, std::to_string(id + offset));
  }
  return out;
}

std::uint64_t max_id(const std::vector<std::string_view>& rows) {
  std::uint64_t largest = 0;
  for (std::string_view row : rows) {
    const std::size_t at = row.find(" Id=\"");
    if (at != std::string_view::npos)
      largest = std::max<std::uint64_t>(largest, std::stoull(std::string(row.substr(at + 5, 20))));
  }
  return largest;
}

}  // namespace

// Each of the three sample sites, named as the reference's download step left them (the DOCTYPE
// line one sample carries removed, as scripts/demo.sh does), scaled by the same factor: copy k of
// every row has its Id, ParentId and AcceptedAnswerId moved up by k * (largest Id + 1), so the
// copies are new questions with their own answers (same text, no dedup in this slice).
SliceInput build_stackexchange(const SliceTarget& target) {
  const fs::path corpus = target.shared / "corpus/stackexchange";
  const std::pair<const char*, const char*> sites[] = {
      {"coffee", "coffee.stackexchange.com.xml"},
      {"meta-site-complete", "conlang.meta.stackexchange.com.xml"},
      {"history-meta", "history.meta.stackexchange.com.xml"}};
  std::vector<std::string> dumps;
  std::uint64_t sample_bytes = 0;
  for (const auto& [folder, name] : sites) {
    dumps.push_back(read_file(corpus / folder / "Posts.xml"));
    sample_bytes += dumps.back().size();
  }
  SliceInput counts;
  counts.copies = (target.target_bytes + sample_bytes - 1) / sample_bytes;
  counts.perturbation = "renumbered_ids";
  fs::create_directories(target.root / "stackexchange");
  for (std::size_t site = 0; site < dumps.size(); ++site) {
    std::vector<std::string_view> head, rows, tail;
    for (std::string_view line : split_lines(dumps[site])) {
      if (line.starts_with("<!DOCTYPE posts SYSTEM")) continue;
      const bool is_row = line.find("<row ") != std::string_view::npos;
      (is_row ? rows : rows.empty() ? head : tail).push_back(line);
    }
    const std::uint64_t stride = max_id(rows) + 1;
    std::string out;
    for (std::string_view line : head) (out += line) += '\n';
    for (std::uint64_t copy = 0; copy < counts.copies; ++copy)
      for (std::string_view row : rows) (out += renumber(row, copy * stride)) += '\n';
    for (std::string_view line : tail) (out += line) += '\n';
    write_file(target.root / "stackexchange" / sites[site].second, out);
    ++counts.files;
    counts.records += rows.size() * counts.copies;
    counts.input_bytes += out.size();
  }
  return counts;
}

namespace {

struct Paper {
  std::string month;   // yymm
  std::string number;  // the part of the id after "yymm."
  std::int64_t mtime;
  std::string data;  // the gzipped project or .tex
};

std::vector<Paper> read_papers(const fs::path& tar) {
  std::unique_ptr<archive, decltype(&archive_read_free)> reader(archive_read_new(),
                                                                archive_read_free);
  archive_read_support_format_tar(reader.get());
  if (archive_read_open_filename(reader.get(), tar.c_str(), 1 << 16) != ARCHIVE_OK)
    throw std::runtime_error(tar.string() + ": " + archive_error_string(reader.get()));
  std::vector<Paper> papers;
  archive_entry* entry = nullptr;
  while (archive_read_next_header(reader.get(), &entry) == ARCHIVE_OK) {
    const std::string name = archive_entry_pathname(entry);
    const std::size_t slash = name.find('/'), dot = name.find('.', slash);
    if (archive_entry_filetype(entry) != AE_IFREG || slash == std::string::npos ||
        dot == std::string::npos || !name.ends_with(".gz"))
      continue;
    Paper paper{name.substr(0, slash), name.substr(dot + 1, name.size() - dot - 4),
                archive_entry_mtime(entry), std::string()};
    paper.data.resize(static_cast<std::size_t>(archive_entry_size(entry)));
    if (archive_read_data(reader.get(), paper.data.data(), paper.data.size()) !=
        static_cast<la_ssize_t>(paper.data.size()))
      throw std::runtime_error(tar.string() + ": cannot read " + name);
    papers.push_back(std::move(paper));
  }
  return papers;
}

}  // namespace

// The golden run's monthly tars, each paper repeated under new ids of the same month and width
// (<yymm>/<yymm>.<n>.gz, n = 1, 2, ...) in one arXiv_src_<yymm>_001.tar per month; the papers'
// bytes and dates are the sample's (no dedup in this slice). Input bytes are the tars' sizes:
// the papers inside stay gzipped, as in arXiv's bulk data.
SliceInput build_arxiv(const SliceTarget& target) {
  std::map<std::string, std::vector<Paper>> months;
  std::uint64_t sample_bytes = 0;
  std::vector<fs::path> tars;
  for (const auto& entry : fs::directory_iterator(target.shared / "golden/arxiv/input"))
    if (entry.path().extension() == ".tar") tars.push_back(entry.path());
  std::sort(tars.begin(), tars.end());
  for (const auto& tar : tars)
    for (Paper& paper : read_papers(tar)) {
      sample_bytes += paper.data.size();
      months[paper.month].push_back(std::move(paper));
    }
  if (months.empty()) throw std::runtime_error("no papers in golden/arxiv/input/*.tar");
  SliceInput counts;
  counts.copies = (target.target_bytes + sample_bytes - 1) / sample_bytes;
  counts.perturbation = "new_ids";
  fs::create_directories(target.root / "arxiv");
  for (const auto& [month, papers] : months) {
    const fs::path path = target.root / "arxiv" / ("arXiv_src_" + month + "_001.tar");
    std::unique_ptr<archive, decltype(&archive_write_free)> writer(archive_write_new(),
                                                                   archive_write_free);
    archive_write_set_format_ustar(writer.get());
    if (archive_write_open_filename(writer.get(), path.c_str()) != ARCHIVE_OK)
      throw std::runtime_error(path.string() + ": " + archive_error_string(writer.get()));
    std::uint64_t number = 0;
    for (std::uint64_t copy = 0; copy < counts.copies; ++copy)
      for (const Paper& paper : papers) {
        char id[32];
        std::snprintf(id, sizeof id, "%0*llu", static_cast<int>(paper.number.size()),
                      static_cast<unsigned long long>(++number));
        std::unique_ptr<archive_entry, decltype(&archive_entry_free)> entry(archive_entry_new(),
                                                                            archive_entry_free);
        const std::string name = month + "/" + month + "." + id + ".gz";
        archive_entry_set_pathname(entry.get(), name.c_str());
        archive_entry_set_filetype(entry.get(), AE_IFREG);
        archive_entry_set_perm(entry.get(), 0644);
        archive_entry_set_size(entry.get(), static_cast<la_int64_t>(paper.data.size()));
        archive_entry_set_mtime(entry.get(), paper.mtime, 0);
        if (archive_write_header(writer.get(), entry.get()) != ARCHIVE_OK ||
            archive_write_data(writer.get(), paper.data.data(), paper.data.size()) !=
                static_cast<la_ssize_t>(paper.data.size()))
          throw std::runtime_error(path.string() + ": " + archive_error_string(writer.get()));
        ++counts.records;
      }
    if (archive_write_close(writer.get()) != ARCHIVE_OK)
      throw std::runtime_error(path.string() + ": " + archive_error_string(writer.get()));
    ++counts.files;
    counts.input_bytes += fs::file_size(path);
  }
  return counts;
}

}  // namespace loom::bench
