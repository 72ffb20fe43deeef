// The tokens plugin's tokenizer.json reader and the tokenizer it builds (plugins/tokens): the
// input is the file. Checks: load() refuses bad files only with a TokenizerFileError naming the
// file; a tokenizer that loads encodes the same texts to the same ids twice, every id below its
// id_bound(), and refuses text that is not UTF-8 with std::invalid_argument (a pattern that
// backtracks past PCRE2's limits may also stop a text, with a RegexLimitError saying so).
#include <tokenizer.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <typeinfo>
#include <vector>

#include "fuzz_support.hpp"

using loom::tokens::Tokenizer;
using loom::tokens::TokenizerFileError;

namespace {

// The ids of `text`, or nothing when the encoder refused it as documented above.
std::optional<std::vector<std::uint32_t>> encode(Tokenizer::Encoder& encoder,
                                                 std::string_view text) {
  std::vector<std::uint32_t> ids;
  try {
    encoder.encode(text, ids);
  } catch (const std::invalid_argument& e) {
    loom::fuzz::require(!loom::fuzz::valid_utf8(text),
                        std::string("valid UTF-8 refused: ") + e.what());
    return std::nullopt;
  } catch (const loom::tokens::RegexLimitError&) {
    return std::nullopt;
  } catch (const std::exception& e) {
    loom::fuzz::fail(std::string("encode threw ") + typeid(e).name() + ": " + e.what());
  }
  loom::fuzz::require(loom::fuzz::valid_utf8(text), "text that is not UTF-8 was encoded");
  return ids;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body = loom::fuzz::as_text(data, size);
  const std::string path = loom::fuzz::scratch_file(body, ".tokenizer.json");
  std::shared_ptr<const Tokenizer> tokenizer;
  try {
    tokenizer = Tokenizer::load(path);
  } catch (const TokenizerFileError& e) {
    loom::fuzz::require(std::string_view(e.what()).starts_with(path + ": "),
                        std::string("the error does not start with the file: ") + e.what());
    return 0;
  } catch (const std::exception& e) {
    loom::fuzz::fail(std::string("load threw ") + typeid(e).name() + ": " + e.what());
  }
  const auto encoder = tokenizer->encoder();
  // Texts that reach the normalizers, the pre-tokenizers, the merges and any added token: the
  // file's own bytes hold its tokens and added tokens.
  const std::string texts[] = {"",
                               "Hello, world! 123",
                               "a\tb  c\n\nd",
                               "caf\xC3\xA9 \xF0\x9F\x98\x80",
                               "\xC3(",
                               std::string(body.substr(0, 4096))};
  for (const std::string& text : texts) {
    const auto first = encode(*encoder, text);
    const auto again = encode(*encoder, text);
    loom::fuzz::require(first.has_value() == again.has_value() && (!first || *first == *again),
                        "the same text encoded differently");
    if (!first) continue;
    for (std::uint32_t id : *first)
      loom::fuzz::require(id < tokenizer->id_bound(), "an id at or above id_bound()");
  }
  return 0;
}
