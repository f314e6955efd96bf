#pragma once

// The flags every longtake server has (listen address, store URL, seed file,
// bearer-token keys and claims, logging, shutdown grace, metrics address,
// TLS certificate files), registered and
// checked in one place so both services read and report them the same way. A
// service adds its own flags to the same FlagSet before Parse.
//
//   FlagSet flags("longtake-catalog", "Serves the film catalogue...");
//   ServerFlags server(&flags, {.listen = "127.0.0.1:50051",
//                               .store = "sqlite://longtake-catalog.db",
//                               .store_what = "catalogue",
//                               .seed_file = "catalog.json", ...});
//   Flag<absl::Duration> refresh = flags.AddDuration("refresh_interval", ...);
//   LimitFlags limits(&flags);  // last, so --help lists them last
//   if (std::optional<int> exit = server.Parse(argc, argv, limits)) {
//     return *exit;
//   }
//   ... *server.listen, *server.store, server.seed_path() ...

#include <memory>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/auth/token.h"
#include "common/config/flags.h"
#include "common/config/limit_flags.h"

namespace longtake {

// Logs "startup failed: <message>" and returns exit code 1.
int StartupFailed(absl::string_view message);

// The bearer-token flags, read by ServerFlags::MakeTokenVerifier.
struct TokenFlags {
  Flag<std::string> secret;     // --token-secret: HS256
  Flag<std::string> jwks_file;  // --jwks-file: RS256/ES256 public keys
  Flag<std::string> issuer;     // --token-issuer
  Flag<std::string> audience;   // --token-audience
  Flag<absl::Duration> clock_skew;
};

// TLS: certificate chain and key (both or neither; neither is plaintext),
// the CA of client certificates (mTLS), and how often the files are read
// again (renewed certificates apply to new connections without a restart).
struct ServerTlsFlags {
  Flag<std::string> cert;  // --tls-cert
  Flag<std::string> key;
  Flag<std::string> client_ca;
  Flag<absl::Duration> refresh_interval;
};

struct ServerFlagDefaults {
  std::string listen;       // "127.0.0.1:50051"
  std::string store;        // "sqlite://longtake-catalog.db"
  std::string store_what;   // "catalogue": the help says "catalogue store URL"
  std::string seed_file;    // "catalog.json": see common/config/seed_path.h
  std::string seed_help;    // "seed file loaded when the store has no films"
  std::string secret_help;  // what no --token-secret and no --jwks-file mean
};

class ServerFlags {
 public:
  // Registers the shared flags on `flags`, which must outlive this.
  ServerFlags(FlagSet* flags, const ServerFlagDefaults& defaults);

  // Parses argv (the service's own flags included), prints --help, and
  // checks the shared flags: positional arguments, --log-level (applied),
  // --listen, --shutdown-grace, --metrics-listen, --token-clock-skew, --seed,
  // the pairing of --tls-cert and --tls-key, --tls-refresh-interval, then
  // the limit flags (LimitFlags::Check). (The TLS files themselves are read
  // by MakeServerCredentials, common/grpc/tls_credentials.h.) Returns the
  // exit code when the program must stop now (0 after --help, 2 for a bad
  // flag, 1 for a missing seed file), nullopt to go on.
  std::optional<int> Parse(int argc, const char* const* argv,
                           const LimitFlags& limits);

  // The seed file to load into an empty store ("" when there is none).
  const std::string& seed_path() const { return seed_path_; }

  // Loads seed_path(), when there is one, into `model` through its
  // LoadSeedIfEmpty(path) (the catalogue's and the watchlist's). Returns
  // the exit code (1, logged, naming the file) when that fails, nullopt to
  // go on.
  template <typename Model>
  std::optional<int> LoadSeedIfEmpty(Model& model) const {
    if (seed_path_.empty()) return std::nullopt;
    if (absl::Status s = model.LoadSeedIfEmpty(seed_path_); !s.ok()) {
      return StartupFailed(
          absl::StrCat("loading seed ", seed_path_, ": ", s.message()));
    }
    return std::nullopt;
  }

  // For a store URL that failed to open: a bad URL is a usage error (2)
  // naming --store, anything else a startup failure (1).
  int StoreOpenFailed(const absl::Status& status) const;

  // The bearer-token verifier of --token-secret (HS256), --jwks-file
  // (RS256/ES256), --token-issuer, --token-audience and --token-clock-skew;
  // null when neither a secret nor a JWKS file is given. Fails when the
  // JWKS file cannot be read or holds no usable key.
  absl::StatusOr<std::unique_ptr<auth::TokenVerifier>> MakeTokenVerifier()
      const;

  Flag<std::string> listen;
  Flag<std::string> store;
  Flag<std::string> seed;
  TokenFlags token;
  Flag<std::string> log_level;
  Flag<bool> log_calls;
  Flag<absl::Duration> shutdown_grace;
  Flag<std::string> metrics_listen;
  ServerTlsFlags tls;

 private:
  FlagSet* flags_;
  std::string seed_file_;
  std::string seed_path_;
};

// "HOST:PORT" (or a gRPC target such as dns:///name:port): INVALID_ARGUMENT
// saying which flag is wrong otherwise.
absl::Status CheckHostPort(absl::string_view flag, absl::string_view value);

}  // namespace longtake
