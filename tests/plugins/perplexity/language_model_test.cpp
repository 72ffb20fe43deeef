// The n-gram readers against real models: the ARPA and KenLM binary readers must score alike, and
// the ARPA scores must match IRSTLM's own evaluator (independent code) word by word.
#include <doctest/doctest.h>

#include "language_model.hpp"
#include "perplexity_test_models.hpp"

#include <cmath>
#include <fstream>
#include <sstream>

using loom::ngram::ContextState;
using loom::ngram::LanguageModel;
using perplexity_test::read_sentences;
using perplexity_test::views;

namespace {

// Per-word log10 scores of a sentence, </s> last, with <s> as the first context.
std::vector<float> word_scores(const LanguageModel& model, const std::vector<std::string>& words) {
  std::vector<float> scores;
  ContextState state = model.begin_sentence_state();
  ContextState next;
  for (const std::string& word : words) {
    scores.push_back(model.score(state, model.index(word), next));
    state = next;
  }
  scores.push_back(model.score(state, model.end_sentence(), next));
  return scores;
}

struct IrstlmWord {
  std::size_t window = 0;   // words in the n-gram IRSTLM looked up, scored word included
  bool valid = false;       // false: IRSTLM printed NULL (window shorter than its order)
  double log10_prob = 0.0;  // converted from IRSTLM's natural log
  int backoffs = 0;         // how many times IRSTLM backed off
};

// `compile-lm --score` on "<s> words </s>" lines: one result per word after <s>, per sentence.
std::vector<std::vector<IrstlmWord>> irstlm_scores(
    const std::string& model, const std::vector<std::vector<std::string>>& sentences,
    const std::string& scratch) {
  {
    std::ofstream out(scratch + ".in");
    for (const auto& sentence : sentences) {
      out << "<s>";
      for (const auto& word : sentence) out << ' ' << word;
      out << " </s>\n";
    }
  }
  perplexity_test::run(perplexity_test::irstlm_bin + "/compile-lm " + model + " --score=yes < " +
                       scratch + ".in > " + scratch + ".out 2>/dev/null");
  std::ifstream in(scratch + ".out");
  std::vector<std::vector<IrstlmWord>> result(sentences.size());
  std::size_t sentence = 0;
  std::string line;
  while (std::getline(in, line) && sentence < sentences.size()) {
    // "> w1 w2 ... wn<TAB>1 p= <hex float or NULL> bo= <count>"
    const std::size_t tab = line.find('\t');
    if (!line.starts_with("> ") || tab == std::string::npos) continue;
    IrstlmWord word;
    std::istringstream ngram(line.substr(2, tab - 2));
    for (std::string w; ngram >> w;) ++word.window;
    const std::size_t p = line.find("p= ", tab);
    REQUIRE(p != std::string::npos);
    const std::string value = line.substr(p + 3, line.find(' ', p + 3) - p - 3);
    if (value != "NULL") {
      word.valid = true;
      word.log10_prob = std::strtod(value.c_str(), nullptr) / std::log(10.0);
      const std::size_t bo = line.find("bo= ", p);
      if (bo != std::string::npos) word.backoffs = std::atoi(line.c_str() + bo + 4);
    }
    result[sentence].push_back(word);
    if (result[sentence].size() == sentences[sentence].size() + 1) ++sentence;
  }
  REQUIRE(sentence == sentences.size());
  return result;
}

// The first `order` sections of an ARPA model as a model of that order (its top n-grams lose
// their backoff column): a backoff model scores a context of fewer than `order` words the same
// way, and IRSTLM's --score only scores full windows.
void truncate_arpa(const std::string& from, const std::string& to, int order) {
  std::ifstream in(from);
  std::ofstream out(to);
  std::string line;
  int section = 0;
  while (std::getline(in, line)) {
    if (line.starts_with("ngram ")) {
      if (std::stoi(line.substr(6)) <= order) out << line << '\n';
      continue;
    }
    if (line.starts_with("\\") && line.ends_with("-grams:")) section = std::stoi(line.substr(1));
    if (line == "\\end\\") section = 0;
    if (section > order) continue;
    if (section == order && !line.empty() && !line.starts_with("\\")) {
      std::istringstream fields(line);
      std::string prob, word;
      fields >> prob;
      out << prob << '\t';
      for (int i = 0; i < order && fields >> word; ++i) out << (i > 0 ? " " : "") << word;
      out << '\n';
      continue;
    }
    out << line << '\n';
  }
}

bool all_known(const LanguageModel& model, const std::vector<std::string>& words) {
  for (const auto& word : words)
    if (model.index(word) == 0) return false;
  return true;
}

}  // namespace

