#include "common/config/flags.h"

#include <cstdlib>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/status_matchers.h"

namespace longtake {
namespace {

using ::longtake::testing::StatusIs;
using ::testing::HasSubstr;

// Parses `args` (without the program name) into `flags`.
absl::Status ParseArgs(FlagSet& flags, std::vector<std::string> args) {
  std::vector<const char*> argv = {"prog"};
  for (const std::string& a : args) argv.push_back(a.c_str());
  return flags.Parse(static_cast<int>(argv.size()), argv.data());
}

// Parsing `args` fails with INVALID_ARGUMENT whose message has every one of
// `parts` (the flag or variable it names, what was expected).
void ExpectParseError(FlagSet& flags, std::vector<std::string> args,
                      const std::vector<std::string>& parts) {
  absl::Status s = ParseArgs(flags, std::move(args));
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument));
  for (const std::string& part : parts) {
    EXPECT_THAT(std::string(s.message()), HasSubstr(part));
  }
}

// Sets an environment variable for one test.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    setenv(name, value, /*overwrite=*/1);
  }
  ~ScopedEnv() { unsetenv(name_); }

 private:
  const char* name_;
};

TEST(FlagSetTest, DefaultsWhenNothingIsGiven) {
  FlagSet flags("prog", "test");
  Flag<std::string> listen =
      flags.AddString("listen", "FLAGS_TEST_LISTEN", "127.0.0.1:1", "addr");
  Flag<int64_t> threads = flags.AddInt("threads", "", 4, "n");
  Flag<bool> verbose = flags.AddBool("verbose", "", false, "v");
  Flag<absl::Duration> grace =
      flags.AddDuration("grace", "", absl::Seconds(5), "g");
  ASSERT_OK(ParseArgs(flags, {}));
  EXPECT_EQ(*listen, "127.0.0.1:1");
  EXPECT_EQ(*threads, 4);
  EXPECT_FALSE(*verbose);
  EXPECT_EQ(*grace, absl::Seconds(5));
  EXPECT_EQ(flags.Get(listen), "127.0.0.1:1");
  EXPECT_EQ(listen->size(), 11u);
  EXPECT_EQ(listen.name(), "listen");
}

TEST(FlagSetTest, FlagBeatsEnvironmentBeatsDefault) {
  ScopedEnv env_listen("FLAGS_TEST_LISTEN", "10.0.0.1:2");
  ScopedEnv env_threads("FLAGS_TEST_THREADS", "8");
  FlagSet flags("prog", "test");
  Flag<std::string> listen =
      flags.AddString("listen", "FLAGS_TEST_LISTEN", "127.0.0.1:1", "addr");
  Flag<int64_t> threads = flags.AddInt("threads", "FLAGS_TEST_THREADS", 4, "n");
  ASSERT_OK(ParseArgs(flags, {"--listen=0.0.0.0:3"}));
  EXPECT_EQ(*listen, "0.0.0.0:3");  // flag over env
  EXPECT_EQ(*threads, 8);           // env over default
}

TEST(FlagSetTest, ValuesWithEqualsOrAsNextArgumentAndDashesOrUnderscores) {
  FlagSet flags("prog", "test");
  Flag<std::string> store = flags.AddString("store_url", "", "", "s");
  Flag<int64_t> page = flags.AddInt("page-size", "", 0, "p");
  ASSERT_OK(ParseArgs(flags, {"--store-url", "sqlite://x", "--page_size=7"}));
  EXPECT_EQ(*store, "sqlite://x");
  EXPECT_EQ(*page, 7);
}

TEST(FlagSetTest, BoolForms) {
  FlagSet flags("prog", "test");
  Flag<bool> a = flags.AddBool("a", "", false, "");
  Flag<bool> b = flags.AddBool("b", "", true, "");
  Flag<bool> c = flags.AddBool("c", "", false, "");
  Flag<bool> d = flags.AddBool("d", "", true, "");
  ASSERT_OK(ParseArgs(flags, {"--a", "--no-b", "--c=true", "--d=false"}));
  EXPECT_TRUE(*a);
  EXPECT_FALSE(*b);
  EXPECT_TRUE(*c);
  EXPECT_FALSE(*d);
}

TEST(FlagSetTest, BoolFromEnvironmentAndBadBool) {
  ScopedEnv env("FLAGS_TEST_CALLS", "false");
  FlagSet flags("prog", "test");
  Flag<bool> calls = flags.AddBool("log_calls", "FLAGS_TEST_CALLS", true, "");
  ASSERT_OK(ParseArgs(flags, {}));
  EXPECT_FALSE(*calls);

  FlagSet bad("prog", "test");
  bad.AddBool("x", "", false, "");
  ExpectParseError(bad, {"--x=maybe"}, {"true or false"});
}

