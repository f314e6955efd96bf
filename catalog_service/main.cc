// longtake-catalog: serves the film catalogue over gRPC.
//
//   longtake-catalog --listen=127.0.0.1:50051
//       --store=sqlite:///var/lib/longtake/c.db --token-secret="$SECRET"
//
// Only wiring lives here: flags, store, domain, adapter, server. Exit codes:
// 0 after a clean shutdown (SIGTERM/SIGINT), 1 when startup fails, 2 for bad
// flags.

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <system_error>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "catalog_service/domain/catalog.h"
#include "catalog_service/domain/catalog_errors.h"
#include "catalog_service/grpc/catalog_service_impl.h"
#include "catalog_service/store/metered_catalog_store.h"
#include "catalog_service/store/open_catalog_store.h"
#include "common/auth/token.h"
#include "common/concurrency/periodic_task.h"
#include "common/concurrency/work_queue.h"
#include "common/config/flags.h"
#include "common/config/limit_flags.h"
#include "common/config/server_flags.h"
#include "common/grpc/call_limits.h"
#include "common/grpc/server_flag_options.h"
#include "common/grpc/server_runner.h"
#include "common/log/logger.h"
#include "common/metrics/metrics.h"

namespace longtake::catalog {
namespace {

constexpr char kProgram[] = "longtake-catalog";
constexpr char kServiceName[] = "longtake.catalog.v1.CatalogService";

// The --snapshot file: "auto" puts it beside a SQLite database file (none
// for PostgreSQL, whose replicas may run on other machines, or an in-memory
// store).
std::string SnapshotPath(const std::string& flag, const std::string& store) {
  if (flag != "auto") return flag;
  constexpr absl::string_view kSqlite = "sqlite://";
  if (!absl::StartsWith(store, kSqlite) || store == "sqlite::memory:")
    return "";
  return absl::StrCat(store.substr(kSqlite.size()), ".snapshot");
}

// The read model's gauges, read when scraped (documented in deploy/README.md).
void RegisterReadModelMetrics(metrics::Registry& metrics, Catalog* catalog) {
  auto stat = [catalog](auto field) {
    return [catalog, field] {
      return static_cast<double>(field(catalog->read_model_stats()));
    };
  };
  using Stats = Catalog::ReadModelStats;
  metrics.AddCallbackGauge("longtake_catalog_read_model_films",
                           "Films in the in-memory read model.",
                           stat([](const Stats& s) { return s.films; }));
  metrics.AddCallbackGauge("longtake_catalog_read_model_people",
                           "People in the in-memory read model.",
                           stat([](const Stats& s) { return s.people; }));
  metrics.AddCallbackGauge("longtake_catalog_read_model_sequences",
                           "Sequences in the in-memory read model.",
                           stat([](const Stats& s) { return s.sequences; }));
  metrics.AddCallbackGauge(
      "longtake_catalog_read_model_revision",
      "Store revision the read model reflects (-1: unknown until the next "
      "refresh, after writes by another replica raced with ours).",
      stat([](const Stats& s) { return s.revision; }));
  metrics.AddCallbackGauge(
      "longtake_catalog_read_model_last_refresh_timestamp_seconds",
      "Unix time the read model was last known to match the store (startup, "
      "or a refresh check).",
      stat([](const Stats& s) {
        return absl::ToUnixMicros(s.refreshed) / 1e6;
      }));
  metrics.AddCallbackGauge(
      "longtake_catalog_read_model_last_reload_timestamp_seconds",
      "Unix time the read model was last rebuilt from the store (startup, "
      "or a refresh that found writes by another replica).",
      stat([](const Stats& s) { return absl::ToUnixMicros(s.loaded) / 1e6; }));
}

int Run(int argc, char** argv) {
  BlockShutdownSignals();

  FlagSet flags(
      kProgram,
      "Serves the film catalogue (longtake.catalog.v1.CatalogService) "
      "over gRPC.");
  ServerFlags server(
      &flags, {.listen = "127.0.0.1:50051",
               .store = "sqlite://longtake-catalog.db",
               .store_what = "catalogue",
               .seed_file = "catalog.json",
               .seed_help = "seed file loaded when the store has no films",
               .secret_help = "with no --jwks-file either, curator writes are "
                              "disabled"});
  const Flag<absl::Duration> refresh_interval = flags.AddDuration(
      "refresh_interval", "LONGTAKE_REFRESH_INTERVAL", absl::Seconds(1),
      "how often to check the store for writes by other replicas and "
      "apply them from the store's change log (one revision query when "
      "nothing changed); on PostgreSQL replicas are also woken on each "
      "commit, and this is the fallback. 0 disables (one replica per store)");
  const Flag<int64_t> change_log_retention = flags.AddInt(
      "change_log_retention", "LONGTAKE_CHANGE_LOG_RETENTION", 10000,
      "how many of the latest write batches (revisions) the store's change "
      "log keeps for replicas to catch up from; a replica further behind "
      "reloads the whole catalogue. Trimmed every minute by each replica. "
      "0 keeps the whole log");

  const Flag<std::string> snapshot = flags.AddString(
      "snapshot", "LONGTAKE_SNAPSHOT", "auto",
      "file of the read model snapshot: a start loads it and catches up "
      "through the store's change log instead of reading and indexing the "
      "whole store; written after a full load and at shutdown. \"auto\": "
      "beside a SQLite database file (DB.snapshot), none for PostgreSQL or "
      "sqlite::memory:; empty disables");
  const Flag<int64_t> film_cache_bytes = flags.AddInt(
      "film_cache_bytes", "LONGTAKE_FILM_CACHE_BYTES",
      static_cast<int64_t>(CatalogServiceImpl::kDefaultFilmCacheBytes),
      "bytes of serialized GetFilm replies kept, by film version (least "
      "recently read dropped first); 0 keeps none");
  LimitFlags limits(&flags);

  if (std::optional<int> exit_code = server.Parse(argc, argv, limits)) {
    return *exit_code;
  }
  if (*refresh_interval < absl::ZeroDuration()) {
    return flags.UsageError("--refresh-interval: must not be negative");
  }
  if (*film_cache_bytes < 0) {
    return flags.UsageError("--film-cache-bytes: must not be negative");
  }
  if (*change_log_retention < 0) {
    return flags.UsageError("--change-log-retention: must not be negative");
  }
  const std::string& seed = server.seed_path();
  absl::StatusOr<ServerRunnerOptions> options =
      ServerRunnerOptionsFromFlags(server, limits);
  if (!options.ok()) {
    return flags.UsageError(std::string(options.status().message()));
  }

  absl::StatusOr<std::unique_ptr<auth::TokenVerifier>> verifier =
      server.MakeTokenVerifier();
  if (!verifier.ok()) return StartupFailed(verifier.status().message());
  if (*verifier == nullptr) {
    Log(LogLevel::kWarning,
        "no token secret or JWKS configured: curator writes are disabled "
        "(reads only)");
  }

  // Listen first, so health checks see NOT_SERVING (and catalogue calls
  // UNAVAILABLE CATALOG_LOADING) while a large catalogue loads; "listening
  // on" is printed once it serves. A shutdown signal during the load is
  // acted on when the load ends.
  const absl::Time exec_time = absl::Now();
  metrics::Registry metrics;
  WorkQueue writes(1, "catalog-writer");
  WorkQueue imports(1, "catalog-importer");
  CallLimits call_limits(limits.call_rate_limits());
  CatalogServiceImpl service(nullptr, &writes, &imports, verifier->get(),
                             &call_limits,
                             static_cast<size_t>(*film_cache_bytes));
  std::unique_ptr<Catalog> catalog;
  ServerRunner runner;
  options->services = {&service};
  options->error_domain = std::string(kCatalogErrorDomain);
  options->server_shutdown_cap = absl::Milliseconds(250);
  options->metrics = &metrics;
  options->ready_at_start = false;
  if (absl::Status s = runner.Start(*options); !s.ok()) {
    return StartupFailed(std::string(s.message()));
  }
  runner.SetServing(kServiceName, false);

  // Each phase's time goes in the "catalogue serving" line; the store logs
  // its read and decode times, the catalogue its build time.
  absl::Time phase_start = absl::Now();
  auto phase_ms = [&phase_start] {
    const absl::Time now = absl::Now();
    const int64_t ms = absl::ToInt64Milliseconds(now - phase_start);
    phase_start = now;
    return ms;
  };
  const int64_t listen_ms = phase_ms();
  auto store = OpenCatalogStore(*server.store);
  if (!store.ok()) return server.StoreOpenFailed(store.status());
  const int64_t open_ms = phase_ms();
  auto opened = Catalog::Open(
      std::make_unique<MeteredCatalogStore>(*std::move(store), metrics),
      {.snapshot_path = SnapshotPath(*snapshot, *server.store)});
  if (!opened.ok()) {
    return StartupFailed(
        absl::StrCat("loading the catalogue: ", opened.status().message()));
  }
  catalog = *std::move(opened);
  const int64_t catalogue_ms = phase_ms();
  if (std::optional<int> exit_code = server.LoadSeedIfEmpty(*catalog)) {
    return *exit_code;
  }
  if (seed.empty() && catalog->film_count() == 0) {
    Log(LogLevel::kWarning,
        "no seed file found (set --seed or LONGTAKE_SEED); the catalogue is "
        "empty");
  }
  const int64_t seed_ms = phase_ms();

  Catalog* model = catalog.get();
  if (*refresh_interval > absl::ZeroDuration() &&
      model->store_notifies_commits()) {
    // LISTEN before serving, so that every commit from here on wakes this
    // replica; the ones made since the load are applied now.
    (void)model->WaitForStoreCommit(absl::ZeroDuration());
    if (absl::Status s = model->Refresh().status(); !s.ok()) {
      Log(LogLevel::kWarning, absl::StrCat("catching up: ", s.message()));
    }
  }
  const int64_t catch_up_ms = phase_ms();

  service.SetCatalog(model);
  RegisterReadModelMetrics(metrics, model);
  runner.SetServing(kServiceName, true);
  runner.MarkReady();
  Log(LogLevel::kInfo,
      absl::StrCat(
          "catalogue serving: films=", model->film_count(), " listen_ms=",
          listen_ms, " store_open_ms=", open_ms, " catalogue_ms=", catalogue_ms,
          model->load_stats().from_snapshot
              ? absl::StrCat(
                    " (snapshot_ms=",
                    absl::ToInt64Milliseconds(model->load_stats().snapshot),
                    " snapshot_catch_up_ms=",
                    absl::ToInt64Milliseconds(model->load_stats().catch_up),
                    ")")
              : std::string(" (store read, decode and build)"),
          " seed_ms=", seed_ms, " catch_up_ms=", catch_up_ms,
          " total_ms=", absl::ToInt64Milliseconds(absl::Now() - exec_time),
          " store=", *server.store, seed.empty() ? "" : " seed=", seed));

  // Several replicas may share one PostgreSQL store: pick up their writes
  // from the change log (the catalogue logs what it applied).
  std::unique_ptr<PeriodicTask> refresher;
  std::unique_ptr<PeriodicTask> waker;
  if (*refresh_interval > absl::ZeroDuration()) {
    refresher = std::make_unique<PeriodicTask>(
        "read model refresh", *refresh_interval,
        [model]() -> absl::Status { return model->Refresh().status(); });
    if (model->store_notifies_commits()) {
      // Woken by each commit (LISTEN/NOTIFY); the refresher polls while
      // notifications are down.
      waker = OnEachCommit(
          "catch-up on commit",
          [model](absl::Duration t) { return model->WaitForStoreCommit(t); },
          [model] { return model->Refresh().status(); });
    }
  }
  std::unique_ptr<PeriodicTask> trimmer;
  if (*change_log_retention > 0) {
    const int64_t keep = *change_log_retention;
    trimmer = std::make_unique<PeriodicTask>(
        "change log trim", absl::Minutes(1), [model, keep]() -> absl::Status {
          return model->TrimChangeLog(keep).status();
        });
  }

  // Drain order: stop catching up with other replicas, then let queued
  // writes finish; reads finish inside their callback.
  runner.AddDrainHook([&](absl::Time) {
    if (waker != nullptr) waker->Stop();
    if (refresher != nullptr) refresher->Stop();
    if (trimmer != nullptr) trimmer->Stop();
  });
  runner.AddDrainHook([&](absl::Time deadline) {
    // An import may hold the importer for seconds: stop it between entries
    // (its client learns which entries are left) so the grace holds.
    catalog->StopImports();
    if (!service.StopWritesAndWait(deadline - absl::Now())) {
      Log(LogLevel::kWarning,
          "writes still running after the shutdown grace; cancelling");
    }
  });
  runner.ServeUntilShutdownSignal(*server.shutdown_grace);
  writes.Shutdown();
  imports.Shutdown();
  // The writes since the last snapshot, so the next start need not catch up
  // on them (the server has stopped: this delays only the exit).
  (void)catalog->WriteSnapshot();
  return 0;
}

}  // namespace
}  // namespace longtake::catalog

int main(int argc, char** argv) { return longtake::catalog::Run(argc, argv); }
