#include "common/grpc/call_limits.h"

#include "gtest/gtest.h"

namespace longtake {
namespace {

TEST(PeerAddressTest, DropsTheSchemeAndPort) {
  EXPECT_EQ(PeerAddress("ipv4:10.0.0.7:51234"), "10.0.0.7");
  EXPECT_EQ(PeerAddress("ipv6:[::1]:51234"), "::1");
  EXPECT_EQ(PeerAddress("ipv6:[2001:db8::5]:443"), "2001:db8::5");
  EXPECT_EQ(PeerAddress("unix:/tmp/socket"), "unix:/tmp/socket");
}

}  // namespace
}  // namespace longtake
