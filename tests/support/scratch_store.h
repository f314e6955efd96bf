#pragma once

// The stores every conformance suite runs against, and a fresh, empty one of
// each kind per test: an in-memory SQLite database, a SQLite file (removed
// with its WAL afterwards) or a database on the throwaway PostgreSQL server.
//
//   class MyStoreTest : public StoreConformanceTest<MyStore, OpenMyStore> {};
//   TEST_P(MyStoreTest, X) { store_->...; OpenMyStore(scratch_.url()); }
//   INSTANTIATE_TEST_SUITE_P(Stores, MyStoreTest, StoreKinds(), StoreKindName);

#include <unistd.h>

#include <cstdio>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/domain/store_commits.h"
#include "gtest/gtest.h"
#include "tests/support/postgres_server.h"
#include "tests/support/status_matchers.h"

namespace longtake::testing {

inline auto StoreKinds() {
  return ::testing::Values(std::string("sqlite::memory:"), std::string("file"),
                           std::string("postgres"));
}

inline std::string StoreKindName(
    const ::testing::TestParamInfo<std::string>& info) {
  if (info.param == "file") return "SqliteFile";
  if (info.param == "postgres") return "Postgres";
  return "SqliteMemory";
}

// Whether a store's commit waits come to rest once nothing more is
// committed: one of a few short waits times out (a store may wake its
// waiter again as a commit settles, never endlessly).
inline bool WaitsSettle(StoreCommits& commits) {
  for (int i = 0; i < 5; ++i) {
    absl::StatusOr<bool> woken = commits.WaitForCommit(absl::Milliseconds(100));
    if (woken.ok() && !*woken) return true;
  }
  return false;
}

class ScratchStore {
 public:
  ScratchStore() = default;
  ScratchStore(ScratchStore&& other) noexcept { *this = std::move(other); }
  ScratchStore& operator=(ScratchStore&& other) noexcept {
    std::swap(url_, other.url_);
    std::swap(path_, other.path_);
    return *this;
  }
  ~ScratchStore() {
    if (path_.empty()) return;
    for (const char* suffix : {"", "-wal", "-shm"}) {
      std::remove((path_ + suffix).c_str());
    }
  }

  // `kind` is one of StoreKinds().
  static absl::StatusOr<ScratchStore> Make(const std::string& kind) {
    ScratchStore store;
    if (kind == "file") {
      char path[] = "/tmp/longtake-store-XXXXXX";
      int fd = mkstemp(path);
      if (fd < 0) return absl::InternalError("mkstemp failed");
      close(fd);
      store.path_ = path;
      store.url_ = "sqlite://" + store.path_;
    } else if (kind == "postgres") {
      absl::StatusOr<std::string> url = FreshPostgresDatabaseUrl();
      if (!url.ok()) return url.status();
      store.url_ = *url;
    } else {
      store.url_ = kind;
    }
    return store;
  }

  const std::string& url() const { return url_; }
  // Whether the data outlives the store object (reopen tests).
  bool persistent() const { return url_ != "sqlite::memory:"; }

 private:
  std::string url_;
  std::string path_;
};

// The fixture of a conformance suite: store_ is a fresh store of the kind
// GetParam() names, opened with `Open` (a function from URL to
// absl::StatusOr<std::unique_ptr<Store>>).
template <typename Store, auto Open>
class StoreConformanceTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(scratch_, ScratchStore::Make(GetParam()));
    ASSERT_OK_AND_ASSIGN(store_, Open(scratch_.url()));
  }

  ScratchStore scratch_;  // declared first: outlives the store
  std::unique_ptr<Store> store_;
};

}  // namespace longtake::testing
