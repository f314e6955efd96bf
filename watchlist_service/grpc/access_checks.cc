#include "watchlist_service/grpc/access_checks.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/grpc/call_auth.h"
#include "common/status/errors.h"
#include "watchlist_service/domain/watchlist_errors.h"

namespace longtake::watchlist {

absl::Status AnyUser(const auth::Principal&) { return absl::OkStatus(); }

absl::Status Curator(const auth::Principal& who) {
  absl::Status status = RequireCurator(who);
  if (status.ok()) return status;
  return ErrorWithReason(
      status.code(), ErrorReason(status),
      absl::StrCat("user ", who.user,
                   " may not change providers or offers: curator role "
                   "required"));
}

absl::Status RequireOwner(const auth::Principal& who,
                          const std::string& resource,
                          absl::string_view field) {
  absl::string_view rest(resource);
  if (!absl::ConsumePrefix(&rest, "users/")) {
    return InvalidArgument(
        field, absl::StrCat("must name a user's resource, users/{user}...; "
                            "got \"",
                            resource, "\""));
  }
  absl::string_view user = rest.substr(0, rest.find('/'));
  if (!auth::IsValidUserName(user)) {
    return InvalidArgument(
        field,
        absl::StrCat("\"", user,
                     "\" is not a user name ([a-z0-9][a-z0-9_-]{0,62})"));
  }
  if (user != who.user) {
    return ErrorWithReason(
        absl::StatusCode::kPermissionDenied, kNotResourceOwner,
        absl::StrCat("user ", who.user, " may not access ", resource,
                     ": a user reads and writes only their own watchlist"),
        resource);
  }
  return absl::OkStatus();
}

}  // namespace longtake::watchlist
