// The readers on a hand-written model (scores worked out on paper) and on damaged files: every
// bad file gives an error naming the file and what is wrong.
#include <doctest/doctest.h>

#include "language_model.hpp"
#include "murmur_hash.hpp"
#include "perplexity_test_models.hpp"
#include "tiny_model.hpp"

#include <cstring>

using loom::ngram::LanguageModel;
using loom::ngram::ModelFileError;
using loom::testing::read_file;
using loom::testing::TempDir;
using loom::testing::write_file;

namespace {

float score(const LanguageModel& model, std::vector<std::string_view> words) {
  return model.sentence_score(words);
}

// Scores worked out from the ARPA definition for tiny_arpa.
void check_tiny_scores(const LanguageModel& model) {
  // a|<s> = "<s> a"; b|<s> a = "<s> a b"; c|a b = "a b c"; </s>|b c: "c </s>" + bo("b c") = 0.
  CHECK(score(model, {"a", "b", "c"}) == doctest::Approx(-0.3 - 0.1 - 0.05 - 0.2).epsilon(1e-6));
  // c|<s>: p(c) + bo(<s>); a|c: p(a) + bo(c); </s>|a: p(</s>) + bo(a).
  CHECK(score(model, {"c", "a"}) ==
        doctest::Approx((-1.2 - 0.5) + (-0.6 - 0.1) + (-0.7 - 0.3)).epsilon(1e-6));
  // An unknown word is <unk>: b|<s>; <unk>|b = p(<unk>) + bo(b); </s>|<unk> = p(</s>) + 0.
  CHECK(score(model, {"b", "zzz"}) ==
        doctest::Approx((-0.8 - 0.5) + (-1.0 - 0.2) + (-0.7)).epsilon(1e-6));
  // The empty sentence is </s> after <s>: p(</s>) + bo(<s>).
  CHECK(score(model, {}) == doctest::Approx(-0.7 - 0.5).epsilon(1e-6));
  // Without <s> and </s>: a with no context is its unigram.
  CHECK(model.sentence_score(std::vector<std::string_view>{"a"}, false, false) ==
        doctest::Approx(-0.6));
  CHECK(model.index("zzz") == 0);
  CHECK(model.index("<unk>") == 0);
  CHECK(model.index("a") != 0);
}

void check_error(const std::string& path, const std::string& expected) {
  INFO("expected an error containing '" << expected << "'");
  try {
    (void)LanguageModel::load(path);
    FAIL("no error for " << path);
  } catch (const ModelFileError& e) {
    const std::string message = e.what();
    CHECK_MESSAGE(message.find(path) != std::string::npos, message);
    CHECK_MESSAGE(message.find(expected) != std::string::npos, message);
  }
}

void patch(std::string& bytes, std::size_t at, const void* value, std::size_t size) {
  REQUIRE(at + size <= bytes.size());
  std::memcpy(bytes.data() + at, value, size);
}

}  // namespace

TEST_CASE("MurmurHash64A matches the reference algorithm's known values") {
  // Values of Austin Appleby's MurmurHash64A with seed 0, as KenLM keys "<unk>" and friends.
  CHECK(loom::ngram::murmur_hash_64a("") == 0ULL);
  CHECK(loom::ngram::murmur_hash_64a("a") != loom::ngram::murmur_hash_64a("b"));
  CHECK(loom::ngram::murmur_hash_64a("12345678") != loom::ngram::murmur_hash_64a("123456789"));
}

TEST_CASE("a hand-written ARPA model scores as worked out on paper, read as text and as gzip") {
  TempDir tmp;
  write_file(tmp / "tiny.arpa", perplexity_test::tiny_arpa);
  const LanguageModel model = LanguageModel::load(tmp / "tiny.arpa");
  CHECK(model.order() == 3);
  check_tiny_scores(model);
  perplexity_test::run("gzip -c " + (tmp / "tiny.arpa") + " > " + (tmp / "tiny.arpa.gz"));
  check_tiny_scores(LanguageModel::load(tmp / "tiny.arpa.gz"));
}

