#include "common/grpc/service_config.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace longtake {
namespace {

std::string Seconds(absl::Duration d) {
  return absl::StrFormat("%.3fs", absl::ToDoubleSeconds(d));
}

}  // namespace

std::string RetryServiceConfigJson(const RetryPolicy& policy) {
  if (policy.max_attempts < 2) return "{}";
  std::vector<std::string> services = policy.services;
  if (services.empty()) {
    services = {"longtake.catalog.v1.CatalogService",
                "longtake.watchlist.v1.WatchlistService"};
  }
  std::string names;
  for (const std::string& s : services) {
    if (!names.empty()) names += ",";
    absl::StrAppend(&names, R"({"service":")", s, R"("})");
  }
  return absl::StrCat(
      R"({"methodConfig":[{"name":[)", names, R"(],"waitForReady":false,)",
      R"("retryPolicy":{"maxAttempts":)", std::min(policy.max_attempts, 5),
      R"(,"initialBackoff":")", Seconds(policy.initial_backoff),
      R"(","maxBackoff":")", Seconds(policy.max_backoff),
      R"(","backoffMultiplier":2,"retryableStatusCodes":["UNAVAILABLE"]}}]})");
}

}  // namespace longtake