TEST_CASE("the ARPA and KenLM binary readers give the same scores on a real model") {
  const auto models = perplexity_test::models();
  if (!models) return;
  const LanguageModel arpa = LanguageModel::load(models->arpa3());
  const LanguageModel binary = LanguageModel::load(models->binary3());
  CHECK(arpa.format() == "ARPA");
  CHECK(binary.format() == "KenLM binary (probing)");
  CHECK(arpa.order() == 3);
  CHECK(binary.order() == 3);
  CHECK(arpa.vocabulary_size() == binary.vocabulary_size());

  auto sentences = read_sentences(models->heldout());
  const auto training = read_sentences(models->dir + "/train.tok");
  sentences.insert(sentences.end(), training.begin(), training.begin() + 300);
  // Unknown words too: they score as <unk> in both.
  for (std::size_t i = 0; i < 50; ++i) {
    auto with_unknown = sentences[i];
    with_unknown.insert(with_unknown.begin() + static_cast<std::ptrdiff_t>(with_unknown.size() / 2),
                        "no-such-piece-" + std::to_string(i));
    sentences.push_back(std::move(with_unknown));
  }
  REQUIRE(sentences.size() > 500);
  double largest_difference = 0.0;
  std::size_t words = 0;
  for (const auto& sentence : sentences) {
    const float a = arpa.sentence_score(views(sentence));
    const float b = binary.sentence_score(views(sentence));
    CHECK(std::isfinite(a));
    CHECK(a < 0.0F);
    largest_difference = std::max(largest_difference, std::fabs(static_cast<double>(a) - b));
    const auto per_word_arpa = word_scores(arpa, sentence);
    const auto per_word_binary = word_scores(binary, sentence);
    for (std::size_t i = 0; i < per_word_arpa.size(); ++i)
      CHECK(per_word_arpa[i] == doctest::Approx(per_word_binary[i]).epsilon(1e-5));
    words += sentence.size();
  }
  MESSAGE(sentences.size() << " sentences, " << words
                           << " words; largest |ARPA - binary| sentence score difference "
                           << largest_difference);
  CHECK(largest_difference <= 1e-4);
}

TEST_CASE("ARPA scores match IRSTLM's evaluator word by word, backoffs included") {
  const auto models = perplexity_test::models();
  if (!models) return;
  loom::testing::TempDir tmp;
  for (const std::string& model_path : {models->arpa5(), models->arpa3(), models->binary3()}) {
    INFO("model " << model_path);
    const LanguageModel model = LanguageModel::load(model_path);
    const std::string arpa_path = model_path == models->binary3() ? models->arpa3() : model_path;
    // IRSTLM gives unknown words its own penalty, so only sentences of known pieces.
    std::vector<std::vector<std::string>> sentences;
    for (auto& sentence : read_sentences(models->heldout()))
      if (all_known(model, sentence)) sentences.push_back(std::move(sentence));
    REQUIRE(sentences.size() > 100);

    std::size_t compared = 0;
    std::size_t backed_off = 0;
    double largest_difference = 0.0;
    const auto compare = [&](const std::vector<std::vector<IrstlmWord>>& irstlm,
                             std::size_t window) {
      for (std::size_t s = 0; s < sentences.size(); ++s) {
        const auto mine = word_scores(model, sentences[s]);
        REQUIRE(mine.size() == irstlm[s].size());
        for (std::size_t w = 0; w < mine.size(); ++w) {
          const IrstlmWord& theirs = irstlm[s][w];
          // A window of `window` words right after <s>, or any full window of the top order.
          const bool wanted = window == 0 ? theirs.valid : (w + 2 == window);
          if (!wanted) continue;
          REQUIRE(theirs.valid);
          const double difference = std::fabs(theirs.log10_prob - mine[w]);
          largest_difference = std::max(largest_difference, difference);
          CHECK_MESSAGE(difference < 1e-4, "sentence " << s << " word " << w);
          ++compared;
          backed_off += theirs.backoffs > 0 ? 1 : 0;
        }
      }
    };
    compare(irstlm_scores(arpa_path, sentences, tmp / "full"), 0);
    // The first words after <s> have shorter contexts: check them with truncated models.
    for (int order = 2; order < model.order(); ++order) {
      const std::string truncated = tmp / ("order" + std::to_string(order) + ".arpa");
      truncate_arpa(arpa_path, truncated, order);
      compare(irstlm_scores(truncated, sentences, tmp / "short"), static_cast<std::size_t>(order));
    }
    MESSAGE(model.format() << " order " << model.order() << ": " << compared
                           << " word scores compared with IRSTLM, " << backed_off
                           << " of them backed off; largest difference " << largest_difference);
    CHECK(compared > 2000);
    CHECK(backed_off > compared / 4);
  }
}
