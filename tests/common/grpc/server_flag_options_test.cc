// ServerRunnerOptionsFromFlags: what the shared server flags give the
// runner, and a TLS file error naming its flag.

#include "common/grpc/server_flag_options.h"

#include <optional>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/status_matchers.h"

namespace longtake {
namespace {

using ::longtake::testing::StatusIs;
using ::testing::HasSubstr;

absl::StatusOr<ServerRunnerOptions> OptionsFor(std::vector<std::string> args) {
  FlagSet flags("prog", "test");
  ServerFlags server(&flags, {.listen = "127.0.0.1:1",
                              .store = "sqlite::memory:",
                              .store_what = "test",
                              .seed_file = "no-such-seed-file.json",
                              .seed_help = "seed",
                              .secret_help = "secret"});
  LimitFlags limits(&flags);
  std::vector<const char*> argv = {"prog"};
  for (const std::string& a : args) argv.push_back(a.c_str());
  if (std::optional<int> exit =
          server.Parse(static_cast<int>(argv.size()), argv.data(), limits)) {
    return absl::InvalidArgumentError("the flags did not parse");
  }
  return ServerRunnerOptionsFromFlags(server, limits);
}

TEST(ServerFlagOptionsTest, TheSharedFlagsFillTheRunnerOptions) {
  ASSERT_OK_AND_ASSIGN(
      ServerRunnerOptions options,
      OptionsFor({"--listen=127.0.0.1:7", "--no-log-calls",
                  "--metrics-listen=127.0.0.1:9", "--max-request-bytes=4096",
                  "--keepalive-time=3s"}));
  EXPECT_EQ(options.listen_address, "127.0.0.1:7");
  EXPECT_FALSE(options.log_calls);
  EXPECT_EQ(options.metrics_listen, "127.0.0.1:9");
  EXPECT_EQ(options.connection_limits.max_request_bytes, 4096);
  EXPECT_EQ(options.connection_limits.keepalive_time, absl::Seconds(3));
  // Plaintext without a certificate; the service fills in the rest.
  EXPECT_NE(options.credentials, nullptr);
  EXPECT_TRUE(options.services.empty());
  EXPECT_EQ(options.metrics, nullptr);
}

TEST(ServerFlagOptionsTest, AnUnreadableTlsFileNamesItsFlag) {
  absl::StatusOr<ServerRunnerOptions> options = OptionsFor(
      {"--tls-cert=/nonexistent/server.crt", "--tls-key=/nonexistent/k"});
  EXPECT_THAT(options.status(), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(std::string(options.status().message()), HasSubstr("--tls-cert"));
}

}  // namespace
}  // namespace longtake
