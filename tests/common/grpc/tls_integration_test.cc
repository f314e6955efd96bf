// TLS and mTLS end to end: the real servers started with certificates from
// scripts/make_dev_certs.sh (into a temp dir), called through generated
// stubs, `buf curl`, the `longtake` CLI and longtake-healthcheck; the
// watchlist calling the catalogue over mTLS; certificates replaced on disk
// while the catalogue runs.

#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/auth/token.h"
#include "common/grpc/tls_credentials.h"
#include "gmock/gmock.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/support/channel_arguments.h"
#include "gtest/gtest.h"
#include "longtake/catalog/v1/catalog_service.grpc.pb.h"
#include "longtake/watchlist/v1/watchlist_service.grpc.pb.h"
#include "tests/support/call_context.h"
#include "tests/support/running_service.h"
#include "tests/support/seed_films.h"
#include "tests/support/server_process.h"

namespace longtake {
namespace {

namespace catalogv1 = ::longtake::catalog::v1;
namespace wlv1 = ::longtake::watchlist::v1;
namespace seed = ::longtake::testing::seed;
using ::longtake::testing::BinaryPath;
using ::longtake::testing::CallContext;
using ::longtake::testing::RunResult;
using ::longtake::testing::RunToCompletion;
using ::longtake::testing::ScopedTempDir;
using ::longtake::testing::SourcePath;
using ::longtake::testing::StartService;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kSecret[] = "tls-integration-secret";
constexpr char kGetFilm[] = "/longtake.catalog.v1.CatalogService/GetFilm";

// Two independent development CAs, each with a server and a client
// certificate, made once for the whole suite.
class TlsIntegrationTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    certs_ = new ScopedTempDir();
    for (const char* ca : {"a", "b"}) {
      absl::StatusOr<RunResult> made = RunToCompletion(
          "/bin/bash", {SourcePath("scripts/make_dev_certs.sh"),
                        absl::StrCat(certs_->path(), "/", ca), "--ca-name",
                        absl::StrCat("longtake test CA ", ca)});
      ASSERT_TRUE(made.ok()) << made.status();
      ASSERT_EQ(made->exit_code, 0) << made->err;
    }
  }
  static void TearDownTestSuite() {
    delete certs_;
    certs_ = nullptr;
  }

  // A file of CA `ca` ("a" or "b"): "ca.crt", "server.key", ...
  static std::string Cert(const std::string& ca, const std::string& file) {
    return absl::StrCat(certs_->path(), "/", ca, "/", file);
  }

  static std::vector<std::string> ServerTlsArgs(const std::string& ca,
                                                bool mtls) {
    std::vector<std::string> args = {"--tls-cert=" + Cert(ca, "server.crt"),
                                     "--tls-key=" + Cert(ca, "server.key")};
    if (mtls) args.push_back("--tls-client-ca=" + Cert(ca, "ca.crt"));
    return args;
  }

  // A catalogue on the seed, with `extra` flags (TLS).
  static absl::StatusOr<testing::RunningCatalog> StartCatalog(
      const std::vector<std::string>& extra,
      std::shared_ptr<grpc::ChannelCredentials> credentials) {
    std::vector<std::string> args = {
        "--listen=127.0.0.1:0",
        "--store=sqlite::memory:", "--seed=" + testing::CatalogSeedPath(),
        absl::StrCat("--token-secret=", kSecret)};
    args.insert(args.end(), extra.begin(), extra.end());
    return StartService<catalogv1::CatalogService>("longtake-catalog", args, {},
                                                   std::move(credentials));
  }

  // TLS channel credentials trusting CA `ca`, with its client certificate
  // when `client_cert`.
  static std::shared_ptr<grpc::ChannelCredentials> Trusting(
      const std::string& ca, bool client_cert = false) {
    ChannelTls tls{.enabled = true, .ca_file = Cert(ca, "ca.crt")};
    if (client_cert) {
      tls.cert_file = Cert(ca, "client.crt");
      tls.key_file = Cert(ca, "client.key");
    }
    absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> credentials =
        MakeChannelCredentials(tls);
    EXPECT_TRUE(credentials.ok()) << credentials.status();
    return credentials.ok() ? *credentials : nullptr;
  }

  // GetFilm on a fresh channel (a new connection, its own subchannel).
  static grpc::Status GetFilm(
      const std::string& address,
      std::shared_ptr<grpc::ChannelCredentials> credentials) {
    grpc::ChannelArguments args;
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    auto stub = catalogv1::CatalogService::NewStub(
        grpc::CreateCustomChannel(address, credentials, args));
    catalogv1::GetFilmRequest request;
    request.set_name(seed::kCranes);
    catalogv1::Film film;
    grpc::Status status =
        stub->GetFilm(CallContext("", absl::Seconds(5)).get(), request, &film);
    if (status.ok()) {
      EXPECT_EQ(film.name(), seed::kCranes);
    }
    return status;
  }

