#include "common/grpc/request_fingerprint.h"

#include "gtest/gtest.h"
#include "longtake/watchlist/v1/watchlist_service.pb.h"

namespace longtake {
namespace {

TEST(RequestFingerprintTest, IgnoresTheRequestIdAndSeesEverythingElse) {
  watchlist::v1::CreateWatchlistItemRequest a;
  a.set_parent("users/alice");
  a.mutable_item()->set_film("films/i-am-cuba");
  a.set_request_id("first");
  watchlist::v1::CreateWatchlistItemRequest retry = a;
  retry.set_request_id("second");
  EXPECT_EQ(RequestFingerprint(a), RequestFingerprint(retry));
  EXPECT_EQ(RequestFingerprint(a).size(), 16u);

  watchlist::v1::CreateWatchlistItemRequest other = a;
  other.mutable_item()->set_note("a note");
  EXPECT_NE(RequestFingerprint(a), RequestFingerprint(other));
  other = a;
  other.set_parent("users/bob");
  EXPECT_NE(RequestFingerprint(a), RequestFingerprint(other));
  EXPECT_EQ(a.request_id(), "first");  // the request itself is untouched
}

}  // namespace
}  // namespace longtake
