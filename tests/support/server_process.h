#pragma once

// Starts a real server binary for an integration test and stops it the way
// production would (SIGTERM) or the way a crash would (SIGKILL).
//
//   auto server = ServerProcess::Start(
//       BinaryPath("longtake-catalog"),
//       {"--listen=127.0.0.1:0", "--store=sqlite:///" + dir + "/c.db"},
//       {{"LONGTAKE_LOG_LEVEL", "debug"}});
//   ASSERT_TRUE(server.ok()) << server.status();
//   auto channel = grpc::CreateChannel((*server)->address(), ...);
//   ...
//   EXPECT_EQ((*server)->Stop(), 0);  // exit code after SIGTERM
//
// Start() waits for the "listening on HOST:PORT" line the servers print on
// stdout (15 s by default) and fails with the tail of the server's stderr if
// it never comes. `marker` waits for another "<marker>HOST:PORT" line
// instead: "started on " for a server bound but still loading. Stderr goes to a
// file kept for diagnostics (stderr_path()). The child inherits the test's
// environment minus every LONGTAKE_* variable (so a developer's shell cannot
// change a test), plus `env`. It is killed if the test process dies, and by the
// destructor if still running.

#include <sys/types.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace longtake::testing {

class ServerProcess {
 public:
  using Env = std::vector<std::pair<std::string, std::string>>;

  static absl::StatusOr<std::unique_ptr<ServerProcess>> Start(
      const std::string& binary, const std::vector<std::string>& args,
      const Env& env = {}, absl::Duration startup_timeout = absl::Seconds(15),
      const std::string& marker = "listening on ");

  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  // "127.0.0.1:PORT" from the listening line.
  const std::string& address() const { return address_; }
  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  bool running() const { return running_; }

  // SIGTERM, then waits up to `timeout` (SIGKILL after that). Returns the exit
  // code, or -N when the process ended by signal N. Idempotent: later calls
  // return the first result.
  int Stop(absl::Duration timeout = absl::Seconds(10));
  // SIGKILL and reap. Returns like Stop().
  int Kill();
  // Waits for the process to exit on its own (e.g. after a startup error).
  // Returns like Stop(), or nothing (-1000) when it is still running.
  int WaitForExit(absl::Duration timeout);

  const std::string& stderr_path() const { return stderr_path_; }
  const std::string& stdout_path() const { return stdout_path_; }
  // The last `max_bytes` of what the server wrote to stderr.
  std::string StderrTail(size_t max_bytes = 4000) const;
  std::string Stdout() const;

 private:
  ServerProcess() = default;
  bool Reap(absl::Duration timeout);

  pid_t pid_ = -1;
  bool running_ = false;
  int exit_result_ = 0;
  std::string address_;
  int port_ = 0;
  std::string stdout_path_;
  std::string stderr_path_;
};

// Runs a binary to completion (for flag errors, --help): exit code (or -N for
// a signal), stdout and stderr.
struct RunResult {
  int exit_code = 0;
  std::string out;
  std::string err;
};
absl::StatusOr<RunResult> RunToCompletion(
    const std::string& binary, const std::vector<std::string>& args,
    const ServerProcess::Env& env = {},
    absl::Duration timeout = absl::Seconds(30));

// The whole of a file (a server's log, a document of the source tree); ""
// when it cannot be read.
std::string ReadFile(const std::string& path);

// A fresh unique directory under $TMPDIR (or /tmp); aborts the test on error.
std::string TempDir();

// Removes the directory tree on destruction (unless LONGTAKE_KEEP_TEST_DIRS is
// set, for post-mortems).
class ScopedTempDir {
 public:
  ScopedTempDir() : path_(TempDir()) {}
  ~ScopedTempDir();
  ScopedTempDir(const ScopedTempDir&) = delete;
  ScopedTempDir& operator=(const ScopedTempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// $LONGTAKE_BIN_DIR/<name>; $LONGTAKE_SOURCE_DIR/<relative>. CTest sets both
// variables; without them (a test binary run by hand) the binary directory is
// the test's own (<build>/bin) and the source directory comes from
// <build>/CMakeCache.txt.
std::string BinaryPath(const std::string& name);
std::string SourcePath(const std::string& relative);

}  // namespace longtake::testing
