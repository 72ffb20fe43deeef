#include "normalizer.hpp"

#include <unicode/bytestream.h>

#include <stdexcept>

namespace loom::tokens {
namespace {

const icu::Normalizer2* instance(NormalForm form) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* normalizer = nullptr;
  switch (form) {
    case NormalForm::nfc: normalizer = icu::Normalizer2::getNFCInstance(status); break;
    case NormalForm::nfkc: normalizer = icu::Normalizer2::getNFKCInstance(status); break;
    case NormalForm::nfd: normalizer = icu::Normalizer2::getNFDInstance(status); break;
    case NormalForm::nfkd: normalizer = icu::Normalizer2::getNFKDInstance(status); break;
  }
  if (U_FAILURE(status) || normalizer == nullptr)
    throw std::runtime_error(std::string("ICU normalizer unavailable: ") + u_errorName(status));
  return normalizer;
}

}  // namespace

TextNormalizer::TextNormalizer(const std::vector<NormalForm>& forms) {
  for (NormalForm form : forms) steps_.push_back(instance(form));
}

std::string_view TextNormalizer::apply(std::string_view text, std::string& out,
                                       std::string& scratch) const {
  std::string_view current = text;
  for (const icu::Normalizer2* step : steps_) {
    UErrorCode status = U_ZERO_ERROR;
    const icu::StringPiece piece(current.data(), static_cast<int32_t>(current.size()));
    if (step->isNormalizedUTF8(piece, status) && U_SUCCESS(status)) continue;
    status = U_ZERO_ERROR;
    scratch.clear();
    icu::StringByteSink<std::string> sink(&scratch);
    step->normalizeUTF8(0, piece, sink, nullptr, status);
    if (U_FAILURE(status))
      throw std::runtime_error(std::string("Unicode normalization failed: ") + u_errorName(status));
    out.swap(scratch);
    current = out;
  }
  return current;
}

}  // namespace loom::tokens
