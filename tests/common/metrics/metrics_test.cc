#include "common/metrics/metrics.h"

#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/metrics/store_errors.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace longtake::metrics {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(MetricsTest, RendersCountersWithHelpTypeAndLabels) {
  Registry registry;
  Family<Counter>& calls = registry.AddCounterFamily(
      "longtake_test_calls_total", "Calls answered.", {"method", "code"});
  calls.WithLabels({"GetFilm", "OK"}).Increment();
  calls.WithLabels({"GetFilm", "OK"}).Increment(2);
  calls.WithLabels({"GetFilm", "NOT_FOUND"}).Increment();
  registry.AddCounter("longtake_test_plain_total", "No labels.").Increment(7);

  EXPECT_EQ(registry.Render(),
            "# HELP longtake_test_calls_total Calls answered.\n"
            "# TYPE longtake_test_calls_total counter\n"
            "longtake_test_calls_total{method=\"GetFilm\",code=\"OK\"} 3\n"
            "longtake_test_calls_total{method=\"GetFilm\",code=\"NOT_FOUND\"} "
            "1\n"
            "# HELP longtake_test_plain_total No labels.\n"
            "# TYPE longtake_test_plain_total counter\n"
            "longtake_test_plain_total 7\n");
}

TEST(MetricsTest, GaugesSetAddAndCallbacks) {
  Registry registry;
  Gauge& open = registry.AddGauge("longtake_test_open", "Open now.");
  open.Add(3);
  open.Add(-1);
  double films = 12;
  registry.AddCallbackGauge("longtake_test_films", "Films.",
                            [&films] { return films; });
  films = 1733285622.5;  // read when rendered, with every digit kept
  const std::string text = registry.Render();
  EXPECT_THAT(text, HasSubstr("# TYPE longtake_test_open gauge\n"
                              "longtake_test_open 2\n"));
  EXPECT_THAT(text, HasSubstr("longtake_test_films 1733285622.5\n"));
}

TEST(MetricsTest, HistogramBucketsAreCumulativeAndInclusive) {
  Registry registry;
  Histogram& h = registry.AddHistogram("longtake_test_seconds", "Latency.",
                                       {0.125, 0.5, 1});
  h.Observe(0.0625);  // le=0.125
  h.Observe(0.125);   // le=0.125: a bound is inclusive
  h.Observe(0.25);    // le=0.5
  h.Observe(2);       // only +Inf
  EXPECT_EQ(registry.Render(),
            "# HELP longtake_test_seconds Latency.\n"
            "# TYPE longtake_test_seconds histogram\n"
            "longtake_test_seconds_bucket{le=\"0.125\"} 2\n"
            "longtake_test_seconds_bucket{le=\"0.5\"} 3\n"
            "longtake_test_seconds_bucket{le=\"1\"} 3\n"
            "longtake_test_seconds_bucket{le=\"+Inf\"} 4\n"
            "longtake_test_seconds_sum 2.4375\n"
            "longtake_test_seconds_count 4\n");
}

TEST(MetricsTest, HistogramFamilyPutsLeAfterTheLabels) {
  Registry registry;
  registry
      .AddHistogramFamily("longtake_test_call_seconds", "Latency.", {"code"},
                          {1})
      .WithLabels({"OK"})
      .Observe(0.5);
  const std::string text = registry.Render();
  EXPECT_THAT(text, HasSubstr("longtake_test_call_seconds_bucket{code=\"OK\","
                              "le=\"1\"} 1\n"));
  EXPECT_THAT(text,
              HasSubstr("longtake_test_call_seconds_count{code=\"OK\"} 1\n"));
}

