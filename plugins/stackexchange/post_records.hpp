// The records a site's reader sorts: posts keyed by question id (scan -> join), and the
// documents the join makes of each question and its answers (join -> emit).
#pragma once

#include "qa_assembly.hpp"
#include "spill_sort.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace loom::stackexchange {

// Flags of a post record and of a document record.
inline constexpr std::uint64_t is_answer = 1, has_title = 2, has_score = 4;

struct Post {
  std::uint64_t flags = 0;
  std::uint64_t line = 0;
  std::string score;
  std::string html;  // a question: f"{Title} {Body}"; an answer: its Body (as text once converted)
};

std::string encode_post(const Post& post);
Post decode_post(std::string&& payload);

// What one question id's post records (its questions, usually one, and its answers, in document
// order) become: a document record per kept question, keyed by the question's row number.
struct JoinedQuestion {
  std::vector<SpillRecord> documents;
  std::uint64_t untitled = 0;  // questions without title or answers (dropped, as filter.py did)
  std::uint64_t orphans = 0;   // answers whose question is absent
};
JoinedQuestion join_question(const std::string& id, std::vector<SpillRecord>&& posts,
                             AnswerOrder order);

}  // namespace loom::stackexchange
