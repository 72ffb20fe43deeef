// FastClassifier against libfasttext's own predictLine on the same model (lid.176.ftz) and real
// documents from ../shared/golden: the same top label and probabilities within 1e-5, for every
// document, in each way language_id prepares text.
#include "fast_classifier_support.hpp"

#include <fasttext_inference/classifier_pool.hpp>

#include <loom/testing/files.hpp>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <limits>
#include <memory>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using loom::fasttext_inference::FastClassifier;
using namespace fast_classifier_testing;

namespace {

// Each document the ways language_id feeds the model: newlines as spaces, removed, or kept (so
// only the first line counts), each with the "\n" the Python binding appends.
std::vector<std::string> prepared_lines(const std::vector<std::string>& texts) {
  std::vector<std::string> lines;
  for (const std::string& text : texts) {
    std::string spaced = text;
    std::replace(spaced.begin(), spaced.end(), '\n', ' ');
    std::string removed;
    for (char c : text)
      if (c != '\n') removed += c;
    lines.push_back(spaced + "\n");
    lines.push_back(removed + "\n");
    lines.push_back(text + "\n");
  }
  return lines;
}

}  // namespace

TEST_CASE("FastClassifier gives predictLine's label and probability on every golden document") {
  if (!have_model()) return;
  const std::vector<std::string> texts = golden_texts();
  if (texts.empty()) {
    std::cout << "SKIPPED: no golden documents under " << LOOM_SHARED_DIR << "\n";
    return;
  }
  fasttext::FastText reference;
  reference.loadModel(model_path());
  const FastClassifier fast(model_path());
  const std::vector<std::string> lines = prepared_lines(texts);
  // A roomy cache, and a tiny one that keeps starting over: results must not depend on it.
  CHECK(check_agreement(reference, fast, lines, 0, 0.0f) == lines.size());
  CHECK(check_agreement(reference, fast, lines, 64, 0.0f) == lines.size());
  CHECK(check_agreement(reference, fast, lines, 4096, 0.5f) == lines.size());
  CHECK(lines.size() > 3000);
}

TEST_CASE("FastClassifier reads tokens as predictLine does at the edges") {
  if (!have_model()) return;
  fasttext::FastText reference;
  reference.loadModel(model_path());
  const FastClassifier fast(model_path());
  const std::string long_token(300, 'x');
  const std::vector<std::string> lines = {
      "",
      "\n",
      "   \n",
      "no newline at the end",
      "tabs\tand\vvertical\ftabs\rand carriage returns\n",
      std::string("a nul\0byte splits words\n", 24),
      "first line only\nDies ist die zweite Zeile\n",
      "the literal </s> ends the line les mots suivants ne comptent pas\n",
      "__label__de is read as a label, not a word\n",
      "__label__ only\n",
      "__label__unknownlabel and english words\n",
      "caf\xc3\xa9 na\xc3\xafve \xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e \xf0\x9f\x98\x80\n",
      "invalid \xff\xfe utf-8 \x80\x80 bytes\n",
      long_token + " " + long_token + "y\n",
      "  leading   and trailing   spaces   \n",
      "Ein ganz normaler deutscher Satz mit einigen W\xc3\xb6rtern.\n",
  };
  CHECK(check_agreement(reference, fast, lines, 16, 0.0f) == lines.size());
  CHECK(check_agreement(reference, fast, lines, 16, 0.9f) == lines.size());
}

TEST_CASE("FastClassifier's answer for a document does not depend on what was cached before") {
  if (!have_model()) return;
  const FastClassifier fast(model_path());
  const std::vector<std::string> lines = {"the cat sat on the mat\n", "le chat est sur le tapis\n",
                                          "the mat is under the cat, le tapis\n"};
  auto fresh = fast.make_cache();
  auto warm = fast.make_cache(2);
  for (const std::string& line : lines) fast.predict(line + line, warm);
  for (const std::string& line : lines) {
    const auto a = fast.predict(line, fresh);
    const auto b = fast.predict(line, warm);
    REQUIRE(a);
    REQUIRE(b);
    CHECK(a->label == b->label);
    CHECK(a->probability == b->probability);  // bit for bit
  }
}

