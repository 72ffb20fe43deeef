// Joins a question with its answers the way post_processing.py did.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace loom::stackexchange {

struct Answer {
  std::string html;
  std::optional<std::string> score;  // as written in Posts.xml
};

enum class AnswerOrder {
  rp_v1,    // sorted(answers, key=score, reverse=True) on score STRINGS: "9" before "10"
  numeric,  // highest score first, as the reference README described it
};

// Stable sort, highest first. A missing score counts as "0" (rp_v1) or 0 (numeric); a score
// that is not an integer counts as 0 in numeric order.
void order_answers(std::vector<Answer>& answers, AnswerOrder order);

// "Q: " + question + ("\nA: " + answer)..., or just "Q: " + question with no answers.
std::string assemble_qa(std::string_view question, const std::vector<std::string>& answers);

}  // namespace loom::stackexchange