TEST(MetricsTest, EscapesLabelValuesAndHelp) {
  EXPECT_EQ(EscapeLabelValue("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
  EXPECT_EQ(EscapeHelp("line\\one\nline \"two\""),
            "line\\\\one\\nline \"two\"");
  Registry registry;
  registry
      .AddCounterFamily("longtake_test_total", "Back\\slash\nnewline.",
                        {"film"})
      .WithLabels({"Say \"Cheese\"\\\n"})
      .Increment();
  EXPECT_EQ(registry.Render(),
            "# HELP longtake_test_total Back\\\\slash\\nnewline.\n"
            "# TYPE longtake_test_total counter\n"
            "longtake_test_total{film=\"Say \\\"Cheese\\\"\\\\\\n\"} 1\n");
}

TEST(MetricsTest, FormatsSpecialValues) {
  EXPECT_EQ(FormatValue(1.0 / 0.0), "+Inf");
  EXPECT_EQ(FormatValue(-1.0 / 0.0), "-Inf");
  EXPECT_EQ(FormatValue(0.0 / 0.0), "NaN");
  EXPECT_EQ(FormatValue(0.0005), "0.0005");
  EXPECT_EQ(FormatValue(-1), "-1");
  EXPECT_EQ(FormatValue(1e300), "1e+300");
}

TEST(MetricsTest, RejectsBadNamesDuplicatesAndWrongLabelCounts) {
  Registry registry;
  EXPECT_THROW(registry.AddCounter("9starts_with_digit", ""), std::logic_error);
  EXPECT_THROW(registry.AddCounter("has-dash", ""), std::logic_error);
  EXPECT_THROW(registry.AddCounterFamily("longtake_ok_total", "", {"le"}),
               std::logic_error);
  EXPECT_THROW(registry.AddCounterFamily("longtake_ok2_total", "", {"__x"}),
               std::logic_error);
  EXPECT_THROW(registry.AddHistogram("longtake_h", "", {1, 0.5}),
               std::logic_error);
  Family<Counter>& family =
      registry.AddCounterFamily("longtake_x_total", "", {"a", "b"});
  EXPECT_THROW(registry.AddGauge("longtake_x_total", ""), std::logic_error);
  EXPECT_THROW(family.WithLabels({"only one"}), std::logic_error);
  EXPECT_THAT(registry.Render(), Not(HasSubstr("has-dash")));
}

TEST(MetricsTest, ConcurrentRecordingLosesNothing) {
  Registry registry;
  Family<Counter>& calls =
      registry.AddCounterFamily("longtake_test_total", "", {"method"});
  Histogram& h = registry.AddHistogram("longtake_test_seconds", "", {1});
  constexpr int kThreads = 4;
  constexpr int kPerThread = 20000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        // New label sets appear while others record.
        calls.WithLabels({i % 2 == 0 ? "even" : std::to_string(i % 50 + t)})
            .Increment();
        h.Observe(0.5);
      }
    });
  }
  for (std::thread& t : threads) t.join();
  uint64_t total = 0;
  for (const auto* series : calls.AllSeries()) total += series->metric->value();
  EXPECT_EQ(total, uint64_t{kThreads * kPerThread});
  EXPECT_EQ(h.Take().count, uint64_t{kThreads * kPerThread});
  EXPECT_EQ(h.Take().cumulative[0], uint64_t{kThreads * kPerThread});
}

TEST(StoreErrorCounterTest, CountsFailuresNotAnswers) {
  Registry registry;
  StoreErrorCounter errors(registry);
  EXPECT_EQ(errors.Check("Apply", absl::InternalError("disk I/O error")).code(),
            absl::StatusCode::kInternal);
  EXPECT_TRUE(errors.Check("Apply", absl::OkStatus()).ok());
  EXPECT_FALSE(
      errors.Check("Apply", absl::UnavailableError("connection refused")).ok());
  EXPECT_FALSE(
      errors
          .Check("LoadAll", absl::StatusOr<int>(absl::DataLossError("corrupt")))
          .ok());
  // Answers a store gives by design are not failures.
  EXPECT_FALSE(errors.Check("Apply", absl::AlreadyExistsError("films/x")).ok());
  EXPECT_FALSE(
      errors.Check("LoadAll", absl::StatusOr<int>(absl::NotFoundError("none")))
          .ok());
  EXPECT_EQ(*errors.Check("LoadAll", absl::StatusOr<int>(3)), 3);
  const std::string text = registry.Render();
  EXPECT_THAT(
      text, HasSubstr("longtake_store_errors_total{operation=\"Apply\"} 2\n"));
  EXPECT_THAT(
      text,
      HasSubstr("longtake_store_errors_total{operation=\"LoadAll\"} 1\n"));
}

}  // namespace
}  // namespace longtake::metrics
