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
#include "common/config/channel_tls_flags.h"
#include "common/config/flags.h"
#include "common/config/limit_flags.h"
#include "common/config/server_flags.h"
#include "common/domain/field_limits.h"
#include "common/grpc/call_limits.h"
#include "common/grpc/server_flag_options.h"
#include "common/grpc/server_runner.h"
#include "common/grpc/tls_credentials.h"
#include "common/log/logger.h"
#include "common/metrics/metrics.h"
#include "watchlist_service/domain/guarded_film_directory.h"
#include "watchlist_service/domain/watchlist.h"
#include "watchlist_service/domain/watchlist_errors.h"
#include "watchlist_service/grpc/catalog_film_directory.h"
#include "watchlist_service/grpc/watchlist_service_impl.h"
#include "watchlist_service/store/metered_watchlist_store.h"
#include "watchlist_service/store/open_watchlist_store.h"

namespace longtake::watchlist {
namespace {

constexpr char kProgram[] = "longtake-watchlist";
constexpr char kServiceName[] = "longtake.watchlist.v1.WatchlistService";

// The TLS flags of the channel to the catalogue (the server's own are in
// ServerFlags).
ChannelTlsFlags AddCatalogTlsFlags(FlagSet& flags) {
  return {
      .tls = flags.AddBool(
          "catalog_tls", "LONGTAKE_CATALOG_TLS", false,
          "call the catalogue over TLS (implied by --catalog-ca, "
          "--catalog-cert); the system's roots unless --catalog-ca"),
      .ca = flags.AddString(
          "catalog_ca", "LONGTAKE_CATALOG_CA", "",
          "PEM CA bundle to trust for the catalogue's certificate"),
      .cert = flags.AddString(
          "catalog_cert", "LONGTAKE_CATALOG_CERT", "",
          "PEM client certificate presented to the catalogue (mTLS; with "
          "--catalog-key); reloaded like --tls-cert"),
      .key = flags.AddString("catalog_key", "LONGTAKE_CATALOG_KEY", "",
                             "PEM private key of --catalog-cert"),
  };
}

// TLS is on when asked for or implied by a file; the files are reloaded
// every `refresh_interval`, like the server's.
ChannelTls CatalogChannelTls(const ChannelTlsFlags& flags,
                             absl::Duration refresh_interval) {
  ChannelTls tls;
  tls.enabled = flags.enabled();
  tls.ca_file = *flags.ca;
  tls.cert_file = *flags.cert;
  tls.key_file = *flags.key;
  tls.refresh_interval = refresh_interval;
  tls.ca_flag = "--catalog-ca";
  tls.cert_flag = "--catalog-cert";
  tls.key_flag = "--catalog-key";
  return tls;
}

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
  const ChannelTlsFlags catalog_tls = AddCatalogTlsFlags(flags);
  const Flag<absl::Duration> leaving_soon = flags.AddDuration(
      "leaving_soon", "LONGTAKE_LEAVING_SOON", absl::Hours(168),
      "LEAVING_SOON is sent when an offer ends within this window");
  const Flag<absl::Duration> poll_interval = flags.AddDuration(
      "event_poll_interval", "LONGTAKE_EVENT_POLL_INTERVAL", absl::Seconds(1),
      "how often to scan for leaving-soon offers and poll new events (on "
      "PostgreSQL, other replicas' events also arrive at once by NOTIFY)");
  const Flag<int64_t> read_threads =
      flags.AddInt("read_threads", "LONGTAKE_READ_THREADS", 4,
                   "threads serving reads that never ask the catalogue");
  const Flag<int64_t> catalog_threads = flags.AddInt(
      "catalog_threads", "LONGTAKE_CATALOG_THREADS", 4,
      "threads serving calls that ask the catalogue (watchlist items, offer "
      "writes), apart from the others");
  const Flag<int64_t> catalog_queue = flags.AddInt(
      "catalog_queue", "LONGTAKE_CATALOG_QUEUE", 256,
      "calls that may wait for a catalogue thread; beyond, UNAVAILABLE");
  const Flag<int64_t> catalog_breaker_failures = flags.AddInt(
      "catalog_breaker_failures", "LONGTAKE_CATALOG_BREAKER_FAILURES", 5,
      "catalogue outages in a row that open the circuit (calls then fail "
      "fast and lists answer unenriched)");
  const Flag<absl::Duration> catalog_breaker_cooldown = flags.AddDuration(
      "catalog_breaker_cooldown", "LONGTAKE_CATALOG_BREAKER_COOLDOWN",
      absl::Seconds(2),
      "how long an open circuit refuses catalogue calls before one trial");

  const Flag<int64_t> max_streams = flags.AddInt(
      "max_streams", "LONGTAKE_MAX_STREAMS", 10000,
      "open WatchAvailability streams the service holds in all; beyond, "
      "RESOURCE_EXHAUSTED");
  const Flag<int64_t> max_streams_per_user =
      flags.AddInt("max_streams_per_user", "LONGTAKE_MAX_STREAMS_PER_USER", 16,
                   "open WatchAvailability streams one user may hold");
  LimitFlags limits(&flags, {.max_request_bytes = kMaxWatchlistRequestBytes});

