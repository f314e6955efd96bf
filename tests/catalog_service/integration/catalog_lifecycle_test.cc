// Process-level behaviour of longtake-catalog: flags, restarts, SIGTERM,
// crashes.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/postgres/database.h"
#include "tests/catalog_service/integration/catalog_test_support.h"
#include "tests/support/postgres_server.h"
#include "tests/support/status_matchers.h"

namespace longtake::catalog::testing {
namespace {

using ::longtake::testing::RunToCompletion;
using ::testing::HasSubstr;

pb::Film CreateFilm(pb::CatalogService::Stub& stub, const std::string& id,
                    const std::string& title) {
  pb::CreateFilmRequest request;
  request.mutable_film()->set_title(title);
  request.mutable_film()->set_year(1960);
  request.set_film_id(id);
  pb::Film film;
  grpc::Status status = stub.CreateFilm(AsCurator().get(), request, &film);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return film;
}

grpc::Status GetFilm(pb::CatalogService::Stub& stub, const std::string& name,
                     pb::Film* film) {
  pb::GetFilmRequest request;
  request.set_name(name);
  return stub.GetFilm(CallContext().get(), request, film);
}

// Creates a film, stops the server (SIGTERM, or kill -9 right after the
// acknowledgement), restarts it on the same store: the film is served as it
// was acknowledged, and the seed is not loaded a second time.
void ExpectCreatedFilmSurvives(bool kill_nine) {
  ScopedTempDir dir;
  pb::Film created;
  {
    CatalogServer server = StartCatalog(CatalogArgs(dir.path()));
    ASSERT_NE(server.process, nullptr);
    created = CreateFilm(*server.stub, "kept-film", "Kept Film");
    ASSERT_EQ(created.name(), "films/kept-film");
    if (kill_nine) {
      EXPECT_EQ(server.process->Kill(), -SIGKILL);
    } else {
      ASSERT_EQ(server.process->Stop(), 0);
    }
  }
  CatalogServer server = StartCatalog(CatalogArgs(dir.path()));
  ASSERT_NE(server.process, nullptr);
  pb::Film fetched;
  grpc::Status status = GetFilm(*server.stub, created.name(), &fetched);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(fetched.title(), "Kept Film");
  EXPECT_EQ(fetched.etag(), created.etag());
  EXPECT_EQ(ListedFilms(*server.stub), 5);
  EXPECT_EQ(server.process->Stop(), 0);
}

TEST(CatalogLifecycleTest, RestartKeepsACreatedFilm) {
  ExpectCreatedFilmSurvives(/*kill_nine=*/false);
}

TEST(CatalogLifecycleTest, KillNineAfterAcknowledgedWriteKeepsIt) {
  ExpectCreatedFilmSurvives(/*kill_nine=*/true);
}

// The server listens before it loads the catalogue: until the load is done
// health says NOT_SERVING and catalogue calls answer UNAVAILABLE
// CATALOG_LOADING. The load is held up for as long as the test needs by a
// lock on the films table of its PostgreSQL store (the store's read waits).
TEST(CatalogLifecycleTest, NotServingUntilTheCatalogueIsLoaded) {
  ASSERT_OK_AND_ASSIGN(std::string url,
                       ::longtake::testing::FreshPostgresDatabaseUrl());
  std::vector<std::string> args = {"--listen=127.0.0.1:0",
                                   absl::StrCat("--store=", url),
                                   absl::StrCat("--seed=", SeedPath()),
                                   "--log-level=info", "--refresh-interval=0"};
  {
    // Migrated and seeded once, so the next start only reads.
    CatalogServer first = StartCatalog(args);
    ASSERT_NE(first.process, nullptr);
    ASSERT_EQ(first.process->Stop(), 0);
  }
  ASSERT_OK_AND_ASSIGN(auto admin, postgres::Database::Open(url));
  auto lock = std::make_unique<pqxx::work>(admin->raw());
  lock->exec("LOCK TABLE films IN ACCESS EXCLUSIVE MODE");

  ASSERT_OK_AND_ASSIGN(
      auto process, ServerProcess::Start(BinaryPath("longtake-catalog"), args,
                                         {}, absl::Seconds(15), "started on "));
  auto channel = grpc::CreateChannel(process->address(),
                                     grpc::InsecureChannelCredentials());
  auto stub = pb::CatalogService::NewStub(channel);
  constexpr int kServing = 1, kNotServing = 2;
  for (const std::string service : {"", kServiceName}) {
    int serving = 0;
    grpc::Status status = HealthCheck(channel.get(), service, &serving);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(serving, kNotServing) << service;
  }
  pb::Film film;
  ExpectError(GetFilm(*stub, "films/the-cranes-are-flying", &film),
              {grpc::StatusCode::UNAVAILABLE, "CATALOG_LOADING", "", ""});
  pb::CreateFilmRequest create;
  create.mutable_film()->set_title("Too Early");
  ExpectError(stub->CreateFilm(AsCurator().get(), create, &film),
              {grpc::StatusCode::UNAVAILABLE, "CATALOG_LOADING", "", ""});
  EXPECT_THAT(process->Stdout(), ::testing::Not(HasSubstr("listening on")));

  lock->abort();  // the load goes on
  const absl::Time deadline = absl::Now() + absl::Seconds(30);
  while (!absl::StrContains(process->Stdout(), "listening on") &&
         absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(20));
  }
  int serving = 0;
  ASSERT_TRUE(HealthCheck(channel.get(), kServiceName, &serving).ok());
  EXPECT_EQ(serving, kServing);
  grpc::Status status = GetFilm(*stub, "films/the-cranes-are-flying", &film);
  EXPECT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(process->Stop(), 0);
  // The log gives each phase's time.
  EXPECT_THAT(process->StderrTail(100000),
              HasSubstr("catalogue serving: films=4 listen_ms="));
}

TEST(CatalogLifecycleTest, SigtermExitsZeroQuickly) {
  ScopedTempDir dir;
  std::vector<std::string> args = CatalogArgs(dir.path());
  args.push_back("--log-level=info");  // the shutdown steps, if it is slow
  CatalogServer server = StartCatalog(args);
  ASSERT_NE(server.process, nullptr);
  ASSERT_GT(ListedFilms(*server.stub), 0);
  absl::Time start = absl::Now();
  ASSERT_EQ(kill(server.process->pid(), SIGTERM), 0);
  int code = server.process->WaitForExit(absl::Seconds(10));
  absl::Duration took = absl::Now() - start;
  EXPECT_EQ(code, 0) << server.process->StderrTail();
  EXPECT_LT(took, absl::Seconds(2)) << server.process->StderrTail();
}

TEST(CatalogLifecycleTest, HelpListsEveryFlagWithItsVariable) {
  auto run = RunToCompletion(BinaryPath("longtake-catalog"), {"--help"});
  ASSERT_TRUE(run.ok()) << run.status();
  EXPECT_EQ(run->exit_code, 0) << run->err;
  for (const char* text :
       {"--listen", "LONGTAKE_LISTEN", "--store", "LONGTAKE_STORE", "--seed",
        "LONGTAKE_SEED", "--token-secret", "LONGTAKE_TOKEN_SECRET",
        "--log-level", "LONGTAKE_LOG_LEVEL", "--log-calls",
        "LONGTAKE_LOG_CALLS", "--shutdown-grace", "LONGTAKE_SHUTDOWN_GRACE",
        "--metrics-listen", "LONGTAKE_METRICS_LISTEN"}) {
    EXPECT_THAT(run->out, HasSubstr(text));
  }
}

TEST(CatalogLifecycleTest, BadFlagsExitTwoNamingTheFlag) {
  struct Case {
    std::vector<std::string> args;
    std::string mention;
  };
  for (const Case& c : std::vector<Case>{
           {{"--no-such-flag=1"}, "--no-such-flag"},
           {{"--shutdown-grace=soon"}, "--shutdown-grace"},
           {{"--log-level=chatty"}, "--log-level"},
           {{"--log-calls=maybe"}, "--log-calls"},
           {{"--store=ftp://x"}, "--store"},
           {{"--metrics-listen=9464"}, "--metrics-listen"},
       }) {
    auto run = RunToCompletion(BinaryPath("longtake-catalog"), c.args);
    ASSERT_TRUE(run.ok()) << run.status();
    EXPECT_EQ(run->exit_code, 2) << c.mention << ": " << run->err;
    EXPECT_THAT(run->err, HasSubstr(c.mention));
  }
  // Bad values from the environment name the variable.
  auto run = RunToCompletion(BinaryPath("longtake-catalog"), {},
                             {{"LONGTAKE_SHUTDOWN_GRACE", "later"}});
  ASSERT_TRUE(run.ok()) << run.status();
  EXPECT_EQ(run->exit_code, 2);
  EXPECT_THAT(run->err, HasSubstr("LONGTAKE_SHUTDOWN_GRACE"));
}

TEST(CatalogLifecycleTest, MissingExplicitSeedIsAStartupError) {
  ScopedTempDir dir;
  std::string missing = dir.path() + "/no-such-seed.json";
  auto run = RunToCompletion(
      BinaryPath("longtake-catalog"),
      {"--listen=127.0.0.1:0", "--store=sqlite:///" + dir.path() + "/c.db",
       "--seed=" + missing});
  ASSERT_TRUE(run.ok()) << run.status();
  EXPECT_EQ(run->exit_code, 1);
  EXPECT_THAT(run->err, HasSubstr(missing));
}

TEST(CatalogLifecycleTest, BusyMetricsPortIsAStartupError) {
  ScopedTempDir dir;
  // Another process holds the port.
  int holder = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(holder, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  ASSERT_EQ(listen(holder, 1), 0);
  socklen_t len = sizeof(addr);
  getsockname(holder, reinterpret_cast<sockaddr*>(&addr), &len);
  auto run = RunToCompletion(
      BinaryPath("longtake-catalog"),
      {"--listen=127.0.0.1:0", "--store=sqlite:///" + dir.path() + "/c.db",
       absl::StrCat("--metrics-listen=127.0.0.1:", ntohs(addr.sin_port))});
  close(holder);
  ASSERT_TRUE(run.ok()) << run.status();
  EXPECT_EQ(run->exit_code, 1) << run->err;
  EXPECT_THAT(run->err, HasSubstr("--metrics-listen"));
}

TEST(CatalogLifecycleTest, ConfigurationFromEnvironment) {
  ScopedTempDir dir;
  auto process = ServerProcess::Start(
      BinaryPath("longtake-catalog"), {},
      {{"LONGTAKE_LISTEN", "127.0.0.1:0"},
       {"LONGTAKE_STORE", "sqlite:///" + dir.path() + "/env.db"},
       {"LONGTAKE_SEED", SeedPath()},
       {"LONGTAKE_TOKEN_SECRET", kSecret}});
  ASSERT_TRUE(process.ok()) << process.status();
  auto channel = grpc::CreateChannel((*process)->address(),
                                     grpc::InsecureChannelCredentials());
  auto stub = pb::CatalogService::NewStub(channel);
  pb::Film film = CreateFilm(*stub, "from-env", "From Env");
  EXPECT_EQ(film.name(), "films/from-env");
  EXPECT_EQ((*process)->Stop(), 0);
}

}  // namespace
}  // namespace longtake::catalog::testing
