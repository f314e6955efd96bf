#include "common/grpc/call_limits.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/status/errors.h"

namespace longtake {

CallLimits::CallLimits(const CallRateLimits& limits)
    : user_writes_(limits.user_writes),
      peer_writes_(limits.peer_writes),
      user_searches_(limits.user_searches),
      peer_searches_(limits.peer_searches) {}

absl::Status CallLimits::AdmitWrite(const grpc::ServerContextBase& context,
                                    absl::string_view user) {
  return Admit(user_writes_, peer_writes_, "writes", context, user);
}

absl::Status CallLimits::AdmitSearch(const grpc::ServerContextBase& context,
                                     absl::string_view user) {
  return Admit(user_searches_, peer_searches_, "searches", context, user);
}

absl::Status CallLimits::Admit(RateLimiter& per_user, RateLimiter& per_peer,
                               absl::string_view what,
                               const grpc::ServerContextBase& context,
                               absl::string_view user) {
  if (!user.empty()) {
    if (absl::Duration wait = per_user.Acquire(user);
        wait > absl::ZeroDuration()) {
      return RateLimited(
          absl::StrCat(what, " by ", user, " (", per_user.options().per_second,
                       " per second)"),
          wait);
    }
  }
  if (per_peer.enabled()) {
    const std::string peer = PeerAddress(context.peer());
    if (absl::Duration wait = per_peer.Acquire(peer);
        wait > absl::ZeroDuration()) {
      return RateLimited(
          absl::StrCat(what, " from ", peer, " (",
                       per_peer.options().per_second, " per second)"),
          wait);
    }
  }
  return absl::OkStatus();
}

std::string PeerAddress(absl::string_view peer) {
  if (!absl::ConsumePrefix(&peer, "ipv4:") &&
      !absl::ConsumePrefix(&peer, "ipv6:")) {
    return std::string(peer);
  }
  if (absl::ConsumePrefix(&peer, "[")) {
    return std::string(peer.substr(0, peer.find(']')));
  }
  return std::string(peer.substr(0, peer.rfind(':')));
}

}  // namespace longtake
