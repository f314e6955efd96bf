#include "common/metrics/metrics_server.h"

#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/metrics/metrics.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/http_client.h"
#include "tests/support/status_matchers.h"

namespace longtake::metrics {
namespace {

using ::longtake::testing::ConnectLoopback;
using ::longtake::testing::HttpExchange;
using ::longtake::testing::ReadUntilClosed;
using ::testing::HasSubstr;
using ::testing::StartsWith;

class MetricsServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    registry_.AddCounter("longtake_test_total", "A test counter.")
        .Increment(42);
  }
  void Start(MetricsServerOptions options = {}) {
    ASSERT_OK_AND_ASSIGN(
        server_,
        MetricsServer::Start(
            "127.0.0.1:0", [this] { return registry_.Render(); }, options));
    ASSERT_GT(server_->port(), 0);
  }

  Registry registry_;
  std::unique_ptr<MetricsServer> server_;
};

TEST_F(MetricsServerTest, ServesMetricsInTheTextFormat) {
  Start();
  const std::string answer = HttpExchange(
      server_->port(),
      "GET /metrics HTTP/1.1\r\nHost: x\r\nAccept: text/plain\r\n\r\n");
  EXPECT_THAT(answer, StartsWith("HTTP/1.1 200 OK\r\n"));
  EXPECT_THAT(answer, HasSubstr("Content-Type: text/plain; version=0.0.4; "
                                "charset=utf-8\r\n"));
  EXPECT_THAT(answer, HasSubstr("Connection: close\r\n"));
  EXPECT_THAT(answer, HasSubstr("\r\n\r\n# HELP longtake_test_total A test "
                                "counter.\n# TYPE longtake_test_total counter\n"
                                "longtake_test_total 42\n"));
  const std::string body = registry_.Render();
  EXPECT_THAT(answer,
              HasSubstr(absl::StrCat("Content-Length: ", body.size(), "\r\n")));
  // A query string is allowed; HEAD has no body.
  EXPECT_THAT(
      HttpExchange(server_->port(), "GET /metrics?x=1 HTTP/1.0\r\n\r\n"),
      StartsWith("HTTP/1.1 200 OK"));
  const std::string head =
      HttpExchange(server_->port(), "HEAD /metrics HTTP/1.1\r\n\r\n");
  EXPECT_THAT(head, StartsWith("HTTP/1.1 200 OK"));
  EXPECT_EQ(head.find("longtake_test_total"), std::string::npos);
}

TEST_F(MetricsServerTest, AnswersOtherPathsMethodsAndGarbage) {
  Start();
  EXPECT_THAT(HttpExchange(server_->port(), "GET / HTTP/1.1\r\n\r\n"),
              StartsWith("HTTP/1.1 404 Not Found"));
  EXPECT_THAT(HttpExchange(server_->port(), "GET /metricsx HTTP/1.1\r\n\r\n"),
              StartsWith("HTTP/1.1 404 Not Found"));
  const std::string post =
      HttpExchange(server_->port(), "POST /metrics HTTP/1.1\r\n\r\n");
  EXPECT_THAT(post, StartsWith("HTTP/1.1 405 Method Not Allowed"));
  EXPECT_THAT(post, HasSubstr("Allow: GET, HEAD\r\n"));
  EXPECT_THAT(HttpExchange(server_->port(), "\x16\x03\x01 hello\r\n\r\n"),
              StartsWith("HTTP/1.1 400 Bad Request"));
  EXPECT_THAT(HttpExchange(server_->port(), "GET metrics HTTP/1.1\r\n\r\n"),
              StartsWith("HTTP/1.1 400 Bad Request"));
  // Still serving after all that.
  EXPECT_THAT(HttpExchange(server_->port(), "GET /metrics HTTP/1.1\r\n\r\n"),
              StartsWith("HTTP/1.1 200 OK"));
}

TEST_F(MetricsServerTest, RefusesAnOversizedRequestHead) {
  Start();
  const std::string huge = absl::StrCat(
      "GET /metrics HTTP/1.1\r\nX-Big: ", std::string(20000, 'a'), "\r\n\r\n");
  EXPECT_THAT(HttpExchange(server_->port(), huge),
              StartsWith("HTTP/1.1 431 Request Header Fields Too Large"));
}

TEST_F(MetricsServerTest, ASilentClientDoesNotHoldTheServer) {
  MetricsServerOptions options;
  options.connection_deadline = absl::Milliseconds(300);
  Start(options);
  // Connects and never sends a whole request.
  int silent = ConnectLoopback(server_->port());
  ASSERT_GE(silent, 0);
  send(silent, "GET /met", 8, MSG_NOSIGNAL);
  const absl::Time start = absl::Now();
  EXPECT_THAT(HttpExchange(server_->port(), "GET /metrics HTTP/1.1\r\n\r\n"),
              StartsWith("HTTP/1.1 200 OK"));
  EXPECT_LT(absl::Now() - start, absl::Seconds(2));
  // The silent one was dropped without an answer.
  EXPECT_EQ(ReadUntilClosed(silent), "");
  close(silent);
}

TEST_F(MetricsServerTest, StopsPromptlyWithAConnectionOpen) {
  Start();
  int idle = ConnectLoopback(server_->port());
  ASSERT_GE(idle, 0);
  absl::SleepFor(absl::Milliseconds(50));  // the server is reading it
  const absl::Time start = absl::Now();
  server_->Stop();
  EXPECT_LT(absl::Now() - start, absl::Milliseconds(500));
  close(idle);
  // No longer listening.
  const int after = ConnectLoopback(server_->port());
  EXPECT_LT(after, 0);
  if (after >= 0) close(after);
}

TEST(MetricsServerStartTest, RejectsBadAddressesAndBusyPorts) {
  auto render = [] { return std::string(); };
  EXPECT_FALSE(MetricsServer::Start("no-port", render).ok());
  EXPECT_FALSE(MetricsServer::Start("127.0.0.1:99999", render).ok());
  auto first = MetricsServer::Start("127.0.0.1:0", render);
  ASSERT_OK(first.status());
  EXPECT_FALSE(
      MetricsServer::Start(absl::StrCat("127.0.0.1:", (*first)->port()), render)
          .ok());
}

}  // namespace
}  // namespace longtake::metrics
