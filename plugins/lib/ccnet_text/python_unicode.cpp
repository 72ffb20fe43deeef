#include <ccnet_text/python_unicode.hpp>

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/uniset.h>
#include <unicode/unistr.h>
#include <unicode/utf16.h>
#include <unicode/utf8.h>

#include <stdexcept>

namespace loom::ccnet::python_unicode {

namespace {

// Python 3.11's unicodedata is Unicode 14.0; characters ICU knows from a later version do not
// exist for it.
bool known_to_python(char32_t c) {
  UVersionInfo age;
  u_charAge(static_cast<UChar32>(c), age);
  return age[0] != 0 && age[0] <= 14;
}

bool is_cased(char32_t c) {
  return known_to_python(c) && u_hasBinaryProperty(static_cast<UChar32>(c), UCHAR_CASED);
}
bool is_case_ignorable(char32_t c) {
  return known_to_python(c) && u_hasBinaryProperty(static_cast<UChar32>(c), UCHAR_CASE_IGNORABLE);
}

// CPython's handle_capital_sigma: U+03A3 lowers to final sigma when a cased letter precedes it
// (case-ignorable characters skipped) and none follows it.
bool final_sigma(std::u32string_view text, std::size_t i) {
  std::size_t j = i;
  while (j > 0 && is_case_ignorable(text[j - 1])) --j;
  if (j == 0 || !is_cased(text[j - 1])) return false;
  std::size_t k = i + 1;
  while (k < text.size() && is_case_ignorable(text[k])) ++k;
  return k == text.size() || !is_cased(text[k]);
}

// NFD restricted to the characters Python 3.11 knows; built once.
class PythonNfd {
 public:
  PythonNfd() {
    UErrorCode status = U_ZERO_ERROR;
    const icu::Normalizer2* nfd = icu::Normalizer2::getNFDInstance(status);
    known_.applyPattern(icu::UnicodeString(u"[:age=14.0:]"), status);
    known_.freeze();
    if (U_FAILURE(status) || nfd == nullptr)
      throw std::runtime_error(std::string("ccnet: ICU NFD is unavailable: ") +
                               u_errorName(status));
    filtered_ = std::make_unique<icu::FilteredNormalizer2>(*nfd, known_);
  }
  const icu::Normalizer2& get() const { return *filtered_; }

 private:
  icu::UnicodeSet known_;
  std::unique_ptr<icu::FilteredNormalizer2> filtered_;
};

const icu::Normalizer2& python_nfd() {
  static const PythonNfd instance;
  return instance.get();
}

}  // namespace

void decode_utf8(std::string_view utf8, CodePoints& out) {
  out.resize(utf8.size());
  char32_t* put = out.data();
  const auto* s = reinterpret_cast<const std::uint8_t*>(utf8.data());
  const auto length = static_cast<std::int32_t>(utf8.size());
  std::int32_t i = 0;
  while (i < length) {
    if (s[i] < 0x80) {
      *put++ = s[i++];
      continue;
    }
    UChar32 c = 0;
    U8_NEXT(s, i, length, c);
    *put++ = c < 0 ? char32_t{0xFFFD} : static_cast<char32_t>(c);
  }
  out.resize(static_cast<std::size_t>(put - out.data()));
}

std::u32string_view strip(std::u32string_view text) {
  std::size_t begin = 0;
  std::size_t end = text.size();
  while (begin < end && is_space(text[begin])) ++begin;
  while (end > begin && is_space(text[end - 1])) --end;
  return text.substr(begin, end - begin);
}

char32_t lower_simple(char32_t c) {
  if (c < 0x80) return c >= 'A' && c <= 'Z' ? c + 32 : c;
  const auto mapped = static_cast<char32_t>(u_tolower(static_cast<UChar32>(c)));
  return mapped != c && known_to_python(c) ? mapped : c;
}

void lower(std::u32string_view text, CodePoints& out) {
  out.resize(2 * text.size());  // U+0130 is the only character that lowers to two
  char32_t* put = out.data();
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char32_t c = text[i];
    if (c < 0x80) {
      *put++ = c >= 'A' && c <= 'Z' ? c + 32 : c;
    } else if (c == 0x130) {
      // The one unconditional lowercase mapping of SpecialCasing.txt that is not the simple one.
      *put++ = U'i';
      *put++ = 0x307;
    } else if (c == 0x3A3) {
      *put++ = final_sigma(text, i) ? 0x3C2 : 0x3C3;
    } else {
      *put++ = lower_simple(c);
    }
  }
  out.resize(static_cast<std::size_t>(put - out.data()));
}

namespace {

bool is_python_mn(char32_t c) {
  return u_charType(static_cast<UChar32>(c)) == U_NON_SPACING_MARK && known_to_python(c);
}

// Decomposes one run of characters that are not NFD-inert and appends it without its Mn.
void decompose_run(const icu::Normalizer2& nfd, icu::UnicodeString& run, CodePoints& out) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::UnicodeString decomposed = nfd.normalize(run, status);
  if (U_FAILURE(status))
    throw std::runtime_error(std::string("ccnet: ICU NFD failed: ") + u_errorName(status));
  const std::int32_t length = decomposed.length();
  for (std::int32_t i = 0; i < length;) {
    const UChar32 c = decomposed.char32At(i);
    i += U16_LENGTH(c);
    if (!is_python_mn(static_cast<char32_t>(c))) out.push_back(static_cast<char32_t>(c));
  }
  run.remove();
}

}  // namespace

void strip_accents(std::u32string_view text, CodePoints& out) {
  // NFD only decomposes characters and reorders marks between two characters that are inert
  // (no decomposition, combining class 0, no interaction with neighbours), so the text is
  // decomposed run by run between inert characters; ASCII and most CJK never reach ICU.
  const icu::Normalizer2& nfd = python_nfd();
  thread_local icu::UnicodeString run;
  out.clear();
  out.reserve(text.size() + 16);
  run.remove();
  for (const char32_t c : text) {
    if (c < 0xC0) {
      if (!run.isEmpty()) decompose_run(nfd, run, out);
      out.push_back(c);
    } else if (!nfd.isInert(static_cast<UChar32>(c))) {
      run.append(static_cast<UChar32>(c));
    } else {
      if (!run.isEmpty()) decompose_run(nfd, run, out);
      if (c < 0x300 || !is_python_mn(c)) out.push_back(c);
    }
  }
  if (!run.isEmpty()) decompose_run(nfd, run, out);
}

bool is_decimal_digit(char32_t c) {
  if (c < 0x80) return c >= '0' && c <= '9';
  return u_charType(static_cast<UChar32>(c)) == U_DECIMAL_DIGIT_NUMBER && known_to_python(c);
}

}  // namespace loom::ccnet::python_unicode
