#include "tests/support/postgres_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <pqxx/pqxx>
#include <sstream>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace longtake::testing {
namespace {

namespace fs = std::filesystem;

std::string TailOf(const std::string& path, size_t bytes = 2000) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  return text.size() > bytes ? text.substr(text.size() - bytes) : text;
}

// Runs argv (PATH lookup) with stdout/stderr appended to `log`, in /tmp.
// Returns the exit code (-N for signal N).
absl::StatusOr<int> Run(const std::vector<std::string>& argv,
                        const std::string& log) {
  std::vector<char*> args;
  for (const std::string& a : argv)
    args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = fork();
  if (pid < 0)
    return absl::InternalError(absl::StrCat("fork: ", std::strerror(errno)));
  if (pid == 0) {
    int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd >= 0) {
      dup2(fd, 1);
      dup2(fd, 2);
      close(fd);
    }
    int devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0) dup2(devnull, 0);
    if (chdir("/tmp") != 0) _exit(126);
    execvp(args[0], args.data());
    _exit(127);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR)
      return absl::InternalError(
          absl::StrCat("waitpid: ", std::strerror(errno)));
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return -WTERMSIG(status);
}

// initdb and postgres refuse to run as root: run them as `postgres` then.
std::vector<std::string> AsServerUser(std::vector<std::string> argv) {
  if (geteuid() != 0) return argv;
  std::vector<std::string> out = {"runuser", "-u", "postgres", "--"};
  out.insert(out.end(), argv.begin(), argv.end());
  return out;
}

absl::Status GiveToServerUser(const std::string& path) {
  if (geteuid() != 0) return absl::OkStatus();
  struct passwd* pw = getpwnam("postgres");
  if (pw == nullptr) {
    return absl::FailedPreconditionError(
        "running as root but there is no `postgres` user to run the test "
        "PostgreSQL server; "
        "install postgresql (scripts/setup.sh --test)");
  }
  if (chown(path.c_str(), pw->pw_uid, pw->pw_gid) != 0) {
    return absl::InternalError(
        absl::StrCat("chown ", path, ": ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> FindBinDir() {
  if (const char* env = std::getenv("LONGTAKE_PG_BIN");
      env != nullptr && *env != '\0') {
    if (access((std::string(env) + "/pg_ctl").c_str(), X_OK) != 0) {
      return absl::FailedPreconditionError(
          absl::StrCat("LONGTAKE_PG_BIN=", env, " has no executable pg_ctl"));
    }
    return std::string(env);
  }
  for (int version = 20; version >= 10; --version) {
    std::string dir = absl::StrCat("/usr/lib/postgresql/", version, "/bin");
    if (access((dir + "/pg_ctl").c_str(), X_OK) == 0 &&
        access((dir + "/initdb").c_str(), X_OK) == 0) {
      return dir;
    }
  }
  return absl::FailedPreconditionError(
      "PostgreSQL server binaries (initdb, pg_ctl) not found under "
      "/usr/lib/postgresql/*/bin "
      "nor in $LONGTAKE_PG_BIN: the PostgreSQL store tests need them; install "
      "postgresql "
      "(scripts/setup.sh --test, or apt-get install postgresql)");
}

absl::StatusOr<int> FreeLoopbackPort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0)
    return absl::InternalError(absl::StrCat("socket: ", std::strerror(errno)));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    close(fd);
    return absl::InternalError(
        absl::StrCat("bind 127.0.0.1:0: ", std::strerror(errno)));
  }
  close(fd);
  return static_cast<int>(ntohs(addr.sin_port));
}

absl::StatusOr<std::string> MakeTempDir(const std::string& prefix) {
  std::string pattern = prefix + "XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) {
    return absl::InternalError(
        absl::StrCat("mkdtemp ", pattern, ": ", std::strerror(errno)));
  }
  if (absl::Status s = GiveToServerUser(pattern); !s.ok()) {
    fs::remove_all(pattern);
    return s;
  }
  return pattern;
}

// A freshly initdb'd cluster, made once per machine and binary dir; returns
// the path of its data directory. Built aside and renamed into place, so a
// half-made template is never seen.
absl::StatusOr<std::string> TemplateCluster(const std::string& bin_dir) {
  std::string key = absl::StrCat(std::hash<std::string>()(bin_dir) % 1000000);
  std::string dir =
      absl::StrCat("/tmp/longtake-pg-template-", key, "-", geteuid());
  std::string data = dir + "/data";
  if (access((data + "/PG_VERSION").c_str(), R_OK) == 0) return data;

  absl::StatusOr<std::string> tmp = MakeTempDir(dir + ".tmp-");
  if (!tmp.ok()) return tmp.status();
  std::string log = *tmp + "/initdb.log";
  absl::StatusOr<int> rc = Run(
      AsServerUser({bin_dir + "/initdb", "-D", *tmp + "/data", "-A", "trust",
                    "-U", "postgres", "-E", "UTF8", "--locale=C", "--no-sync"}),
      log);
  if (!rc.ok() || *rc != 0) {
    std::string tail = TailOf(log);
    fs::remove_all(*tmp);
    if (!rc.ok()) return rc.status();
    return absl::InternalError(
        absl::StrCat("initdb failed (exit ", *rc, "): ", tail));
  }
  fs::remove(log);
  if (rename(tmp->c_str(), dir.c_str()) != 0) {
    fs::remove_all(*tmp);  // another process won the race: use its template
  }
  if (access((data + "/PG_VERSION").c_str(), R_OK) != 0) {
    return absl::InternalError(
        absl::StrCat("no usable template cluster at ", dir));
  }
  return data;
}

}  // namespace

