// CatalogFilmDirectory against an in-process fake catalogue: answers, error
// mapping, the deadline, fail-fast while down, and reconnection on the same
// port without a new directory.

#include "watchlist_service/grpc/catalog_film_directory.h"

#include <atomic>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/grpc/status_adapter.h"
#include "common/status/errors.h"
#include "gmock/gmock.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server.h"
#include "grpcpp/server_builder.h"
#include "gtest/gtest.h"
#include "longtake/catalog/v1/catalog_service.grpc.pb.h"
#include "tests/support/status_matchers.h"

namespace longtake::watchlist {
namespace {

namespace catalogv1 = ::longtake::catalog::v1;
using ::longtake::testing::StatusIs;
using ::testing::HasSubstr;

class FakeCatalog final : public catalogv1::CatalogService::CallbackService {
 public:
  FakeCatalog() {
    films_["films/i-am-cuba"] = {"I Am Cuba", 1964};
    films_["films/the-cranes-are-flying"] = {"The Cranes Are Flying", 1957};
  }

  grpc::ServerUnaryReactor* BatchGetFilms(
      grpc::CallbackServerContext* ctx,
      const catalogv1::BatchGetFilmsRequest* request,
      catalogv1::BatchGetFilmsResponse* response) override {
    calls_.fetch_add(1);
    auto* reactor = ctx->DefaultReactor();
    // A test-only stall: simulates a catalogue slower than the deadline.
    if (delay_ms_.load() > 0)
      absl::SleepFor(absl::Milliseconds(delay_ms_.load()));
    for (const std::string& name : request->names()) {
      auto it = films_.find(name);
      if (it == films_.end()) {
        reactor->Finish(ToGrpcStatus(NotFound(name), "catalog.longtake.dev"));
        return reactor;
      }
      catalogv1::Film* film = response->add_films();
      film->set_name(name);
      film->set_title(it->second.first);
      film->set_year(it->second.second);
    }
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }

  std::atomic<int> calls_{0};
  std::atomic<int> delay_ms_{0};

