// longtake-watchlist: where to watch films, users' watchlists and
// availability alerts, over gRPC.
//
//   longtake-watchlist --listen=127.0.0.1:50052 --catalog=127.0.0.1:50051
//       --store=sqlite:///var/lib/longtake/w.db --token-secret="$SECRET"
//
// Only wiring lives here: flags, store, domain, catalogue client, adapter,
// server. Exit codes: 0 after a clean shutdown (SIGTERM/SIGINT), 1 when
// startup fails, 2 for bad flags (including a missing token secret).

#include <iostream>
#include <memory>
#include <string>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/auth/token.h"
#include "common/concurrency/periodic_task.h"
#include "common/config/flags.h"
#include "common/config/seed_path.h"
#include "common/grpc/server_runner.h"
#include "common/log/logger.h"
#include "watchlist_service/domain/watchlist.h"
#include "watchlist_service/grpc/catalog_film_directory.h"
#include "watchlist_service/grpc/watchlist_service_impl.h"
#include "watchlist_service/store/open_watchlist_store.h"

namespace longtake::watchlist {
namespace {

constexpr char kProgram[] = "longtake-watchlist";
constexpr char kServiceName[] = "longtake.watchlist.v1.WatchlistService";

int StartupFailed(const std::string& message) {
  Log(LogLevel::kError, absl::StrCat("startup failed: ", message));
  return 1;
}

int Run(int argc, char** argv) {
  BlockShutdownSignals();

  FlagSet flags(
      kProgram,
      "Serves where-to-watch offers, watchlists and availability alerts "
      "(longtake.watchlist.v1.WatchlistService) over gRPC.");
  flags.AddString("listen", "LONGTAKE_LISTEN", "127.0.0.1:50052",
                  "HOST:PORT to serve on; port 0 picks a free port");
  flags.AddString(
      "store", "LONGTAKE_STORE", "sqlite://longtake-watchlist.db",
      "watchlist store URL: sqlite:///abs/path.db, sqlite://rel/path.db, "
      "sqlite::memory:");
  flags.AddString(
      "catalog", "LONGTAKE_CATALOG", "127.0.0.1:50051",
      "HOST:PORT of the catalogue service (film titles, existence checks)");
  flags.AddDuration("catalog_deadline", "LONGTAKE_CATALOG_DEADLINE",
                    absl::Milliseconds(500),
                    "deadline of each catalogue call, retries included");
  flags.AddString(
      "catalog_lb_policy", "LONGTAKE_CATALOG_LB_POLICY", "pick_first",
      "gRPC load-balancing policy for the catalogue channel: pick_first, "
      "or round_robin with --catalog=dns:///HEADLESS-SERVICE:PORT");
  flags.AddString(
      "seed", "LONGTAKE_SEED", "",
      "offers seed loaded when the store has no providers (default: "
      "data/seed/offers.json of the source tree next to the binary, "
      "else /usr/share/longtake/seed/offers.json)");
  flags.AddString("token_secret", "LONGTAKE_TOKEN_SECRET", "",
                  "HMAC secret for bearer tokens (required)");
  flags.AddDuration(
      "leaving_soon", "LONGTAKE_LEAVING_SOON", absl::Hours(168),
      "LEAVING_SOON is sent when an offer ends within this window");
  flags.AddDuration(
      "event_poll_interval", "LONGTAKE_EVENT_POLL_INTERVAL", absl::Seconds(1),
      "how often to scan for leaving-soon offers and poll new events");
  flags.AddInt("read_threads", "LONGTAKE_READ_THREADS", 4,
               "threads serving reads (store and catalogue calls)");
  flags.AddString("log_level", "LONGTAKE_LOG_LEVEL", "info",
                  "debug, info, warning or error");
  flags.AddBool("log_calls", "LONGTAKE_LOG_CALLS", true,
                "log one line per call (method, code, latency)");
  flags.AddDuration("shutdown_grace", "LONGTAKE_SHUTDOWN_GRACE",
                    absl::Seconds(5),
                    "on SIGTERM, how long in-flight calls may take to finish");

  if (absl::Status s = flags.Parse(argc, argv); !s.ok()) {
    return flags.UsageError(std::string(s.message()));
  }
  if (flags.help_requested()) {
    std::cout << flags.Usage();
    return 0;
  }
  if (!flags.positional().empty()) {
    return flags.UsageError(
        absl::StrCat("unexpected argument \"", flags.positional()[0], "\""));
  }
  LogLevel level;
  if (!ParseLogLevel(flags.GetString("log_level"), &level)) {
    return flags.UsageError(
        absl::StrCat("--log-level: \"", flags.GetString("log_level"),
                     "\" is not debug, info, warning or error"));
  }
  SetLogLevel(level);
  const std::string secret = flags.GetString("token_secret");
  if (secret.empty()) {
    return flags.UsageError(
        "no token secret: set --token-secret or LONGTAKE_TOKEN_SECRET (the "
        "same "
        "secret the token issuer uses); the watchlist never runs "
        "unauthenticated");
  }
  const std::string listen = flags.GetString("listen");
  if (listen.empty() || listen.rfind(':') == std::string::npos) {
    return flags.UsageError(
        absl::StrCat("--listen: \"", listen, "\" is not HOST:PORT"));
  }
  const std::string catalog_address = flags.GetString("catalog");
  if (catalog_address.empty() ||
      catalog_address.rfind(':') == std::string::npos) {
    return flags.UsageError(
        absl::StrCat("--catalog: \"", catalog_address, "\" is not HOST:PORT"));
  }
  const absl::Duration catalog_deadline = flags.GetDuration("catalog_deadline");
  if (catalog_deadline <= absl::ZeroDuration()) {
    return flags.UsageError("--catalog-deadline: must be positive");
  }
  const absl::Duration leaving_soon = flags.GetDuration("leaving_soon");
  if (leaving_soon < absl::ZeroDuration()) {
    return flags.UsageError("--leaving-soon: must not be negative");
  }
  const absl::Duration poll_interval = flags.GetDuration("event_poll_interval");
  if (poll_interval <= absl::ZeroDuration()) {
    return flags.UsageError("--event-poll-interval: must be positive");
  }
  const int64_t read_threads = flags.GetInt("read_threads");
  if (read_threads < 1 || read_threads > 256) {
    return flags.UsageError("--read-threads: must be between 1 and 256");
  }
  const absl::Duration grace = flags.GetDuration("shutdown_grace");
  if (grace < absl::ZeroDuration()) {
    return flags.UsageError("--shutdown-grace: must not be negative");
  }

  absl::StatusOr<std::string> resolved_seed =
      ResolveSeedPath(flags.GetString("seed"), "offers.json");
  if (!resolved_seed.ok())
    return StartupFailed(std::string(resolved_seed.status().message()));
  const std::string seed = *resolved_seed;

  auto store = OpenWatchlistStore(flags.GetString("store"));
  if (!store.ok()) {
    if (store.status().code() == absl::StatusCode::kInvalidArgument) {
      return flags.UsageError(
          absl::StrCat("--store: ", store.status().message()));
    }
    return StartupFailed(absl::StrCat("opening store ",
                                      flags.GetString("store"), ": ",
                                      store.status().message()));
  }
  // The catalogue may be down now: the channel connects lazily and reconnects.
  const std::string lb_policy = flags.GetString("catalog_lb_policy");
  if (lb_policy != "pick_first" && lb_policy != "round_robin") {
    return flags.UsageError(
        absl::StrCat("--catalog-lb-policy: \"", lb_policy,
                     "\" is not pick_first or round_robin"));
  }
  CatalogFilmDirectory directory(catalog_address, catalog_deadline, lb_policy);
  WatchlistOptions watchlist_options;
  watchlist_options.leaving_soon_window = leaving_soon;
  auto watchlist =
      Watchlist::Open(*std::move(store), &directory, watchlist_options);
  if (!watchlist.ok()) {
    return StartupFailed(
        absl::StrCat("opening the watchlist: ", watchlist.status().message()));
  }
  if (!seed.empty()) {
    if (absl::Status s = (*watchlist)->LoadSeedIfEmpty(seed); !s.ok()) {
      return StartupFailed(
          absl::StrCat("loading seed ", seed, ": ", s.message()));
    }
  } else {
    Log(LogLevel::kWarning,
        "no offers seed file found (set --seed or LONGTAKE_SEED); starting "
        "without seed offers");
  }
  Log(LogLevel::kInfo,
      absl::StrCat("watchlist ready store=", flags.GetString("store"),
                   " catalog=", catalog_address,
                   seed.empty() ? "" : " seed=", seed));

  auth::TokenSigner signer(secret);
  WatchlistServiceOptions service_options;
  service_options.read_threads = static_cast<int>(read_threads);
  WatchlistServiceImpl service(watchlist->get(), &signer, service_options);

  ServerRunner runner;
  ServerRunnerOptions options;
  options.listen_address = listen;
  options.services = {&service};
  options.log_calls = flags.GetBool("log_calls");
  if (absl::Status s = runner.Start(options); !s.ok()) {
    return StartupFailed(std::string(s.message()));
  }
  // SERVING even while the catalogue is down: lists still answer (unenriched).
  runner.SetServing(kServiceName, true);

  // Emits LEAVING_SOON events and publishes events other replicas wrote, so
  // open WatchAvailability streams see them.
  Watchlist* model = watchlist->get();
  PeriodicTask ticker(
      "availability tick", poll_interval, [model]() -> absl::Status {
        absl::StatusOr<int> scanned = model->ScanLeavingSoon(absl::Now());
        if (!scanned.ok()) return scanned.status();
        if (*scanned > 0) {
          Log(LogLevel::kInfo, absl::StrCat("leaving-soon events=", *scanned));
        }
        return model->PollNewEvents().status();
      });

  runner.AddDrainHook([&ticker](absl::Time) { ticker.Stop(); });
  // Open availability streams would otherwise hold shutdown for the grace.
  runner.AddDrainHook([&service](absl::Time) { service.CloseStreams(); });
  runner.ServeUntilShutdownSignal(grace);
  return 0;
}

}  // namespace
}  // namespace longtake::watchlist

int main(int argc, char** argv) { return longtake::watchlist::Run(argc, argv); }
