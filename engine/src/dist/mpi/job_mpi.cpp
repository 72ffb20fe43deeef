// The only file of the engine that calls MPI.
#include "dist/job.hpp"

#include <mpi.h>

#include <atomic>

#include <chrono>
#include <stdexcept>
#include <thread>

namespace loom::dist {

namespace {

constexpr int kStopTag = 7101;  // "another rank failed: stop"

class MpiJob final : public Job {
 public:
  explicit MpiJob(const Launch& launch) {
    int provided = 0;
    // Serialized: the stop watcher's thread calls MPI while the main thread does not.
    if (MPI_Init_thread(nullptr, nullptr, MPI_THREAD_SERIALIZED, &provided) != MPI_SUCCESS)
      throw std::runtime_error("MPI_Init_thread failed (launched with " + launch.evidence + ")");
    can_watch_ = provided >= MPI_THREAD_SERIALIZED;
    // Errors come back as codes (turned into exceptions here), not as an abort inside MPI.
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
    MPI_Comm_size(MPI_COMM_WORLD, &size_);
    char name[MPI_MAX_PROCESSOR_NAME] = {};
    int length = 0;
    MPI_Get_processor_name(name, &length);
    host_.assign(name, static_cast<std::size_t>(length));
  }
  ~MpiJob() override {
    stop_watcher();
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
        MPI_Test(&receive_, &arrived, MPI_STATUS_IGNORE);
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
    if (!watching_) return false;
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
    return stopped_by_peer;
  }

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

  void stop_watcher() {
    if (!watcher_.joinable()) return;
    quit_ = true;
    watcher_.join();
    stopped_during_run_ = received_ != 0;
  }

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
};

}  // namespace

std::unique_ptr<Job> Job::join(const Launch& launch) { return std::make_unique<MpiJob>(launch); }

bool built_with_mpi() { return true; }

}  // namespace loom::dist