TEST_CASE("FastClassifier keeps a line's vocabulary words in the token cache, but not labels") {
  if (!have_model()) return;
  fasttext::FastText reference;
  reference.loadModel(model_path());
  const std::shared_ptr<const fasttext::Dictionary> dictionary = reference.getDictionary();
  // Words the model knows (their sums were computed at load) and a label it knows.
  const std::vector<std::string> words = {"cat", "sat", "and", "is", "mat"};
  for (const std::string& word : words) {
    INFO("word: " << word);
    REQUIRE(dictionary->getId(word) >= 0);
    REQUIRE(dictionary->getType(dictionary->getId(word)) == fasttext::entry_type::word);
  }
  REQUIRE(dictionary->getId("__label__en") >= 0);

  const FastClassifier fast(model_path());
  const std::string line = "the cat sat and is on the mat __label__en\n";
  auto cache = fast.make_cache();
  const auto first = fast.predict(line, cache);  // every word found in the vocabulary
  const auto again = fast.predict(line, cache);  // every word found in the cache
  REQUIRE(first);
  REQUIRE(again);
  CHECK(first->label == again->label);
  CHECK(first->probability == again->probability);  // bit for bit
  const auto held = [&](const std::string& token) {
    loom::fasttext_inference::TokenCache::Contribution found;
    return cache.find(token, loom::fasttext_inference::token_key(token),
                      loom::fasttext_inference::TokenCache::hash_token(token), found) &&
           found.is_word && found.rows > 0;
  };
  for (const std::string& word : words) {
    INFO("word: " << word);
    CHECK(held(word));
  }
  CHECK_FALSE(held("__label__en"));
  // A label adds nothing: stored, like a label outside the vocabulary, as no word.
  loom::fasttext_inference::TokenCache::Contribution label;
  REQUIRE(cache.find("__label__en", loom::fasttext_inference::token_key("__label__en"),
                     loom::fasttext_inference::TokenCache::hash_token("__label__en"), label));
  CHECK_FALSE(label.is_word);
  CHECK(label.rows == 0);
}

