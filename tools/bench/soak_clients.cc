#include "tools/bench/soak_clients.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "common/auth/token.h"
#include "grpc/health/v1/health.grpc.pb.h"

namespace longtake::bench {

std::string MintToken(const std::string& secret, const std::string& user,
                      bool curator) {
  longtake::auth::TokenMinter signer(secret);
  return signer.Mint(
      user,
      curator ? longtake::auth::Role::kCurator : longtake::auth::Role::kUser,
      absl::Hours(24));
}

std::string CodeName(grpc::StatusCode code) {
  return absl::StatusCodeToString(static_cast<absl::StatusCode>(code));
}

std::string CodesText(const std::map<grpc::StatusCode, int64_t>& codes) {
  if (codes.empty()) return "0";
  std::vector<std::string> parts;
  for (const auto& [code, n] : codes) {
    parts.push_back(absl::StrCat(CodeName(code), ":", n));
  }
  return absl::StrJoin(parts, ",");
}

double Percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  size_t k = std::min(v.size() - 1, static_cast<size_t>(p * v.size()));
  std::nth_element(v.begin(), v.begin() + k, v.end());
  return v[k];
}

std::unique_ptr<grpc::ClientContext> Context(const std::string& token) {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->set_deadline(std::chrono::system_clock::now() + kCallDeadline);
  if (!token.empty()) ctx->AddMetadata("authorization", "Bearer " + token);
  return ctx;
}

std::shared_ptr<grpc::Channel> OwnConnection(const std::string& addr) {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  return grpc::CreateCustomChannel(addr, grpc::InsecureChannelCredentials(),
                                   args);
}

Memory ReadMemory(int64_t pid) {
  Memory m;
  if (pid <= 0) return m;
  std::ifstream in(absl::StrCat("/proc/", pid, "/status"));
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string key;
    double kb = 0;
    fields >> key >> kb;
    if (key == "VmRSS:") m.rss_mib = kb / 1024;
    if (key == "VmHWM:") m.hwm_mib = kb / 1024;
  }
  return m;
}

std::string HealthStatus(const std::shared_ptr<grpc::Channel>& channel) {
  auto stub = grpc::health::v1::Health::NewStub(channel);
  grpc::health::v1::HealthCheckRequest request;
  grpc::health::v1::HealthCheckResponse response;
  grpc::Status s = stub->Check(Context("").get(), request, &response);
  if (!s.ok()) return CodeName(s.error_code());
  return grpc::health::v1::HealthCheckResponse::ServingStatus_Name(
      response.status());
}

std::string Mib(double mib) {
  return mib < 0 ? "?" : absl::StrFormat("%.1f", mib);
}

}  // namespace longtake::bench
