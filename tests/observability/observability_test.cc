// Metrics and tracing of the real binaries, seen from outside: a real
// Prometheus server scrapes both services' /metrics and its query API returns
// the test's own call counts; a W3C traceparent sent to the watchlist shows,
// with the same trace id, in the watchlist's and the catalogue's call log
// lines.

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/auth/token.h"
#include "common/tracing/trace_context.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "longtake/catalog/v1/catalog_service.grpc.pb.h"
#include "longtake/watchlist/v1/watchlist_service.grpc.pb.h"
#include "nlohmann/json.hpp"
#include "tests/support/call_context.h"
#include "tests/support/http_client.h"
#include "tests/support/running_service.h"
#include "tests/support/server_process.h"

namespace longtake {
namespace {

namespace catalogv1 = ::longtake::catalog::v1;
namespace wlv1 = ::longtake::watchlist::v1;
using ::longtake::testing::CallContext;
using ::longtake::testing::FreeLoopbackPort;
using ::longtake::testing::HttpGet;
using ::longtake::testing::ReadFile;
using ::longtake::testing::RunningCatalog;
using ::longtake::testing::RunningWatchlist;
using ::longtake::testing::ScopedTempDir;
using ::longtake::testing::StartService;

constexpr char kSecret[] = "observability-test-secret";
constexpr char kFilm[] = "films/i-am-cuba";

// The port of the "metrics on HOST:PORT" line a server printed (printed
// before its "listening on" line), 0 when absent.
int MetricsPort(const testing::ServerProcess& process) {
  std::smatch match;
  const std::string out = process.Stdout();
  static const std::regex kLine("metrics on [^:\\n]*:([0-9]+)");
  if (!std::regex_search(out, match, kLine)) return 0;
  int port = 0;
  return absl::SimpleAtoi(match[1].str(), &port) ? port : 0;
}

std::string UrlEncode(const std::string& text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
    }
  }
  return out;
}

// A real Prometheus server (Debian's package) scraping `targets` (job name
// -> HOST:PORT) every second, with its data in a temporary folder.
class Prometheus {
 public:
  Prometheus(const std::string& dir,
             const std::vector<std::pair<std::string, std::string>>& targets)
      : port_(FreeLoopbackPort()), log_path_(dir + "/prometheus.log") {
    std::string config =
        "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n"
        "  evaluation_interval: 1s\nscrape_configs:\n";
    for (const auto& [job, target] : targets) {
      absl::StrAppend(&config, "  - job_name: ", job,
                      "\n    static_configs:\n      - targets: ['", target,
                      "']\n");
    }
    const std::string config_path = dir + "/prometheus.yml";
    std::ofstream(config_path) << config;
    const std::string listen = absl::StrCat("127.0.0.1:", port_);
    std::vector<std::string> args = {"prometheus",
                                     "--config.file=" + config_path,
                                     "--storage.tsdb.path=" + dir + "/tsdb",
                                     "--web.listen-address=" + listen};
    pid_ = fork();
    if (pid_ == 0) {
      prctl(PR_SET_PDEATHSIG, SIGKILL);
      FILE* log = std::fopen(log_path_.c_str(), "w");
      if (log != nullptr) {
        dup2(fileno(log), 1);
        dup2(fileno(log), 2);
      }
      std::vector<char*> argv;
      for (std::string& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      execvp("prometheus", argv.data());
      _exit(127);
    }
  }
  ~Prometheus() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      int status = 0;
      waitpid(pid_, &status, 0);
    }
  }
  Prometheus(const Prometheus&) = delete;
  Prometheus& operator=(const Prometheus&) = delete;

  // The value of an instant query that returns one sample; nullopt while it
  // returns none (not scraped yet) or Prometheus does not answer.
  std::optional<double> Query(const std::string& promql) {
    std::optional<std::string> body =
        HttpGet(port_, "/api/v1/query?query=" + UrlEncode(promql));
    if (!body) return std::nullopt;
    nlohmann::json json = nlohmann::json::parse(*body, nullptr, false);
    if (json.is_discarded() || json.value("status", "") != "success") {
      return std::nullopt;
    }
    const auto& result = json["data"]["result"];
    if (!result.is_array() || result.size() != 1) return std::nullopt;
    double value = 0;
    if (!absl::SimpleAtod(result[0]["value"][1].get<std::string>(), &value)) {
      return std::nullopt;
    }
    return value;
  }

  // Polls `promql` until it returns `want` or `timeout` passes; the last
  // value seen.
  std::optional<double> WaitFor(const std::string& promql, double want,
                                absl::Duration timeout = absl::Seconds(30)) {
    const absl::Time deadline = absl::Now() + timeout;
    std::optional<double> last;
    while (absl::Now() < deadline) {
      last = Query(promql);
      if (last == want) return last;
      absl::SleepFor(absl::Milliseconds(250));
    }
    return last;
  }

  std::string Log() const { return ReadFile(log_path_); }

 private:
  int port_;
  std::string log_path_;
  pid_t pid_ = -1;
};

