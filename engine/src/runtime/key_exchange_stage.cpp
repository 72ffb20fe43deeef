#include "runtime/key_exchange_stage.hpp"

#include "dist/distributable.hpp"
#include "dist/job.hpp"
#include "dist/key_exchange.hpp"
#include "runtime/host_table.hpp"

#include <cstdio>
#include <exception>
#include <memory>

namespace loom::runtime {

namespace {

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

KeyExchangeOutcome exchange_stage_keys(const ComponentInstance& instance) {
  KeyExchangeOutcome outcome;
  dist::Job* job = dist::joined_job();
  if (job == nullptr) {
    outcome.error = "cannot exchange its keys: this process joined no distributed job";
    return outcome;
  }
  const loom_component& api = instance.api();
  std::unique_ptr<loom_buffer, BufferDeleter> records(host_table()->buffer_create());
  try {
    for (std::uint32_t round = 0;; ++round) {
      host_table()->buffer_clear(records.get());
      dist::KeyLayout layout;
      std::int32_t last = 1;
      loom_error err = fresh_error();
      bool exported = api.export_keys(instance.self(), round, records.get(), &layout.key_bytes,
                                      &layout.payload_bytes, &last, &err) == 0;
      const loom_str bytes = host_table()->buffer_view(records.get());
      if (exported && (layout.key_bytes == 0 || bytes.size % layout.record_bytes() != 0)) {
        exported = false;
        std::snprintf(err.message, sizeof err.message,
                      "%zu bytes of records are not whole records of %zu bytes", bytes.size,
                      layout.record_bytes());
      }
      // Every rank learns whether all exported before any of them sends a byte.
      if (!job->begin_key_exchange(exported)) {
        if (!exported) {
          outcome.error = "could not export its keys: " + std::string(err.message);
        } else {
          // Said as a stopped rank says it (dist/combine.cpp shows the failing rank's cause).
          outcome.error = "was interrupted";
          outcome.peer_left = true;
        }
        return outcome;
      }
      const std::string merged = dist::exchange_keys(*job, {bytes.data, bytes.size}, layout);
      host_table()->buffer_clear(records.get());
      err = fresh_error();
      if (api.import_keys(instance.self(), round, loom_str{merged.data(), merged.size()},
                          layout.payload_bytes, &err) != 0) {
        outcome.error = "could not import the job's keys: " + std::string(err.message);
        return outcome;
      }
      if (last != 0) return outcome;
    }
  } catch (const std::exception& e) {
    outcome.error = std::string("could not exchange its keys across ranks: ") + e.what();
  }
  return outcome;
}

}  // namespace loom::runtime
