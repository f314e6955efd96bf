#pragma once

// Commit wake-ups for replicas that share one SQLite file (several processes
// on one machine or one volume): every commit writes the database's
// write-ahead log, so an inotify watch on the file's directory sees it the
// moment it happens, with no query and no polling. A writer makes its
// commit visible to readers just after its last write (in the shared-memory
// index, which inotify does not see), so each burst of writes wakes the
// waiter twice: at once, and again kSettle later in case the first look
// came too early. Wake-ups also come from this process's own commits and
// from checkpoints; callers then find nothing new, which costs one revision
// query.
//
//   std::unique_ptr<StoreCommits> commits =
//       sqlite::WatchCommits("/var/lib/c.db");
//   absl::StatusOr<bool> woken = commits->WaitForCommit(absl::Seconds(1));

#include <memory>
#include <mutex>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/domain/store_commits.h"

namespace longtake::sqlite {

class CommitWatcher final : public StoreCommits {
 public:
  // Watches the database file at `path` (and its -wal and -journal files).
  // An error when inotify is unavailable (callers then only poll).
  static absl::StatusOr<std::unique_ptr<CommitWatcher>> Open(
      const std::string& path);
  ~CommitWatcher() override;
  CommitWatcher(const CommitWatcher&) = delete;
  CommitWatcher& operator=(const CommitWatcher&) = delete;

  static constexpr absl::Duration kSettle = absl::Milliseconds(20);

  bool NotifiesCommits() const override { return true; }
  // True when the database or its log was written within `timeout`, or
  // when kSettle has passed since the last such write was reported.
  absl::StatusOr<bool> WaitForCommit(absl::Duration timeout) override;

 private:
  CommitWatcher(int fd, std::string file_name);
  // Reads the queued events; true when one concerns the database.
  bool DrainEvents();

  const int fd_;
  const std::string file_name_;  // the database file's name, no directory
  std::mutex mu_;                // one waiter at a time
  // When to report the last burst of writes again; InfiniteFuture if done.
  absl::Time recheck_at_ = absl::InfiniteFuture();
};

// What a store on `path` offers its replicas: a CommitWatcher for a file;
// for ":memory:" (one process only), or when inotify fails (logged), plain
// StoreCommits, so that replicas poll.
std::unique_ptr<StoreCommits> WatchCommits(const std::string& path);

}  // namespace longtake::sqlite
