#pragma once

// Gives the memory calls have freed back to the operating system. glibc keeps
// freed heap memory for reuse, so after a burst of large requests a server's
// RSS stayed near its high-water (hundreds of MiB) long after the calls had
// gone. The trimmer reads the allocator's free bytes every `interval` and
// calls malloc_trim when they grew by more than `threshold_bytes` since the
// last trim, so a steady server is never trimmed and a burst is given back
// within one interval. ServerRunner runs one per server.
//
//   MemoryTrimmer trimmer({.interval = absl::Seconds(5)});
//   ...
//   size_t freed = trimmer.TrimIfWorthIt();  // what each tick does

#include <cstddef>
#include <memory>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/concurrency/periodic_task.h"

namespace longtake {

class MemoryTrimmer {
 public:
  struct Options {
    // ZeroDuration: no thread; TrimIfWorthIt() only when called.
    absl::Duration interval = absl::Seconds(5);
    size_t threshold_bytes = 32 << 20;
  };

  explicit MemoryTrimmer(Options options);

  // Trims when the allocator's free bytes grew past the threshold since the
  // last trim (or since construction); returns the free bytes it found then,
  // 0 when it did not trim.
  size_t TrimIfWorthIt();

 private:
  const Options options_;
  absl::Mutex mu_;
  // The allocator's free bytes right after the last trim, or the lowest
  // seen since: a burst is measured from there.
  size_t baseline_free_ ABSL_GUARDED_BY(mu_);
  std::unique_ptr<PeriodicTask> task_;  // last: stopped before the rest goes
};

}  // namespace longtake
