// Happens-before edges for ThreadSanitizer where the synchronization lives in oneTBB.
//
// Why: TSan only sees synchronization in code built with -fsanitize=thread. Debian's libtbb is
// not, so when oneTBB spawns the task that carries a batch to the next flow-graph node, runs a
// serial node's bodies one after the other on different workers, or returns from wait_for_all,
// the ordering it guarantees is invisible and TSan reports our own data as racing. Each call below
// restates one guarantee oneTBB documents, at the exact point where it holds: release() where one
// side hands over, acquire() where the other side takes over, on the same address. A matching pair
// must describe a real edge (the flow graph's message passing, a serial node's mutual exclusion, a
// wait's completion); never pair calls merely to silence a report, or TSan stops finding real races
// there. Without TSan both compile to nothing.
#pragma once

#if defined(__SANITIZE_THREAD__)
#define LOOM_TSAN_ANNOTATE 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define LOOM_TSAN_ANNOTATE 1
#endif
#endif

#ifdef LOOM_TSAN_ANNOTATE
#include <sanitizer/tsan_interface.h>
#endif

namespace loom::tsan {

#ifdef LOOM_TSAN_ANNOTATE
inline constexpr bool enabled = true;
#else
inline constexpr bool enabled = false;
#endif

// Everything this thread did so far happens before what follows a later acquire(sync). A null
// `sync` (nothing handed over) does nothing.
inline void release([[maybe_unused]] const void* sync) noexcept {
#ifdef LOOM_TSAN_ANNOTATE
  if (sync != nullptr) __tsan_release(const_cast<void*>(sync));
#endif
}

// What preceded every earlier release(sync) happens before what this thread does next.
inline void acquire([[maybe_unused]] const void* sync) noexcept {
#ifdef LOOM_TSAN_ANNOTATE
  if (sync != nullptr) __tsan_acquire(const_cast<void*>(sync));
#endif
}

// The body of a node that oneTBB runs one call at a time (a serial function_node, an input_node)
// on whichever worker is free: each call takes over from the previous one, or from the thread
// that activated the node, through the node's own address.
class SerialBody {
 public:
  explicit SerialBody(const void* node) noexcept : node_(node) { acquire(node_); }
  ~SerialBody() { release(node_); }
  SerialBody(const SerialBody&) = delete;
  SerialBody& operator=(const SerialBody&) = delete;

 private:
  const void* node_;
};

}  // namespace loom::tsan
