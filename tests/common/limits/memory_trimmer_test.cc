#include "common/limits/memory_trimmer.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "gtest/gtest.h"

namespace longtake {
namespace {

// Resident bytes of this process (/proc/self/statm, second field).
size_t ResidentBytes() {
  FILE* f = std::fopen("/proc/self/statm", "r");
  long size = 0, resident = 0;
  EXPECT_EQ(std::fscanf(f, "%ld %ld", &size, &resident), 2);
  std::fclose(f);
  return static_cast<size_t>(resident) * sysconf(_SC_PAGESIZE);
}

// Allocates and frees `bytes` in blocks small enough to come from the heap
// (not mmap), each followed by a small block that stays live, as a burst of
// request buffers among longer-lived objects does: the freed blocks cannot
// merge into the heap top, which glibc would give back by itself.
class HeapBurst {
 public:
  explicit HeapBurst(size_t bytes) {
    std::vector<char*> blocks;
    for (size_t done = 0; done < bytes; done += kBlock) {
      char* block = static_cast<char*>(std::malloc(kBlock));
      std::memset(block, 1, kBlock);
      blocks.push_back(block);
      live_.push_back(std::malloc(32));
    }
    for (char* block : blocks) std::free(block);
  }
  ~HeapBurst() {
    for (void* p : live_) std::free(p);
  }

 private:
  static constexpr size_t kBlock = 16 << 10;
  std::vector<void*> live_;
};

TEST(MemoryTrimmerTest, GivesABurstBackAndLeavesASteadyHeapAlone) {
  MemoryTrimmer trimmer(
      {.interval = absl::ZeroDuration(), .threshold_bytes = 32 << 20});
  EXPECT_EQ(trimmer.TrimIfWorthIt(), 0u) << "nothing freed yet";

  HeapBurst burst(128 << 20);
  const size_t before = ResidentBytes();
  const size_t found = trimmer.TrimIfWorthIt();
  const size_t after = ResidentBytes();
  EXPECT_GE(found, 96u << 20);
  EXPECT_LT(after + (64 << 20), before)
      << "resident before " << (before >> 20) << " MiB, after " << (after >> 20)
      << " MiB";

  EXPECT_EQ(trimmer.TrimIfWorthIt(), 0u) << "nothing new since the trim";
}

TEST(MemoryTrimmerTest, ABurstUnderTheThresholdIsNotTrimmed) {
  MemoryTrimmer trimmer(
      {.interval = absl::ZeroDuration(), .threshold_bytes = 256 << 20});
  HeapBurst burst(64 << 20);
  EXPECT_EQ(trimmer.TrimIfWorthIt(), 0u);
}

TEST(MemoryTrimmerTest, ItsThreadTrimsOnItsOwn) {
  const size_t start = ResidentBytes();
  MemoryTrimmer trimmer(
      {.interval = absl::Milliseconds(50), .threshold_bytes = 32 << 20});
  HeapBurst burst(128 << 20);  // untrimmed, RSS stays above start + 128 MiB
  size_t now = ResidentBytes();
  for (int i = 0; i < 100 && now > start + (64 << 20); ++i) {
    usleep(50 * 1000);
    now = ResidentBytes();
  }
  EXPECT_LT(now, start + (64 << 20)) << "resident at start " << (start >> 20)
                                     << " MiB, now " << (now >> 20) << " MiB";
}

}  // namespace
}  // namespace longtake
