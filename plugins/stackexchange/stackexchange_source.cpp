#include "stackexchange_source.hpp"

#include "html_text.hpp"
#include "posts_reader.hpp"
#include "qa_assembly.hpp"

#include <unordered_map>
#include <utility>

namespace loom::stackexchange {
namespace {

bool strip_suffix(std::string& s, std::string_view suffix) {
  if (s.size() < suffix.size() || s.compare(s.size() - suffix.size(), suffix.size(), suffix) != 0)
    return false;
  s.resize(s.size() - suffix.size());
  return true;
}

struct Question {
  std::string id;
  std::string html;  // f"{Title} {Body}"
  std::optional<std::string> score;
  std::uint64_t line = 0;
};

// The reference held a whole site in memory (filter.py builds every question's answer list
// before writing); this reader does the same, so memory grows with the site's Posts.xml.
class SiteReader final : public ShardReader {
 public:
  SiteReader(const StackExchangeSourceOptions& options, std::string path)
      : options_(options),
        path_(std::move(path)),
        site_(options.site.empty() ? site_from_path(path_) : options.site),
        order_(options.answer_order == "numeric" ? AnswerOrder::numeric : AnswerOrder::rp_v1) {}

  bool read(Batch& batch, std::size_t target_bytes) override {
    if (!loaded_) load(batch);
    std::size_t bytes = 0;
    while (next_ < questions_.size() && (bytes < target_bytes || batch.empty())) {
      bytes += emit(batch, questions_[next_], next_);
      ++next_;
    }
    if (next_ == questions_.size()) {
      questions_.clear();
      answers_.clear();
      return true;
    }
    return false;
  }

 private:
  void load(Batch& batch) {
    loaded_ = true;
    std::uint64_t untitled = 0, missing_id = 0;
    read_post_rows(path_, open_posts_bytes(path_), [&](PostRow&& row) {
      if (row.parent_id) {
        answers_[*row.parent_id].push_back(Answer{row.body.value_or(""), std::move(row.score)});
        return;
      }
      if (!row.id) {
        ++missing_id;
        return;
      }
      // Tag wikis and other untitled posts are only kept when they have answers, as in filter.py.
      candidates_.push_back(Question{std::move(*row.id),
                                     row.title.value_or("") + " " + row.body.value_or(""),
                                     std::move(row.score), row.line});
      titled_.push_back(row.title.has_value());
    });
    for (std::size_t i = 0; i < candidates_.size(); ++i) {
      if (answers_.count(candidates_[i].id) != 0 || titled_[i])
        questions_.push_back(std::move(candidates_[i]));
      else
        ++untitled;
    }
    candidates_.clear();
    titled_.clear();
    if (untitled > 0) batch.count_skipped("no_title_no_answers", untitled);
    if (missing_id > 0) batch.count_skipped("row_without_id", missing_id);
  }

  std::size_t emit(Batch& batch, Question& question, std::size_t index) {
    std::vector<std::string> answer_texts;
    auto found = answers_.find(question.id);
    if (found != answers_.end()) {
      order_answers(found->second, order_);
      for (Answer& a : found->second)
        answer_texts.push_back(options_.html_to_text ? clean_post_html(a.html) : std::move(a.html));
    }
    const std::string text = assemble_qa(
        options_.html_to_text ? clean_post_html(question.html) : question.html, answer_texts);
    Doc doc = batch.append();
    doc.set_text(text);
    doc.set_meta("url", "https://" + site_ + "/questions/" + question.id);
    doc.set_meta("timestamp", options_.timestamp);
    doc.set_meta("source", "stackexchange");
    if (question.score)
      doc.set_meta("question_score", *question.score);
    else
      doc.set_meta("question_score", std::int64_t{0});
    doc.set_origin(index, question.line);
    return text.size();
  }

  const StackExchangeSourceOptions& options_;
  std::string path_;
  std::string site_;
  AnswerOrder order_;
  bool loaded_ = false;
  std::vector<Question> candidates_;
  std::vector<bool> titled_;
  std::vector<Question> questions_;
  std::unordered_map<std::string, std::vector<Answer>> answers_;
  std::size_t next_ = 0;
};

}  // namespace

std::string site_from_path(std::string_view path) {
  std::string p(path);
  while (!p.empty() && p.back() == '/') p.pop_back();
  const auto slash = p.find_last_of('/');
  std::string name = slash == std::string::npos ? p : p.substr(slash + 1);
  if (name == "Posts.xml" && slash != std::string::npos) {
    const std::string folder = p.substr(0, slash);
    const auto parent = folder.find_last_of('/');
    return parent == std::string::npos ? folder : folder.substr(parent + 1);
  }
  for (std::string_view ext : {".gz", ".zst", ".zstd", ".bz2"})
    if (strip_suffix(name, ext)) break;
  for (std::string_view ext : {".7z", ".xml"})
    if (strip_suffix(name, ext)) break;
  return name;
}

StackExchangeSource::StackExchangeSource(const Options& options) : options_(options) {}

std::vector<std::string> StackExchangeSource::shards() {
  std::vector<std::string> all;
  for (const std::string& pattern : options_.paths)
    for (std::string& path : expand_paths(pattern)) all.push_back(std::move(path));
  return all;
}

std::unique_ptr<ShardReader> StackExchangeSource::open(std::string_view shard, std::uint64_t) {
  return std::make_unique<SiteReader>(options_, std::string(shard));
}

}  // namespace loom::stackexchange
