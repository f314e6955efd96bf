#pragma once

// Who may call what on the watchlist service, checked on the gRPC callback
// thread before any work is queued: every authenticated user reads
// providers, offers and where-to-watch; only curators write providers and
// offers; a user reads and writes only their own watchlist.
//
//   absl::Status allowed = RequireOwner(who, request->parent(), "parent");

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "common/auth/token.h"

namespace longtake::watchlist {

// Any authenticated caller.
absl::Status AnyUser(const auth::Principal& who);

// Curators only: PERMISSION_DENIED with the shared curator reason and a
// message about providers and offers.
absl::Status Curator(const auth::Principal& who);

// `resource` is "users/{user}" or below it; only that user may touch it.
// INVALID_ARGUMENT naming `field` when it is not a user's resource;
// PERMISSION_DENIED (NOT_RESOURCE_OWNER) for another user's.
absl::Status RequireOwner(const auth::Principal& who,
                          const std::string& resource, absl::string_view field);

}  // namespace longtake::watchlist
