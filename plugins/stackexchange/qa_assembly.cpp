#include "qa_assembly.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>

namespace loom::stackexchange {
namespace {

std::int64_t numeric_score(const std::optional<std::string>& score) {
  if (!score) return 0;
  std::int64_t value = 0;
  const char* end = score->data() + score->size();
  auto [ptr, ec] = std::from_chars(score->data(), end, value);
  return ec == std::errc{} && ptr == end ? value : 0;
}

}  // namespace

void order_answers(std::vector<Answer>& answers, AnswerOrder order) {
  if (order == AnswerOrder::rp_v1) {
    // Python compares str by code point, which for UTF-8 bytes is plain byte order.
    std::stable_sort(answers.begin(), answers.end(), [](const Answer& a, const Answer& b) {
      return a.score.value_or("0") > b.score.value_or("0");
    });
  } else {
    std::stable_sort(answers.begin(), answers.end(), [](const Answer& a, const Answer& b) {
      return numeric_score(a.score) > numeric_score(b.score);
    });
  }
}

std::string assemble_qa(std::string_view question, const std::vector<std::string>& answers) {
  std::size_t size = 3 + question.size();
  for (const std::string& a : answers) size += 4 + a.size();
  std::string text;
  text.reserve(size);
  text += "Q: ";
  text += question;
  for (const std::string& a : answers) {
    text += "\nA: ";
    text += a;
  }
  return text;
}

}  // namespace loom::stackexchange