absl::StatusOr<std::unique_ptr<TestPostgres>> TestPostgres::Start() {
  absl::Time begin = absl::Now();
  std::unique_ptr<TestPostgres> pg(new TestPostgres());
  absl::StatusOr<std::string> bin = FindBinDir();
  if (!bin.ok()) return bin.status();
  pg->bin_dir_ = *bin;
  absl::StatusOr<std::string> templ = TemplateCluster(pg->bin_dir_);
  if (!templ.ok()) return templ.status();
  absl::StatusOr<std::string> dir = MakeTempDir("/tmp/longtake-pg-");
  if (!dir.ok()) return dir.status();
  pg->dir_ = *dir;
  pg->log_path_ = pg->dir_ + "/server.log";
  std::string commands_log = pg->dir_ + "/commands.log";
  std::string data = pg->dir_ + "/data";
  // cp -a keeps the owner and the 0700 mode the server insists on.
  absl::StatusOr<int> rc = Run({"cp", "-a", *templ, data}, commands_log);
  if (!rc.ok()) return rc.status();
  if (*rc != 0) {
    return absl::InternalError(absl::StrCat("copying the template cluster ",
                                            *templ,
                                            " failed: ", TailOf(commands_log)));
  }
  std::string last_error;
  for (int attempt = 0; attempt < 3; ++attempt) {
    absl::StatusOr<int> port = FreeLoopbackPort();
    if (!port.ok()) return port.status();
    std::string options =
        absl::StrCat("-p ", *port, " -c listen_addresses=127.0.0.1 -k ",
                     pg->dir_, " -c fsync=off");
    rc = Run(AsServerUser({pg->bin_dir_ + "/pg_ctl", "-w", "-t", "60", "-D",
                           data, "-l", pg->log_path_, "-o", options, "start"}),
             commands_log);
    if (!rc.ok()) return rc.status();
    if (*rc == 0) {
      pg->port_ = *port;
      pg->started_ = true;
      pg->startup_time_ = absl::Now() - begin;
      return pg;
    }
    // Most likely the port was taken between probing and binding: retry.
    last_error = absl::StrCat("pg_ctl start exit ", *rc,
                              "; server log: ", TailOf(pg->log_path_),
                              "; pg_ctl: ", TailOf(commands_log, 500));
  }
  return absl::InternalError(
      absl::StrCat("could not start the test PostgreSQL server: ", last_error));
}

TestPostgres::~TestPostgres() {
  if (started_) {
    (void)Run(AsServerUser({bin_dir_ + "/pg_ctl", "-D", dir_ + "/data", "-m",
                            "immediate", "-w", "stop"}),
              dir_ + "/commands.log");
  }
  if (!dir_.empty()) {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
}

std::string TestPostgres::Url(const std::string& database) const {
  return absl::StrCat("postgres://postgres@127.0.0.1:", port_, "/", database);
}

absl::StatusOr<std::string> TestPostgres::CreateDatabase() {
  std::string name = absl::StrCat("t_", ++next_database_);
  try {
    pqxx::connection conn(Url("postgres"));
    pqxx::nontransaction tx(conn);
    // The name is ours (t_<n>), not user input.
    tx.exec("CREATE DATABASE " + name);
  } catch (const std::exception& e) {
    return absl::InternalError(
        absl::StrCat("CREATE DATABASE ", name, ": ", e.what()));
  }
  return Url(name);
}

namespace {

// Stops the server at exit, but only in the process that started it (a
// forked test child that exits must not take the parent's server along).
struct SharedServer {
  pid_t owner = getpid();
  absl::StatusOr<std::unique_ptr<TestPostgres>> server = TestPostgres::Start();
  ~SharedServer() {
    if (getpid() != owner && server.ok()) (void)server->release();
  }
};

}  // namespace

absl::StatusOr<TestPostgres*> SharedTestPostgres() {
  static SharedServer shared;
  if (!shared.server.ok()) return shared.server.status();
  return shared.server->get();
}

absl::StatusOr<std::string> FreshPostgresDatabaseUrl() {
  absl::StatusOr<TestPostgres*> server = SharedTestPostgres();
  if (!server.ok()) return server.status();
  return (*server)->CreateDatabase();
}

}  // namespace longtake::testing
