// The perplexity component end to end on real models: its field must equal cc_net's formula
// applied to pieces from the spm_encode command line tool, scored by the model.
#include <doctest/doctest.h>

#include "language_model.hpp"
#include "perplexity_test_models.hpp"
#include "tiny_model.hpp"

#include <cmath>
#include <cstdio>
#include <fstream>

using loom::ngram::LanguageModel;
using loom::testing::Document;
using loom::testing::Instance;

namespace {

const loom_component& perplexity_component() {
  static const loom::testing::Plugin plugin =
      loom::testing::Plugin::load(std::string(LOOM_PLUGIN_DIR) + "/libloom_perplexity.so");
  return plugin.component("perplexity");
}

// A few documents of about 2 KB from a book, with capitals, digits, punctuation and newlines.
std::vector<Document> book_documents() {
  std::ifstream in(perplexity_test::shared_dir() + "/corpus/books/pg16215-jack-sheppard/16215.txt");
  std::vector<Document> docs(1);
  std::string line;
  for (int skipped = 0; skipped < 400 && std::getline(in, line); ++skipped) {
  }
  while (docs.size() < 6 && std::getline(in, line)) {
    docs.back().text += line + "\n";
    if (docs.back().text.size() > 2000) docs.emplace_back();
  }
  docs.back().text = "Chapter 12 \xe2\x80\x94 \xc3\x89t\xc3\xa9, 1724!\n";
  docs.push_back(Document{""});
  return docs;
}

// cc_net's perplexity of one document, from the command-line tokenizer's pieces.
struct Expected {
  std::string tokenized;
  double perplexity = 0.0;
};

std::vector<Expected> expected_values(const std::vector<Document>& docs,
                                      const perplexity_test::Models& models,
                                      const std::string& lm_path, const std::string& scratch) {
  {
    std::ofstream out(scratch + ".txt");
    for (const Document& doc : docs) out << loom::ccnet::normalize(doc.text) << '\n';
  }
  perplexity_test::run("spm_encode --model=" + models.sp_model() + " --output_format=piece < " +
                       scratch + ".txt > " + scratch + ".tok");
  const LanguageModel model = LanguageModel::load(lm_path);
  std::ifstream in(scratch + ".tok");
  std::vector<Expected> expected;
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream split(line);
    std::vector<std::string> words;
    for (std::string w; split >> w;) words.push_back(w);
    const double log_score = model.sentence_score(perplexity_test::views(words));
    const double length = static_cast<double>(words.size()) + 1;
    char rounded[64];
    std::snprintf(rounded, sizeof rounded, "%.1f", std::pow(10.0, -log_score / length));
    expected.push_back({line, std::strtod(rounded, nullptr)});
  }
  REQUIRE(expected.size() == docs.size());
  return expected;
}

}  // namespace

TEST_CASE("perplexity records cc_net's rounded perplexity of the normalized, tokenized text") {
  const auto models = perplexity_test::models();
  if (!models) return;
  loom::testing::TempDir tmp;
  const auto docs = book_documents();
  for (const std::string& lm : {models->arpa5(), models->binary3()}) {
    INFO("lm_model " << lm);
    const auto expected = expected_values(docs, *models, lm, tmp / "expected");
    Instance component(perplexity_component(), {{"sp_model", "\"" + models->sp_model() + "\""},
                                                {"lm_model", "\"" + lm + "\""},
                                                {"tokenized_field", "tokenized"}});
    const auto out = component.process(docs);
    REQUIRE(out.size() == docs.size());
    for (std::size_t i = 0; i < out.size(); ++i) {
      INFO("document " << i);
      const auto* perplexity = out[i].find("perplexity");
      const auto* tokenized = out[i].find("tokenized");
      REQUIRE(perplexity != nullptr);
      REQUIRE(tokenized != nullptr);
      CHECK(perplexity->type == LOOM_VALUE_FLOAT);
      CHECK(tokenized->s == expected[i].tokenized);
      CHECK(perplexity->f == expected[i].perplexity);
      CHECK(perplexity->f > 1.0);
    }
    MESSAGE("perplexities with " << lm << ": " << out[0].find("perplexity")->f << ", "
                                 << out[1].find("perplexity")->f << ", ...");
  }
}

TEST_CASE("perplexity scores only the listed languages and takes pre-tokenized text") {
  loom::testing::TempDir tmp;
  loom::testing::write_file(tmp / "tiny.arpa", perplexity_test::tiny_arpa);
  Instance component(perplexity_component(), {{"lm_model", "\"" + (tmp / "tiny.arpa") + "\""},
                                              {"languages", "[en]"},
                                              {"field", "pp"},
                                              {"digits", "-1"}});
  std::vector<Document> docs(3);
  docs[0].text = "a b c";
  docs[0].meta = {{"language", "en"}};
  docs[1].text = "a b c";
  docs[1].meta = {{"language", "fr"}};
  docs[2].text = "a b c";
  const auto out = component.process(docs);
  REQUIRE(out[0].find("pp") != nullptr);
  // Worked out in model_files_test: log10 score -0.65 over 3 words and </s>.
  CHECK(out[0].find("pp")->f == doctest::Approx(std::pow(10.0, 0.65 / 4)).epsilon(1e-6));
  CHECK(out[1].find("pp") == nullptr);
  CHECK(out[2].find("pp") == nullptr);
}

TEST_CASE("perplexity refuses a missing or damaged model at creation, naming the file") {
  loom::testing::TempDir tmp;
  loom::testing::write_file(tmp / "broken.arpa", "\\data\\\nngram 1=2\nngram 2=1\n");
  for (const std::string& path : {tmp / "absent.arpa", tmp / "broken.arpa"}) {
    try {
      Instance component(perplexity_component(), {{"lm_model", "\"" + path + "\""}});
      FAIL("no error for " << path);
    } catch (const std::exception& e) {
      CHECK_MESSAGE(std::string(e.what()).find(path) != std::string::npos, e.what());
    }
  }
}
