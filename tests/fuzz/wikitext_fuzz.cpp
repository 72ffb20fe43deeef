// The wikitext parser as wikitext_clean runs it: tokenizer, tree, strip_code and the page
// cleaning, for a language picked by the first byte. Checks: only std::runtime_error escapes
// (wikitext_clean drops the page as parser_error), valid UTF-8 in gives valid UTF-8 out, and a
// cleaner gives the same text for the same page again (wikitext_clean reuses one per batch).
#include <cstdint>
#include <stdexcept>

#include "fuzz_support.hpp"
#include "namespace_aliases.hpp"
#include "page_cleaner.hpp"

using namespace loom;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  static const char* const languages[] = {"en", "de", "bg", "ru", "ja", "sv", "xx"};
  const char* language = languages[data[0] % std::size(languages)];
  const std::string_view page = fuzz::as_text(data + 1, size - 1);

  wikitext::PageCleaner cleaner(wikitext::namespace_aliases(language));
  std::string first, second;
  try {
    first = cleaner.clean(page);
  } catch (const std::runtime_error&) {
    return 0;  // a parser error: the page is dropped, as the reference does
  } catch (const std::exception& e) {
    fuzz::fail(std::string("an exception other than std::runtime_error (") + typeid(e).name() +
               "): " + e.what());
  }
  if (fuzz::valid_utf8(page))
    fuzz::require(fuzz::valid_utf8(first), "valid UTF-8 in, invalid UTF-8 out");
  try {
    second = cleaner.clean(page);
  } catch (const std::exception& e) {
    fuzz::fail(std::string("the second clean of a page threw: ") + e.what());
  }
  fuzz::require(first == second, "the same page cleaned twice differs");
  return 0;
}
