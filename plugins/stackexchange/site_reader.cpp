#include "site_reader.hpp"

#include "html_text.hpp"
#include "posts_reader.hpp"
#include "qa_assembly.hpp"
#include "spill_sort.hpp"

#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>
#include <tbb/task_group.h>

#include <algorithm>
#include <optional>
#include <utility>
#include <vector>

namespace loom::stackexchange {
namespace {

// Flags of a post record (scan -> join) and of a document record (join -> emit).
constexpr std::uint64_t is_answer = 1, has_title = 2, has_score = 4;

struct Post {
  std::uint64_t flags = 0;
  std::uint64_t line = 0;
  std::string score;
  std::string html;  // a question: f"{Title} {Body}"; an answer: its Body (as text once converted)
};

struct ScannedPost {
  std::string key;  // the question id: a question's own Id, an answer's ParentId
  std::uint64_t seq = 0;
  Post post;
};

std::string encode_post(const Post& post) {
  std::string out;
  out.reserve(post.score.size() + post.html.size() + 32);
  put_u64(out, post.flags);
  put_u64(out, post.line);
  put_bytes(out, post.score);
  put_bytes(out, post.html);
  return out;
}

Post decode_post(std::string&& payload) {
  PayloadCursor in(payload);
  Post post;
  post.flags = in.u64();
  post.line = in.u64();
  post.score = std::string(in.bytes());
  post.html = std::string(in.bytes());
  return post;
}

std::optional<std::string> score_of(std::uint64_t flags, std::string score) {
  if ((flags & has_score) == 0) return std::nullopt;
  return score;
}

class SiteReader final : public ShardReader {
 public:
  SiteReader(const StackExchangeSourceOptions& options, std::string path)
      : options_(options),
        path_(std::move(path)),
        site_(options.site.empty() ? site_from_path(path_) : options.site),
        order_(options.answer_order == "numeric" ? AnswerOrder::numeric : AnswerOrder::rp_v1),
        spill_(options.spill_dir) {
    // Half the budget for each sort: the join fills the second while the first drains.
    const double budget = options.memory_budget_mb * 1024.0 * 1024.0 / 2;
    const auto half = static_cast<std::size_t>(std::max(budget, 1.0));
    by_question_ = std::make_unique<ExternalSorter>(half, spill_, "posts");
    in_order_ = std::make_unique<ExternalSorter>(half, spill_, "documents");
  }

  bool read(Batch& batch, std::size_t target_bytes) override {
    switch (stage_) {
      case Stage::scan: scan(batch, target_bytes); return false;
      case Stage::join: join(batch, target_bytes); return false;
      case Stage::emit: return emit(batch, target_bytes);
    }
    return true;
  }

 private:
  enum class Stage { scan, join, emit };

  // XML parsing is serial; converting each post's HTML to text is not. Rows are parsed in chunks
  // and each chunk is converted on the other threads while this one parses the next, so the
  // records reach the sorter in document order, the same bytes at any thread count.
  void scan(Batch& batch, std::size_t target_bytes) {
    if (!scan_started_) {
      scan_started_ = true;
      rows_ = std::make_unique<PostRowReader>(path_, open_posts_bytes(path_));
      parsed_ = parse_chunk(target_bytes);
    }
    std::size_t bytes = 0;
    while (bytes < target_bytes && !parsed_.empty()) {
      std::vector<ScannedPost> next;
      tbb::this_task_arena::isolate([&] {
        tbb::task_group converting;
        converting.run([&] { convert_posts(parsed_); });
        try {
          if (rows_) next = parse_chunk(target_bytes);
        } catch (...) {
          converting.cancel();
          converting.wait();
          throw;
        }
        converting.wait();
      });
      for (ScannedPost& scanned : parsed_) {
        bytes += scanned.key.size() + scanned.post.html.size();
        by_question_->add(
            SpillRecord{std::move(scanned.key), scanned.seq, encode_post(scanned.post)});
      }
      parsed_ = std::move(next);
    }
    if (missing_id_ > 0) batch.count_skipped("row_without_id", missing_id_);
    missing_id_ = 0;
    if (parsed_.empty() && !rows_) {
      by_question_->finish();
      stage_ = Stage::join;
    }
  }

  // The next rows, up to a quarter of target_bytes of HTML (at least one row); resets rows_ at
  // the end of the document.
  std::vector<ScannedPost> parse_chunk(std::size_t target_bytes) {
    const std::size_t chunk_bytes = std::max<std::size_t>(target_bytes / 4, 1);
    std::vector<ScannedPost> chunk;
    std::size_t bytes = 0;
    PostRow row;
    while (bytes < chunk_bytes) {
      if (!rows_->next(row)) {
        rows_.reset();
        break;
      }
      ScannedPost scanned;
      scanned.seq = row_number_++;
      Post& post = scanned.post;
      post.line = row.line;
      if (row.score) {
        post.flags |= has_score;
        post.score = std::move(*row.score);
      }
      if (row.parent_id) {
        post.flags |= is_answer;
        post.html = row.body.value_or("");
        scanned.key = std::move(*row.parent_id);
      } else if (row.id) {
        if (row.title) post.flags |= has_title;
        post.html = row.title.value_or("") + " " + row.body.value_or("");
        scanned.key = std::move(*row.id);
      } else {
        ++missing_id_;
        continue;
      }
      bytes += scanned.key.size() + post.html.size();
      chunk.push_back(std::move(scanned));
    }
    return chunk;
  }

