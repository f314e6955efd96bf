#pragma once

// A throwaway PostgreSQL server for tests: initdb'd into a temp directory,
// started with pg_ctl on a free port of 127.0.0.1 (and a Unix socket in that
// directory), stopped and deleted by the destructor.
//
//   // Once per test binary (started on first use), a fresh database per test:
//   absl::StatusOr<std::string> url = FreshPostgresDatabaseUrl();
//   ASSERT_TRUE(url.ok()) << url.status();   //
//   postgres://postgres@127.0.0.1:PORT/t_1
//
// There is no skip: missing binaries are an error naming the fix
// (scripts/setup.sh --test installs postgresql). Binaries are taken from
// $LONGTAKE_PG_BIN, else the newest /usr/lib/postgresql/<N>/bin. Run as root,
// initdb and the server run as the `postgres` user (initdb refuses root).
// initdb runs once per machine: its cluster is kept as a template under
// /tmp/longtake-pg-template-<version>-<uid> and copied for every server
// (about 0.3 s instead of 2 s). The server runs with fsync=off: tests need
// no protection against power loss, and committed data still survives the
// death of the client process.

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace longtake::testing {

class TestPostgres {
 public:
  static absl::StatusOr<std::unique_ptr<TestPostgres>> Start();
  ~TestPostgres();
  TestPostgres(const TestPostgres&) = delete;
  TestPostgres& operator=(const TestPostgres&) = delete;

  int port() const { return port_; }
  // URL of a database on this server (trust authentication, user postgres).
  std::string Url(const std::string& database) const;
  // Creates a new empty database ("t_<n>") and returns its URL.
  absl::StatusOr<std::string> CreateDatabase();
  // How long Start() took (template copy or initdb, plus pg_ctl start).
  absl::Duration startup_time() const { return startup_time_; }
  const std::string& log_path() const { return log_path_; }

 private:
  TestPostgres() = default;
  std::string bin_dir_;
  std::string dir_;  // temp dir: data/, log, socket
  std::string log_path_;
  int port_ = 0;
  int next_database_ = 0;
  bool started_ = false;
  absl::Duration startup_time_;
};

// The process-wide server, started on first call and stopped at exit; its
// start error (if any) is returned to every caller.
absl::StatusOr<TestPostgres*> SharedTestPostgres();
// A new empty database on the shared server.
absl::StatusOr<std::string> FreshPostgresDatabaseUrl();

}  // namespace longtake::testing
