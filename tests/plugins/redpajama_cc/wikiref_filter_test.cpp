// wikiref_filter against the reference tools: a toy Wikipedia-vs-web classifier is trained from
// the corpus with the fasttext CLI (as docs/guides/training-wikiref-classifier.md describes), the
// texts are prepared by python3 as classify.py does, and `fasttext predict-prob` gives the labels
// and probabilities the filter's fields must match.
#include "wikiref_support.hpp"

#include <classifier_text.hpp>
#include <loom/testing/files.hpp>
#include <loom/testing/harness.hpp>

#include <cmath>

using loom::testing::Document;
using loom::testing::Instance;
using namespace wikiref_testing;

namespace {

const loom_component& wikiref_filter() {
  static const loom::testing::Plugin plugin =
      loom::testing::Plugin::load(std::string(LOOM_PLUGIN_DIR) + "/libloom_redpajama_cc.so");
  return plugin.component("wikiref_filter");
}

// Texts whose stripping and line breaks differ between naive and Python semantics.
const std::vector<std::string> tricky_texts{
    "",
    "\n\n \t",
    "  one line  ",
    "first\r\nsecond\rthird\nfourth",
    "a\n\nb\n\n\nc",
    "\u2028line sep\u2028para sep\u2029end\u2029",
    "\u00a0nbsp lead\u3000ideographic space\u3000",
    "vertical\x0btab\x0c form feed\x1c file\x1d group\x1e record\x1f unit",
    "next\xc2\x85"
    "line and \u200b zero width",  // U+0085 breaks; U+200B is not space
    "caf\u00e9 na\u00efve \U0001F600 emoji\n",
};

struct Reference {
  std::string label;
  double probability = 0;
};

std::vector<Reference> predict_with_cli(const fs::path& model, const fs::path& lines) {
  const fs::path out = lines.string() + ".pred";
  REQUIRE(run("fasttext predict-prob '" + model.string() + "' '" + lines.string() + "' 1 > '" +
              out.string() + "'") == 0);
  std::vector<Reference> answers;
  std::ifstream in(out);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    Reference r;
    fields >> r.label >> r.probability;
    answers.push_back(r);
  }
  return answers;
}

struct Workspace {
  loom::testing::TempDir scratch{"wikiref"};
  const fs::path& dir = scratch.path();
};

}  // namespace

TEST_CASE("wikiref_filter is a thread-safe filter needing a model") {
  CHECK(wikiref_filter().kind == LOOM_KIND_FILTER);
  CHECK((wikiref_filter().flags & LOOM_FLAG_THREAD_SAFE) != 0);
  try {
    Instance filter(wikiref_filter(), {{"model", "\"/nonexistent/model.bin\""}});
    FAIL("expected a refusal");
  } catch (const std::exception& e) {
    CHECK(std::string(e.what()).find("/nonexistent/model.bin") != std::string::npos);
  }
}

TEST_CASE("the classifier's text is \" \".join(text.strip().splitlines()) as Python gives it") {
  if (!have_tool("python3 -c pass >/dev/null 2>&1", "python3")) return;
  Workspace work;
  std::vector<std::string> texts = tricky_texts;
  for (const std::string& p : wikipedia_paragraphs()) {
    if (texts.size() > 60) break;
    texts.push_back(p);
  }
  const std::vector<std::string> expected = python_joined(texts, work.dir);
  for (std::size_t i = 0; i < texts.size(); ++i) {
    INFO("text " << i << ": " << json_string(texts[i]));
    CHECK(loom::redpajama_cc::join_stripped_lines(texts[i]) == expected[i]);
  }
}

