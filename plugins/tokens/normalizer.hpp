// The tokenizer's Unicode normalizers (NFC, NFKC, NFD, NFKD, in sequence), with ICU.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <unicode/normalizer2.h>

#include "tokenizer_spec.hpp"

namespace loom::tokens {

class TextNormalizer {
 public:
  explicit TextNormalizer(const std::vector<NormalForm>& forms);

  bool empty() const { return steps_.empty(); }

  // `text` (valid UTF-8) normalized into `out`; returns a view of `text` itself when every step
  // leaves it unchanged (the common case, found with a quick check), else of `out`.
  std::string_view apply(std::string_view text, std::string& out, std::string& scratch) const;

 private:
  std::vector<const icu::Normalizer2*> steps_;
};

}  // namespace loom::tokens
