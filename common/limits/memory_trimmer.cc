#include "common/limits/memory_trimmer.h"

#include <malloc.h>

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/log/logger.h"

namespace longtake {
namespace {

// Bytes in free chunks of every malloc arena (mmapped blocks go back to the
// system on free by themselves).
size_t AllocatorFreeBytes() { return mallinfo2().fordblks; }

}  // namespace

MemoryTrimmer::MemoryTrimmer(Options options)
    : options_(options), baseline_free_(AllocatorFreeBytes()) {
  if (options_.interval > absl::ZeroDuration()) {
    task_ = std::make_unique<PeriodicTask>("memory trim", options_.interval,
                                           [this] {
                                             TrimIfWorthIt();
                                             return absl::OkStatus();
                                           });
  }
}

size_t MemoryTrimmer::TrimIfWorthIt() {
  absl::MutexLock lock(&mu_);
  const size_t free_bytes = AllocatorFreeBytes();
  if (free_bytes <= baseline_free_ + options_.threshold_bytes) {
    baseline_free_ = std::min(baseline_free_, free_bytes);
    return 0;
  }
  malloc_trim(0);
  // Trimmed pages still count as free chunks: the next burst is measured
  // from here.
  baseline_free_ = AllocatorFreeBytes();
  Log(LogLevel::kInfo, absl::StrCat("memory trim: ", free_bytes >> 20,
                                    " MiB of freed heap given back"));
  return free_bytes;
}

}  // namespace longtake