 private:
  std::map<std::string, std::pair<std::string, int>> films_;
};

struct RunningFake {
  std::unique_ptr<FakeCatalog> service = std::make_unique<FakeCatalog>();
  std::unique_ptr<grpc::Server> server;
  int port = 0;
};

// Port 0 picks a free port; a given port is reused (after a shutdown).
std::unique_ptr<RunningFake> StartFake(int port = 0) {
  auto fake = std::make_unique<RunningFake>();
  grpc::ServerBuilder builder;
  builder.AddListeningPort(absl::StrCat("127.0.0.1:", port),
                           grpc::InsecureServerCredentials(), &fake->port);
  builder.RegisterService(fake->service.get());
  fake->server = builder.BuildAndStart();
  if (fake->server == nullptr || fake->port == 0) return nullptr;
  return fake;
}

void StopFake(RunningFake& fake) {
  fake.server->Shutdown(std::chrono::system_clock::now());
  fake.server->Wait();
}

TEST(CatalogFilmDirectoryTest, ReturnsTitlesAndYearsInOrderAsked) {
  auto fake = StartFake();
  ASSERT_NE(fake, nullptr);
  CatalogFilmDirectory directory(absl::StrCat("127.0.0.1:", fake->port),
                                 absl::Seconds(5));
  auto films = directory.BatchGetFilms(
      {"films/the-cranes-are-flying", "films/i-am-cuba"});
  ASSERT_OK(films);
  ASSERT_EQ(films->size(), 2u);
  EXPECT_EQ((*films)[0].name, "films/the-cranes-are-flying");
  EXPECT_EQ((*films)[0].summary.title, "The Cranes Are Flying");
  EXPECT_EQ((*films)[0].summary.year, 1957);
  EXPECT_EQ((*films)[1].summary.title, "I Am Cuba");
  EXPECT_EQ((*films)[1].summary.year, 1964);
  EXPECT_EQ(fake->service->calls_.load(), 1);

  auto one = directory.GetFilm("films/i-am-cuba");
  ASSERT_OK(one);
  EXPECT_EQ(one->summary.title, "I Am Cuba");
  StopFake(*fake);
}

TEST(CatalogFilmDirectoryTest, MissingFilmIsNotFoundNamingIt) {
  auto fake = StartFake();
  ASSERT_NE(fake, nullptr);
  CatalogFilmDirectory directory(absl::StrCat("127.0.0.1:", fake->port),
                                 absl::Seconds(5));
  auto films =
      directory.BatchGetFilms({"films/i-am-cuba", "films/no-such-film"});
  ASSERT_FALSE(films.ok());
  EXPECT_THAT(films, StatusIs(absl::StatusCode::kNotFound));
  EXPECT_EQ(ErrorResource(films.status()), "films/no-such-film");
  EXPECT_THAT(std::string(films.status().message()),
              HasSubstr("films/no-such-film"));
  StopFake(*fake);
}

TEST(CatalogFilmDirectoryTest, SlowCatalogueIsUnavailableWithinTheDeadline) {
  auto fake = StartFake();
  ASSERT_NE(fake, nullptr);
  const std::string address = absl::StrCat("127.0.0.1:", fake->port);
  CatalogFilmDirectory directory(address, absl::Milliseconds(200));
  ASSERT_OK(directory.BatchGetFilms({"films/i-am-cuba"}));  // connected
  fake->service->delay_ms_ = 1500;
  const absl::Time start = absl::Now();
  auto films = directory.BatchGetFilms({"films/i-am-cuba"});
  const absl::Duration took = absl::Now() - start;
  ASSERT_FALSE(films.ok());
  EXPECT_THAT(films, StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_EQ(ErrorReason(films.status()), "CATALOG_UNAVAILABLE");
  EXPECT_THAT(
      std::string(films.status().message()),
      HasSubstr(absl::StrCat("the catalogue at ", address, " is unreachable")));
  EXPECT_LT(took, absl::Milliseconds(1000));
  fake->service->delay_ms_ = 0;
  StopFake(*fake);
}

TEST(CatalogFilmDirectoryTest,
     DownCatalogueFailsFastAndComesBackOnTheSamePort) {
  auto fake = StartFake();
  ASSERT_NE(fake, nullptr);
  const int port = fake->port;
  const std::string address = absl::StrCat("127.0.0.1:", port);
  CatalogFilmDirectory directory(address, absl::Milliseconds(500));
  ASSERT_OK(directory.BatchGetFilms({"films/i-am-cuba"}));

  StopFake(*fake);
  fake.reset();
  const absl::Time start = absl::Now();
  auto down = directory.BatchGetFilms({"films/i-am-cuba"});
  const absl::Duration took = absl::Now() - start;
  ASSERT_FALSE(down.ok());
  EXPECT_THAT(down, StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_THAT(std::string(down.status().message()), HasSubstr(address));
  EXPECT_THAT(std::string(down.status().message()),
              HasSubstr("try again shortly"));
  EXPECT_LT(took, absl::Milliseconds(1000));  // within the deadline, plus slack

  // Back on the same port: the same directory (same channel) recovers.
  auto again = StartFake(port);
  ASSERT_NE(again, nullptr) << "port " << port << " could not be reused";
  absl::StatusOr<std::vector<FilmSummaryWithName>> films =
      absl::UnavailableError("not tried");
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (absl::Now() < deadline) {
    films = directory.BatchGetFilms({"films/i-am-cuba"});
    if (films.ok()) break;
    absl::SleepFor(absl::Milliseconds(50));
  }
  ASSERT_OK(films);
  EXPECT_EQ((*films)[0].summary.title, "I Am Cuba");
  StopFake(*again);
}

TEST(CatalogFilmDirectoryTest, NeverStartedCatalogueIsUnavailable) {
  // A port nobody listens on: start a server to get a free port, then stop it.
  auto fake = StartFake();
  ASSERT_NE(fake, nullptr);
  const int port = fake->port;
  StopFake(*fake);
  CatalogFilmDirectory directory(absl::StrCat("127.0.0.1:", port),
                                 absl::Milliseconds(300));
  auto films = directory.BatchGetFilms({"films/i-am-cuba"});
  ASSERT_FALSE(films.ok());
  EXPECT_THAT(films, StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_EQ(ErrorReason(films.status()), "CATALOG_UNAVAILABLE");
}

TEST(CatalogFilmDirectoryTest, ServiceConfigRetriesUnavailableThreeTimes) {
  const nlohmann::json config =
      nlohmann::json::parse(CatalogFilmDirectory::ServiceConfigJson());
  ASSERT_EQ(config["methodConfig"].size(), 1u);
  const nlohmann::json& method = config["methodConfig"][0];
  EXPECT_EQ(method["name"][0]["service"], "longtake.catalog.v1.CatalogService");
  EXPECT_EQ(method["waitForReady"], false);
  EXPECT_EQ(method["retryPolicy"]["maxAttempts"], 3);
  EXPECT_EQ(method["retryPolicy"]["retryableStatusCodes"],
            nlohmann::json::array({"UNAVAILABLE"}));
  // Short backoffs, so that every attempt fits in the per-call deadline.
  EXPECT_EQ(method["retryPolicy"]["initialBackoff"], "0.020s");
  EXPECT_EQ(method["retryPolicy"]["maxBackoff"], "0.100s");
}

}  // namespace
}  // namespace longtake::watchlist