class ObservabilityTest : public ::testing::Test {
 protected:
  ObservabilityTest() : signer_(kSecret) {
    alice_ = signer_.Mint("alice", auth::Role::kUser, absl::Hours(1));
  }

  void StartBoth() {
    auto catalog = StartService<catalogv1::CatalogService>(
        "longtake-catalog",
        {"--listen=127.0.0.1:0", "--metrics-listen=127.0.0.1:0",
         "--store=sqlite:///" + dir_.path() + "/catalog.db",
         "--seed=" + testing::CatalogSeedPath(),
         absl::StrCat("--token-secret=", kSecret), "--log-level=info",
         "--log-calls"});
    ASSERT_TRUE(catalog.ok()) << catalog.status();
    catalog_ = *std::move(catalog);
    auto watchlist = StartService<wlv1::WatchlistService>(
        "longtake-watchlist",
        {"--listen=127.0.0.1:0", "--metrics-listen=127.0.0.1:0",
         "--store=sqlite:///" + dir_.path() + "/watchlist.db",
         "--catalog=" + catalog_.process->address(),
         "--seed=" + testing::OffersSeedPath(),
         absl::StrCat("--token-secret=", kSecret), "--catalog-deadline=5s",
         "--log-level=info", "--log-calls"});
    ASSERT_TRUE(watchlist.ok()) << watchlist.status();
    watchlist_ = *std::move(watchlist);
  }