  // `buf curl` GetFilm against https://ADDRESS with `flags`.
  static RunResult BufCurl(const std::string& url,
                           const std::vector<std::string>& flags) {
    std::vector<std::string> args = {"curl", "--protocol", "grpc"};
    args.insert(args.end(), flags.begin(), flags.end());
    args.insert(
        args.end(),
        {"-d", absl::StrCat(R"({"name":")", seed::kCranes, R"("})"), url});
    absl::StatusOr<RunResult> run =
        RunToCompletion(SourcePath("node_modules/.bin/buf"), args);
    EXPECT_TRUE(run.ok()) << run.status();
    if (run.ok()) return *run;
    RunResult failed;
    failed.exit_code = -1000;
    return failed;
  }

  static ScopedTempDir* certs_;
};

ScopedTempDir* TlsIntegrationTest::certs_ = nullptr;

TEST_F(TlsIntegrationTest, ServesTlsWithTheDevCaAndRefusesPlaintext) {
  auto catalog = StartCatalog(ServerTlsArgs("a", false), Trusting("a"));
  ASSERT_TRUE(catalog.ok()) << catalog.status();
  const std::string address = catalog->process->address();

  catalogv1::GetFilmRequest request;
  request.set_name(seed::kCuba);
  catalogv1::Film film;
  grpc::Status s = catalog->stub->GetFilm(CallContext().get(), request, &film);
  EXPECT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(film.name(), seed::kCuba);

  EXPECT_EQ(GetFilm(address, grpc::InsecureChannelCredentials()).error_code(),
            grpc::StatusCode::UNAVAILABLE);
  // A client that trusts another CA refuses the server's certificate.
  EXPECT_EQ(GetFilm(address, Trusting("b")).error_code(),
            grpc::StatusCode::UNAVAILABLE);
}

TEST_F(TlsIntegrationTest, BufCurlOverTlsWithTheDevCaAndNotInPlaintext) {
  auto catalog = StartCatalog(ServerTlsArgs("a", false), Trusting("a"));
  ASSERT_TRUE(catalog.ok()) << catalog.status();
  const std::string address = catalog->process->address();

  RunResult tls = BufCurl(absl::StrCat("https://", address, kGetFilm),
                          {"--cacert", Cert("a", "ca.crt")});
  EXPECT_EQ(tls.exit_code, 0) << tls.out << tls.err;
  EXPECT_THAT(tls.out, HasSubstr("The Cranes Are Flying"));

  RunResult plaintext = BufCurl(absl::StrCat("http://", address, kGetFilm),
                                {"--http2-prior-knowledge"});
  EXPECT_NE(plaintext.exit_code, 0) << plaintext.out;
  EXPECT_THAT(plaintext.out, Not(HasSubstr("The Cranes Are Flying")));

  RunResult other_ca = BufCurl(absl::StrCat("https://", address, kGetFilm),
                               {"--cacert", Cert("b", "ca.crt")});
  // (buf reports the failed handshake as a reflection failure.)
  EXPECT_NE(other_ca.exit_code, 0) << other_ca.out;
  EXPECT_THAT(other_ca.out, Not(HasSubstr("The Cranes Are Flying")));
}

TEST_F(TlsIntegrationTest, MtlsRefusesClientsWithoutACertificateFromTheCa) {
  auto catalog =
      StartCatalog(ServerTlsArgs("a", true), Trusting("a", /*client=*/true));
  ASSERT_TRUE(catalog.ok()) << catalog.status();
  const std::string address = catalog->process->address();

  EXPECT_TRUE(GetFilm(address, Trusting("a", true)).ok());
  EXPECT_EQ(GetFilm(address, Trusting("a", false)).error_code(),
            grpc::StatusCode::UNAVAILABLE);
  // A client certificate from another CA is refused too.
  absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> foreign =
      MakeChannelCredentials({.enabled = true,
                              .ca_file = Cert("a", "ca.crt"),
                              .cert_file = Cert("b", "client.crt"),
                              .key_file = Cert("b", "client.key")});
  ASSERT_TRUE(foreign.ok()) << foreign.status();
  EXPECT_EQ(GetFilm(address, *foreign).error_code(),
            grpc::StatusCode::UNAVAILABLE);

  const std::string url = absl::StrCat("https://", address, kGetFilm);
  RunResult with_cert =
      BufCurl(url, {"--cacert", Cert("a", "ca.crt"), "--cert",
                    Cert("a", "client.crt"), "--key", Cert("a", "client.key")});
  EXPECT_EQ(with_cert.exit_code, 0) << with_cert.out << with_cert.err;
  RunResult without = BufCurl(url, {"--cacert", Cert("a", "ca.crt")});
  EXPECT_NE(without.exit_code, 0) << without.out;
}

