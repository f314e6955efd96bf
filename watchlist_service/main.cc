// longtake-watchlist: where to watch films, users' watchlists and
// availability alerts, over gRPC.
//
//   longtake-watchlist --listen=127.0.0.1:50052 --catalog=127.0.0.1:50051
//       --store=sqlite:///var/lib/longtake/w.db --token-secret="$SECRET"
//   (or --jwks-file=/etc/longtake/jwks.json for RS256/ES256 tokens)
//
// Only wiring lives here: flags, store, domain, catalogue client, adapter,
// server. Exit codes: 0 after a clean shutdown (SIGTERM/SIGINT), 1 when
// startup fails, 2 for bad flags (including no token secret and no JWKS).

#include <memory>
#include <optional>
#include <string>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/auth/token.h"
#include "common/concurrency/periodic_task.h"
#include "common/config/flags.h"
#include "common/config/server_flags.h"
#include "common/grpc/server_runner.h"
#include "common/log/logger.h"
#include "watchlist_service/domain/watchlist.h"
#include "watchlist_service/domain/watchlist_errors.h"
#include "watchlist_service/grpc/catalog_film_directory.h"
#include "watchlist_service/grpc/watchlist_service_impl.h"
#include "watchlist_service/store/open_watchlist_store.h"

namespace longtake::watchlist {
namespace {

constexpr char kProgram[] = "longtake-watchlist";
constexpr char kServiceName[] = "longtake.watchlist.v1.WatchlistService";

int Run(int argc, char** argv) {
  BlockShutdownSignals();

  FlagSet flags(
      kProgram,
      "Serves where-to-watch offers, watchlists and availability alerts "
      "(longtake.watchlist.v1.WatchlistService) over gRPC.");
  ServerFlags server(
      &flags,
      {.listen = "127.0.0.1:50052",
       .store = "sqlite://longtake-watchlist.db",
       .store_what = "watchlist",
       .seed_file = "offers.json",
       .seed_help = "offers seed loaded when the store has no providers",
       .secret_help = "this or --jwks-file is required"});
  const Flag<std::string> catalog = flags.AddString(
      "catalog", "LONGTAKE_CATALOG", "127.0.0.1:50051",
      "HOST:PORT of the catalogue service (film titles, existence checks)");
  const Flag<absl::Duration> catalog_deadline = flags.AddDuration(
      "catalog_deadline", "LONGTAKE_CATALOG_DEADLINE", absl::Milliseconds(500),
      "deadline of each catalogue call, retries included");
  const Flag<std::string> catalog_lb_policy = flags.AddString(
      "catalog_lb_policy", "LONGTAKE_CATALOG_LB_POLICY", "pick_first",
      "gRPC load-balancing policy for the catalogue channel: pick_first, "
      "or round_robin with --catalog=dns:///HEADLESS-SERVICE:PORT");
  const Flag<absl::Duration> leaving_soon = flags.AddDuration(
      "leaving_soon", "LONGTAKE_LEAVING_SOON", absl::Hours(168),
      "LEAVING_SOON is sent when an offer ends within this window");
  const Flag<absl::Duration> poll_interval = flags.AddDuration(
      "event_poll_interval", "LONGTAKE_EVENT_POLL_INTERVAL", absl::Seconds(1),
      "how often to scan for leaving-soon offers and poll new events");
  const Flag<int64_t> read_threads =
      flags.AddInt("read_threads", "LONGTAKE_READ_THREADS", 4,
                   "threads serving reads (store and catalogue calls)");

  if (std::optional<int> exit_code = server.Parse(argc, argv)) {
    return *exit_code;
  }
  if (server.token_secret->empty() && server.jwks_file->empty()) {
    return flags.UsageError(
        "no token secret and no JWKS: set --token-secret or "
        "LONGTAKE_TOKEN_SECRET (the same secret the token issuer uses), or "
        "--jwks-file / LONGTAKE_JWKS_FILE (its public keys); the watchlist "
        "never runs unauthenticated");
  }
  absl::StatusOr<std::unique_ptr<auth::TokenVerifier>> verifier =
      server.MakeTokenVerifier();
  if (!verifier.ok()) return StartupFailed(verifier.status().message());
  if (absl::Status s = CheckHostPort("catalog", *catalog); !s.ok()) {
    return flags.UsageError(std::string(s.message()));
  }
  if (*catalog_deadline <= absl::ZeroDuration()) {
    return flags.UsageError("--catalog-deadline: must be positive");
  }
  if (*leaving_soon < absl::ZeroDuration()) {
    return flags.UsageError("--leaving-soon: must not be negative");
  }
  if (*poll_interval <= absl::ZeroDuration()) {
    return flags.UsageError("--event-poll-interval: must be positive");
  }
  if (*read_threads < 1 || *read_threads > 256) {
    return flags.UsageError("--read-threads: must be between 1 and 256");
  }
  if (*catalog_lb_policy != "pick_first" &&
      *catalog_lb_policy != "round_robin") {
    return flags.UsageError(
        absl::StrCat("--catalog-lb-policy: \"", *catalog_lb_policy,
                     "\" is not pick_first or round_robin"));
  }
  const std::string& seed = server.seed_path();

  auto store = OpenWatchlistStore(*server.store);
  if (!store.ok()) return server.StoreOpenFailed(store.status());
  // The catalogue may be down now: the channel connects lazily and reconnects.
  CatalogFilmDirectory directory(*catalog, *catalog_deadline,
                                 *catalog_lb_policy);
  WatchlistOptions watchlist_options;
  watchlist_options.leaving_soon_window = *leaving_soon;
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
      absl::StrCat("watchlist ready store=", *server.store,
                   " catalog=", *catalog, seed.empty() ? "" : " seed=", seed));

  WatchlistServiceOptions service_options;
  service_options.read_threads = static_cast<int>(*read_threads);
  WatchlistServiceImpl service(watchlist->get(), verifier->get(),
                               service_options);

  ServerRunner runner;
  ServerRunnerOptions options;
  options.listen_address = *server.listen;
  options.services = {&service};
  options.log_calls = *server.log_calls;
  options.error_domain = std::string(kWatchlistErrorDomain);
  if (absl::Status s = runner.Start(options); !s.ok()) {
    return StartupFailed(std::string(s.message()));
  }
  // SERVING even while the catalogue is down: lists still answer (unenriched).
  runner.SetServing(kServiceName, true);

  // Emits LEAVING_SOON events and publishes events other replicas wrote, so
  // open WatchAvailability streams see them.
  Watchlist* model = watchlist->get();
  PeriodicTask ticker(
      "availability tick", *poll_interval, [model]() -> absl::Status {
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
  runner.ServeUntilShutdownSignal(*server.shutdown_grace);
  return 0;
}

}  // namespace
}  // namespace longtake::watchlist

int main(int argc, char** argv) { return longtake::watchlist::Run(argc, argv); }
