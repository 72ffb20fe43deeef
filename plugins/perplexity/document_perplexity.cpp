#include "document_perplexity.hpp"

#include <ccnet_text/normalizer.hpp>

#include <sentencepiece_processor.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>

namespace loom::perplexity {
namespace {

// The length of the whitespace character starting at text[at], or 0 when it is not one.
std::size_t whitespace_length(std::string_view text, std::size_t at) {
  const auto byte = [&](std::size_t i) {
    return i < text.size() ? static_cast<unsigned char>(text[i]) : 0U;
  };
  const unsigned c0 = byte(at);
  if (c0 == ' ' || (c0 >= 0x09 && c0 <= 0x0D) || (c0 >= 0x1C && c0 <= 0x1F)) return 1;
  if (c0 < 0x80) return 0;
  const unsigned c1 = byte(at + 1);
  if (c0 == 0xC2) return c1 == 0x85 || c1 == 0xA0 ? 2 : 0;
  const unsigned c2 = byte(at + 2);
  if (c0 == 0xE1) return c1 == 0x9A && c2 == 0x80 ? 3 : 0;  // U+1680
  if (c0 == 0xE2 && c1 == 0x80)                             // U+2000..U+200A, 2028, 2029, 202F
    return c2 <= 0x8A || c2 == 0xA8 || c2 == 0xA9 || c2 == 0xAF ? 3 : 0;
  if (c0 == 0xE2 && c1 == 0x81) return c2 == 0x9F ? 3 : 0;  // U+205F
  if (c0 == 0xE3 && c1 == 0x80) return c2 == 0x80 ? 3 : 0;  // U+3000
  return 0;
}

}  // namespace

void split_python_whitespace(std::string_view text, std::vector<std::string_view>& words) {
  words.clear();
  std::size_t start = 0;
  std::size_t at = 0;
  while (at < text.size()) {
    const std::size_t space = whitespace_length(text, at);
    if (space == 0) {
      ++at;
      continue;
    }
    if (at > start) words.push_back(text.substr(start, at - start));
    at += space;
    start = at;
  }
  if (at > start) words.push_back(text.substr(start, at - start));
}

void split_kenlm_spaces(std::string_view text, std::vector<std::string_view>& words) {
  words.clear();
  text = text.substr(0, text.find('\0'));
  std::size_t at = 0;
  while (at < text.size()) {
    while (at < text.size() && (text[at] == ' ' || (text[at] >= '\t' && text[at] <= '\r'))) ++at;
    const std::size_t start = at;
    while (at < text.size() && !(text[at] == ' ' || (text[at] >= '\t' && text[at] <= '\r'))) ++at;
    if (at > start) words.push_back(text.substr(start, at - start));
  }
}

double round_like_python(double x, int digits) {
  char buffer[400];
  std::snprintf(buffer, sizeof buffer, "%.*f", digits, x);
  return std::strtod(buffer, nullptr);
}

DocumentPerplexity::DocumentPerplexity(const std::string& sentencepiece_model,
                                       const std::string& language_model, bool normalize)
    : model_(ngram::LanguageModel::load(language_model)),
      normalize_(normalize && !sentencepiece_model.empty()) {
  if (sentencepiece_model.empty()) return;
  pieces_ = std::make_unique<sentencepiece::SentencePieceProcessor>();
  const auto status = pieces_->Load(sentencepiece_model);
  if (!status.ok())
    throw std::runtime_error("cannot load SentencePiece model '" + sentencepiece_model +
                             "': " + status.ToString());
}

DocumentPerplexity::~DocumentPerplexity() = default;

DocumentScore DocumentPerplexity::score(std::string_view text, Scratch& scratch) const {
  std::string_view input = text;
  if (normalize_) {
    ccnet::normalize(text, scratch.normalized);
    input = scratch.normalized;
  }
  scratch.tokenized.clear();
  if (pieces_ != nullptr) {
    scratch.pieces.clear();
    const auto status = pieces_->Encode(input, &scratch.pieces);
    if (!status.ok())
      throw std::runtime_error("SentencePiece encoding failed: " + status.ToString());
    for (std::size_t i = 0; i < scratch.pieces.size(); ++i) {
      if (i > 0) scratch.tokenized += ' ';
      scratch.tokenized += scratch.pieces[i];
    }
  } else {
    scratch.tokenized = input;
  }

  DocumentScore result;
  std::string_view rest = scratch.tokenized;
  while (true) {
    const std::size_t newline = rest.find('\n');
    const std::string_view line = rest.substr(0, newline);
    split_kenlm_spaces(line, scratch.words);
    split_python_whitespace(line, scratch.python_words);
    result.log10_score += static_cast<double>(model_.sentence_score(scratch.words));
    result.length += static_cast<std::int64_t>(scratch.python_words.size()) + 1;
    if (newline == std::string_view::npos) break;
    rest.remove_prefix(newline + 1);
  }
  result.perplexity = std::pow(10.0, -result.log10_score / static_cast<double>(result.length));
  return result;
}

}  // namespace loom::perplexity