  // The reference converts every post on its own, so each one is converted where it is read.
  void convert_posts(std::vector<ScannedPost>& posts) const {
    if (!options_.html_to_text) return;
    tbb::parallel_for(std::size_t{0}, posts.size(), [&](std::size_t i) {
      std::string& html = posts[i].post.html;
      html = html::clean_post_html(html);
    });
  }

  void join(Batch& batch, std::size_t target_bytes) {
    std::uint64_t untitled = 0, orphans = 0;
    std::size_t bytes = 0;
    while (bytes < target_bytes) {
      if (!has_pending_ && !by_question_->next(pending_)) {
        by_question_.reset();  // its spill files go now
        in_order_->finish();
        stage_ = Stage::emit;
        break;
      }
      has_pending_ = false;
      // One question id: its questions (usually one) and its answers, in document order.
      const std::string id = std::move(pending_.key);
      std::vector<std::pair<std::uint64_t, Post>> questions;
      std::vector<Answer> answers;
      for (;;) {
        Post post = decode_post(std::move(pending_.payload));
        if ((post.flags & is_answer) != 0)
          answers.push_back(Answer{std::move(post.html), score_of(post.flags, post.score)});
        else
          questions.emplace_back(pending_.seq, std::move(post));
        if (!by_question_->next(pending_)) break;
        if (pending_.key != id) {
          has_pending_ = true;
          break;
        }
      }
      if (questions.empty()) {
        orphans += answers.size();
        continue;
      }
      order_answers(answers, order_);
      std::vector<std::string> answer_texts;
      answer_texts.reserve(answers.size());
      for (Answer& a : answers) answer_texts.push_back(std::move(a.html));
      for (auto& [seq, question] : questions) {
        // Tag wikis and other untitled posts are only kept when they have answers (filter.py).
        if (answers.empty() && (question.flags & has_title) == 0) {
          ++untitled;
          continue;
        }
        const std::string text = assemble_qa(question.html, answer_texts);
        std::string payload;
        put_u64(payload, question.flags);
        put_u64(payload, question.line);
        put_bytes(payload, question.score);
        put_bytes(payload, id);
        put_bytes(payload, text);
        bytes += text.size();
        in_order_->add(SpillRecord{std::string(), seq, std::move(payload)});
      }
    }
    if (untitled > 0) batch.count_skipped("no_title_no_answers", untitled);
    if (orphans > 0) batch.count_skipped("answer_without_question", orphans);
  }

  bool emit(Batch& batch, std::size_t target_bytes) {
    std::size_t bytes = 0;
    SpillRecord record;
    while (bytes < target_bytes || batch.empty()) {
      if (!in_order_->next(record)) {
        in_order_.reset();
        return true;
      }
      PayloadCursor in(record.payload);
      const std::uint64_t flags = in.u64();
      const std::uint64_t line = in.u64();
      const std::string_view score = in.bytes();
      const std::string_view id = in.bytes();
      const std::string_view text = in.bytes();
      Doc doc = batch.append();
      doc.set_text(text);
      doc.set_meta("url", "https://" + site_ + "/questions/" + std::string(id));
      doc.set_meta("timestamp", options_.timestamp);
      doc.set_meta("source", "stackexchange");
      if ((flags & has_score) != 0)
        doc.set_meta("question_score", score);
      else
        doc.set_meta("question_score", std::int64_t{0});
      doc.set_origin(documents_++, line);
      bytes += text.size();
    }
    return false;
  }

  const StackExchangeSourceOptions& options_;
  std::string path_;
  std::string site_;
  AnswerOrder order_;
  SpillDirectory spill_;  // declared before the sorters: their files go before the folder
  std::unique_ptr<ExternalSorter> by_question_;
  std::unique_ptr<ExternalSorter> in_order_;
  Stage stage_ = Stage::scan;
  std::unique_ptr<PostRowReader> rows_;
  bool scan_started_ = false;
  std::vector<ScannedPost> parsed_;  // parsed, not yet converted and sorted
  std::uint64_t missing_id_ = 0;
  std::uint64_t row_number_ = 0;
  SpillRecord pending_;
  bool has_pending_ = false;
  std::uint64_t documents_ = 0;
};

}  // namespace

std::unique_ptr<ShardReader> open_site_reader(const StackExchangeSourceOptions& options,
                                              std::string path) {
  return std::make_unique<SiteReader>(options, std::move(path));
}

}  // namespace loom::stackexchange
