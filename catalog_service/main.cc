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
#include <iostream>
#include <memory>
#include <string>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "catalog_service/domain/catalog.h"
#include "catalog_service/grpc/catalog_service_impl.h"
#include "catalog_service/store/open_catalog_store.h"
#include "common/auth/token.h"
#include "common/concurrency/periodic_task.h"
#include "common/concurrency/work_queue.h"
#include "common/config/flags.h"
#include "common/config/seed_path.h"
#include "common/grpc/server_runner.h"
#include "common/log/logger.h"

namespace longtake::catalog {
namespace {

constexpr char kProgram[] = "longtake-catalog";
constexpr char kServiceName[] = "longtake.catalog.v1.CatalogService";

int StartupFailed(const std::string& message) {
  Log(LogLevel::kError, absl::StrCat("startup failed: ", message));
  return 1;
}

int Run(int argc, char** argv) {
  BlockShutdownSignals();

  FlagSet flags(kProgram,
                "Serves the film catalogue "
                "(longtake.catalog.v1.CatalogService) over gRPC.");
  flags.AddString("listen", "LONGTAKE_LISTEN", "127.0.0.1:50051",
                  "HOST:PORT to serve on; port 0 picks a free port");
  flags.AddString(
      "store", "LONGTAKE_STORE", "sqlite://longtake-catalog.db",
      "catalogue store URL: sqlite:///abs/path.db, sqlite://rel/path.db, "
      "sqlite::memory:");
  flags.AddString(
      "seed", "LONGTAKE_SEED", "",
      "seed file loaded when the store has no films (default: "
      "data/seed/catalog.json of the source tree next to the binary, "
      "else /usr/share/longtake/seed/catalog.json)");
  flags.AddString(
      "token_secret", "LONGTAKE_TOKEN_SECRET", "",
      "HMAC secret for bearer tokens; empty disables curator writes");
  flags.AddString("log_level", "LONGTAKE_LOG_LEVEL", "info",
                  "debug, info, warning or error");
  flags.AddBool("log_calls", "LONGTAKE_LOG_CALLS", true,
                "log one line per call (method, code, latency)");
  flags.AddDuration("shutdown_grace", "LONGTAKE_SHUTDOWN_GRACE",
                    absl::Seconds(5),
                    "on SIGTERM, how long in-flight calls may take to finish");
  flags.AddDuration(
      "refresh_interval", "LONGTAKE_REFRESH_INTERVAL", absl::Seconds(1),
      "how often to check the store for writes by other replicas and "
      "reload the in-memory catalogue (one revision query when nothing "
      "changed); a replica's reads lag the store by at most this plus "
      "one reload. 0 disables (one replica per store)");

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
  const std::string listen = flags.GetString("listen");
  if (listen.empty() || listen.rfind(':') == std::string::npos) {
    return flags.UsageError(
        absl::StrCat("--listen: \"", listen, "\" is not HOST:PORT"));
  }
  const absl::Duration grace = flags.GetDuration("shutdown_grace");
  if (grace < absl::ZeroDuration()) {
    return flags.UsageError("--shutdown-grace: must not be negative");
  }
  const absl::Duration refresh_interval = flags.GetDuration("refresh_interval");
  if (refresh_interval < absl::ZeroDuration()) {
    return flags.UsageError("--refresh-interval: must not be negative");
  }

  absl::StatusOr<std::string> resolved_seed =
      ResolveSeedPath(flags.GetString("seed"), "catalog.json");
  if (!resolved_seed.ok())
    return StartupFailed(std::string(resolved_seed.status().message()));
  const std::string seed = *resolved_seed;

  const absl::Time load_start = absl::Now();
  auto store = OpenCatalogStore(flags.GetString("store"));
  if (!store.ok()) {
    if (store.status().code() == absl::StatusCode::kInvalidArgument) {
      return flags.UsageError(
          absl::StrCat("--store: ", store.status().message()));
    }
    return StartupFailed(absl::StrCat("opening store ",
                                      flags.GetString("store"), ": ",
                                      store.status().message()));
  }
  auto catalog = Catalog::Open(*std::move(store));
  if (!catalog.ok()) {
    return StartupFailed(
        absl::StrCat("loading the catalogue: ", catalog.status().message()));
  }
  if (!seed.empty()) {
    if (absl::Status s = (*catalog)->LoadSeedIfEmpty(seed); !s.ok()) {
      return StartupFailed(
          absl::StrCat("loading seed ", seed, ": ", s.message()));
    }
  } else if ((*catalog)->film_count() == 0) {
    Log(LogLevel::kWarning,
        "no seed file found (set --seed or LONGTAKE_SEED); the catalogue is "
        "empty");
  }
  Log(LogLevel::kInfo,
      absl::StrCat(
          "catalogue loaded films=", (*catalog)->film_count(),
          " load_ms=", absl::ToInt64Milliseconds(absl::Now() - load_start),
          " store=", flags.GetString("store"),
          seed.empty() ? "" : " seed=", seed));

  std::unique_ptr<auth::TokenSigner> signer;
  if (const std::string secret = flags.GetString("token_secret");
      !secret.empty()) {
    signer = std::make_unique<auth::TokenSigner>(secret);
  } else {
    Log(LogLevel::kWarning,
        "no token secret configured: curator writes are disabled (reads only)");
  }

  WorkQueue writes(1, "catalog-writer");
  CatalogServiceImpl service(catalog->get(), &writes, signer.get());

  ServerRunner runner;
  ServerRunnerOptions options;
  options.listen_address = listen;
  options.services = {&service};
  options.log_calls = flags.GetBool("log_calls");
  if (absl::Status s = runner.Start(options); !s.ok()) {
    return StartupFailed(std::string(s.message()));
  }
  runner.SetServing(kServiceName, true);
  // Several replicas may share one PostgreSQL store: pick up their writes.
  std::unique_ptr<PeriodicTask> refresher;
  if (refresh_interval > absl::ZeroDuration()) {
    Catalog* model = catalog->get();
    refresher = std::make_unique<PeriodicTask>(
        "read model refresh", refresh_interval, [model]() -> absl::Status {
          const absl::Time start = absl::Now();
          absl::StatusOr<bool> reloaded = model->Refresh();
          if (reloaded.ok() && *reloaded) {
            Log(LogLevel::kInfo,
                absl::StrCat("read model reloaded from the store films=",
                             model->film_count(), " reload_ms=",
                             absl::ToInt64Milliseconds(absl::Now() - start)));
          }
          return reloaded.status();
        });
  }

  WaitForShutdownSignal();
  runner.SetServing(kServiceName, false);
  if (refresher != nullptr) refresher->Stop();
  // Drain our own in-flight calls first. gRPC's Server::Shutdown (1.51) waits
  // out its whole deadline while any client keeps an idle connection open
  // (the watchlist service always does), so it gets a short deadline only
  // once the catalogue's calls are done; reads finish inside their callback.
  const absl::Time drain_start = absl::Now();
  const bool drained = service.StopWritesAndWait(grace);
  if (!drained) {
    Log(LogLevel::kWarning,
        "writes still running after the shutdown grace; cancelling");
  }
  const absl::Duration left = grace - (absl::Now() - drain_start);
  runner.Shutdown(
      std::max(absl::ZeroDuration(), std::min(left, absl::Milliseconds(250))));
  writes.Shutdown();
  return 0;
}

}  // namespace
}  // namespace longtake::catalog

int main(int argc, char** argv) { return longtake::catalog::Run(argc, argv); }
