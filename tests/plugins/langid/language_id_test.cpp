#include <doctest/doctest.h>

#include <loom/testing/harness.hpp>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

using loom::testing::Document;
using loom::testing::Instance;
using loom::testing::MetaValue;

namespace {

const loom_component& language_id() {
  static const loom::testing::Plugin plugin =
      loom::testing::Plugin::load(std::string(LOOM_PLUGIN_DIR) + "/libloom_langid.so");
  return plugin.component("language_id");
}

std::string model_path() {
  const char* cache = std::getenv("LOOM_CACHE");
  const char* home = std::getenv("HOME");
  std::string root =
      cache != nullptr && *cache != '\0' ? cache : std::string(home ? home : "") + "/.cache/loom";
  return root + "/models/lid.176.ftz";
}

bool have_model() {
  if (std::filesystem::exists(model_path())) return true;
  std::cout << "SKIPPED: fastText model " << model_path() << " absent (scripts/setup.sh)\n";
  return false;
}

}  // namespace

TEST_CASE("language_id labels English, German and French text") {
  if (!have_model()) return;
  Instance lid(language_id(), {{"score_field", "score"}, {"score_digits", "2"}});
  std::vector<Document> docs(3);
  docs[0].text = "The quick brown fox jumps over the lazy dog.\nIt was a sunny day.";
  docs[1].text =
      "Der schnelle braune Fuchs springt \xc3\xbc"
      "ber den faulen Hund.";
  docs[2].text = "Le renard brun rapide saute par-dessus le chien paresseux.";
  auto out = lid.process(docs);
  REQUIRE(out.size() == 3);
  CHECK(*out[0].find("language") == MetaValue("en"));
  CHECK(*out[1].find("language") == MetaValue("de"));
  CHECK(*out[2].find("language") == MetaValue("fr"));
  const MetaValue* score = out[0].find("score");
  REQUIRE(score != nullptr);
  CHECK(score->f > 0.5);
  CHECK(score->f <= 1.0);
  CHECK(score->f * 100 ==
        doctest::Approx(static_cast<double>(static_cast<int>(score->f * 100 + 0.5))));
}

TEST_CASE("filter mode drops other languages; field_position first puts the label first") {
  if (!have_model()) return;
  Instance lid(language_id(),
               {{"mode", "filter"}, {"languages", "[en]"}, {"field_position", "first"}});
  std::vector<Document> docs(2);
  docs[0].text = "This is plainly an English sentence about the weather.";
  docs[0].meta = {{"url", "u"}};
  docs[1].text =
      "Dies ist eindeutig ein deutscher Satz \xc3\xbc"
      "ber das Wetter.";
  auto out = lid.process(docs);
  REQUIRE(out.size() == 2);
  CHECK(out[0].keys() == std::vector<std::string>{"language", "url"});
  CHECK_FALSE(out[0].dropped);
  CHECK(out[1].dropped);
}

TEST_CASE("filter mode counts cc_net's drops apart: empty text, low score, then language") {
  if (!have_model()) return;
  // cc_net's lid step (threshold 0.5 on the rounded score) runs before keep_lang, so a
  // low-scoring document is a score drop whatever its label.
  Instance lid(language_id(), {{"mode", "filter"},
                               {"languages", "[en]"},
                               {"threshold", "0.5"},
                               {"newlines", "remove"},
                               {"score_field", "language_score"},
                               {"score_digits", "2"}});
  std::vector<Document> docs(4);
  docs[0].text = "This is plainly an English sentence about the weather.";
  docs[1].text =
      "Dies ist eindeutig ein deutscher Satz \xc3\xbc"
      "ber das Wetter.";
  docs[2].text = "";
  docs[3].text = "obrigado";  // lid.176.ftz: pt, 0.18
  auto out = lid.process(docs);
  REQUIRE(out.size() == 4);
  CHECK_FALSE(out[0].dropped);
  CHECK(out[1].drop_reason == "language_not_listed");
  CHECK(out[2].drop_reason == "empty_text");
  const auto* label = out[3].find("language");
  const auto* score = out[3].find("language_score");
  REQUIRE(label != nullptr);
  REQUIRE(score != nullptr);
  CHECK(label->s != "en");
  CHECK(score->f < 0.5);
  CHECK(out[3].drop_reason == "score_below_threshold");
}

TEST_CASE("a missing model file is a configuration error naming it") {
  CHECK_THROWS_WITH(Instance(language_id(), {{"model", "/nonexistent/lid.ftz"}}),
                    doctest::Contains("/nonexistent/lid.ftz"));
}

TEST_CASE("the model sees each document's newlines as the newlines option says") {
  if (!have_model()) return;
  // Each document scored beside the text prepared by hand (no newline left to prepare): the
  // same label and the same probability, bit for bit.
  const std::string text = "\nThe weather\nis fine today,\n\nand we\nwalk to THE river.\n";
  const struct {
    std::string newlines;
    std::string lowercase;
    std::string prepared;
  } cases[] = {
      {"remove", "false", "The weatheris fine today,and wewalk to THE river."},
      {"space", "false", " The weather is fine today,  and we walk to THE river. "},
      {"remove", "true", "the weatheris fine today,and wewalk to the river."},
      {"space", "true", " the weather is fine today,  and we walk to the river. "},
  };
  for (const auto& c : cases) {
    INFO("newlines: " << c.newlines << ", lowercase: " << c.lowercase);
    Instance lid(language_id(),
                 {{"newlines", c.newlines}, {"lowercase", c.lowercase}, {"score_field", "score"}});
    std::vector<Document> docs(2);
    docs[0].text = text;
    docs[1].text = c.prepared;
    auto out = lid.process(docs);
    REQUIRE(out.size() == 2);
    REQUIRE(out[0].find("score") != nullptr);
    REQUIRE(out[1].find("score") != nullptr);
    CHECK(*out[0].find("language") == *out[1].find("language"));
    CHECK(out[0].find("score")->f == out[1].find("score")->f);
  }
  // Kept, a newline ends what fastText reads: the first line alone decides.
  Instance keep(language_id(), {{"newlines", "keep"}, {"score_field", "score"}});
  std::vector<Document> docs(2);
  docs[0].text = "Dies ist ein deutscher Satz.\nThis is plainly an English sentence.";
  docs[1].text = "Dies ist ein deutscher Satz.";
  auto out = keep.process(docs);
  REQUIRE(out.size() == 2);
  CHECK(*out[0].find("language") == MetaValue("de"));
  CHECK(out[0].find("score")->f == out[1].find("score")->f);
}
