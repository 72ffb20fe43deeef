// Shared by the wikiref_filter tests: the corpus texts a toy classifier is trained on, and the
// reference tools (python3 for classify.py's text preparation, the fasttext CLI for predictions).
#pragma once

#include <doctest/doctest.h>
#include <simdjson.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace wikiref_testing {

namespace fs = std::filesystem;

inline bool have_tool(const char* probe, const char* name) {
  if (std::system(probe) == 0) return true;
  std::cout << "SKIPPED: " << name << " not installed (scripts/setup.sh)\n";
  return false;
}

// Paragraphs (blank-line separated) of the Wikipedia pages under corpus/wikipedia/wtf_wikipedia,
// each with its newlines, at least 200 bytes.
inline std::vector<std::string> wikipedia_paragraphs() {
  std::vector<std::string> out;
  const fs::path dir = fs::path(LOOM_SHARED_DIR) / "corpus/wikipedia/wtf_wikipedia";
  if (!fs::is_directory(dir)) return out;
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir))
    if (entry.path().extension() == ".txt") files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  for (const fs::path& file : files) {
    std::ifstream in(file);
    std::string line, paragraph;
    while (true) {
      const bool more = static_cast<bool>(std::getline(in, line));
      if (!more || line.empty()) {
        if (paragraph.size() >= 200) out.push_back(paragraph);
        paragraph.clear();
        if (!more) break;
        continue;
      }
      paragraph += paragraph.empty() ? line : "\n" + line;
    }
  }
  return out;
}

// The "text" of the first `limit` C4 documents of corpus/c4 (web pages, the negatives).
inline std::vector<std::string> c4_documents(std::size_t limit) {
  std::vector<std::string> out;
  const fs::path file = fs::path(LOOM_SHARED_DIR) / "corpus/c4/c4-sample.lines0001-0750.json.gz";
  if (!fs::exists(file)) return out;
  FILE* pipe = ::popen(("zcat '" + file.string() + "'").c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::string all;
  char buffer[1 << 16];
  while (const std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) all.append(buffer, n);
  REQUIRE(::pclose(pipe) == 0);
  simdjson::ondemand::parser parser;
  std::istringstream lines(all);
  std::string record;
  while (out.size() < limit && std::getline(lines, record)) {
    simdjson::padded_string padded(record);
    simdjson::ondemand::document doc = parser.iterate(padded);
    out.emplace_back(std::string_view(doc["text"].get_string().value()));
  }
  return out;
}

// A JSON string literal of UTF-8 text (for the Python oracle's input).
inline std::string json_string(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      (out += '\\') += c;
    } else if (u < 0x20 || u == 0x7F) {
      char escape[8];
      std::snprintf(escape, sizeof escape, "\\u%04x", u);
      out += escape;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

// classify.py's text for each input, computed by python3.
inline std::vector<std::string> python_joined(const std::vector<std::string>& texts,
                                              const fs::path& dir) {
  const fs::path in = dir / "texts.jsonl", out = dir / "joined.txt";
  {
    std::ofstream file(in, std::ios::binary);
    for (const std::string& t : texts) file << json_string(t) << '\n';
  }
  const std::string command = "python3 '" + std::string(LOOM_SOURCE_DIR) +
                              "/tests/plugins/redpajama_cc/python_join.py' '" + in.string() +
                              "' '" + out.string() + "'";
  REQUIRE_MESSAGE(std::system(command.c_str()) == 0, "failed: " << command);
  std::vector<std::string> joined;
  std::ifstream file(out, std::ios::binary);
  std::string line;
  while (std::getline(file, line)) joined.push_back(line);
  REQUIRE(joined.size() == texts.size());
  return joined;
}

inline int run(const std::string& command) { return std::system(command.c_str()); }

}  // namespace wikiref_testing
