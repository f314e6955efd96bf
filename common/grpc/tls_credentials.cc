#include "common/grpc/tls_credentials.h"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "grpcpp/security/tls_certificate_provider.h"
#include "grpcpp/security/tls_certificate_verifier.h"
#include "grpcpp/security/tls_credentials_options.h"

namespace longtake {
namespace {

using grpc::experimental::CertificateProviderInterface;
using grpc::experimental::FileWatcherCertificateProvider;
using grpc::experimental::IdentityKeyCertPair;
using grpc::experimental::StaticDataCertificateProvider;

// The servers' TLS flags (common/config/server_flags.h), named by the errors
// of MakeServerCredentials.
constexpr absl::string_view kCertFlag = "--tls-cert";
constexpr absl::string_view kKeyFlag = "--tls-key";
constexpr absl::string_view kClientCaFlag = "--tls-client-ca";

// gRPC's provider counts whole seconds and refreshes at most once a second.
unsigned int RefreshSeconds(absl::Duration interval) {
  return static_cast<unsigned int>(
      std::max<int64_t>(1, absl::ToInt64Seconds(interval)));
}

// Checks a file the provider will watch: readable now and PEM, so a typo
// fails at startup rather than at the first handshake.
absl::Status CheckPemFile(absl::string_view flag, const std::string& path) {
  return ReadPemFile(flag, path).status();
}

absl::Status PairError(absl::string_view have, absl::string_view missing) {
  return absl::InvalidArgumentError(
      absl::StrCat(have, " needs ", missing, " (a certificate and its key)"));
}

}  // namespace

absl::StatusOr<std::string> ReadPemFile(absl::string_view flag,
                                        const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::InvalidArgumentError(
        absl::StrCat(flag, ": cannot read \"", path, "\""));
  }
  std::ostringstream text;
  text << in.rdbuf();
  std::string pem = text.str();
  if (!absl::StrContains(pem, "-----BEGIN ")) {
    return absl::InvalidArgumentError(
        absl::StrCat(flag, ": \"", path, "\" is not a PEM file"));
  }
  return pem;
}

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> MakeServerCredentials(
    const ServerTlsFiles& files) {
  if (!TlsEnabled(files)) return grpc::InsecureServerCredentials();
  if (files.cert_file.empty() && files.key_file.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(kClientCaFlag, " needs ",
                                                   kCertFlag, " and ", kKeyFlag,
                                                   " (mTLS is TLS first)"));
  }
  if (files.key_file.empty()) return PairError(kCertFlag, kKeyFlag);
  if (files.cert_file.empty()) return PairError(kKeyFlag, kCertFlag);
  for (const auto& [flag, path] :
       {std::pair{kCertFlag, files.cert_file},
        std::pair{kKeyFlag, files.key_file},
        std::pair{kClientCaFlag, files.client_ca_file}}) {
    if (path.empty()) continue;
    if (absl::Status s = CheckPemFile(flag, path); !s.ok()) return s;
  }
  auto provider = std::make_shared<FileWatcherCertificateProvider>(
      files.key_file, files.cert_file, files.client_ca_file,
      RefreshSeconds(files.refresh_interval));
  grpc::experimental::TlsServerCredentialsOptions options(provider);
  options.watch_identity_key_cert_pairs();
  if (files.client_ca_file.empty()) {
    options.set_cert_request_type(GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
  } else {
    options.watch_root_certs();
    options.set_cert_request_type(
        GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  }
  return grpc::experimental::TlsServerCredentials(options);
}

absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>>
MakeChannelCredentials(const ChannelTls& tls) {
  if (!tls.enabled) return grpc::InsecureChannelCredentials();
  const bool has_cert = !tls.cert_file.empty() || !tls.cert_pem.empty();
  const bool has_key = !tls.key_file.empty() || !tls.key_pem.empty();
  if (has_cert && !has_key) return PairError(tls.cert_flag, tls.key_flag);
  if (has_key && !has_cert) return PairError(tls.key_flag, tls.cert_flag);
  const bool any_file =
      !tls.ca_file.empty() || !tls.cert_file.empty() || !tls.key_file.empty();
  const bool any_pem =
      !tls.ca_pem.empty() || !tls.cert_pem.empty() || !tls.key_pem.empty();
  if (any_file && any_pem) {
    // One gRPC provider per channel: files (watched) or PEM text, not both.
    return absl::InvalidArgumentError(absl::StrCat(
        tls.ca_flag, ", ", tls.cert_flag, ", ", tls.key_flag,
        ": give the certificates either all as files or all as PEM text"));
  }
  for (const auto& [flag, path] : {std::pair{tls.ca_flag, tls.ca_file},
                                   std::pair{tls.cert_flag, tls.cert_file},
                                   std::pair{tls.key_flag, tls.key_file}}) {
    if (path.empty()) continue;
    if (absl::Status s = CheckPemFile(flag, path); !s.ok()) return s;
  }
  const bool has_ca = !tls.ca_file.empty() || !tls.ca_pem.empty();

  std::shared_ptr<CertificateProviderInterface> provider;
  if (any_file) {
    provider = std::make_shared<FileWatcherCertificateProvider>(
        tls.key_file, tls.cert_file, tls.ca_file,
        RefreshSeconds(tls.refresh_interval));
  } else if (any_pem) {
    std::vector<IdentityKeyCertPair> identity;
    if (has_cert) identity.push_back({tls.key_pem, tls.cert_pem});
    provider =
        std::make_shared<StaticDataCertificateProvider>(tls.ca_pem, identity);
  }
  grpc::experimental::TlsChannelCredentialsOptions options;
  if (provider != nullptr) {
    options.set_certificate_provider(provider);
    // Without watched roots, gRPC trusts the system's.
    if (has_ca) options.watch_root_certs();
    if (has_cert) options.watch_identity_key_cert_pairs();
  }
  // The chain is checked against the roots, and the name against the
  // target's host (or server_name).
  options.set_verify_server_certs(true);
  options.set_certificate_verifier(
      std::make_shared<grpc::experimental::HostNameCertificateVerifier>());
  return grpc::experimental::TlsCredentials(options);
}

void ApplyChannelTlsArgs(const ChannelTls& tls, grpc::ChannelArguments* args) {
  if (tls.enabled && !tls.server_name.empty()) {
    args->SetSslTargetNameOverride(tls.server_name);
  }
}

}  // namespace longtake
