// The only file of the engine that calls MPI. Built as a module of its own (libloom_mpi.so) that
// job_module.cpp loads only when an MPI launcher started the process: linked into loom, OpenMPI's
// libraries (and hwloc, libevent, udev) were loaded, relocated and initialized by every run.
#include "dist/job.hpp"
#include "dist/mpi/job_module.hpp"

#include <mpi.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <stdexcept>
#include <thread>

namespace loom::dist {

namespace {

constexpr int kStopTag = 7101;  // "another rank failed: stop"

// What a rank brings to a key exchange step (the largest over the ranks wins).
constexpr int kExchangeReady = 0;
constexpr int kExchangeLeftFailed = 1;  // its run failed: no more steps from it
constexpr int kExchangeLeftDone = 2;    // its run is over: it has no more steps

// Bytes one rank sends all others in one MPI_Alltoallv of all_to_all (bounds its buffers).
constexpr std::size_t kExchangeRoundBytes = std::size_t{64} << 20;

class MpiJob final : public Job {
 public:
  MpiJob(const Launch& launch, SetJoinedJob set_joined) : set_joined_(set_joined) {
    int provided = 0;
    // Serialized: the stop watcher's thread calls MPI while the main thread does not.
    if (MPI_Init_thread(nullptr, nullptr, MPI_THREAD_SERIALIZED, &provided) != MPI_SUCCESS)
      throw std::runtime_error("MPI_Init_thread failed (launched with " + launch.evidence + ")");
    can_watch_ = provided >= MPI_THREAD_SERIALIZED;
    // Errors come back as codes (turned into exceptions here), not as an abort inside MPI.
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
    MPI_Comm_size(MPI_COMM_WORLD, &size_);
    check(MPI_Comm_dup(MPI_COMM_WORLD, &exchange_), "MPI_Comm_dup");
    char name[MPI_MAX_PROCESSOR_NAME] = {};
    int length = 0;
    MPI_Get_processor_name(name, &length);
    host_.assign(name, static_cast<std::size_t>(length));
    set_joined_(this);
  }
  ~MpiJob() override {
    set_joined_(nullptr);
    stop_watcher();
    MPI_Comm_free(&exchange_);
    MPI_Finalize();
  }

  int rank() const override { return rank_; }
  int size() const override { return size_; }
  const std::string& host() const override { return host_; }

