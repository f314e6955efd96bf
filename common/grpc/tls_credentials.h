#pragma once

// The one place TLS credentials are built, for servers (the runner) and for
// every client channel (the watchlist's catalogue channel, the client
// library, the CLI, the container health check, tests).
//
// Certificates given as files are watched: gRPC's
// FileWatcherCertificateProvider reads them again every refresh interval,
// so a renewed certificate (cert-manager, a rotated Secret, a replaced file)
// is used for new connections without a restart. Replace a key and its
// certificate together (write both, then rename into place): a pair that
// does not match is skipped and the previous one kept.
//
//   ServerTlsFiles files{.cert_file = "server.crt", .key_file = "server.key",
//                        .client_ca_file = "ca.crt"};  // mTLS
//   absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> creds =
//       MakeServerCredentials(files);
//
//   ChannelTls tls{.enabled = true, .ca_file = "ca.crt",
//                  .cert_file = "client.crt", .key_file = "client.key"};
//   absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> channel_creds =
//       MakeChannelCredentials(tls);
//
// Nothing set means plaintext: MakeServerCredentials returns
// InsecureServerCredentials when there is no certificate, and
// MakeChannelCredentials InsecureChannelCredentials unless `enabled`.

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/support/channel_arguments.h"

namespace longtake {

// How often watched certificate files are read again, by default. gRPC
// counts whole seconds, at least 1.
inline constexpr absl::Duration kDefaultTlsRefreshInterval = absl::Minutes(1);

// Every field has a default, so designated initializers may name any subset
// (-Wmissing-field-initializers stays quiet).
struct ServerTlsFiles {
  // PEM certificate chain and private key; both or neither (plaintext).
  std::string cert_file{};
  std::string key_file{};
  // PEM CA bundle: when set, every client must present a certificate
  // signed by it (mTLS); unset, clients are not asked for one.
  std::string client_ca_file{};
  absl::Duration refresh_interval = kDefaultTlsRefreshInterval;
};

// Whether `files` asks for TLS at all.
inline bool TlsEnabled(const ServerTlsFiles& files) {
  return !files.cert_file.empty() || !files.key_file.empty() ||
         !files.client_ca_file.empty();
}

// INVALID_ARGUMENT naming the servers' flag (--tls-cert, --tls-key,
// --tls-client-ca) when a file is missing, unreadable or not PEM, when only
// one of cert and key is given, or when a client CA is given without a
// certificate; otherwise the credentials (insecure for none).
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> MakeServerCredentials(
    const ServerTlsFiles& files);

struct ChannelTls {
  // Off: plaintext (h2c), and every other field is ignored.
  bool enabled = false;
  // Roots to trust; neither ca_file nor ca_pem means the system's roots.
  // The client certificate and key for mTLS (both or neither). Files are
  // watched; PEM text (for callers holding it in memory) is not. Give
  // either files or PEM text, not both.
  std::string ca_file{};
  std::string cert_file{};
  std::string key_file{};
  std::string ca_pem{};
  std::string cert_pem{};
  std::string key_pem{};
  // The name the server's certificate must carry, when it differs from
  // the host of the target (e.g. probing 127.0.0.1 of a certificate issued
  // for "catalog"). Applied by ApplyChannelTlsArgs.
  std::string server_name{};
  absl::Duration refresh_interval = kDefaultTlsRefreshInterval;
  // Flag names for error messages.
  std::string ca_flag = "--ca";
  std::string cert_flag = "--cert";
  std::string key_flag = "--key";
};

// INVALID_ARGUMENT naming the flag for a missing/unreadable/non-PEM file or
// a certificate without its key (or the reverse); otherwise TLS credentials
// that check the server's certificate chain and name (or insecure ones when
// !enabled).
absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>>
MakeChannelCredentials(const ChannelTls& tls);

// Adds what `tls` needs on the channel (the server name override).
void ApplyChannelTlsArgs(const ChannelTls& tls, grpc::ChannelArguments* args);

// Reads a PEM file: INVALID_ARGUMENT naming `flag` when it cannot be read or
// holds no PEM block.
absl::StatusOr<std::string> ReadPemFile(absl::string_view flag,
                                        const std::string& path);

}  // namespace longtake
