// cc_net's document perplexity (perplexity.py: MultiSentencePiece, then DocLM), for one language:
//   normalized = text_normalizer.normalize(raw_content)      (the whole document: one line)
//   tokenized  = " ".join(sp.encode_as_pieces(normalized))
//   for line in tokenized.split("\n"):
//       log_score += model.score(line)          (KenLM, log10, <s> and </s>)
//       length    += len(line.split()) + 1
// model.score(line) with bos and eos is KenLM's C++ ScoreSentence on the UTF-8 bytes: words are
// split on ASCII whitespace only (and the C string ends at a NUL), while len(line.split()) counts
// Python's Unicode whitespace; both are kept as they are.
//   perplexity = round(10 ** (-log_score / length), 1)
#pragma once

#include "language_model.hpp"

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace sentencepiece {
class SentencePieceProcessor;
}

namespace loom::perplexity {

struct Scratch {
  std::string normalized;
  std::vector<std::string> pieces;
  std::string tokenized;
  std::vector<std::string_view> words;         // what KenLM scores
  std::vector<std::string_view> python_words;  // what cc_net counts
};

struct DocumentScore {
  double log10_score = 0.0;  // sum over the lines, each summed in float as KenLM's Python does
  std::int64_t length = 0;   // words (pieces) plus one </s> per line
  double perplexity = 0.0;   // 10 ** (-log10_score / length), not rounded
};

class DocumentPerplexity {
 public:
  // An empty sentencepiece_model means the text is already space-separated pieces (then it is
  // not normalized either). Throws ngram::ModelFileError or std::runtime_error naming the file
  // that cannot be read.
  DocumentPerplexity(const std::string& sentencepiece_model, const std::string& language_model,
                     bool normalize);
  ~DocumentPerplexity();

  // The score of a document's raw text; scratch.tokenized holds cc_net's `tokenized` after.
  DocumentScore score(std::string_view text, Scratch& scratch) const;

  const ngram::LanguageModel& model() const { return model_; }

 private:
  std::unique_ptr<sentencepiece::SentencePieceProcessor> pieces_;
  ngram::LanguageModel model_;
  bool normalize_;
};

// Python's str.split() with no argument on UTF-8 text: the non-empty runs between Unicode
// whitespace (str.isspace: \t\n\v\f\r, U+001C-U+001F, space, U+0085, U+00A0, U+1680,
// U+2000-U+200A, U+2028, U+2029, U+202F, U+205F, U+3000).
void split_python_whitespace(std::string_view text, std::vector<std::string_view>& words);

// KenLM's tokenization of a C string: runs between the bytes ' ', \t, \n, \v, \f, \r (util::
// kSpaces), up to the first NUL byte.
void split_kenlm_spaces(std::string_view text, std::vector<std::string_view>& words);

// Python's round(x, digits) for a finite double: the nearest decimal, ties to even on the
// exact binary value (printf rounds that way, as CPython's dtoa does).
double round_like_python(double x, int digits);

}  // namespace loom::perplexity
