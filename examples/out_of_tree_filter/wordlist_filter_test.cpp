// wordlist_filter's own test: loads the built plugin with the SDK's harness and checks each
// verdict. No test framework, so the project needs the Loom SDK alone; exits non-zero on failure.
#include <loom/testing/harness.hpp>

#include <iostream>
#include <string>
#include <vector>

namespace {

int failures = 0;

void expect(bool ok, const std::string& what) {
  if (!ok) {
    ++failures;
    std::cerr << "FAILED: " << what << "\n";
  }
}

const loom_component& wordlist_filter() {
  static const loom::testing::Plugin plugin = loom::testing::Plugin::load(WORDLIST_PLUGIN_FILE);
  return plugin.component("wordlist_filter");
}

// "kept" or the drop reason, per text.
std::vector<std::string> verdicts(const loom::testing::OptionMap& options,
                                  const std::vector<std::string>& texts) {
  loom::testing::Instance filter(wordlist_filter(), options);
  std::vector<loom::testing::Document> docs;
  for (const std::string& text : texts) {
    loom::testing::Document doc;
    doc.text = text;
    docs.push_back(std::move(doc));
  }
  std::vector<std::string> out;
  for (const auto& doc : filter.process(docs))
    out.push_back(doc.dropped ? doc.drop_reason : "kept");
  return out;
}

bool config_error(const loom::testing::OptionMap& options, const std::string& needle) {
  try {
    loom::testing::check_options(wordlist_filter(), options);
  } catch (const std::exception& e) {
    return std::string(e.what()).find(needle) != std::string::npos;
  }
  return false;
}

}  // namespace

int main() {
  const std::vector<std::string> texts = {
      "A plain sentence.",  "Buy SPAM now!",        "spam, eggs and ham",
      "a category of cats", "the spammer is here",  "",
      "lorem ipsum",        "trailing word: lorem", "naïve spam_filter"};

  expect(wordlist_filter().kind == LOOM_KIND_FILTER, "wordlist_filter is a filter");
  expect((wordlist_filter().flags & LOOM_FLAG_THREAD_SAFE) != 0, "it is thread-safe");

  // Whole words only: "cat" is not in "category" or "cats", "spam" not in "spammer" or
  // "spam_filter"; the default ignores case.
  expect(verdicts({{"words", "[spam, cat, lorem]"}}, texts) ==
             std::vector<std::string>{"kept", "blocked_word", "blocked_word", "kept", "kept",
                                      "kept", "blocked_word", "blocked_word", "kept"},
         "whole words, case ignored by default");

  expect(verdicts({{"words", "[spam]"}, {"ignore_case", "false"}}, texts) ==
             std::vector<std::string>{"kept", "kept", "blocked_word", "kept", "kept", "kept",
                                      "kept", "kept", "kept"},
         "ignore_case: false matches the exact spelling only");

  expect(verdicts({{"words", "[naïve]"}}, texts).back() == "blocked_word",
         "UTF-8 words match whole");

  expect(config_error({}, "words"), "words is required");
  expect(config_error({{"words", "[]"}}, "at least one word"), "an empty list is refused");
  expect(config_error({{"words", "[\"two words\"]"}}, "not a single word"),
         "a word with a space is refused");

  if (failures == 0) std::cout << "wordlist_filter: all checks passed\n";
  return failures == 0 ? 0 : 1;
}
