#include "tests/support/server_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

extern char** environ;

namespace longtake::testing {
namespace {

constexpr int kStillRunning = -1000;

int DecodeWaitStatus(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return -WTERMSIG(status);
  return kStillRunning;
}

// Everything execve needs, built before fork: the child may only make
// async-signal-safe calls (the parent has gRPC threads).
struct ExecPlan {
  std::vector<std::string> argv_storage;
  std::vector<std::string> env_storage;
  std::vector<char*> argv;
  std::vector<char*> envp;
};

ExecPlan MakePlan(const std::string& binary,
                  const std::vector<std::string>& args,
                  const ServerProcess::Env& env) {
  ExecPlan plan;
  plan.argv_storage.push_back(binary);
  for (const auto& a : args) plan.argv_storage.push_back(a);
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    if (absl::StartsWith(*e, "LONGTAKE_")) continue;
    bool overridden = false;
    for (const auto& [k, v] : env) {
      if (absl::StartsWith(*e, absl::StrCat(k, "="))) overridden = true;
    }
    if (!overridden) plan.env_storage.push_back(*e);
  }
  for (const auto& [k, v] : env)
    plan.env_storage.push_back(absl::StrCat(k, "=", v));
  for (auto& s : plan.argv_storage) plan.argv.push_back(s.data());
  plan.argv.push_back(nullptr);
  for (auto& s : plan.env_storage) plan.envp.push_back(s.data());
  plan.envp.push_back(nullptr);
  return plan;
}

// Forks and execs with stdout/stderr redirected to the given files.
absl::StatusOr<pid_t> Spawn(const std::string& binary,
                            const std::vector<std::string>& args,
                            const ServerProcess::Env& env,
                            const std::string& out_path,
                            const std::string& err_path) {
  if (access(binary.c_str(), X_OK) != 0) {
    return absl::NotFoundError(
        absl::StrCat("no executable at ", binary, " (build it first)"));
  }
  ExecPlan plan = MakePlan(binary, args, env);
  int out_fd =
      open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  int err_fd =
      open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  int null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (out_fd < 0 || err_fd < 0 || null_fd < 0) {
    return absl::InternalError(absl::StrCat("open: ", std::strerror(errno)));
  }
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid < 0) {
    return absl::InternalError(absl::StrCat("fork: ", std::strerror(errno)));
  }
  if (pid == 0) {
    // Die with the test process, whatever happens to it.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);
    // The test may block signals (it does not, but gRPC-using code might):
    // give the server a clean mask so SIGTERM reaches its sigwait.
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    dup2(null_fd, 0);
    dup2(out_fd, 1);
    dup2(err_fd, 2);
    execve(plan.argv[0], plan.argv.data(), plan.envp.data());
    _exit(127);
  }
  close(out_fd);
  close(err_fd);
  close(null_fd);
  return pid;
}

}  // namespace

absl::StatusOr<std::unique_ptr<ServerProcess>> ServerProcess::Start(
    const std::string& binary, const std::vector<std::string>& args,
    const Env& env, absl::Duration startup_timeout, const std::string& marker) {
  std::unique_ptr<ServerProcess> proc(new ServerProcess());
  std::string dir = TempDir();
  std::string base = std::filesystem::path(binary).filename().string();
  proc->stdout_path_ = absl::StrCat(dir, "/", base, ".stdout");
  proc->stderr_path_ = absl::StrCat(dir, "/", base, ".stderr");
  auto pid = Spawn(binary, args, env, proc->stdout_path_, proc->stderr_path_);
  if (!pid.ok()) return pid.status();
  proc->pid_ = *pid;
  proc->running_ = true;

  const std::string& kMarker = marker;
  absl::Time deadline = absl::Now() + startup_timeout;
  while (true) {
    std::string out = ReadFile(proc->stdout_path_);
    size_t at = out.find(kMarker);
    if (at != std::string::npos) {
      size_t end = out.find('\n', at);
      if (end != std::string::npos) {
        proc->address_ =
            out.substr(at + kMarker.size(), end - at - kMarker.size());
        size_t colon = proc->address_.rfind(':');
        if (colon == std::string::npos ||
            !absl::SimpleAtoi(proc->address_.substr(colon + 1), &proc->port_) ||
            proc->port_ <= 0) {
          proc->Kill();
          return absl::InternalError(
              absl::StrCat("unparsable listening line: ", proc->address_));
        }
        return proc;
      }
    }
    if (proc->Reap(absl::ZeroDuration())) {
      return absl::FailedPreconditionError(absl::StrCat(
          base, " exited with ", proc->exit_result_,
          " before listening; stderr tail:\n", proc->StderrTail()));
    }
    if (absl::Now() > deadline) {
      proc->Kill();
      return absl::DeadlineExceededError(
          absl::StrCat(base, " did not print \"listening on\" within ",
                       absl::FormatDuration(startup_timeout),
                       "; stderr tail:\n", proc->StderrTail()));
    }
    absl::SleepFor(absl::Milliseconds(10));
  }
}

