#include "common/tracing/trace_context.h"

#include <optional>
#include <string>

#include "gtest/gtest.h"

namespace longtake {
namespace {

constexpr char kValid[] =
    "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

TEST(TraceContextTest, ParsesTheSpecificationsExample) {
  std::optional<TraceContext> trace = ParseTraceparent(kValid);
  ASSERT_TRUE(trace.has_value());
  EXPECT_EQ(trace->trace_id, "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(trace->parent_id, "00f067aa0ba902b7");
  EXPECT_EQ(trace->flags, 1);
  EXPECT_EQ(FormatTraceparent(*trace), kValid);
}

TEST(TraceContextTest, RejectsMalformedValues) {
  for (const char* bad : {
           "",
           "garbage",
           // upper-case hex
           "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
           // all-zero trace id, all-zero parent id
           "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
           "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
           // version ff is invalid
           "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
           // version 00 has exactly four fields
           "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
           // short ids, wrong separators, non-hex
           "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01",
           "00_4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7_01",
           "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902bz-01",
           "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0g",
           // a later version's extra part must follow a dash
           "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01x",
       }) {
    EXPECT_FALSE(ParseTraceparent(bad).has_value()) << bad;
  }
}

TEST(TraceContextTest, ALaterVersionIsReadByItsFirstFourFields) {
  std::optional<TraceContext> trace = ParseTraceparent(
      "cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-03-what-ever");
  ASSERT_TRUE(trace.has_value());
  EXPECT_EQ(trace->trace_id, "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(trace->flags, 3);
  // Sent on as version 00.
  EXPECT_EQ(FormatTraceparent(*trace),
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-03");
}

TEST(TraceContextTest, NewTracesAndChildrenAreValid) {
  const TraceContext a = NewTrace();
  const TraceContext b = NewTrace();
  EXPECT_NE(a.trace_id, b.trace_id);
  ASSERT_TRUE(ParseTraceparent(FormatTraceparent(a)).has_value());
  const TraceContext child = ChildOf(a);
  EXPECT_EQ(child.trace_id, a.trace_id);
  EXPECT_NE(child.parent_id, a.parent_id);
  EXPECT_EQ(child.flags, a.flags);
  EXPECT_TRUE(ParseTraceparent(FormatTraceparent(child)).has_value());
}

TEST(TraceContextTest, ScopedTraceSetsAndRestoresTheThreadsTrace) {
  EXPECT_EQ(CurrentTrace(), nullptr);
  {
    ScopedTrace outer(ParseTraceparent(kValid));
    ASSERT_NE(CurrentTrace(), nullptr);
    EXPECT_EQ(CurrentTrace()->trace_id, "4bf92f3577b34da6a3ce929d0e0e4736");
    {
      ScopedTrace none(std::nullopt);
      EXPECT_EQ(CurrentTrace(), nullptr);
    }
    ASSERT_NE(CurrentTrace(), nullptr);
    EXPECT_EQ(CurrentTrace()->parent_id, "00f067aa0ba902b7");
  }
  EXPECT_EQ(CurrentTrace(), nullptr);
}

}  // namespace
}  // namespace longtake
