// tokenizer.json features on small hand-written files: Split's five delimiter behaviors and
// invert, NFKC, added tokens in raw and normalized text; and what is refused, with the file and
// JSON path named: unsupported parts, merges naming unknown tokens, malformed or truncated JSON,
// invalid UTF-8 text.
#include <map>

#include "token_test_support.hpp"

using namespace token_tests;
using loom::tokens::Tokenizer;
using loom::tokens::TokenizerFileError;

namespace {

const std::vector<std::string> kWords = {
    "t",     "h",         "e",  "f",    "i",      "n",      "a",          "l",
    "c",     "o",         "u",  "w",    "d",      "-",      "!",          "the",
    "final", "countdown", "--", "the-", "final-", "-final", "-countdown", "<x>"};

// A BPE model whose vocabulary holds each of kWords and which, with ignore_merges, turns every
// pre-tokenized word that is in it into that one token: the ids show how the text was split.
std::string word_model() {
  std::string vocab;
  for (std::size_t i = 0; i < kWords.size(); ++i)
    vocab += (i ? "," : "") + ("\"" + kWords[i] + "\": " + std::to_string(i));
  return R"("model": {"type": "BPE", "ignore_merges": true, "merges": [], "vocab": {)" + vocab +
         "}}";
}

std::vector<std::uint32_t> ids_of(const std::vector<std::string>& words) {
  std::vector<std::uint32_t> ids;
  for (const auto& word : words)
    ids.push_back(
        static_cast<std::uint32_t>(std::find(kWords.begin(), kWords.end(), word) - kWords.begin()));
  return ids;
}

std::string split_file(const std::string& pattern, const std::string& behavior, bool invert) {
  return R"({"pre_tokenizer": {"type": "Split", "pattern": )" + pattern + R"(, "behavior": ")" +
         behavior + R"(", "invert": )" + (invert ? "true" : "false") + "}, " + word_model() + "}";
}

std::vector<std::uint32_t> encode_with(const std::string& file_text, std::string_view text) {
  TempFile file("tokenizer.json", file_text);
  return encode(*Tokenizer::load(file.path()), text);
}

// The message load() refuses `file_text` with.
std::string refusal(const std::string& file_text) {
  TempFile file("tokenizer.json", file_text);
  try {
    Tokenizer::load(file.path());
  } catch (const TokenizerFileError& e) {
    const std::string message = e.what();
    CHECK_MESSAGE(message.find(file.path()) != std::string::npos, message);
    return message;
  }
  FAIL("accepted: " << file_text);
  return "";
}

}  // namespace

TEST_CASE("Split: Hugging Face's five delimiter behaviors on the-final--countdown") {
  const std::string text = "the-final--countdown";
  const std::string dash = R"({"String": "-"})";
  CHECK(encode_with(split_file(dash, "Removed", false), text) ==
        ids_of({"the", "final", "countdown"}));
  CHECK(encode_with(split_file(dash, "Isolated", false), text) ==
        ids_of({"the", "-", "final", "-", "-", "countdown"}));
  CHECK(encode_with(split_file(dash, "MergedWithPrevious", false), text) ==
        ids_of({"the-", "final-", "-", "countdown"}));
  CHECK(encode_with(split_file(dash, "MergedWithNext", false), text) ==
        ids_of({"the", "-final", "-", "-countdown"}));
  CHECK(encode_with(split_file(dash, "Contiguous", false), text) ==
        ids_of({"the", "-", "final", "--", "countdown"}));
  // Inverted, the pattern matches the words and what lies between them is the delimiter.
  CHECK(encode_with(split_file(R"({"Regex": "\\p{L}+"})", "Removed", true), text) ==
        ids_of({"the", "final", "countdown"}));
}

TEST_CASE("normalizers and added tokens: raw ones before normalizing, normalized ones after") {
  const std::string file =
      R"({"normalizer": {"type": "Sequence", "normalizers": [{"type": "NFKC"}]},
    "pre_tokenizer": {"type": "Split", "pattern": {"String": "-"}, "behavior": "Isolated"},
    "added_tokens": [{"id": 23, "content": "<x>", "normalized": false},
                     {"id": 17, "content": "countdown", "normalized": true}], )" +
      word_model() + "}";
  // U+FB01 (the fi ligature) is "fi" after NFKC; "countdown" is found whole inside a word.
  CHECK(encode_with(file, "\xEF\xAC\x81nal-<x>countdown!") ==
        ids_of({"final", "-", "<x>", "countdown", "!"}));
  // Leftmost-longest: "--" is not an added token, so the two dashes split apart.
  CHECK(encode_with(file, "--") == ids_of({"-", "-"}));
}

