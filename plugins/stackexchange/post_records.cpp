#include "post_records.hpp"

#include <optional>
#include <utility>

namespace loom::stackexchange {
namespace {

std::optional<std::string> score_of(std::uint64_t flags, std::string score) {
  if ((flags & has_score) == 0) return std::nullopt;
  return score;
}

}  // namespace

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

JoinedQuestion join_question(const std::string& id, std::vector<SpillRecord>&& posts,
                             AnswerOrder order) {
  JoinedQuestion joined;
  std::vector<std::pair<std::uint64_t, Post>> questions;
  std::vector<Answer> answers;
  for (SpillRecord& record : posts) {
    Post post = decode_post(std::move(record.payload));
    if ((post.flags & is_answer) != 0)
      answers.push_back(Answer{std::move(post.html), score_of(post.flags, post.score)});
    else
      questions.emplace_back(record.seq, std::move(post));
  }
  if (questions.empty()) {
    joined.orphans = answers.size();
    return joined;
  }
  order_answers(answers, order);
  std::vector<std::string> answer_texts;
  answer_texts.reserve(answers.size());
  for (Answer& a : answers) answer_texts.push_back(std::move(a.html));
  for (auto& [seq, question] : questions) {
    // Tag wikis and other untitled posts are only kept when they have answers (filter.py).
    if (answers.empty() && (question.flags & has_title) == 0) {
      ++joined.untitled;
      continue;
    }
    const std::string text = assemble_qa(question.html, answer_texts);
    std::string payload;
    put_u64(payload, question.flags);
    put_u64(payload, question.line);
    put_bytes(payload, question.score);
    put_bytes(payload, id);
    put_bytes(payload, text);
    joined.documents.push_back(SpillRecord{std::string(), seq, std::move(payload)});
  }
  return joined;
}

}  // namespace loom::stackexchange