TEST_CASE("KenLM's build_binary output of the hand-written model scores the same") {
  TempDir tmp;
  write_file(tmp / "tiny.arpa", perplexity_test::tiny_arpa);
  perplexity_test::run("libime_slm_build_binary " + (tmp / "tiny.arpa") + " " + (tmp / "tiny.bin") +
                       " >/dev/null 2>&1");
  const LanguageModel model = LanguageModel::load(tmp / "tiny.bin");
  CHECK(model.format() == "KenLM binary (probing)");
  check_tiny_scores(model);
}

TEST_CASE("damaged KenLM binary files are refused with the file and the reason") {
  TempDir tmp;
  write_file(tmp / "tiny.arpa", perplexity_test::tiny_arpa);
  perplexity_test::run("libime_slm_build_binary " + (tmp / "tiny.arpa") + " " + (tmp / "tiny.bin") +
                       " >/dev/null 2>&1");
  const std::string good = read_file(tmp / "tiny.bin");

  write_file(tmp / "half.bin", good.substr(0, good.size() / 2));
  check_error(tmp / "half.bin", "truncated");
  write_file(tmp / "header-only.bin", good.substr(0, 60));
  check_error(tmp / "header-only.bin", "truncated");

  std::string bad_magic = good;
  bad_magic[40] = 'X';  // inside "format version"
  write_file(tmp / "magic.bin", bad_magic);
  check_error(tmp / "magic.bin", "wrong magic");

  std::string old_version = good;
  old_version[49] = '4';
  write_file(tmp / "version.bin", old_version);
  check_error(tmp / "version.bin", "format version 4");

  std::string incomplete = good;
  const char unfinished[] = "mmap lm http://kheafield.com/code incomplete\n";
  patch(incomplete, 0, unfinished, sizeof unfinished - 1);
  write_file(tmp / "incomplete.bin", incomplete);
  check_error(tmp / "incomplete.bin", "did not finish building");

  std::string trie = good;
  const std::int32_t trie_type = 2;
  patch(trie, 96, &trie_type, sizeof trie_type);
  write_file(tmp / "trie.bin", trie);
  check_error(tmp / "trie.bin", "built for trie");

  std::string foreign = good;
  const float not_one = 2.0F;
  patch(foreign, 60, &not_one, sizeof not_one);
  write_file(tmp / "foreign.bin", foreign);
  check_error(tmp / "foreign.bin", "test values");
}

TEST_CASE("damaged ARPA files are refused with the file, the line and the reason") {
  TempDir tmp;
  const std::string& good = perplexity_test::tiny_arpa;
  const auto replaced = [&](std::string_view from, std::string_view to) {
    std::string text = good;
    const std::size_t at = text.find(from);
    REQUIRE(at != std::string::npos);
    return text.replace(at, from.size(), to);
  };

  write_file(tmp / "count.arpa", replaced("ngram 2=4", "ngram 2=5"));
  check_error(tmp / "count.arpa", "count mismatch");
  write_file(tmp / "more.arpa", replaced("ngram 3=2", "ngram 3=1"));
  check_error(tmp / "more.arpa", "more than the 1 entries");
  write_file(tmp / "cut.arpa", good.substr(0, good.find("\\3-grams:")));
  check_error(tmp / "cut.arpa", "ends early");
  write_file(tmp / "text.arpa", "hello world\n");
  check_error(tmp / "text.arpa", "not an ARPA file");
  write_file(tmp / "prob.arpa", replaced("-0.4\ta b", "zero\ta b"));
  check_error(tmp / "prob.arpa", "malformed probability");
  write_file(tmp / "positive.arpa", replaced("-0.4\ta b", "0.4\ta b"));
  check_error(tmp / "positive.arpa", "positive log10 probability");
  write_file(tmp / "unknown-word.arpa", replaced("-0.5\tb c", "-0.5\tb q"));
  check_error(tmp / "unknown-word.arpa", "'q' has no unigram");
  write_file(tmp / "no-bos.arpa", replaced("-99\t<s>\t-0.5", "-99\td\t-0.5"));
  check_error(tmp / "no-bos.arpa", "<s>");
  write_file(tmp / "fields.arpa", replaced("-0.1\t<s> a b", "-0.1\t<s> a"));
  check_error(tmp / "fields.arpa", "line 21");
  check_error(tmp / "missing.arpa", "cannot open");
}
