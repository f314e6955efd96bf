#include "common/config/limit_flags.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/status_matchers.h"

namespace longtake {
namespace {

using ::longtake::testing::StatusIs;
using ::testing::HasSubstr;

absl::Status ParseArgs(FlagSet& flags, std::vector<std::string> args) {
  std::vector<const char*> argv = {"prog"};
  for (const std::string& a : args) argv.push_back(a.c_str());
  return flags.Parse(static_cast<int>(argv.size()), argv.data());
}

TEST(LimitFlagsTest, AServiceGivesItsOwnDefaults) {
  FlagSet flags("prog", "test");
  LimitFlags limits(&flags, {.max_request_bytes = 256 * 1024});
  ASSERT_OK(ParseArgs(flags, {}));
  ASSERT_OK(limits.Check());
  const ConnectionLimits connection = limits.connection_limits();
  EXPECT_EQ(connection.max_request_bytes, 256 * 1024);
  EXPECT_EQ(connection.stream_window_bytes,
            ConnectionLimits{}.stream_window_bytes);
}

TEST(LimitFlagsTest, TheStreamWindowIsSetAndRangeChecked) {
  FlagSet flags("prog", "test");
  LimitFlags limits(&flags);
  ASSERT_OK(ParseArgs(flags, {"--stream-window-bytes=16384"}));
  ASSERT_OK(limits.Check());
  EXPECT_EQ(limits.connection_limits().stream_window_bytes, 16384);

  FlagSet tiny_flags("prog", "test");
  LimitFlags tiny(&tiny_flags);
  ASSERT_OK(ParseArgs(tiny_flags, {"--stream-window-bytes=512"}));
  absl::Status s = tiny.Check();
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(std::string(s.message()), HasSubstr("--stream-window-bytes"));
}

}  // namespace
}  // namespace longtake
