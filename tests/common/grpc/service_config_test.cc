#include "common/grpc/service_config.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace longtake {
namespace {

TEST(ServiceConfigTest, RetriesUnavailableOnTheNamedServices) {
  RetryPolicy policy;
  policy.max_attempts = 3;
  policy.initial_backoff = absl::Milliseconds(20);
  policy.max_backoff = absl::Milliseconds(100);
  policy.services = {"longtake.catalog.v1.CatalogService"};
  const nlohmann::json config =
      nlohmann::json::parse(RetryServiceConfigJson(policy));
  const nlohmann::json& method = config["methodConfig"][0];
  EXPECT_EQ(method["name"].size(), 1u);
  EXPECT_EQ(method["name"][0]["service"], "longtake.catalog.v1.CatalogService");
  const nlohmann::json& retry = method["retryPolicy"];
  EXPECT_EQ(retry["maxAttempts"], 3);
  EXPECT_EQ(retry["initialBackoff"], "0.020s");
  EXPECT_EQ(retry["maxBackoff"], "0.100s");
  EXPECT_EQ(retry["retryableStatusCodes"],
            nlohmann::json::array({"UNAVAILABLE"}));
}

TEST(ServiceConfigTest, DefaultsToBothServicesAndCapsAttempts) {
  RetryPolicy policy;
  policy.max_attempts = 9;
  const nlohmann::json config =
      nlohmann::json::parse(RetryServiceConfigJson(policy));
  EXPECT_EQ(config["methodConfig"][0]["name"].size(), 2u);
  EXPECT_EQ(config["methodConfig"][0]["retryPolicy"]["maxAttempts"], 5);
}

TEST(ServiceConfigTest, OneAttemptMeansNoRetryPolicy) {
  RetryPolicy policy;
  policy.max_attempts = 1;
  EXPECT_EQ(RetryServiceConfigJson(policy), "{}");
}

}  // namespace
}  // namespace longtake