TEST_F(TlsIntegrationTest, WatchlistReachesTheCatalogueOverMtls) {
  auto catalog = StartCatalog(ServerTlsArgs("a", true), Trusting("a", true));
  ASSERT_TRUE(catalog.ok()) << catalog.status();
  auth::TokenMinter signer(kSecret);
  const std::string alice =
      signer.Mint("alice", auth::Role::kUser, absl::Hours(1));

  // Adds a film (the watchlist asks the catalogue whether it exists) to a
  // watchlist started with `catalog_flags`.
  auto add_film = [&](const std::vector<std::string>& catalog_flags) {
    std::vector<std::string> args = {"--listen=127.0.0.1:0",
                                     "--store=sqlite::memory:",
                                     "--seed=" + testing::OffersSeedPath(),
                                     absl::StrCat("--token-secret=", kSecret),
                                     "--catalog=" + catalog->process->address(),
                                     "--catalog-deadline=2s"};
    for (const std::string& a : ServerTlsArgs("a", true)) args.push_back(a);
    args.insert(args.end(), catalog_flags.begin(), catalog_flags.end());
    auto watchlist = StartService<wlv1::WatchlistService>(
        "longtake-watchlist", args, {}, Trusting("a", true));
    EXPECT_TRUE(watchlist.ok()) << watchlist.status();
    if (!watchlist.ok()) return grpc::Status(grpc::StatusCode::INTERNAL, "");
    wlv1::CreateWatchlistItemRequest request;
    request.set_parent("users/alice");
    request.mutable_item()->set_film(seed::kCuba);
    wlv1::WatchlistItem item;
    grpc::Status s = watchlist->stub->CreateWatchlistItem(
        CallContext(alice).get(), request, &item);
    if (s.ok()) {
      EXPECT_EQ(item.film(), seed::kCuba);
    }
    return s;
  };

  grpc::Status mtls = add_film({"--catalog-ca=" + Cert("a", "ca.crt"),
                                "--catalog-cert=" + Cert("a", "client.crt"),
                                "--catalog-key=" + Cert("a", "client.key")});
  EXPECT_TRUE(mtls.ok()) << mtls.error_message();
  // The pod setup: the server certificate (clientAuth too) as the identity.
  grpc::Status own_cert =
      add_film({"--catalog-ca=" + Cert("a", "ca.crt"),
                "--catalog-cert=" + Cert("a", "server.crt"),
                "--catalog-key=" + Cert("a", "server.key")});
  EXPECT_TRUE(own_cert.ok()) << own_cert.error_message();
  // Without a client certificate the catalogue refuses the watchlist.
  grpc::Status no_cert = add_film({"--catalog-ca=" + Cert("a", "ca.crt")});
  EXPECT_EQ(no_cert.error_code(), grpc::StatusCode::UNAVAILABLE)
      << no_cert.error_message();
  grpc::Status plaintext = add_film({});
  EXPECT_EQ(plaintext.error_code(), grpc::StatusCode::UNAVAILABLE);
}

TEST_F(TlsIntegrationTest, ReplacedCertificatesAreServedWithoutARestart) {
  ScopedTempDir live;
  const std::string cert = live.path() + "/tls.crt";
  const std::string key = live.path() + "/tls.key";
  namespace fs = std::filesystem;
  fs::copy_file(Cert("a", "server.crt"), cert);
  fs::copy_file(Cert("a", "server.key"), key);
  auto catalog = StartCatalog(
      {"--tls-cert=" + cert, "--tls-key=" + key, "--tls-refresh-interval=1s"},
      Trusting("a"));
  ASSERT_TRUE(catalog.ok()) << catalog.status();
  const std::string address = catalog->process->address();
  ASSERT_TRUE(GetFilm(address, Trusting("a")).ok());
  ASSERT_EQ(GetFilm(address, Trusting("b")).error_code(),
            grpc::StatusCode::UNAVAILABLE);

  // As a Secret update or a renewal would: new files renamed into place.
  fs::copy_file(Cert("b", "server.crt"), cert + ".new");
  fs::copy_file(Cert("b", "server.key"), key + ".new");
  fs::rename(key + ".new", key);
  fs::rename(cert + ".new", cert);

  const absl::Time start = absl::Now();
  grpc::Status s;
  while (!(s = GetFilm(address, Trusting("b"))).ok() &&
         absl::Now() - start < absl::Seconds(10)) {
    absl::SleepFor(absl::Milliseconds(200));
  }
  EXPECT_TRUE(s.ok()) << "after " << absl::Now() - start << ": "
                      << s.error_message();
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));
  EXPECT_EQ(GetFilm(address, Trusting("a")).error_code(),
            grpc::StatusCode::UNAVAILABLE);
  EXPECT_TRUE(catalog->process->running());
}

