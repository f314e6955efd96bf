#include "common/sqlite/commit_watcher.h"

#include <poll.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/log/logger.h"

namespace longtake::sqlite {

absl::StatusOr<std::unique_ptr<CommitWatcher>> CommitWatcher::Open(
    const std::string& path) {
  const size_t slash = path.rfind('/');
  const std::string dir = slash == std::string::npos
                              ? "."
                              : path.substr(0, std::max<size_t>(slash, 1));
  const std::string file =
      slash == std::string::npos ? path : path.substr(slash + 1);
  const int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd < 0) {
    return absl::UnavailableError(
        absl::StrCat("inotify_init1: ", std::strerror(errno)));
  }
  // The directory, not the files: the -wal file comes and goes.
  if (inotify_add_watch(fd, dir.c_str(), IN_MODIFY | IN_MOVED_TO) < 0) {
    const int error = errno;
    close(fd);
    return absl::UnavailableError(
        absl::StrCat("inotify_add_watch(", dir, "): ", std::strerror(error)));
  }
  Log(LogLevel::kInfo,
      absl::StrCat("listening for commit notifications (inotify on ", path,
                   ")"));
  return std::unique_ptr<CommitWatcher>(new CommitWatcher(fd, file));
}

CommitWatcher::CommitWatcher(int fd, std::string file_name)
    : fd_(fd), file_name_(std::move(file_name)) {}

CommitWatcher::~CommitWatcher() { close(fd_); }

bool CommitWatcher::DrainEvents() {
  bool ours = false;
  alignas(inotify_event) char buffer[16 * 1024];
  while (true) {
    const ssize_t n = read(fd_, buffer, sizeof(buffer));
    if (n <= 0) break;  // EAGAIN: drained
    for (ssize_t at = 0; at < n;) {
      const auto* event = reinterpret_cast<const inotify_event*>(buffer + at);
      at += sizeof(inotify_event) + event->len;
      if (event->len == 0) continue;
      const std::string_view name(event->name);  // NUL-padded
      // The database, its write-ahead log or its rollback journal; not -shm,
      // which readers touch too.
      if (name == file_name_ || name == file_name_ + "-wal" ||
          name == file_name_ + "-journal") {
        ours = true;
      }
    }
  }
  return ours;
}

absl::StatusOr<bool> CommitWatcher::WaitForCommit(absl::Duration timeout) {
  std::lock_guard<std::mutex> lock(mu_);
  const absl::Time deadline = absl::Now() + timeout;
  while (true) {
    const absl::Time until = std::min(deadline, recheck_at_);
    const int64_t left_ms =
        std::max<int64_t>(0, absl::ToInt64Milliseconds(until - absl::Now()));
    pollfd p{fd_, POLLIN, 0};
    const int ready = poll(&p, 1, static_cast<int>(left_ms));
    if (ready < 0 && errno != EINTR) {
      return absl::UnavailableError(
          absl::StrCat("poll on inotify: ", std::strerror(errno)));
    }
    const absl::Time now = absl::Now();
    if (ready > 0 && DrainEvents()) {
      recheck_at_ = now + kSettle;
      return true;
    }
    if (now >= recheck_at_) {
      recheck_at_ = absl::InfiniteFuture();
      return true;
    }
    if (now >= deadline) return false;
  }
}

std::unique_ptr<StoreCommits> WatchCommits(const std::string& path) {
  if (path.empty() || path == ":memory:")
    return std::make_unique<StoreCommits>();
  absl::StatusOr<std::unique_ptr<CommitWatcher>> watcher =
      CommitWatcher::Open(path);
  if (!watcher.ok()) {
    Log(LogLevel::kWarning,
        absl::StrCat("commit notifications unavailable (polling instead): ",
                     watcher.status().message()));
    return std::make_unique<StoreCommits>();
  }
  return *std::move(watcher);
}

}  // namespace longtake::sqlite
