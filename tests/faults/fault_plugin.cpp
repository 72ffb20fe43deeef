// libloom_faults.so: a filter that misbehaves (or dawdles) on purpose, for the fault tests in
// tests/graphs/faults_*.sh. Never installed (built into the test build folder only).
#include <loom/plugin.hpp>

#include <chrono>
#include <thread>

namespace faults {

struct FaultOptions {
  std::string throw_on;       // a document whose text contains this makes process() throw
  std::string stall_on;       // a document whose text contains this makes process() hang
  std::int64_t delay_ms = 0;  // every batch takes this long: a slow run to act on while it runs
  static constexpr auto fields = std::tuple(
      loom::field("throw_on", &FaultOptions::throw_on, "throw on a text containing this"),
      loom::field("stall_on", &FaultOptions::stall_on, "hang on a text containing this"),
      loom::field("delay_ms", &FaultOptions::delay_ms, "milliseconds to sleep on every batch"));
};

class FaultFilter : public loom::Filter {
 public:
  static constexpr const char* name = "fault_filter";
  static constexpr const char* summary = "throws or hangs on chosen documents (test fixture)";
  using Options = FaultOptions;
  explicit FaultFilter(const Options& options) : options_(options) {}

  void process(loom::Batch& batch) override {
    if (options_.delay_ms > 0)
      std::this_thread::sleep_for(std::chrono::milliseconds(options_.delay_ms));
    for (std::size_t i = 0; i < batch.size(); ++i) {
      const std::string_view text = batch[i].text();
      if (!options_.throw_on.empty() && text.find(options_.throw_on) != std::string_view::npos)
        throw loom::Error("found '" + options_.throw_on + "' (thrown on purpose)")
            .at_record(static_cast<std::int64_t>(i));
      if (!options_.stall_on.empty() && text.find(options_.stall_on) != std::string_view::npos)
        while (true) std::this_thread::sleep_for(std::chrono::seconds(1));
    }
  }

 private:
  Options options_;
};

struct WholeInputStallOptions {
  std::string observe_stall_on;  // a document whose text contains this makes observe() hang
  std::string process_stall_on;  // ... makes the replayed process() hang
  static constexpr auto fields =
      std::tuple(loom::field("observe_stall_on", &WholeInputStallOptions::observe_stall_on,
                             "hang in observe() on a text containing this"),
                 loom::field("process_stall_on", &WholeInputStallOptions::process_stall_on,
                             "hang in process() on a text containing this"));
};

// A whole-input stage that hangs in its first pass (observe) or its second (process): the time
// limit must watch both.
class WholeInputStall : public loom::Deduper {
 public:
  static constexpr const char* name = "whole_input_stall";
  static constexpr const char* summary =
      "a whole-input stage that hangs on chosen documents in either pass (test fixture)";
  static constexpr std::uint32_t flags = loom::whole_input;
  using Options = WholeInputStallOptions;
  explicit WholeInputStall(const Options& options) : options_(options) {}

  void observe(const loom::Batch& batch) override { stall_on(batch, options_.observe_stall_on); }
  void process(loom::Batch& batch) override { stall_on(batch, options_.process_stall_on); }

 private:
  static void stall_on(const loom::Batch& batch, const std::string& marker) {
    if (marker.empty()) return;
    for (std::size_t i = 0; i < batch.size(); ++i)
      if (batch[i].text().find(marker) != std::string_view::npos)
        while (true) std::this_thread::sleep_for(std::chrono::seconds(1));
  }
  Options options_;
};

// A deduper without export_keys/import_keys: what a distributed run must refuse
// (tests/graphs/mpi_scale_out.sh refuse_dedup), now that every shipped deduper exchanges keys.
class LocalOnlyDedup : public loom::Deduper {
 public:
  static constexpr const char* name = "local_only_dedup";
  static constexpr const char* summary =
      "a deduper that cannot exchange keys across ranks and drops nothing (test fixture)";
  struct Options {
    static constexpr auto fields = std::tuple();
  };
  explicit LocalOnlyDedup(const Options&) {}
  void process(loom::Batch&) override {}
};

}  // namespace faults

LOOM_PLUGIN("faults", "0.1.0", "Apache-2.0", faults::FaultFilter, faults::WholeInputStall,
            faults::LocalOnlyDedup)
