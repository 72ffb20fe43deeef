// Job::join for a loom built with MPI: loads libloom_mpi.so (job_mpi.cpp) on the first join, so
// that OpenMPI's libraries are loaded only by processes an MPI launcher started.
#include "dist/mpi/job_module.hpp"
#include "dist/job.hpp"

#include <dlfcn.h>

#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

// The entry point's name as dlsym wants it.
#define LOOM_STRINGIFY_NAME(name) #name
#define LOOM_STRINGIFY(name) LOOM_STRINGIFY_NAME(name)

namespace loom::dist {

namespace {

// Where the module may be: beside the running executable's tree (<prefix>/bin/loom and
// <prefix>/LOOM_MPI_MODULE_RELPATH, in the build tree and in an installed or moved one), then
// the installed path compiled in (a program that embeds the engine).
std::vector<std::string> module_candidates() {
  std::vector<std::string> candidates;
  std::error_code ec;
  const std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec && !exe.empty())
    candidates.push_back((exe.parent_path().parent_path() / LOOM_MPI_MODULE_RELPATH).string());
  candidates.emplace_back(LOOM_MPI_MODULE_INSTALL_PATH);
  return candidates;
}

JoinFunction load_join_function(const Launch& launch) {
  std::string reasons;
  for (const std::string& path : module_candidates()) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) {
      reasons += "\n  " + path + ": no such file";
      continue;
    }
    // Global: OpenMPI's own components, which it loads with dlopen, bind to its symbols.
    void* module = ::dlopen(path.c_str(), RTLD_NOW | RTLD_GLOBAL);
    if (module == nullptr) {
      reasons += "\n  " + path + ": " + ::dlerror();
      continue;
    }
    // Never closed: MPI stays initialized until the job ends, and finalized it cannot restart.
    void* entry = ::dlsym(module, LOOM_STRINGIFY(LOOM_MPI_JOIN_FUNCTION));
    if (entry == nullptr) {
      reasons += "\n  " + path + ": " + ::dlerror();
      continue;
    }
    return reinterpret_cast<JoinFunction>(entry);
  }
  throw std::runtime_error("started by an MPI launcher (" + launch.evidence +
                           ") but cannot load loom's MPI module (libloom_mpi.so, which links "
                           "OpenMPI):" +
                           reasons);
}

}  // namespace

std::unique_ptr<Job> Job::join(const Launch& launch) {
  static const JoinFunction join_function = load_join_function(launch);
  return std::unique_ptr<Job>(join_function(launch, &set_joined_job));
}

bool built_with_mpi() { return true; }

}  // namespace loom::dist
