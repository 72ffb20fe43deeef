// fastText classifier files as language_id and wikiref_filter load them (plugins/lib/
// fasttext_inference over libfasttext): the input is the model file. Checks: loading refuses a
// bad file only with a std::runtime_error naming it; a model that loads predicts a few texts,
// the same answer twice, with a probability in [0, 1] (or refuses a text whose scores overflow,
// saying so).
#include <fasttext_inference/fast_classifier.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <typeinfo>

#include "fuzz_support.hpp"

using loom::fasttext_inference::FastClassifier;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string path = loom::fuzz::scratch_file(loom::fuzz::as_text(data, size), ".ftz");
  std::unique_ptr<FastClassifier> classifier;
  try {
    classifier = std::make_unique<FastClassifier>(path);
  } catch (const std::runtime_error& e) {
    loom::fuzz::require(std::string_view(e.what()).find(path) != std::string_view::npos,
                        std::string("the error does not name the file: ") + e.what());
    return 0;
  } catch (const std::exception& e) {
    loom::fuzz::fail(std::string("loading threw ") + typeid(e).name() + ": " + e.what());
  }
  auto cache = classifier->make_cache(1024);
  // Finite weights that overflow when summed are refused per text, saying so.
  const auto predict = [&](std::string_view text) {
    try {
      return classifier->predict(text, cache, 0.0f);
    } catch (const std::runtime_error& e) {
      loom::fuzz::require(
          std::string_view(e.what()).find("are not numbers") != std::string_view::npos,
          std::string("predict threw: ") + e.what());
      return std::optional<loom::fasttext_inference::Prediction>();
    }
  };
  for (std::string_view text : {"hello world, this is some text\n", "\n", "__label__en x y z\n",
                                "caf\xC3\xA9 na\xC3\xAFve \xF0\x9F\x98\x80 1234567890\n"}) {
    const auto first = predict(text);
    const auto again = predict(text);
    loom::fuzz::require(first.has_value() == again.has_value(), "two answers for one text");
    if (!first) continue;
    loom::fuzz::require(first->label == again->label && first->probability == again->probability,
                        "two answers for one text");
    // predictLine's exp(log(p + 1e-5)) may pass 1 by that 1e-5.
    loom::fuzz::require(first->probability >= 0.0f && first->probability <= 1.0001f,
                        "a probability outside [0, 1]");
  }
  return 0;
}
