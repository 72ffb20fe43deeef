// The queue of outputs being made durable and renamed off the sink's thread (output.cpp).
#pragma once

#include "io/io.hpp"

#include <functional>

namespace loom::io::internal {

bool background_commits_enabled();
// Waits until every queued commit finished; throws BackgroundCommitError if one failed.
void wait_for_background_commits();
// Waits until every queued commit finished, leaving a failure to be thrown later.
void wait_until_committed();
// Throws the failure of an earlier background commit, if one failed.
void check_background_commits();
// Queues `job` (it throws IoError on failure); waits while too many are queued, so that a slow
// disk bounds the open files instead of letting them pile up. `owner` names the sink in errors.
void commit_in_background(int owner, std::function<void()> job);

}  // namespace loom::io::internal
