#include "common/config/server_flags.h"

#include <iostream>

#include "absl/strings/str_cat.h"
#include "common/config/seed_path.h"
#include "common/log/logger.h"

namespace longtake {

namespace {

TokenFlags AddTokenFlags(FlagSet* flags, const std::string& secret_help) {
  return {
      .secret = flags->AddString(
          "token_secret", "LONGTAKE_TOKEN_SECRET", "",
          absl::StrCat("HMAC secret of HS256 bearer tokens (JWT); ",
                       secret_help)),
      .jwks_file = flags->AddString(
          "jwks_file", "LONGTAKE_JWKS_FILE", "",
          "JSON Web Key Set file with the public keys of RS256/ES256 bearer "
          "tokens (production); read at startup"),
      .issuer = flags->AddString("token_issuer", "LONGTAKE_TOKEN_ISSUER",
                                 std::string(auth::kDefaultIssuer),
                                 "the \"iss\" bearer tokens must carry"),
      .audience =
          flags->AddString("token_audience", "LONGTAKE_TOKEN_AUDIENCE",
                           std::string(auth::kDefaultAudience),
                           "the \"aud\" bearer tokens must carry (or include)"),
      .clock_skew = flags->AddDuration(
          "token_clock_skew", "LONGTAKE_TOKEN_CLOCK_SKEW",
          auth::kDefaultClockSkew,
          absl::StrCat("leeway for a token's exp and nbf (at most ",
                       absl::FormatDuration(auth::kMaxClockSkew), ")")),
  };
}

ServerTlsFlags AddTlsFlags(FlagSet* flags) {
  return {
      .cert = flags->AddString(
          "tls_cert", "LONGTAKE_TLS_CERT", "",
          "PEM certificate chain to serve TLS with (with --tls-key); empty "
          "serves plaintext"),
      .key = flags->AddString("tls_key", "LONGTAKE_TLS_KEY", "",
                              "PEM private key of --tls-cert"),
      .client_ca = flags->AddString(
          "tls_client_ca", "LONGTAKE_TLS_CLIENT_CA", "",
          "PEM CA bundle: when set, clients must present a certificate it "
          "signed (mTLS)"),
      .refresh_interval = flags->AddDuration(
          "tls_refresh_interval", "LONGTAKE_TLS_REFRESH_INTERVAL",
          absl::Minutes(1),
          "how often the TLS files are read again; renewed certificates "
          "apply to new connections without a restart (whole seconds, at "
          "least 1s)"),
  };
}

// The pairing of the TLS files and the refresh interval.
absl::Status CheckTls(const ServerTlsFlags& tls) {
  if (tls.cert->empty() != tls.key->empty()) {
    return absl::InvalidArgumentError(tls.cert->empty()
                                          ? "--tls-key: needs --tls-cert"
                                          : "--tls-cert: needs --tls-key");
  }
  if (!tls.client_ca->empty() && tls.cert->empty()) {
    return absl::InvalidArgumentError(
        "--tls-client-ca: needs --tls-cert and --tls-key (mTLS is TLS first)");
  }
  if (*tls.refresh_interval < absl::Seconds(1)) {
    return absl::InvalidArgumentError(
        "--tls-refresh-interval: must be at least 1s");
  }
  return absl::OkStatus();
}

absl::Status CheckToken(const TokenFlags& token) {
  if (*token.clock_skew < absl::ZeroDuration() ||
      *token.clock_skew > auth::kMaxClockSkew) {
    return absl::InvalidArgumentError(
        absl::StrCat("--token-clock-skew: must be between 0s and ",
                     absl::FormatDuration(auth::kMaxClockSkew)));
  }
  if (token.issuer->empty() || token.audience->empty()) {
    return absl::InvalidArgumentError(
        "--token-issuer and --token-audience must not be empty");
  }
  return absl::OkStatus();
}

}  // namespace

ServerFlags::ServerFlags(FlagSet* flags, const ServerFlagDefaults& defaults)
    : flags_(flags), seed_file_(defaults.seed_file) {
  listen = flags->AddString("listen", "LONGTAKE_LISTEN", defaults.listen,
                            "HOST:PORT to serve on; port 0 picks a free port");
  store = flags->AddString(
      "store", "LONGTAKE_STORE", defaults.store,
      absl::StrCat(defaults.store_what,
                   " store URL: sqlite:///abs/path.db, sqlite://rel/path.db, "
                   "sqlite::memory:, postgres://user@host/db"));
  seed = flags->AddString(
      "seed", "LONGTAKE_SEED", "",
      absl::StrCat(defaults.seed_help, " (default: data/seed/",
                   defaults.seed_file,
                   " of the source tree next to the binary, else "
                   "/usr/share/longtake/seed/",
                   defaults.seed_file, ")"));
  token = AddTokenFlags(flags, defaults.secret_help);
  log_level = flags->AddString("log_level", "LONGTAKE_LOG_LEVEL", "info",
                               "debug, info, warning or error");
  log_calls = flags->AddBool("log_calls", "LONGTAKE_LOG_CALLS", true,
                             "log one line per call (method, code, latency)");
  shutdown_grace = flags->AddDuration(
      "shutdown_grace", "LONGTAKE_SHUTDOWN_GRACE", absl::Seconds(5),
      "on SIGTERM, how long in-flight calls may take to finish");
  metrics_listen = flags->AddString(
      "metrics_listen", "LONGTAKE_METRICS_LISTEN", "",
      "HOST:PORT serving Prometheus metrics over HTTP at /metrics (e.g. "
      "0.0.0.0:9464; port 0 picks a free port); empty: off");
  tls = AddTlsFlags(flags);
}

std::optional<int> ServerFlags::Parse(int argc, const char* const* argv,
                                      const LimitFlags& limits) {
  if (absl::Status s = flags_->Parse(argc, argv); !s.ok()) {
    return flags_->UsageError(std::string(s.message()));
  }
  if (flags_->help_requested()) {
    std::cout << flags_->Usage();
    return 0;
  }
  if (!flags_->positional().empty()) {
    return flags_->UsageError(
        absl::StrCat("unexpected argument \"", flags_->positional()[0], "\""));
  }
  LogLevel level;
  if (!ParseLogLevel(*log_level, &level)) {
    return flags_->UsageError(
        absl::StrCat("--log-level: \"", *log_level,
                     "\" is not debug, info, warning or error"));
  }
  SetLogLevel(level);
  if (absl::Status s = CheckHostPort("listen", *listen); !s.ok()) {
    return flags_->UsageError(std::string(s.message()));
  }
  if (!metrics_listen->empty()) {
    if (absl::Status s = CheckHostPort("metrics_listen", *metrics_listen);
        !s.ok()) {
      return flags_->UsageError(std::string(s.message()));
    }
  }
  if (*shutdown_grace < absl::ZeroDuration()) {
    return flags_->UsageError("--shutdown-grace: must not be negative");
  }
  for (absl::Status s : {CheckTls(tls), CheckToken(token)}) {
    if (!s.ok()) return flags_->UsageError(std::string(s.message()));
  }
  absl::StatusOr<std::string> resolved = ResolveSeedPath(*seed, seed_file_);
  if (!resolved.ok()) return StartupFailed(resolved.status().message());
  seed_path_ = *resolved;
  if (absl::Status s = limits.Check(); !s.ok()) {
    return flags_->UsageError(std::string(s.message()));
  }
  return std::nullopt;
}

int ServerFlags::StoreOpenFailed(const absl::Status& status) const {
  if (status.code() == absl::StatusCode::kInvalidArgument) {
    return flags_->UsageError(absl::StrCat("--store: ", status.message()));
  }
  return StartupFailed(
      absl::StrCat("opening store ", *store, ": ", status.message()));
}

absl::StatusOr<std::unique_ptr<auth::TokenVerifier>>
ServerFlags::MakeTokenVerifier() const {
  if (token.secret->empty() && token.jwks_file->empty()) return nullptr;
  auth::TokenVerifierOptions options;
  options.secret = *token.secret;
  if (!token.jwks_file->empty()) {
    absl::StatusOr<std::vector<auth::PublicKey>> keys =
        auth::ReadJwksFile(*token.jwks_file);
    if (!keys.ok()) return keys.status();
    options.public_keys = *std::move(keys);
  }
  options.issuer = *token.issuer;
  options.audience = *token.audience;
  options.clock_skew = *token.clock_skew;
  return std::make_unique<auth::TokenVerifier>(std::move(options));
}

absl::Status CheckHostPort(absl::string_view flag, absl::string_view value) {
  if (value.empty() || value.rfind(':') == absl::string_view::npos) {
    std::string dashed(flag);
    for (char& c : dashed) {
      if (c == '_') c = '-';
    }
    return absl::InvalidArgumentError(
        absl::StrCat("--", dashed, ": \"", value, "\" is not HOST:PORT"));
  }
  return absl::OkStatus();
}

int StartupFailed(absl::string_view message) {
  Log(LogLevel::kError, absl::StrCat("startup failed: ", message));
  return 1;
}

}  // namespace longtake
