#include "runtime/key_exchange_stage.hpp"

#include "dist/distributable.hpp"
#include "dist/job.hpp"
#include "dist/key_exchange.hpp"
#include "runtime/host_table.hpp"

#include <algorithm>
#include <cstdio>
#include <exception>
#include <memory>

namespace loom::runtime {

namespace {

constexpr std::size_t kMinExchangePassBytes = std::size_t{16} << 20;

struct BufferDeleter {
  void operator()(loom_buffer* buffer) const { host_table()->buffer_destroy(buffer); }
};

}  // namespace

bool exchanges_keys(const ComponentInfo& info, int rank_count) {
  return rank_count > 1 && dist::exchanges_keys_across_ranks(info);
}

bool runs_whole_input(const ComponentInfo& info, int rank_count) {
  return info.whole_input() || exchanges_keys(info, rank_count);
}

KeyExchangeOutcome exchange_stage_keys(ComponentInstance& instance, std::size_t memory_budget) {
  KeyExchangeOutcome outcome;
  dist::Job* job = dist::joined_job();
  if (job == nullptr) {
    outcome.error = "cannot exchange its keys: this process joined no distributed job";
    return outcome;
  }
  std::unique_ptr<loom_buffer, BufferDeleter> records(host_table()->buffer_create());
  try {
    for (std::uint32_t round = 0;; ++round) {
      host_table()->buffer_clear(records.get());
      dist::KeyLayout layout;
      bool last = true;
      std::string why;
      if (const CallFailure failure = instance.export_keys(round, records.get(), layout.key_bytes,
                                                           layout.payload_bytes, last))
        why = failure->message;
      const loom_str bytes = host_table()->buffer_view(records.get());
      if (why.empty() && (layout.key_bytes == 0 || bytes.size % layout.record_bytes() != 0))
        why = std::to_string(bytes.size) + " bytes of records are not whole records of " +
              std::to_string(layout.record_bytes()) + " bytes";
      const bool exported = why.empty();
      // Every rank learns whether all exported before any of them sends a byte.
      if (!job->begin_key_exchange(exported)) {
        if (!exported) {
          outcome.error = "could not export its keys: " + why;
        } else {
          // Said as a stopped rank says it (dist/combine.cpp shows the failing rank's cause).
          outcome.error = "was interrupted";
          outcome.peer_left = true;
        }
        return outcome;
      }
      const std::string merged = dist::exchange_keys(
          *job, {bytes.data, bytes.size}, layout, std::max(memory_budget, kMinExchangePassBytes));
      host_table()->buffer_clear(records.get());
      if (const CallFailure failure = instance.import_keys(
              round, loom_str{merged.data(), merged.size()}, layout.payload_bytes)) {
        outcome.error = "could not import the job's keys: " + std::string(failure->message);
        return outcome;
      }
      if (last) return outcome;
    }
  } catch (const std::exception& e) {
    outcome.error = std::string("could not exchange its keys across ranks: ") + e.what();
  }
  return outcome;
}

}  // namespace loom::runtime