TEST_CASE("unsupported or broken tokenizer.json parts are refused, naming the JSON path") {
  const std::string model = word_model();
  CHECK(refusal(R"({"model": {"type": "WordPiece", "vocab": {}}})").find("model.type") !=
        std::string::npos);
  CHECK(refusal(R"({"normalizer": {"type": "Sequence", "normalizers": [{"type": "NFC"},
        {"type": "Lowercase"}]}, )" +
                model + "}")
            .find("normalizer.normalizers[1].type: normalizer 'Lowercase' is not supported") !=
        std::string::npos);
  CHECK(
      refusal(
          R"({"pre_tokenizer": {"type": "Sequence", "pretokenizers": [{"type": "Metaspace"}]}, )" +
          model + "}")
          .find("pre_tokenizer.pretokenizers[0].type") != std::string::npos);
  CHECK(refusal(R"({"added_tokens": [{"id": 1, "content": "x", "lstrip": true}], )" + model + "}")
            .find("added_tokens[0].lstrip") != std::string::npos);
  CHECK(refusal(R"({"truncation": {"max_length": 512}, )" + model + "}").find("truncation") !=
        std::string::npos);
  CHECK(refusal(R"({"model": {"type": "BPE", "vocab": {"a": 0, "b": 1}, "merges": ["a b"]}})")
            .find("model.merges[0]: merged token 'ab' is not in the vocabulary") !=
        std::string::npos);
  CHECK(refusal(R"({"model": {"type": "BPE", "vocab": {"a": 0}, "merges": [["a", "q"]]}})")
            .find("model.merges[0]: right part 'q' is not in the vocabulary") != std::string::npos);
  // Paths spelled out only when something is wrong: the right entry is still named.
  CHECK(refusal(R"({"model": {"type": "BPE", "vocab": {"a": 0, "b": 1, "ab": 2},
        "merges": ["a b", "ab"]}})")
            .find("model.merges[1]: a merge must be \"<left> <right>\"") != std::string::npos);
  CHECK(refusal(R"({"model": {"type": "BPE", "vocab": {"a": 0, "b": 1, "ab": 2},
        "merges": [["a", "b"], ["a", 1]]}})")
            .find("model.merges[1][1]: expected a string") != std::string::npos);
  CHECK(refusal(R"({"model": {"type": "BPE", "vocab": {"a": 0}, "merges": [["a"]]}})")
            .find("model.merges[0]: a merge must be [left, right]") != std::string::npos);
  CHECK(refusal(R"({"model": {"type": "BPE", "vocab": {"a": 0, "b": 1, "ab": 2},
        "merges": ["a b", "a a", "b q"]}})")
            .find("model.merges[1]: merged token 'aa' is not in the vocabulary") !=
        std::string::npos);
  CHECK(refusal(R"({"model": {"type": "BPE", "vocab": {"a": 0, "b": -1}, "merges": []}})")
            .find("model.vocab[\"b\"]: expected a token id") != std::string::npos);
  CHECK(refusal(R"({"model": {"type": "BPE", "vocab": {"a": 0, "b": 4294967296}, "merges": []}})")
            .find("model.vocab[\"b\"]: expected a token id") != std::string::npos);
  // An id far above the token count would size a table by id (gigabytes) or overflow int32.
  CHECK(refusal(R"({"model": {"type": "BPE", "vocab": {"a": 0, "b": 4294967295}, "merges": []}})")
            .find("model.vocab[\"b\"]: id 4294967295 is not supported: ids must be below "
                  "1048580") != std::string::npos);
  CHECK(refusal(R"({"model": {"type": "BPE", "vocab": {"a": 0}, "merges": []},
        "added_tokens": [{"id": 3000000000, "content": "<x>"}]})")
            .find("added_tokens[0].id: id 3000000000 is not supported") != std::string::npos);
  CHECK(
      refusal(
          R"({"pre_tokenizer": {"type": "Split", "pattern": {"Regex": "(a"}, "behavior": "Isolated"}, )" +
          model + "}")
          .find("does not compile") != std::string::npos);
  const std::string whole = R"({"model": {"type": "BPE", "vocab": {"a": 0}, "merges": []}})";
  CHECK(refusal(whole.substr(0, whole.size() / 2)).find("cannot read tokenizer JSON") !=
        std::string::npos);
  CHECK(refusal("").find("cannot read tokenizer JSON") != std::string::npos);
}

TEST_CASE("text that is not UTF-8 is an error naming the byte offset, empty text has no token") {
  const std::string file = R"({"pre_tokenizer": null, )" + word_model() + "}";
  TempFile path("tokenizer.json", file);
  const auto tokenizer = Tokenizer::load(path.path());
  CHECK(encode(*tokenizer, "").empty());
  CHECK_THROWS_WITH_AS(encode(*tokenizer, "the\xC3("), "text is not valid UTF-8 at byte 3",
                       std::invalid_argument);
}

TEST_CASE("ids with gaps load, up to the bound; the token at the largest id decodes") {
  // Two tokens: ids must stay below 2 * 2 + 2^20 = 1,048,580.
  TempFile file("tokenizer.json", R"({"pre_tokenizer": null, "model": {"type": "BPE",
      "ignore_merges": true, "merges": [], "vocab": {"a": 0, "bc": 1048579}}})");
  const auto tokenizer = Tokenizer::load(file.path());
  CHECK(tokenizer->id_bound() == 1048580);
  CHECK(encode(*tokenizer, "bc") == std::vector<std::uint32_t>{1048579});
  CHECK(tokenizer->decode({1048579, 0}) == "bca");
}