TEST_CASE("a toy classifier trained from the corpus: fields match fasttext predict-prob") {
  if (!have_tool("python3 -c pass >/dev/null 2>&1", "python3") ||
      !have_tool("command -v fasttext >/dev/null 2>&1", "fasttext CLI"))
    return;
  std::vector<std::string> wiki = wikipedia_paragraphs();
  const std::vector<std::string> web = c4_documents(400);
  if (wiki.size() > web.size()) wiki.resize(web.size());  // balanced classes
  if (wiki.size() < 50 || web.size() < 50) {
    std::cout << "SKIPPED: corpus texts under " << LOOM_SHARED_DIR << " absent\n";
    return;
  }
  Workspace work;
  // Training file as RedPajama's create_corpus.py writes it: the label, a space, the lines of the
  // document joined by spaces. Every other document is held out for the queries.
  std::vector<std::string> train_texts, queries;
  std::vector<std::string> labels;
  for (std::size_t i = 0; i < wiki.size(); ++i) (i % 2 ? queries : train_texts).push_back(wiki[i]);
  labels.assign(train_texts.size(), "__label__wiki");
  for (std::size_t i = 0; i < web.size(); ++i) {
    if (i % 2) {
      queries.push_back(web[i]);
    } else {
      train_texts.push_back(web[i]);
      labels.push_back("__label__cc");
    }
  }
  queries.insert(queries.end(), tricky_texts.begin(), tricky_texts.end());
  {
    const std::vector<std::string> joined = python_joined(train_texts, work.dir);
    std::ofstream train(work.dir / "train.txt", std::ios::binary);
    for (std::size_t i = 0; i < joined.size(); ++i) train << labels[i] << ' ' << joined[i] << '\n';
  }
  const fs::path model = work.dir / "model";
  REQUIRE(run("fasttext supervised -input '" + (work.dir / "train.txt").string() + "' -output '" +
              model.string() +
              "' -dim 16 -epoch 10 -lr 0.5 -wordNgrams 2 -bucket 100000 -thread 1 -verbose 0") ==
          0);
  const fs::path model_bin = model.string() + ".bin";

  const std::vector<std::string> joined = python_joined(queries, work.dir);
  {
    std::ofstream lines(work.dir / "queries.txt", std::ios::binary);
    for (const std::string& line : joined) lines << line << '\n';
  }
  const std::vector<Reference> reference = predict_with_cli(model_bin, work.dir / "queries.txt");
  REQUIRE(reference.size() == queries.size());

  std::vector<Document> docs;
  for (const std::string& q : queries) docs.push_back(Document{q});
  const std::string model_option = '"' + model_bin.string() + '"';
  Instance annotate(wikiref_filter(), {{"model", model_option}, {"mode", "annotate"}});
  const std::vector<Document> annotated = annotate.process(docs);
  Instance filter(wikiref_filter(), {{"model", model_option}});
  const std::vector<Document> filtered = filter.process(docs);
  Instance strict(wikiref_filter(), {{"model", model_option}, {"min_wiki_prob", "0.5"}});
  const std::vector<Document> strict_out = strict.process(docs);

  std::size_t wiki_labels = 0, kept = 0, dropped = 0, strict_kept = 0;
  for (std::size_t i = 0; i < queries.size(); ++i) {
    INFO("query " << i << ": " << joined[i].substr(0, 80));
    const Document& d = annotated[i];
    CHECK_FALSE(d.dropped);
    REQUIRE(d.meta.size() == 3);
    CHECK(d.meta[0].first == "pred_label");
    CHECK(d.meta[1].first == "pred_label_prob");
    CHECK(d.meta[2].first == "wiki_prob");
    CHECK(d.meta[0].second.s == reference[i].label);
    CHECK(std::abs(d.meta[1].second.f - reference[i].probability) <= 1e-5);
    const bool is_wiki = reference[i].label == "__label__wiki";
    const double wiki_prob = is_wiki ? reference[i].probability : 1 - reference[i].probability;
    CHECK(std::abs(d.meta[2].second.f - wiki_prob) <= 1e-5);
    wiki_labels += is_wiki;
    // Keep iff wiki_prob >= 0.25 (compared where the CLI's 6 printed digits decide it).
    if (std::abs(wiki_prob - 0.25) > 1e-5) {
      CHECK(filtered[i].dropped == (wiki_prob < 0.25));
      if (filtered[i].dropped) CHECK(filtered[i].drop_reason == "low_wiki_prob");
    }
    if (std::abs(wiki_prob - 0.5) > 1e-5) CHECK(strict_out[i].dropped == (wiki_prob < 0.5));
    kept += !filtered[i].dropped;
    dropped += filtered[i].dropped;
    strict_kept += !strict_out[i].dropped;
  }
  // The toy model must separate the two sources well enough for the checks above to mean
  // something: both labels predicted, documents kept and dropped.
  CHECK(wiki_labels > 10);
  CHECK(wiki_labels < queries.size() - 10);
  CHECK(kept > 10);
  CHECK(dropped > 10);
  CHECK(strict_kept <= kept);
  MESSAGE(queries.size() << " queries: " << wiki_labels << " labelled wiki, " << kept
                         << " kept at 0.25, " << strict_kept << " at 0.5");
}