TEST_CASE("FastClassifier refuses a truncated or foreign model file, naming it") {
  if (!have_model()) return;
  const loom::testing::TempDir scratch("fast_classifier");
  const fs::path& dir = scratch.path();
  std::ifstream in(model_path(), std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  for (std::size_t cut :
       {std::size_t{4}, std::size_t{100}, std::size_t{5000}, bytes.size() / 2, bytes.size() - 1}) {
    const fs::path truncated = dir / ("cut" + std::to_string(cut) + ".ftz");
    std::ofstream(truncated, std::ios::binary)
        .write(bytes.data(), static_cast<std::streamsize>(cut));
    CHECK_THROWS_WITH_AS(FastClassifier(truncated.string()),
                         doctest::Contains(truncated.string().c_str()), std::runtime_error);
  }
  const fs::path foreign = dir / "foreign.ftz";
  std::ofstream(foreign) << "this is not a fastText model\n";
  CHECK_THROWS_WITH_AS(FastClassifier(foreign.string()), doctest::Contains("not a fastText model"),
                       std::runtime_error);
  CHECK_THROWS_WITH_AS(FastClassifier((dir / "missing.ftz").string()),
                       doctest::Contains("missing.ftz"), std::runtime_error);
}

namespace {

// lid.176.ftz with some of its bytes overwritten, for the tests of damaged models: each copy is
// loaded and must be refused with an error naming it.
class PatchedModel {
 public:
  struct Patch {
    std::size_t at;
    std::string bytes;
  };
  template <class T>
  static Patch patch(std::size_t at, T value) {
    return Patch{at, std::string(reinterpret_cast<const char*>(&value), sizeof value)};
  }

  explicit PatchedModel(const char* label) : scratch_(label) {
    std::ifstream in(model_path(), std::ios::binary);
    bytes_.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  const std::string& bytes() const { return bytes_; }
  template <class T>
  T at(std::size_t offset) const {
    T value;
    std::memcpy(&value, bytes_.data() + offset, sizeof value);
    return value;
  }

  // The message the copy with `patches` is refused with ("" and a failed check if it loads).
  std::string refusal(const std::string& name, const std::vector<Patch>& patches) const {
    std::string copy = bytes_;
    for (const Patch& p : patches) copy.replace(p.at, p.bytes.size(), p.bytes);
    const fs::path path = scratch_.path() / name;
    std::ofstream(path, std::ios::binary)
        .write(copy.data(), static_cast<std::streamsize>(copy.size()));
    try {
      FastClassifier classifier(path.string());
    } catch (const std::runtime_error& e) {
      CHECK_MESSAGE(std::string(e.what()).find(path.string()) != std::string::npos, e.what());
      return e.what();
    }
    FAIL("loaded " << name);
    return "";
  }

 private:
  loom::testing::TempDir scratch_;
  std::string bytes_;
};

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("FastClassifier refuses a model whose sizes do not fit its file, before allocating") {
  // libfasttext allocates what the headers declare: two billion dictionary entries grew it to
  // gigabytes before it failed. The layout is checked against the file's length first.
  if (!have_model()) return;
  const PatchedModel model("fast_classifier_sizes");
  using P = PatchedModel;
  // Header (8 bytes) and arguments (56), then the dictionary: size, words, labels (int32),
  // tokens, pruning table size (int64).
  constexpr std::size_t dictionary_at = 8 + 56;
  const std::int32_t huge = 2'000'000'000;
  CHECK(contains(model.refusal("huge.ftz", {P::patch(dictionary_at, huge)}),
                 "damaged fastText model: the dictionary's counts do not add up (2000000000 "
                 "entries"));
  // Consistent counts, but more entries than the file's bytes can hold.
  const auto labels = model.at<std::int32_t>(dictionary_at + 8);
  CHECK(contains(model.refusal("consistent.ftz", {P::patch(dictionary_at, huge),
                                                  P::patch(dictionary_at + 4, huge - labels)}),
                 "the dictionary claims 2000000000 entries"));
  // An older version number changes nothing libfasttext reads, so the sizes are still checked.
  CHECK(contains(
      model.refusal("old.ftz", {P::patch(4, std::int32_t{11}), P::patch(dictionary_at + 4, huge)}),
      "the dictionary's counts do not add up"));
  // The arguments' bucket count (their ninth int32): n-grams are hashed modulo it.
  constexpr std::size_t bucket_at = 8 + 8 * 4;
  CHECK(contains(model.refusal("bucket0.ftz", {P::patch(bucket_at, std::int32_t{0})}),
                 "damaged fastText model: 0 hash buckets for char n-grams up to 4 characters"));
  CHECK(contains(model.refusal("negative.ftz", {P::patch(bucket_at, std::int32_t{-5})}),
                 "damaged fastText model: -5 hash buckets"));
  CHECK(contains(model.refusal("pruned.ftz", {P::patch(dictionary_at + 20, std::int64_t{1} << 40)}),
                 "the dictionary's pruning table: 1099511627776 of 8 bytes each do not fit"));
}

TEST_CASE("FastClassifier refuses a quantizer, dictionary or weights that do not fit its matrix") {
  // A quantizer of another shape, a pruned bucket pointing past the matrix, entry types or label
  // counts the label tree cannot be built from, or weights that are not numbers, would make
  // rows be read (and written) outside their arrays, or every score NaN.
  if (!have_model()) return;
  const PatchedModel model("fast_classifier_shapes");
  using P = PatchedModel;
  const std::string& bytes = model.bytes();
  // lid.176.ftz's layout: header and arguments, the dictionary (its header, its NUL-terminated
  // entries with 9 bytes after each, its pruning table of int32 pairs), then the quantized input
  // matrix: quantization flag, norm flag, rows, columns, code size, codes, quantizer.
  std::size_t offset = 8 + 56;
  const auto entries = model.at<std::int32_t>(offset);
  const auto pruned = model.at<std::int64_t>(offset + 20);
  REQUIRE(pruned > 0);
  offset += 28;
  for (std::int32_t i = 0; i < entries; ++i) offset = bytes.find('\0', offset) + 1 + 9;
  const std::size_t pruning_table = offset;
  offset += static_cast<std::size_t>(pruned) * 8;
  REQUIRE(bytes[offset] == 1);  // quantized
  const auto codes = model.at<std::int32_t>(offset + 1 + 1 + 8 + 8);
  const std::size_t quantizer = offset + 1 + 1 + 8 + 8 + 4 + static_cast<std::size_t>(codes);
  REQUIRE(model.at<std::int32_t>(quantizer) == 16);  // the quantizer's dimension: lid.176's

  CHECK(contains(model.refusal("dim.ftz", {P::patch(quantizer, std::int32_t{32})}),
                 "the input matrix's quantizer does not fit vectors of 16 (dimension 32"));
  CHECK(contains(model.refusal("subquantizers.ftz", {P::patch(quantizer + 4, std::int32_t{9})}),
                 "9 subquantizers"));
  // The last dictionary entry (a label) typed as a word: the label tree would be one leaf short;
  // a type that is neither: the label tree counts only type 1.
  CHECK(contains(
      model.refusal("type.ftz", {P::patch(pruning_table - 1, std::uint8_t{0})}),
      "dictionary entry " + std::to_string(entries - 1) + " has type 0 among the labels (1)"));
  CHECK(contains(model.refusal("type2.ftz", {P::patch(pruning_table - 1, std::uint8_t{2})}),
                 "has type 2 among the labels (1)"));
  // The last label's count (the int64 before its type): lid.176's hierarchical softmax builds its
  // tree from the counts, which must stay under fastText's 1e15 mark for unbuilt nodes.
  CHECK(contains(model.refusal("count.ftz",
                               {P::patch(pruning_table - 9, std::int64_t{2'000'000'000'000'000})}),
                 "label counts (2000000000000000) cannot form fastText's label tree"));
  // A NaN centroid: every row using it would score NaN.
  CHECK(contains(
      model.refusal("nan.ftz", {P::patch(quantizer + 16, std::numeric_limits<float>::quiet_NaN())}),
      "holds a value that is not a finite number"));
  // The first pruned bucket's row index (the pair's second int32), far past the matrix.
  CHECK(contains(model.refusal("row.ftz", {P::patch(pruning_table + 4, std::int32_t{100'000'000})}),
                 "the dictionary points at input row"));
}

TEST_CASE("FastClassifier's token cache changes no answer on corpus text, bit for bit") {
  // Four ways over the same golden documents: a cache that is in effect off (a fresh
  // two-token cache per document), one that keeps evicting (64 tokens, shared), one that starts
  // at 64 slots and doubles while the documents pass (to 8,192), and the default (shared, so
  // later documents hit what earlier ones stored); and the default cache again over the
  // documents a second time, now warm.
  if (!have_model()) return;
  const std::vector<std::string> texts = golden_texts();
  if (texts.empty()) {
    std::cout << "SKIPPED: no golden documents under " << LOOM_SHARED_DIR << "\n";
    return;
  }
  const FastClassifier fast(model_path());
  auto small = fast.make_cache(64);
  auto growing = fast.make_cache(8192, 64);
  auto roomy = fast.make_cache();
  std::vector<std::optional<loom::fasttext_inference::Prediction>> first_pass;
  std::size_t compared = 0;
  for (std::string text : texts) {
    std::replace(text.begin(), text.end(), '\n', ' ');
    text += '\n';
    auto off = fast.make_cache(2);
    const auto expected = fast.predict(text, off);
    const auto evicting = fast.predict(text, small);
    const auto grown = fast.predict(text, growing);
    const auto shared = fast.predict(text, roomy);
    REQUIRE(expected.has_value() == evicting.has_value());
    REQUIRE(expected.has_value() == grown.has_value());
    REQUIRE(expected.has_value() == shared.has_value());
    if (expected) {
      CHECK(evicting->label == expected->label);
      CHECK(shared->label == expected->label);
      CHECK(grown->label == expected->label);
      CHECK(evicting->probability == expected->probability);
      CHECK(grown->probability == expected->probability);
      CHECK(shared->probability == expected->probability);
      ++compared;
    }
    first_pass.push_back(shared);
  }
  CHECK(growing.slots() == 8192);
  for (std::size_t i = 0; i < texts.size(); ++i) {
    std::string text = texts[i];
    std::replace(text.begin(), text.end(), '\n', ' ');
    text += '\n';
    const auto warm = fast.predict(text, roomy);
    REQUIRE(warm.has_value() == first_pass[i].has_value());
    if (warm) CHECK(warm->probability == first_pass[i]->probability);
  }
  CHECK(compared > 900);
}

TEST_CASE("ClassifierPool lends caches that start at one huge page and grow where words recur") {
  // A component's threads borrow these: a short run must not fault in a full cache per thread,
  // nor a run whose words rarely recur a table bigger than it gains from.
  if (!have_model()) return;
  loom::fasttext_inference::ClassifierPool pool(model_path());
  const FastClassifier& fast = pool.classifier();
  const std::size_t first =
      loom::fasttext_inference::TokenCache::slots_in_huge_page(fast.dimension());
  auto lease = pool.borrow_cache();
  auto& cache = lease.cache();
  CHECK(cache.slots() == first);
  CHECK(cache.capacity() == fast.make_cache().capacity());
  CHECK(cache.capacity() > first);
  auto reference = fast.make_cache(2);
  const auto predict_line = [&](std::size_t word, std::size_t words) {
    std::string line;
    for (std::size_t i = 0; i < 64; ++i) line += "qz" + std::to_string((word + i) % words) + "xv ";
    line += '\n';
    const auto grown = fast.predict(line, cache);
    const auto expected = fast.predict(line, reference);
    REQUIRE(grown.has_value() == expected.has_value());
    if (grown) CHECK(grown->probability == expected->probability);
  };
  // Distinct unknown words, each seen once: four times as many as the table holds, no doubling.
  for (std::size_t word = 0; word < 4 * first; word += 64) predict_line(word, 8 * first);
  CHECK(cache.slots() == first);
  // Then twice as many words as it holds, in turn: those it evicted come back, so it doubles.
  std::size_t word = 0;
  while (cache.slots() == first) {
    predict_line(word, 2 * first);
    word += 64;
    REQUIRE(word < 16 * first);
  }
  CHECK(cache.slots() == 2 * first);
}