TEST_F(TlsIntegrationTest, CliAndHealthCheckCallOverMtls) {
  auto catalog = StartCatalog(ServerTlsArgs("a", true), Trusting("a", true));
  ASSERT_TRUE(catalog.ok()) << catalog.status();
  const std::string address = catalog->process->address();

  const std::vector<std::string> mtls = {"--ca",   Cert("a", "ca.crt"),
                                         "--cert", Cert("a", "client.crt"),
                                         "--key",  Cert("a", "client.key")};
  std::vector<std::string> args = {"--addr", address};
  args.insert(args.end(), mtls.begin(), mtls.end());
  args.insert(args.end(), {"films", "get", "the-cranes-are-flying"});
  absl::StatusOr<RunResult> cli = RunToCompletion(BinaryPath("longtake"), args);
  ASSERT_TRUE(cli.ok()) << cli.status();
  EXPECT_EQ(cli->exit_code, 0) << cli->out << cli->err;
  EXPECT_THAT(cli->out, HasSubstr("The Cranes Are Flying"));

  absl::StatusOr<RunResult> no_cert = RunToCompletion(
      BinaryPath("longtake"), {"--addr", address, "--ca", Cert("a", "ca.crt"),
                               "films", "get", "the-cranes-are-flying"});
  ASSERT_TRUE(no_cert.ok()) << no_cert.status();
  EXPECT_EQ(no_cert->exit_code, 1) << no_cert->out;

  absl::StatusOr<RunResult> bad_path = RunToCompletion(
      BinaryPath("longtake"),
      {"--addr", address, "--ca", "/nonexistent/ca.crt", "films", "list"});
  ASSERT_TRUE(bad_path.ok()) << bad_path.status();
  EXPECT_EQ(bad_path->exit_code, 2);
  EXPECT_THAT(bad_path->err, HasSubstr("--ca"));

  const std::string service = "longtake.catalog.v1.CatalogService";
  absl::StatusOr<RunResult> probe = RunToCompletion(
      BinaryPath("longtake-healthcheck"),
      {address, service, "--ca=" + Cert("a", "ca.crt"),
       "--cert=" + Cert("a", "server.crt"), "--key=" + Cert("a", "server.key"),
       "--server-name=catalog"});
  ASSERT_TRUE(probe.ok()) << probe.status();
  EXPECT_EQ(probe->exit_code, 0) << probe->out << probe->err;
  absl::StatusOr<RunResult> plaintext_probe = RunToCompletion(
      BinaryPath("longtake-healthcheck"), {address, service, "--timeout=1"});
  ASSERT_TRUE(plaintext_probe.ok()) << plaintext_probe.status();
  EXPECT_EQ(plaintext_probe->exit_code, 3);
}

TEST_F(TlsIntegrationTest, BadTlsFlagsAreUsageErrorsNamingTheFlag) {
  struct Case {
    std::vector<std::string> flags;
    std::string message;
  };
  const std::vector<Case> cases = {
      {{"--tls-cert=" + Cert("a", "server.crt")},
       "--tls-cert: needs --tls-key"},
      {{"--tls-client-ca=" + Cert("a", "ca.crt")}, "--tls-client-ca"},
      {{"--tls-cert=/nonexistent.crt", "--tls-key=" + Cert("a", "server.key")},
       "--tls-cert: cannot read \"/nonexistent.crt\""},
      {{"--tls-cert=" + Cert("a", "server.crt"),
        "--tls-key=" + SourcePath("README.md")},
       "--tls-key: \"" + SourcePath("README.md") + "\" is not a PEM file"},
      {{"--tls-cert=" + Cert("a", "server.crt"),
        "--tls-key=" + Cert("a", "server.key"), "--tls-refresh-interval=0s"},
       "--tls-refresh-interval"},
  };
  for (const Case& c : cases) {
    std::vector<std::string> args = {"--listen=127.0.0.1:0",
                                     "--store=sqlite::memory:"};
    args.insert(args.end(), c.flags.begin(), c.flags.end());
    absl::StatusOr<RunResult> run =
        RunToCompletion(BinaryPath("longtake-catalog"), args);
    ASSERT_TRUE(run.ok()) << run.status();
    EXPECT_EQ(run->exit_code, 2) << c.message << ": " << run->err;
    EXPECT_THAT(run->err, HasSubstr(c.message));
  }
}

}  // namespace
}  // namespace longtake