ServerProcess::~ServerProcess() {
  if (running_) Kill();
  if (std::getenv("LONGTAKE_KEEP_TEST_DIRS") == nullptr &&
      !stdout_path_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(
        std::filesystem::path(stdout_path_).parent_path(), ec);
  }
}

bool ServerProcess::Reap(absl::Duration timeout) {
  if (!running_) return true;
  absl::Time deadline = absl::Now() + timeout;
  while (true) {
    int status = 0;
    pid_t r = waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      running_ = false;
      exit_result_ = DecodeWaitStatus(status);
      return true;
    }
    if (r < 0 && errno != EINTR) {  // not our child any more
      running_ = false;
      exit_result_ = kStillRunning;
      return true;
    }
    if (absl::Now() >= deadline) return false;
    absl::SleepFor(absl::Milliseconds(5));
  }
}

int ServerProcess::Stop(absl::Duration timeout) {
  if (!running_) return exit_result_;
  kill(pid_, SIGTERM);
  if (!Reap(timeout)) return Kill();
  return exit_result_;
}

int ServerProcess::Kill() {
  if (!running_) return exit_result_;
  kill(pid_, SIGKILL);
  Reap(absl::Seconds(30));
  return exit_result_;
}

int ServerProcess::WaitForExit(absl::Duration timeout) {
  return Reap(timeout) ? exit_result_ : kStillRunning;
}

std::string ServerProcess::StderrTail(size_t max_bytes) const {
  std::string err = ReadFile(stderr_path_);
  if (err.size() > max_bytes) err = err.substr(err.size() - max_bytes);
  return err;
}

std::string ServerProcess::Stdout() const { return ReadFile(stdout_path_); }

absl::StatusOr<RunResult> RunToCompletion(const std::string& binary,
                                          const std::vector<std::string>& args,
                                          const ServerProcess::Env& env,
                                          absl::Duration timeout) {
  std::string dir = TempDir();
  std::string out_path = dir + "/out", err_path = dir + "/err";
  auto pid = Spawn(binary, args, env, out_path, err_path);
  if (!pid.ok()) return pid.status();
  absl::Time deadline = absl::Now() + timeout;
  int status = 0;
  while (waitpid(*pid, &status, WNOHANG) == 0) {
    if (absl::Now() > deadline) {
      kill(*pid, SIGKILL);
      waitpid(*pid, &status, 0);
      return absl::DeadlineExceededError(absl::StrCat(
          binary, " still running after ", absl::FormatDuration(timeout)));
    }
    absl::SleepFor(absl::Milliseconds(5));
  }
  RunResult result{DecodeWaitStatus(status), ReadFile(out_path),
                   ReadFile(err_path)};
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  return result;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string TempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string pattern =
      absl::StrCat(base != nullptr && *base != '\0' ? base : "/tmp",
                   "/longtake-test-XXXXXX");
  if (mkdtemp(pattern.data()) == nullptr) {
    std::fprintf(stderr, "mkdtemp(%s): %s\n", pattern.c_str(),
                 std::strerror(errno));
    std::abort();
  }
  return pattern;
}

ScopedTempDir::~ScopedTempDir() {
  if (std::getenv("LONGTAKE_KEEP_TEST_DIRS") != nullptr) return;
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

namespace {

// The directory of the running test binary: <build>/bin, where every binary
// of the build lands (root CMakeLists.txt).
std::string ExeDir() {
  std::error_code ec;
  std::filesystem::path exe =
      std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? "." : exe.parent_path().string();
}

// longtake_SOURCE_DIR from <build>/CMakeCache.txt, "" when not found.
std::string SourceDirFromCMakeCache() {
  std::ifstream cache(ExeDir() + "/../CMakeCache.txt");
  const std::string key = "longtake_SOURCE_DIR:STATIC=";
  for (std::string line; std::getline(cache, line);) {
    if (absl::StartsWith(line, key)) return line.substr(key.size());
  }
  return "";
}

}  // namespace

std::string BinaryPath(const std::string& name) {
  const char* dir = std::getenv("LONGTAKE_BIN_DIR");
  return absl::StrCat(dir != nullptr && *dir != '\0' ? dir : ExeDir(), "/",
                      name);
}

std::string SourcePath(const std::string& relative) {
  const char* env = std::getenv("LONGTAKE_SOURCE_DIR");
  std::string dir =
      env != nullptr && *env != '\0' ? env : SourceDirFromCMakeCache();
  return absl::StrCat(dir.empty() ? "." : dir, "/", relative);
}

}  // namespace longtake::testing
