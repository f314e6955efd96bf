// ServerFlags and the flag groups both servers and the CLI share: the limit
// flags checked by Parse, the token and TLS groups, seed loading, and
// ChannelTlsFlags.

#include "common/config/server_flags.h"

#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "common/config/channel_tls_flags.h"
#include "common/config/limit_flags.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/server_process.h"
#include "tests/support/status_matchers.h"

namespace longtake {
namespace {

using ::longtake::testing::ScopedTempDir;

// A server's flags as a main registers them: the shared ones, then the
// limit flags (last, as --help lists them).
struct ServerSetup {
  explicit ServerSetup(const ConnectionLimits& limit_defaults = {})
      : limits(&flags, limit_defaults) {}

  FlagSet flags{"prog", "test"};
  ServerFlags server{&flags,
                     {.listen = "127.0.0.1:1",
                      .store = "sqlite::memory:",
                      .store_what = "test",
                      .seed_file = "no-such-seed-file.json",
                      .seed_help = "seed",
                      .secret_help = "secret"}};
  LimitFlags limits;

  std::optional<int> Parse(std::vector<std::string> args) {
    std::vector<const char*> argv = {"prog"};
    for (const std::string& a : args) argv.push_back(a.c_str());
    return server.Parse(static_cast<int>(argv.size()), argv.data(), limits);
  }
};

TEST(ServerFlagsTest, ParseChecksTheLimitFlags) {
  EXPECT_EQ(ServerSetup().Parse({}), std::nullopt);
  EXPECT_EQ(ServerSetup().Parse({"--user-write-rate=-1"}), 2);
  EXPECT_EQ(ServerSetup().Parse({"--keepalive-time=1ms"}), 2);
  EXPECT_EQ(ServerSetup().Parse({"--user-write-rate=0"}), std::nullopt);
}

TEST(ServerFlagsTest, LimitDefaultsAreTheConnectionLimitsOwn) {
  ServerSetup setup;
  ASSERT_EQ(setup.Parse({}), std::nullopt);
  const ConnectionLimits defaults;
  const ConnectionLimits limits = setup.limits.connection_limits();
  EXPECT_EQ(limits.max_request_bytes, defaults.max_request_bytes);
  EXPECT_EQ(limits.memory_quota_bytes, defaults.memory_quota_bytes);
  EXPECT_EQ(limits.max_connection_idle, defaults.max_connection_idle);
  EXPECT_EQ(limits.max_connection_age, defaults.max_connection_age);
  EXPECT_EQ(limits.keepalive_time, defaults.keepalive_time);
}

TEST(ServerFlagsTest, AServiceGivesItsOwnLimitDefaults) {
  ServerSetup setup({.max_request_bytes = 256 * 1024});
  ASSERT_EQ(setup.Parse({}), std::nullopt);
  const ConnectionLimits limits = setup.limits.connection_limits();
  EXPECT_EQ(limits.max_request_bytes, 256 * 1024);
  EXPECT_EQ(limits.stream_window_bytes, ConnectionLimits{}.stream_window_bytes);
}

TEST(ServerFlagsTest, TheStreamWindowIsSetAndRangeChecked) {
  ServerSetup setup;
  ASSERT_EQ(setup.Parse({"--stream-window-bytes=16384"}), std::nullopt);
  EXPECT_EQ(setup.limits.connection_limits().stream_window_bytes, 16384);

  ServerSetup tiny;
  EXPECT_EQ(tiny.Parse({"--stream-window-bytes=512"}), 2);
  absl::Status s = tiny.limits.Check();
  EXPECT_THAT(s, testing::StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(std::string(s.message()),
              ::testing::HasSubstr("--stream-window-bytes"));
}

TEST(ServerFlagsTest, TokenAndTlsGroupsReadTheirFlags) {
  ServerSetup setup;
  ASSERT_EQ(
      setup.Parse({"--token-secret=s", "--token-issuer=i", "--token-audience=a",
                   "--token-clock-skew=5s", "--tls-cert=c", "--tls-key=k",
                   "--tls-client-ca=ca", "--tls-refresh-interval=7s"}),
      std::nullopt);
  EXPECT_EQ(*setup.server.token.secret, "s");
  EXPECT_EQ(*setup.server.token.issuer, "i");
  EXPECT_EQ(*setup.server.token.audience, "a");
  EXPECT_EQ(*setup.server.token.clock_skew, absl::Seconds(5));
  EXPECT_EQ(*setup.server.tls.cert, "c");
  EXPECT_EQ(*setup.server.tls.key, "k");
  EXPECT_EQ(*setup.server.tls.client_ca, "ca");
  EXPECT_EQ(*setup.server.tls.refresh_interval, absl::Seconds(7));
}

TEST(ServerFlagsTest, TokenAndTlsGroupsAreChecked) {
  EXPECT_EQ(ServerSetup().Parse({"--tls-key=k"}), 2);
  EXPECT_EQ(ServerSetup().Parse({"--tls-client-ca=ca"}), 2);
  EXPECT_EQ(ServerSetup().Parse({"--tls-refresh-interval=0s"}), 2);
  EXPECT_EQ(ServerSetup().Parse({"--token-clock-skew=-1s"}), 2);
  EXPECT_EQ(ServerSetup().Parse({"--token-audience="}), 2);
}

// A domain model as LoadSeedIfEmpty sees it: records the path it loads.
struct FakeModel {
  absl::Status LoadSeedIfEmpty(const std::string& path) {
    loaded.push_back(path);
    return result;
  }
  absl::Status result = absl::OkStatus();
  std::vector<std::string> loaded;
};

TEST(ServerFlagsTest, LoadSeedIfEmptyLoadsOnlyASeedFile) {
  ServerSetup none;
  ASSERT_EQ(none.Parse({}), std::nullopt);
  ASSERT_EQ(none.server.seed_path(), "");
  FakeModel model;
  EXPECT_EQ(none.server.LoadSeedIfEmpty(model), std::nullopt);
  EXPECT_THAT(model.loaded, ::testing::IsEmpty());

  ScopedTempDir dir;
  const std::string seed = dir.path() + "/seed.json";
  std::ofstream(seed) << "{}";
  ServerSetup given;
  ASSERT_EQ(given.Parse({"--seed=" + seed}), std::nullopt);
  EXPECT_EQ(given.server.LoadSeedIfEmpty(model), std::nullopt);
  EXPECT_THAT(model.loaded, ::testing::ElementsAre(seed));

  model.result = absl::InvalidArgumentError("bad seed");
  EXPECT_EQ(given.server.LoadSeedIfEmpty(model), 1);
}

TEST(ChannelTlsFlagsTest, EnabledWhenAskedForOrImpliedByAFile) {
  auto enabled = [](std::vector<std::string> args) {
    FlagSet flags("prog", "test");
    ChannelTlsFlags tls{.tls = flags.AddBool("tls", "", false, "tls"),
                        .ca = flags.AddString("ca", "", "", "ca"),
                        .cert = flags.AddString("cert", "", "", "cert"),
                        .key = flags.AddString("key", "", "", "key")};
    std::vector<const char*> argv = {"prog"};
    for (const std::string& a : args) argv.push_back(a.c_str());
    EXPECT_OK(flags.Parse(static_cast<int>(argv.size()), argv.data()));
    return tls.enabled();
  };
  EXPECT_FALSE(enabled({}));
  EXPECT_TRUE(enabled({"--tls"}));
  EXPECT_TRUE(enabled({"--ca=ca.pem"}));
  EXPECT_TRUE(enabled({"--cert=c.pem"}));
  EXPECT_TRUE(enabled({"--key=k.pem"}));
}

}  // namespace
}  // namespace longtake
