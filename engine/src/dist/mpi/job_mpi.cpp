// The only file of the engine that calls MPI.
#include "dist/job.hpp"

#include <mpi.h>

#include <stdexcept>

namespace loom::dist {

namespace {

class MpiJob final : public Job {
 public:
  explicit MpiJob(const Launch& launch) {
    int provided = 0;
    if (MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS)
      throw std::runtime_error("MPI_Init_thread failed (launched with " + launch.evidence + ")");
    // Errors come back as codes (turned into exceptions here), not as an abort inside MPI.
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
    MPI_Comm_size(MPI_COMM_WORLD, &size_);
    char name[MPI_MAX_PROCESSOR_NAME] = {};
    int length = 0;
    MPI_Get_processor_name(name, &length);
    host_.assign(name, static_cast<std::size_t>(length));
  }
  ~MpiJob() override { MPI_Finalize(); }

  int rank() const override { return rank_; }
  int size() const override { return size_; }
  const std::string& host() const override { return host_; }

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

  int rank_ = 0;
  int size_ = 1;
  std::string host_;
};

}  // namespace

std::unique_ptr<Job> Job::join(const Launch& launch) { return std::make_unique<MpiJob>(launch); }

bool built_with_mpi() { return true; }

}  // namespace loom::dist
