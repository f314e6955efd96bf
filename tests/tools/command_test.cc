#include "tools/cli/command.h"

#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace longtake::cli {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

std::vector<std::string> Words(std::vector<const char*> args,
                               bool* help = nullptr) {
  args.insert(args.begin(), "longtake");
  bool ignored = false;
  return CommandWords(AllCommands(), static_cast<int>(args.size()), args.data(),
                      help != nullptr ? help : &ignored);
}

TEST(CommandWords, SkipsTheValuesOfFlagsThatTakeOne) {
  EXPECT_THAT(Words({"--addr", "127.0.0.1:1", "films", "get", "x"}),
              ElementsAre("films", "get", "x"));
  EXPECT_THAT(Words({"--watchlist-addr", "h:2", "--token", "t", "watchlist",
                     "list", "--region", "GB"}),
              ElementsAre("watchlist", "list"));
  // A command's own flag (--page-size) and a duration (--timeout).
  EXPECT_THAT(Words({"films", "search", "--page-size", "5", "--timeout", "2s",
                     "cranes"}),
              ElementsAre("films", "search", "cranes"));
}

TEST(CommandWords, BooleansAndEqualsFormsTakeNoNextWord) {
  EXPECT_THAT(Words({"--json", "films", "list", "--all"}),
              ElementsAre("films", "list"));
  EXPECT_THAT(Words({"--addr=h:1", "eras", "list"}),
              ElementsAre("eras", "list"));
  EXPECT_THAT(Words({"token", "--curator", "--user", "ada"}),
              ElementsAre("token"));
}

TEST(CommandWords, HelpAndDoubleDash) {
  bool help = false;
  EXPECT_THAT(Words({"films", "--help"}, &help), ElementsAre("films"));
  EXPECT_TRUE(help);
  EXPECT_THAT(Words({"-h"}, &help), IsEmpty());
  EXPECT_TRUE(help);
  EXPECT_THAT(Words({"watchlist", "note", "--", "--x"}, &help),
              ElementsAre("watchlist", "note"));
  EXPECT_FALSE(help);
}

TEST(CommandTable, PathsAreUniqueAndEveryCommandBinds) {
  std::set<std::string> paths;
  for (const Command& c : AllCommands()) {
    EXPECT_TRUE(paths.insert(absl::StrJoin(c.path, " ")).second)
        << absl::StrJoin(c.path, " ");
    EXPECT_LE(c.min_args, c.max_args) << absl::StrJoin(c.path, " ");
    FlagSet flags("longtake", "");
    EXPECT_TRUE(static_cast<bool>(c.bind(flags))) << absl::StrJoin(c.path, " ");
  }
  EXPECT_EQ(paths.size(), 18u);
  for (const char* path :
       {"films list", "where-to-watch", "import", "token", "call"}) {
    EXPECT_TRUE(paths.count(path)) << path;
  }
}

TEST(ResourceName, SlugsLikeTheCatalogue) {
  EXPECT_EQ(ResourceName("films", "the-cranes-are-flying"),
            "films/the-cranes-are-flying");
  EXPECT_EQ(ResourceName("films", "films/i-am-cuba"), "films/i-am-cuba");
  EXPECT_EQ(ResourceName("films", "The Cranes Are Flying"),
            "films/the-cranes-are-flying");
  EXPECT_EQ(ResourceName("films", "Летят журавли"), "films/letyat-zhuravli");
  EXPECT_EQ(ResourceName("people", "!!!"), "people/!!!");
}

TEST(SplitCommaList, TrimsAndSkipsEmpty) {
  EXPECT_THAT(SplitCommaList(" mubi, ,criterion-channel,"),
              ElementsAre("mubi", "criterion-channel"));
  EXPECT_THAT(SplitCommaList(""), IsEmpty());
}

}  // namespace
}  // namespace longtake::cli