TEST(FlagSetTest, Durations) {
  FlagSet flags("prog", "test");
  Flag<absl::Duration> t =
      flags.AddDuration("timeout", "", absl::Seconds(1), "");
  ASSERT_OK(ParseArgs(flags, {"--timeout", "1m30s"}));
  EXPECT_EQ(*t, absl::Seconds(90));

  FlagSet bad("prog", "test");
  bad.AddDuration("timeout", "", absl::Seconds(1), "");
  ExpectParseError(bad, {"--timeout=soon"}, {"--timeout"});
}

TEST(FlagSetTest, StringListTakesEveryOccurrenceAndReplacesTheEnvironment) {
  FlagSet flags("prog", "test");
  Flag<std::vector<std::string>> map =
      flags.AddStringList("map", "FLAGS_TEST_MAP", "key=field");
  EXPECT_TRUE(flags.TakesValue("map"));
  ScopedEnv env("FLAGS_TEST_MAP", "from=env");
  ASSERT_OK(ParseArgs(flags, {"--map", "a=title", "x", "--map=b=year"}));
  EXPECT_THAT(*map, ::testing::ElementsAre("a=title", "b=year"));
  EXPECT_THAT(flags.positional(), ::testing::ElementsAre("x"));

  FlagSet from_env("prog", "test");
  Flag<std::vector<std::string>> env_map =
      from_env.AddStringList("map", "FLAGS_TEST_MAP", "key=field");
  ASSERT_OK(ParseArgs(from_env, {}));
  EXPECT_THAT(*env_map, ::testing::ElementsAre("from=env"));
}

TEST(FlagSetTest, BadIntegerNamesTheSource) {
  ScopedEnv env("FLAGS_TEST_THREADS", "many");
  FlagSet flags("prog", "test");
  flags.AddInt("threads", "FLAGS_TEST_THREADS", 4, "");
  ExpectParseError(flags, {}, {"FLAGS_TEST_THREADS", "an integer"});
}

TEST(FlagSetTest, UnknownFlagIsAnErrorNamingIt) {
  FlagSet flags("prog", "test");
  flags.AddString("listen", "", "", "");
  ExpectParseError(flags, {"--lisen=x"}, {"--lisen", "unknown flag"});
}

TEST(FlagSetTest, MissingValueIsAnError) {
  FlagSet flags("prog", "test");
  flags.AddString("listen", "", "", "");
  ExpectParseError(flags, {"--listen"}, {"needs a value"});
}

TEST(FlagSetTest, PositionalArgumentsHelpAndDoubleDash) {
  FlagSet flags("prog", "test");
  Flag<bool> json = flags.AddBool("json", "", false, "");
  ASSERT_OK(ParseArgs(flags, {"films", "--json", "get", "--", "--not-a-flag"}));
  EXPECT_TRUE(*json);
  EXPECT_THAT(flags.positional(),
              ::testing::ElementsAre("films", "get", "--not-a-flag"));
  EXPECT_FALSE(flags.help_requested());

  FlagSet help("prog", "test");
  ASSERT_OK(ParseArgs(help, {"-h"}));
  EXPECT_TRUE(help.help_requested());
}

TEST(FlagSetTest, TakesValueAsksTheRegisteredKind) {
  FlagSet flags("prog", "test");
  flags.AddString("watchlist_addr", "", "", "");
  flags.AddInt("page-size", "", 0, "");
  flags.AddDuration("ttl", "", absl::Hours(1), "");
  flags.AddBool("json", "", false, "");
  EXPECT_TRUE(flags.TakesValue("watchlist-addr"));
  EXPECT_TRUE(flags.TakesValue("page_size"));
  EXPECT_TRUE(flags.TakesValue("ttl"));
  EXPECT_FALSE(flags.TakesValue("json"));
  EXPECT_FALSE(flags.TakesValue("unknown"));
}

TEST(FlagSetTest, UsageListsFlagsWithEnvAndDefault) {
  FlagSet flags("prog", "Does things.");
  flags.AddString("log_level", "PROG_LOG_LEVEL", "info", "how much to log");
  std::string usage = flags.Usage();
  EXPECT_THAT(usage, HasSubstr("Usage: prog [flags]"));
  EXPECT_THAT(usage, HasSubstr("Does things."));
  EXPECT_THAT(usage, HasSubstr("--log-level"));
  EXPECT_THAT(usage, HasSubstr("env PROG_LOG_LEVEL, default \"info\""));
}

TEST(FlagSetTest, RegisteringANameTwiceIsAProgrammingError) {
  FlagSet flags("prog", "test");
  flags.AddString("listen", "", "", "");
  EXPECT_THROW(flags.AddInt("listen", "", 0, ""), std::logic_error);
}

}  // namespace
}  // namespace longtake
