#include "common/sqlite/commit_watcher.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "common/sqlite/database.h"
#include "gtest/gtest.h"
#include "tests/support/status_matchers.h"

namespace longtake::sqlite {
namespace {

// A fresh directory per test, so that no other test's files wake a watcher.
std::string TempDir(const std::string& test) {
  auto dir = std::filesystem::temp_directory_path() /
             ("longtake-watch-" + std::to_string(::getpid()) + "-" + test);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir.string();
}

TEST(CommitWatcherTest, ACommitByAnotherConnectionWakesTheWaiter) {
  const std::string path = TempDir("commit") + "/c.db";
  ASSERT_OK_AND_ASSIGN(auto writer, Database::Open(path));
  ASSERT_OK(writer->Exec("CREATE TABLE t(i INTEGER)"));
  ASSERT_OK_AND_ASSIGN(auto watcher, CommitWatcher::Open(path));
  ASSERT_OK_AND_ASSIGN(bool woken,
                       watcher->WaitForCommit(absl::Milliseconds(50)));
  EXPECT_FALSE(woken);

  std::thread commit([&writer] {
    absl::SleepFor(absl::Milliseconds(100));
    EXPECT_OK(writer->Exec("INSERT INTO t VALUES (1)"));
  });
  const absl::Time start = absl::Now();
  ASSERT_OK_AND_ASSIGN(woken, watcher->WaitForCommit(absl::Seconds(5)));
  commit.join();
  EXPECT_TRUE(woken);
  EXPECT_LT(absl::Now() - start, absl::Seconds(1));
  // The commit is reported once more as it settles, then waits time out.
  ASSERT_OK_AND_ASSIGN(woken, watcher->WaitForCommit(absl::Seconds(1)));
  EXPECT_TRUE(woken);
  ASSERT_OK_AND_ASSIGN(woken, watcher->WaitForCommit(absl::Milliseconds(100)));
  EXPECT_FALSE(woken);
}

TEST(CommitWatcherTest, OtherFilesInTheDirectoryWakeNobody) {
  const std::string dir = TempDir("others");
  const std::string path = dir + "/c.db";
  ASSERT_OK_AND_ASSIGN(auto db, Database::Open(path));
  ASSERT_OK(db->Exec("CREATE TABLE t(i INTEGER)"));
  ASSERT_OK_AND_ASSIGN(auto other, Database::Open(dir + "/c.db2"));
  ASSERT_OK_AND_ASSIGN(auto watcher, CommitWatcher::Open(path));
  ASSERT_OK(other->Exec("CREATE TABLE u(i INTEGER)"));
  std::ofstream(dir + "/notes.txt") << "not a database";
  ASSERT_OK_AND_ASSIGN(bool woken,
                       watcher->WaitForCommit(absl::Milliseconds(200)));
  EXPECT_FALSE(woken);
  // Readers wake nobody either.
  ASSERT_OK_AND_ASSIGN(auto reader, Database::Open(path));
  ASSERT_OK(reader->Exec("SELECT COUNT(*) FROM t"));
  ASSERT_OK_AND_ASSIGN(woken, watcher->WaitForCommit(absl::Milliseconds(200)));
  EXPECT_FALSE(woken);
}

TEST(CommitWatcherTest, InMemoryDatabasesAreNotWatched) {
  EXPECT_FALSE(WatchCommits(":memory:")->NotifiesCommits());
  const std::string path = TempDir("file") + "/c.db";
  EXPECT_TRUE(WatchCommits(path)->NotifiesCommits());
}

}  // namespace
}  // namespace longtake::sqlite
