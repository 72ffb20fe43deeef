// Real models for the perplexity tests, built from ../shared/corpus with Debian's tools (packages
// sentencepiece, irstlm, libime-bin; scripts/setup.sh installs them):
//   train.txt   cc_net-normalized lines of a public-domain book (The Devil's Dictionary)
//   sp.model    spm_train, unigram, 1000 pieces
//   lm5.arpa    IRSTLM tlm, 5-gram Witten-Bell backoff model of train.txt's pieces
//   lm3.arpa    the same, 3-gram (libime's build_binary is compiled for at most 3-grams)
//   lm3.bin     libime_slm_build_binary (KenLM's build_binary) lm3.arpa: the probing layout
//   heldout.tok pieces of normalized lines of another book, for scores with many backoffs
// Built once into the build folder (about 10 s) and reused by every test process; a build goes
// to a scratch folder renamed into place, so concurrent test processes never see half a set.
#pragma once

#include <loom/testing/harness.hpp>

#include <ccnet_text/normalizer.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace perplexity_test {

namespace fs = std::filesystem;

inline const std::string irstlm_bin = "/usr/lib/irstlm/bin";

struct Models {
  std::string dir;
  std::string sp_model() const { return dir + "/sp.model"; }
  std::string arpa5() const { return dir + "/lm5.arpa"; }
  std::string arpa3() const { return dir + "/lm3.arpa"; }
  std::string binary3() const { return dir + "/lm3.bin"; }
  std::string heldout() const { return dir + "/heldout.tok"; }
};

inline std::string shared_dir() { return LOOM_SHARED_DIR; }

inline bool have_shared() {
  if (fs::is_directory(shared_dir() + "/corpus/books")) return true;
  std::cout << "SKIPPED: " << shared_dir()
            << "/corpus absent; the perplexity model tests need it\n";
  return false;
}

inline void run(const std::string& command) {
  if (std::system(command.c_str()) != 0)
    throw std::runtime_error(
        "command failed (are sentencepiece, irstlm and libime-bin "
        "installed? scripts/setup.sh): " +
        command);
}

// Normalized, non-empty lines [first, first + count) of a text file, one per output line.
inline void write_normalized_lines(const std::string& from, const std::string& to,
                                   std::size_t first, std::size_t count) {
  std::ifstream in(from);
  if (!in) throw std::runtime_error("cannot read " + from);
  std::ofstream out(to);
  std::string line;
  std::size_t index = 0;
  while (std::getline(in, line) && index < first + count) {
    const std::string normalized = loom::ccnet::normalize(line);
    if (normalized.empty()) continue;
    if (index++ >= first) out << normalized << '\n';
  }
}

inline void build_models(const std::string& dir) {
  const std::string books = shared_dir() + "/corpus/books";
  write_normalized_lines(books + "/pg972-devils-dictionary/972.txt", dir + "/train.txt", 0, 3000);
  write_normalized_lines(books + "/pg3261-news-from-nowhere/3261.txt", dir + "/heldout.txt", 1500,
                         300);
  run("spm_train --input=" + dir + "/train.txt --model_prefix=" + dir +
      "/sp --vocab_size=1000 --model_type=unigram --character_coverage=0.9995 "
      "--minloglevel=2 >/dev/null 2>&1");
  for (const char* name : {"train", "heldout"})
    run("spm_encode --model=" + dir + "/sp.model --output_format=piece < " + dir + "/" + name +
        ".txt > " + dir + "/" + name + ".tok");
  run(irstlm_bin + "/add-start-end.sh < " + dir + "/train.tok > " + dir + "/train.se");
  for (const char* order : {"5", "3"})
    run(irstlm_bin + "/tlm -tr=" + dir + "/train.se -n=" + order +
        " -lm=wb -bo=yes -ps=no -o=" + dir + "/lm" + order + ".arpa >/dev/null 2>&1");
  run("libime_slm_build_binary " + dir + "/lm3.arpa " + dir + "/lm3.bin >/dev/null 2>&1");
}

// The shared model set, built on first use; nullopt (after saying why) without ../shared.
inline std::optional<Models> models() {
  if (!have_shared()) return std::nullopt;
  const std::string final_dir = std::string(LOOM_BINARY_DIR) + "/test-data/perplexity-models-v1";
  if (!fs::exists(final_dir + "/complete")) {
    fs::create_directories(fs::path(final_dir).parent_path());
    const std::string scratch = final_dir + ".tmp" + std::to_string(std::random_device{}());
    fs::create_directories(scratch);
    try {
      build_models(scratch);
      std::ofstream(scratch + "/complete") << "ok\n";
    } catch (...) {
      fs::remove_all(scratch);
      throw;
    }
    std::error_code ec;
    fs::rename(scratch, final_dir, ec);
    if (ec) fs::remove_all(scratch);  // another process finished first: use its set
  }
  return Models{final_dir};
}

inline std::vector<std::vector<std::string>> read_sentences(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::vector<std::string>> sentences;
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream words(line);
    std::vector<std::string> sentence;
    for (std::string word; words >> word;) sentence.push_back(word);
    if (!sentence.empty()) sentences.push_back(std::move(sentence));
  }
  return sentences;
}

inline std::vector<std::string_view> views(const std::vector<std::string>& words) {
  return {words.begin(), words.end()};
}

}  // namespace perplexity_test
