// What the harnesses of readers share: the SDK's standalone test host (so readers that open
// files through loom::Input run unchanged), a scratch file per process, draining a ShardReader,
// and checking that only loom::Errors escape.
#pragma once

#include <loom/plugin.hpp>
#include <loom/testing/host.hpp>

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <typeinfo>
#include <vector>

#include "fuzz_checks.hpp"

namespace loom::fuzz {

// Installs the SDK's test host once, with its log echo off (a warning per skipped line would
// swamp the fuzzer's output).
inline void use_test_host() {
  static const bool installed = [] {
    loom::testing::host_table();
    loom::testing::detail::log_state().echo = false;
    return true;
  }();
  (void)installed;
}

// Removes this process's scratch files when it exits normally (run_fuzz.sh also gives each
// harness a scratch folder of its own, removed however the harness ends).
class ScratchFiles {
 public:
  static ScratchFiles& instance() {
    static ScratchFiles files;
    return files;
  }
  void add(const std::string& path) {
    for (const std::string& known : paths_)
      if (known == path) return;
    paths_.push_back(path);
  }
  ~ScratchFiles() {
    for (const std::string& path : paths_) std::remove(path.c_str());
  }

 private:
  std::vector<std::string> paths_;
};

// Writes `data` to this process's scratch file ending in `suffix` (readers choose formats by
// name) and returns its path. One file per process, so parallel fuzzers never share it.
inline std::string scratch_file(std::string_view data, std::string_view suffix) {
  const char* tmp = std::getenv("TMPDIR");
  const std::string path = std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") +
                           "/loom-fuzz-" + std::to_string(::getpid()) + std::string(suffix);
  ScratchFiles::instance().add(path);
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) fail("cannot write the scratch file " + path);
  if (!data.empty() && std::fwrite(data.data(), 1, data.size(), f) != data.size())
    fail("cannot write the scratch file " + path);
  std::fclose(f);
  return path;
}

// Reads a shard to its end, handing each document to `each`. A reader that never ends is a bug.
template <class Each>
void drain(ShardReader& reader, Each&& each) {
  for (int round = 0; round < 1'000'000; ++round) {
    loom::testing::detail::HarnessBatch harness_batch;
    Batch batch(reinterpret_cast<loom_batch*>(&harness_batch));
    const bool at_end = reader.read(batch, std::size_t{1} << 16);
    for (Doc doc : batch) each(doc);
    if (at_end) return;
  }
  fail("the reader never reached the end of its shard");
}

// Runs `body`; a loom::Error is the expected way to reject bad input, and it must name `file`
// (when given) so a user can find what was wrong. Any other exception escaping is a bug.
// Returns whether a loom::Error was thrown.
template <class Body>
bool only_loom_errors(Body&& body, std::string_view file = {}) {
  try {
    body();
    return false;
  } catch (const loom::Error& e) {
    if (!file.empty() && std::string_view(e.what()).find(file) == std::string_view::npos)
      fail("the error does not name " + std::string(file) + ": " + e.what());
    return true;
  } catch (const std::exception& e) {
    fail(std::string("an exception other than loom::Error escaped (") + typeid(e).name() +
         "): " + e.what());
  }
}

}  // namespace loom::fuzz
