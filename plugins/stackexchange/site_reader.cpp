#include "site_reader.hpp"

#include "html_text.hpp"
#include "post_records.hpp"
#include "posts_pieces.hpp"
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

struct ScannedPost {
  std::string key;  // the question id: a question's own Id, an answer's ParentId
  std::uint64_t seq = 0;
  Post post;
};

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

  // Posts.xml is cut into blocks of pieces at row lines (posts_pieces.hpp); the pieces of a
  // block are parsed and their HTML converted on the run's threads while this one reads the next
  // block, and the records reach the sorter in document order, the same bytes at any thread
  // count. A document a piece cannot stand for is parsed serially from that piece on.
  void scan(Batch& batch, std::size_t target_bytes) {
    if (!scan_started_) {
      scan_started_ = true;
      splitter_ = std::make_unique<PostsSplitter>(path_, open_posts_bytes(path_));
      bool dump_shaped = false, unreadable = false;
      try {
        dump_shaped = splitter_->start();
        if (dump_shaped) block_ = next_block(target_bytes);
      } catch (const std::exception&) {
        unreadable = true;  // the serial parse reports the failure where it meets it
      }
      if (unreadable) {
        parse_serially_from(0, target_bytes);
      } else if (!dump_shaped) {
        log(LOOM_LOG_DEBUG, path_ + ": no row line after the prolog, parsed on one thread");
        rows_ = std::make_unique<PostRowReader>(path_, splitter_->unread_from_start());
        splitter_.reset();
        parsed_ = parse_chunk(target_bytes);
      }
    }
    std::size_t bytes = 0;
    while (bytes < target_bytes && (splitter_ || !parsed_.empty())) {
      std::vector<SpillRecord> records =
          splitter_ ? scan_block(target_bytes) : scan_serially(target_bytes);
      for (SpillRecord& record : records) {
        bytes += record.key.size() + record.payload.size();
        by_question_->add(std::move(record));
      }
    }
    if (missing_id_ > 0) batch.count_skipped("row_without_id", missing_id_);
    missing_id_ = 0;
    if (!splitter_ && parsed_.empty() && !rows_) {
      by_question_->finish();
      stage_ = Stage::join;
    }
  }

  PostsBlock next_block(std::size_t target_bytes) {
    const std::size_t threads = static_cast<std::size_t>(tbb::this_task_arena::max_concurrency());
    return splitter_->next_block(std::max<std::size_t>(target_bytes, 4096), 4 * threads);
  }

  // The posts of the current block, converted, in document order; reads the next block
  // meanwhile. Falls back to the serial parse when a piece does not parse on its own.
  std::vector<SpillRecord> scan_block(std::size_t target_bytes) {
    if (block_.pieces.empty()) {  // the document has ended
      splitter_.reset();
      return {};
    }
    struct Piece {
      std::vector<SpillRecord> records;  // seq: the row's index in the piece, for now
      std::uint64_t rows = 0;
      std::uint64_t first_line = 0;
      bool parsed = false;
    };
    std::vector<Piece> pieces(block_.pieces.size());
    for (std::size_t i = 0; i < pieces.size(); ++i)
      pieces[i].first_line = block_.pieces[i].first_line;
    PostsBlock next;
    bool read_next = true;
    tbb::this_task_arena::isolate([&] {
      tbb::task_group parsing;
      parsing.run([&] {
        tbb::parallel_for(std::size_t{0}, pieces.size(), [&](std::size_t i) {
          Piece& piece = pieces[i];
          std::vector<PostRow> rows;
          try {
            rows = splitter_->parse(block_, block_.pieces[i]);
          } catch (const std::exception&) {
            return;  // left to the serial parse, which names what is wrong
          }
          piece.rows = rows.size();
          std::vector<ScannedPost> posts;
          for (std::size_t row = 0; row < rows.size(); ++row)
            if (auto scanned = post_of(std::move(rows[row]))) {
              scanned->seq = row;
              posts.push_back(std::move(*scanned));
            }
          piece.records = records_of(posts);
          piece.parsed = true;
        });
      });
      try {
        next = next_block(target_bytes);
      } catch (const std::exception&) {
        read_next = false;  // the serial parse meets the same failure, or an error before it
      }
      parsing.wait();
    });
    std::vector<SpillRecord> records;
    for (Piece& piece : pieces) {
      if (!piece.parsed) {
        log(LOOM_LOG_INFO, path_ + ": the rows from line " + std::to_string(piece.first_line) +
                               " on do not parse in pieces; parsed on one thread from there");
        parse_serially_from(row_number_, target_bytes);
        return records;
      }
      for (SpillRecord& record : piece.records) {
        record.seq += row_number_;
        records.push_back(std::move(record));
      }
      missing_id_ += piece.rows - piece.records.size();
      row_number_ += piece.rows;
    }
    if (!read_next) {
      parse_serially_from(row_number_, target_bytes);
      return records;
    }
    block_ = std::move(next);
    return records;
  }

  // Reopens Posts.xml and parses it serially from row `rows_done` on.
  void parse_serially_from(std::uint64_t rows_done, std::size_t target_bytes) {
    splitter_.reset();
    block_ = PostsBlock();
    rows_ = std::make_unique<PostRowReader>(path_, open_posts_bytes(path_));
    PostRow row;
    for (std::uint64_t i = 0; i < rows_done; ++i)
      if (!rows_->next(row))
        throw Error(path_ + ": has fewer than " + std::to_string(rows_done) +
                    " rows when read again (was it changed while being read?)");
    parsed_ = parse_chunk(target_bytes);
  }

  // XML parsed serially, each chunk's HTML converted on the other threads while this one parses
  // the next.
  std::vector<SpillRecord> scan_serially(std::size_t target_bytes) {
    std::vector<ScannedPost> next;
    std::vector<SpillRecord> records;
    tbb::this_task_arena::isolate([&] {
      tbb::task_group converting;
      converting.run([&] { records = records_of(parsed_); });
      try {
        if (rows_) next = parse_chunk(target_bytes);
      } catch (...) {
        converting.cancel();
        converting.wait();
        throw;
      }
      converting.wait();
    });
    parsed_ = std::move(next);
    return records;
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
      const std::uint64_t seq = row_number_++;
      if (auto scanned = post_of(std::move(row))) {
        scanned->seq = seq;
        bytes += scanned->key.size() + scanned->post.html.size();
        chunk.push_back(std::move(*scanned));
      } else {
        ++missing_id_;
      }
      row = PostRow();
    }
    return chunk;
  }

  // The record of a row (its seq left to the caller); none for a row without Id.
  static std::optional<ScannedPost> post_of(PostRow&& row) {
    ScannedPost scanned;
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
      return std::nullopt;
    }
    return scanned;
  }

  // The sort's records of `posts`, each post's HTML converted to text first (the reference
  // converts every post on its own, so each one is converted where it is read).
  std::vector<SpillRecord> records_of(std::vector<ScannedPost>& posts) const {
    std::vector<SpillRecord> records(posts.size());
    tbb::parallel_for(std::size_t{0}, posts.size(), [&](std::size_t i) {
      ScannedPost& scanned = posts[i];
      if (options_.html_to_text) scanned.post.html = html::clean_post_html(scanned.post.html);
      records[i] = SpillRecord{std::move(scanned.key), scanned.seq, encode_post(scanned.post)};
    });
    return records;
  }

  // A run of question ids is taken from the sort here, and the questions are joined with their
  // answers on the run's threads; the document records go to the second sort, whose order
  // (the questions' row numbers) does not depend on the order they arrive in.
  void join(Batch& batch, std::size_t target_bytes) {
    struct Question {
      std::string id;
      std::vector<SpillRecord> posts;
    };
    std::vector<Question> questions;
    std::size_t bytes = 0;
    bool ended = false;
    while (bytes < target_bytes) {
      if (!has_pending_ && !by_question_->next(pending_)) {
        ended = true;
        break;
      }
      has_pending_ = false;
      Question& question = questions.emplace_back();
      question.id = pending_.key;
      for (;;) {
        bytes += pending_.payload.size();
        question.posts.push_back(std::move(pending_));
        if (!by_question_->next(pending_)) break;
        if (pending_.key != question.id) {
          has_pending_ = true;
          break;
        }
      }
    }
    std::vector<JoinedQuestion> joined(questions.size());
    tbb::parallel_for(std::size_t{0}, questions.size(), [&](std::size_t i) {
      joined[i] = join_question(questions[i].id, std::move(questions[i].posts), order_);
    });
    std::uint64_t untitled = 0, orphans = 0;
    for (JoinedQuestion& question : joined) {
      untitled += question.untitled;
      orphans += question.orphans;
      for (SpillRecord& document : question.documents) in_order_->add(std::move(document));
    }
    if (untitled > 0) batch.count_skipped("no_title_no_answers", untitled);
    if (orphans > 0) batch.count_skipped("answer_without_question", orphans);
    if (ended) {
      by_question_.reset();  // its spill files go now
      in_order_->finish();
      stage_ = Stage::emit;
    }
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
  std::unique_ptr<PostsSplitter> splitter_;  // null once parsing serially or at the end
  PostsBlock block_;                         // read, not yet parsed
  std::unique_ptr<PostRowReader> rows_;      // the serial parse, when pieces cannot be used
  bool scan_started_ = false;
  std::vector<ScannedPost> parsed_;  // parsed serially, not yet converted and sorted
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