  if (std::optional<int> exit_code = server.Parse(argc, argv, limits)) {
    return *exit_code;
  }
  if (*max_streams < 1 || *max_streams > 1000000) {
    return flags.UsageError("--max-streams: must be between 1 and 1000000");
  }
  if (*max_streams_per_user < 1 || *max_streams_per_user > *max_streams) {
    return flags.UsageError(
        "--max-streams-per-user: must be between 1 and --max-streams");
  }
  if (server.token.secret->empty() && server.token.jwks_file->empty()) {
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
  if (*catalog_threads < 1 || *catalog_threads > 256) {
    return flags.UsageError("--catalog-threads: must be between 1 and 256");
  }
  if (*catalog_queue < 1 || *catalog_queue > 1000000) {
    return flags.UsageError("--catalog-queue: must be between 1 and 1000000");
  }
  if (*catalog_breaker_failures < 1) {
    return flags.UsageError("--catalog-breaker-failures: must be at least 1");
  }
  if (*catalog_breaker_cooldown <= absl::ZeroDuration()) {
    return flags.UsageError("--catalog-breaker-cooldown: must be positive");
  }
  if (*catalog_lb_policy != "pick_first" &&
      *catalog_lb_policy != "round_robin") {
    return flags.UsageError(
        absl::StrCat("--catalog-lb-policy: \"", *catalog_lb_policy,
                     "\" is not pick_first or round_robin"));
  }
  const std::string& seed = server.seed_path();
  absl::StatusOr<ServerRunnerOptions> options =
      ServerRunnerOptionsFromFlags(server, limits);
  if (!options.ok()) {
    return flags.UsageError(std::string(options.status().message()));
  }
  absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>>
      catalog_credentials = MakeChannelCredentials(
          CatalogChannelTls(catalog_tls, *server.tls.refresh_interval));
  if (!catalog_credentials.ok()) {
    return flags.UsageError(
        std::string(catalog_credentials.status().message()));
  }

  metrics::Registry metrics;
  auto store = OpenWatchlistStore(*server.store);
  if (!store.ok()) return server.StoreOpenFailed(store.status());
  // The catalogue may be down now: the channel connects lazily and reconnects.
  CatalogFilmDirectory catalogue(*catalog, *catalog_deadline,
                                 *catalog_lb_policy, *catalog_credentials,
                                 &metrics);
  GuardedFilmDirectory directory(
      &catalogue,
      {.failure_threshold = static_cast<int>(*catalog_breaker_failures),
       .open_for = *catalog_breaker_cooldown});
  WatchlistOptions watchlist_options;
  watchlist_options.leaving_soon_window = *leaving_soon;
  auto watchlist = Watchlist::Open(
      std::make_unique<MeteredWatchlistStore>(*std::move(store), metrics),
      &directory, watchlist_options);
  if (!watchlist.ok()) {
    return StartupFailed(
        absl::StrCat("opening the watchlist: ", watchlist.status().message()));
  }
  if (std::optional<int> exit_code = server.LoadSeedIfEmpty(**watchlist)) {
    return *exit_code;
  }
  if (seed.empty()) {
    Log(LogLevel::kWarning,
        "no offers seed file found (set --seed or LONGTAKE_SEED); starting "
        "without seed offers");
  }
  Log(LogLevel::kInfo,
      absl::StrCat("watchlist ready store=", *server.store,
                   " catalog=", *catalog, seed.empty() ? "" : " seed=", seed));

  WatchlistServiceOptions service_options;
  service_options.read_threads = static_cast<int>(*read_threads);
  service_options.catalogue_threads = static_cast<int>(*catalog_threads);
  service_options.catalogue_max_pending = static_cast<size_t>(*catalog_queue);
  service_options.stream_limits = {
      .max_streams = static_cast<int>(*max_streams),
      .max_streams_per_user = static_cast<int>(*max_streams_per_user)};
  CallLimits call_limits(limits.call_rate_limits());
  WatchlistServiceImpl service(watchlist->get(), verifier->get(), &call_limits,
                               service_options);

  ServerRunner runner;
  options->services = {&service};
  options->error_domain = std::string(kWatchlistErrorDomain);
  options->metrics = &metrics;
  metrics.AddCallbackGauge("longtake_watchlist_stream_subscribers",
                           "WatchAvailability streams open now.", [&service] {
                             return static_cast<double>(service.open_streams());
                           });
  if (absl::Status s = runner.Start(*options); !s.ok()) {
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

  // Other replicas' events at once when the store notifies commits
  // (PostgreSQL); the ticker's poll covers while notifications are down.
  std::unique_ptr<PeriodicTask> waker;
  if (model->store_notifies_commits()) {
    waker = OnEachCommit(
        "events on commit",
        [model](absl::Duration t) { return model->WaitForStoreCommit(t); },
        [model] { return model->PollNewEvents().status(); });
  }

  runner.AddDrainHook([&](absl::Time) {
    if (waker != nullptr) waker->Stop();
    ticker.Stop();
  });
  // Open availability streams would otherwise hold shutdown for the grace.
  runner.AddDrainHook([&service](absl::Time) { service.CloseStreams(); });
  runner.ServeUntilShutdownSignal(*server.shutdown_grace);
  return 0;
}

}  // namespace
}  // namespace longtake::watchlist

int main(int argc, char** argv) { return longtake::watchlist::Run(argc, argv); }