  void watch_for_stop(std::atomic<bool>& stop) override {
    if (!can_watch_ || size_ == 1) return;
    check(MPI_Irecv(&stop_from_, 1, MPI_INT, MPI_ANY_SOURCE, kStopTag, MPI_COMM_WORLD, &receive_),
          "MPI_Irecv");
    watching_ = true;
    quit_ = false;
    watcher_ = std::thread([this, &stop] {
      while (!quit_.load()) {
        int arrived = 0;
        {
          // A key exchange on the main thread may be calling MPI (thread level "serialized").
          std::lock_guard lock(mpi_mutex_);
          MPI_Test(&receive_, &arrived, MPI_STATUS_IGNORE);
        }
        if (arrived != 0) {
          received_ = 1;
          stop.store(true);
          return;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
    });
  }

  bool end_stop_watch(bool failed) override {
    if (!watching_) {
      leave_key_exchange(failed);
      return left_by_peer_;
    }
    stop_watcher();
    watching_ = false;
    if (received_ == 0) {
      MPI_Cancel(&receive_);
      MPI_Status status;
      MPI_Wait(&receive_, &status);
      int cancelled = 0;
      MPI_Test_cancelled(&status, &cancelled);
      if (cancelled == 0) received_ = 1;  // it arrived after the run ended: not what stopped it
    }
    const bool stopped_by_peer = stopped_during_run_;
    const bool announce = failed && !stopped_by_peer;
    std::vector<MPI_Request> sends;
    const int me = rank_;
    for (int r = 0; announce && r < size_; ++r) {
      if (r == rank_) continue;
      sends.emplace_back();
      check(MPI_Isend(&me, 1, MPI_INT, r, kStopTag, MPI_COMM_WORLD, &sends.back()), "MPI_Isend");
    }
    // After the stops went out (ranks still reading see them), before the next collective
    // (ranks waiting in a key exchange step must be released first).
    leave_key_exchange(failed);
    // Every stop sent to this rank must be received before MPI_Finalize: as many as there were
    // announcing ranks other than this one.
    int mine = announce ? 1 : 0;
    int announcers = 0;
    check(MPI_Allreduce(&mine, &announcers, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD), "MPI_Allreduce");
    for (int left = announcers - mine - received_; left > 0; --left) {
      int from = 0;
      check(
          MPI_Recv(&from, 1, MPI_INT, MPI_ANY_SOURCE, kStopTag, MPI_COMM_WORLD, MPI_STATUS_IGNORE),
          "MPI_Recv");
    }
    if (!sends.empty())
      check(MPI_Waitall(static_cast<int>(sends.size()), sends.data(), MPI_STATUSES_IGNORE),
            "MPI_Waitall");
    return stopped_by_peer || left_by_peer_;
  }

  bool begin_key_exchange(bool ready) override {
    if (!exchange_open_) return false;
    const int agreed = agree_on_exchange(ready ? kExchangeReady : kExchangeLeftFailed);
    if (agreed == kExchangeReady) return true;
    exchange_open_ = false;
    left_by_peer_ = ready;
    return false;
  }

  std::vector<std::string> all_to_all(const std::vector<std::string>& to) override {
    std::lock_guard lock(mpi_mutex_);
    const auto ranks = static_cast<std::size_t>(size_);
    if (to.size() != ranks) throw std::logic_error("all_to_all: one string per rank expected");
    std::vector<long long> send_sizes(ranks), receive_sizes(ranks);
    for (std::size_t r = 0; r < ranks; ++r) send_sizes[r] = static_cast<long long>(to[r].size());
    check(MPI_Alltoall(send_sizes.data(), 1, MPI_LONG_LONG, receive_sizes.data(), 1, MPI_LONG_LONG,
                       exchange_),
          "MPI_Alltoall");
    std::vector<std::string> from(ranks);
    for (std::size_t r = 0; r < ranks; ++r)
      from[r].resize(static_cast<std::size_t>(receive_sizes[r]));
    // Each round moves at most `slice` bytes between each pair of ranks.
    const auto slice =
        static_cast<long long>(std::max<std::size_t>(kExchangeRoundBytes / ranks, 1 << 16));
    long long largest = 0;
    for (std::size_t r = 0; r < ranks; ++r)
      largest = std::max({largest, send_sizes[r], receive_sizes[r]});
    int rounds = static_cast<int>((largest + slice - 1) / slice), agreed_rounds = 0;
    check(MPI_Allreduce(&rounds, &agreed_rounds, 1, MPI_INT, MPI_MAX, exchange_), "MPI_Allreduce");
    std::vector<int> send_counts(ranks), send_at(ranks), receive_counts(ranks), receive_at(ranks);
    std::string out, in;
    for (int round = 0; round < agreed_rounds; ++round) {
      const long long begin = round * slice;
      const auto part = [&](long long size) {
        return static_cast<int>(std::clamp(size - begin, 0LL, slice));
      };
      out.clear();
      int in_total = 0;
      for (std::size_t r = 0; r < ranks; ++r) {
        send_counts[r] = part(send_sizes[r]);
        send_at[r] = static_cast<int>(out.size());
        if (send_counts[r] > 0)
          out.append(to[r], static_cast<std::size_t>(begin),
                     static_cast<std::size_t>(send_counts[r]));
        receive_counts[r] = part(receive_sizes[r]);
        receive_at[r] = in_total;
        in_total += receive_counts[r];
      }
      in.resize(static_cast<std::size_t>(in_total));
      check(MPI_Alltoallv(out.data(), send_counts.data(), send_at.data(), MPI_BYTE, in.data(),
                          receive_counts.data(), receive_at.data(), MPI_BYTE, exchange_),
            "MPI_Alltoallv");
      for (std::size_t r = 0; r < ranks; ++r) {
        if (receive_counts[r] == 0) continue;
        from[r].replace(
            static_cast<std::size_t>(begin), static_cast<std::size_t>(receive_counts[r]), in,
            static_cast<std::size_t>(receive_at[r]), static_cast<std::size_t>(receive_counts[r]));
      }
    }
    for (std::size_t r = 0; r < ranks; ++r) {
      if (static_cast<int>(r) == rank_) continue;
      bytes_exchanged_ += static_cast<std::uint64_t>(send_sizes[r] + receive_sizes[r]);
    }
    return from;
  }

  std::uint64_t bytes_exchanged() const override { return bytes_exchanged_; }

  int max_over_ranks(int value) override {
    int result = 0;
    check(MPI_Allreduce(&value, &result, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD), "MPI_Allreduce");
    return result;
  }

  std::vector<std::string> gather_at_root(const std::string& bytes) override {
    const int length = static_cast<int>(bytes.size());
    if (bytes.size() > static_cast<std::size_t>(1 << 30))
      throw std::runtime_error("a rank's report is too large to gather");
    std::vector<int> lengths(rank_ == 0 ? static_cast<std::size_t>(size_) : 0);
    check(MPI_Gather(&length, 1, MPI_INT, lengths.data(), 1, MPI_INT, 0, MPI_COMM_WORLD),
          "MPI_Gather");
    std::vector<int> offsets(lengths.size());
    long long total = 0;
    for (std::size_t r = 0; r < lengths.size(); ++r) {
      offsets[r] = static_cast<int>(total);
      total += lengths[r];
    }
    if (total > (1LL << 30)) throw std::runtime_error("the ranks' reports are too large to gather");
    std::string all(static_cast<std::size_t>(total), '\0');
    check(MPI_Gatherv(bytes.data(), length, MPI_BYTE, all.data(), lengths.data(), offsets.data(),
                      MPI_BYTE, 0, MPI_COMM_WORLD),
          "MPI_Gatherv");
    std::vector<std::string> parts;
    for (std::size_t r = 0; r < lengths.size(); ++r)
      parts.push_back(
          all.substr(static_cast<std::size_t>(offsets[r]), static_cast<std::size_t>(lengths[r])));
    return parts;
  }

 private:
  static void check(int rc, const char* what) {
    if (rc == MPI_SUCCESS) return;
    char text[MPI_MAX_ERROR_STRING] = {};
    int length = 0;
    MPI_Error_string(rc, text, &length);
    throw std::runtime_error(std::string(what) +
                             " failed: " + std::string(text, static_cast<std::size_t>(length)));
  }

  // The last step of the key exchange's agreement: releases ranks waiting in a step for this
  // one. Every rank makes it once (unless the exchange closed before), so the steps match.
  void leave_key_exchange(bool failed) {
    if (!exchange_open_) return;
    exchange_open_ = false;
    agree_on_exchange(failed ? kExchangeLeftFailed : kExchangeLeftDone);
  }

  // The largest `state` over the ranks. Ranks reach an exchange step at different times; the
  // early ones sleep between polls rather than spin in a blocking collective (which would take
  // a core from the ranks still working when ranks share cores).
  int agree_on_exchange(int state) {
    int agreed = 0;
    MPI_Request request = MPI_REQUEST_NULL;
    {
      std::lock_guard lock(mpi_mutex_);
      check(MPI_Iallreduce(&state, &agreed, 1, MPI_INT, MPI_MAX, exchange_, &request),
            "MPI_Iallreduce");
    }
    for (int done = 0;;) {
      {
        std::lock_guard lock(mpi_mutex_);
        check(MPI_Test(&request, &done, MPI_STATUS_IGNORE), "MPI_Test");
      }
      if (done != 0) return agreed;
      std::this_thread::sleep_for(std::chrono::microseconds(500));
    }
  }

  void stop_watcher() {
    if (!watcher_.joinable()) return;
    quit_ = true;
    watcher_.join();
    stopped_during_run_ = received_ != 0;
  }

  SetJoinedJob set_joined_;
  int rank_ = 0;
  int size_ = 1;
  std::string host_;
  bool can_watch_ = false;
  bool watching_ = false;
  std::thread watcher_;
  std::atomic<bool> quit_{false};
  MPI_Request receive_ = MPI_REQUEST_NULL;
  int stop_from_ = 0;
  int received_ = 0;  // stops received (0 or 1: one receive is posted)
  bool stopped_during_run_ = false;
  MPI_Comm exchange_ = MPI_COMM_NULL;  // the key exchange's own communicator
  std::mutex mpi_mutex_;               // the watcher's MPI calls vs the key exchange's
  bool exchange_open_ = true;
  bool left_by_peer_ = false;  // another rank's failure ended a key exchange step
  std::uint64_t bytes_exchanged_ = 0;
};

}  // namespace

}  // namespace loom::dist

extern "C" loom::dist::Job* LOOM_MPI_JOIN_FUNCTION(const loom::dist::Launch& launch,
                                                   loom::dist::SetJoinedJob set_joined) {
  return new loom::dist::MpiJob(launch, set_joined);
}