  // Puts kFilm on alice's list (a call that asks the catalogue too).
  void AddFilmForAlice() {
    wlv1::CreateWatchlistItemRequest request;
    request.set_parent("users/alice");
    request.mutable_item()->set_film(kFilm);
    wlv1::WatchlistItem item;
    grpc::Status status = watchlist_.stub->CreateWatchlistItem(
        CallContext(alice_).get(), request, &item);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  // ListWatchlistItems for alice, optionally with a traceparent.
  grpc::Status ListAlicesItems(const std::string& traceparent = "") {
    auto context = CallContext(alice_);
    if (!traceparent.empty()) context->AddMetadata("traceparent", traceparent);
    wlv1::ListWatchlistItemsRequest request;
    request.set_parent("users/alice");
    wlv1::ListWatchlistItemsResponse response;
    grpc::Status status =
        watchlist_.stub->ListWatchlistItems(context.get(), request, &response);
    if (status.ok() &&
        (response.items_size() != 1 || !response.items(0).enriched())) {
      return grpc::Status(grpc::StatusCode::INTERNAL,
                          "the list was not enriched by the catalogue");
    }
    return status;
  }

  // The call log lines of `process` for `method` (".../Service/Method").
  static std::vector<std::string> CallLines(
      const testing::ServerProcess& process, const std::string& method) {
    std::vector<std::string> lines;
    std::istringstream in(ReadFile(process.stderr_path()));
    for (std::string line; std::getline(in, line);) {
      if (line.find(absl::StrCat("call method=", method, " ")) !=
          std::string::npos) {
        lines.push_back(line);
      }
    }
    return lines;
  }

  // The trace_id=... of a call log line, "" when it has none.
  static std::string TraceId(const std::string& line) {
    std::smatch match;
    static const std::regex kTraceId(" trace_id=([0-9a-f]{32})( |$)");
    return std::regex_search(line, match, kTraceId) ? match[1].str() : "";
  }

  ScopedTempDir dir_;
  auth::TokenMinter signer_;
  std::string alice_;
  RunningCatalog catalog_;
  RunningWatchlist watchlist_;
};

TEST_F(ObservabilityTest, PrometheusScrapesTheCallCountsOfBothServices) {
  StartBoth();
  if (HasFatalFailure()) return;
  const int catalog_metrics = MetricsPort(*catalog_.process);
  const int watchlist_metrics = MetricsPort(*watchlist_.process);
  ASSERT_GT(catalog_metrics, 0) << catalog_.process->Stdout();
  ASSERT_GT(watchlist_metrics, 0) << watchlist_.process->Stdout();

  constexpr int kGetFilms = 7;
  for (int i = 0; i < kGetFilms; ++i) {
    catalogv1::GetFilmRequest request;
    request.set_name(kFilm);
    catalogv1::Film film;
    ASSERT_TRUE(
        catalog_.stub->GetFilm(CallContext().get(), request, &film).ok());
  }
  catalogv1::GetFilmRequest missing;
  missing.set_name("films/no-such-film");
  catalogv1::Film film;
  EXPECT_EQ(
      catalog_.stub->GetFilm(CallContext().get(), missing, &film).error_code(),
      grpc::StatusCode::NOT_FOUND);
  AddFilmForAlice();
  if (HasFatalFailure()) return;
  constexpr int kLists = 5;
  for (int i = 0; i < kLists; ++i) {
    grpc::Status status = ListAlicesItems();
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  Prometheus prometheus(
      dir_.path(),
      {{"longtake-catalog", absl::StrCat("127.0.0.1:", catalog_metrics)},
       {"longtake-watchlist", absl::StrCat("127.0.0.1:", watchlist_metrics)}});
  // Both targets scraped and up.
  EXPECT_EQ(prometheus.WaitFor("sum(up)", 2), 2) << prometheus.Log();

  EXPECT_EQ(prometheus.WaitFor(
                "longtake_grpc_server_calls_total{job=\"longtake-catalog\","
                "method=\"GetFilm\",code=\"OK\"}",
                kGetFilms),
            kGetFilms);
  EXPECT_EQ(prometheus.WaitFor(
                "longtake_grpc_server_calls_total{job=\"longtake-catalog\","
                "method=\"GetFilm\",code=\"NOT_FOUND\"}",
                1),
            1);
  EXPECT_EQ(prometheus.WaitFor(
                "longtake_grpc_server_calls_total{job=\"longtake-watchlist\","
                "service=\"longtake.watchlist.v1.WatchlistService\","
                "method=\"ListWatchlistItems\",code=\"OK\"}",
                kLists),
            kLists);
  // The latency histogram counted the same calls.
  EXPECT_EQ(
      prometheus.WaitFor("longtake_grpc_server_call_duration_seconds_count{"
                         "job=\"longtake-catalog\",method=\"GetFilm\","
                         "code=\"OK\"}",
                         kGetFilms),
      kGetFilms);
  // Every catalogue call the watchlist timed, the catalogue answered.
  std::optional<double> timed = prometheus.Query(
      "longtake_watchlist_catalog_call_duration_seconds_count{code=\"OK\"}");
  ASSERT_TRUE(timed.has_value());
  EXPECT_GE(*timed, kLists);
  EXPECT_EQ(prometheus.Query(
                "longtake_grpc_server_calls_total{job=\"longtake-catalog\","
                "method=\"BatchGetFilms\",code=\"OK\"}"),
            timed);
  // The read model's gauges.
  EXPECT_EQ(prometheus.Query("longtake_catalog_read_model_films > 0"),
            prometheus.Query("longtake_catalog_read_model_films"));
  EXPECT_TRUE(prometheus
                  .Query("time() - longtake_catalog_read_model_last_refresh_"
                         "timestamp_seconds < 60")
                  .has_value());
  EXPECT_EQ(prometheus.Query("longtake_watchlist_stream_subscribers"), 0);
  EXPECT_EQ(prometheus.Query("sum(longtake_store_errors_total)"),
            std::nullopt);  // no failures, so no series
}

// deploy/README.md documents every metric one by one: each metric a server
// exports has its row in the table, and each row is a metric one exports.
TEST_F(ObservabilityTest, EveryMetricIsDocumentedInTheDeployReadme) {
  StartBoth();
  if (HasFatalFailure()) return;
  std::set<std::string> exported;
  for (const testing::ServerProcess* process :
       {catalog_.process.get(), watchlist_.process.get()}) {
    std::optional<std::string> text =
        HttpGet(MetricsPort(*process), "/metrics");
    ASSERT_TRUE(text.has_value());
    std::istringstream in(*text);
    for (std::string line; std::getline(in, line);) {
      if (line.rfind("# TYPE ", 0) == 0) {
        exported.insert(line.substr(7, line.find(' ', 7) - 7));
      }
    }
  }
  std::set<std::string> documented;
  std::istringstream readme(ReadFile(testing::SourcePath("deploy/README.md")));
  static const std::regex kRow("^\\| `(longtake_[a-z_]+)` \\|");
  for (std::string line; std::getline(readme, line);) {
    std::smatch match;
    if (std::regex_search(line, match, kRow)) documented.insert(match[1]);
  }
  EXPECT_GE(exported.size(), 12u);
  EXPECT_EQ(exported, documented);
}

TEST_F(ObservabilityTest, ATraceparentFollowsAWatchlistCallIntoTheCatalogue) {
  StartBoth();
  if (HasFatalFailure()) return;
  AddFilmForAlice();
  if (HasFatalFailure()) return;
  const std::string list_method =
      "/longtake.watchlist.v1.WatchlistService/ListWatchlistItems";
  const std::string batch_method =
      "/longtake.catalog.v1.CatalogService/BatchGetFilms";
  const size_t batches_before =
      CallLines(*catalog_.process, batch_method).size();

  const TraceContext sent = NewTrace();
  ASSERT_TRUE(ListAlicesItems(FormatTraceparent(sent)).ok());
  // A malformed traceparent is ignored, not an error: a new trace starts.
  ASSERT_TRUE(ListAlicesItems("00-NOT-A-TRACE").ok());

  // Both lines are written before the answers are sent; wait a little for
  // the files anyway.
  std::vector<std::string> lists, batches;
  const absl::Time deadline = absl::Now() + absl::Seconds(5);
  while (true) {
    lists = CallLines(*watchlist_.process, list_method);
    batches = CallLines(*catalog_.process, batch_method);
    const bool all = lists.size() >= 2 && batches.size() >= batches_before + 2;
    if (all || absl::Now() > deadline) break;
    absl::SleepFor(absl::Milliseconds(50));
  }
  ASSERT_EQ(lists.size(), 2u);
  ASSERT_EQ(batches.size(), batches_before + 2);

  // The trace the test sent, in both services.
  EXPECT_EQ(TraceId(lists[0]), sent.trace_id) << lists[0];
  EXPECT_EQ(TraceId(batches[batches_before]), sent.trace_id)
      << batches[batches_before];
  // The malformed one: a new trace id, also carried to the catalogue.
  const std::string started = TraceId(lists[1]);
  EXPECT_EQ(started.size(), 32u) << lists[1];
  EXPECT_NE(started, sent.trace_id);
  EXPECT_EQ(TraceId(batches[batches_before + 1]), started)
      << batches[batches_before + 1];
}

}  // namespace
}  // namespace longtake
