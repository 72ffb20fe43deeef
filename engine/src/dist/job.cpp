#include "dist/job.hpp"

namespace loom::dist {

namespace {

Job* the_job = nullptr;

}  // namespace

Job* joined_job() { return the_job; }

void set_joined_job(Job* job) { the_job = job; }

}  // namespace loom::dist
