#pragma once

// What a write with a request id (AIP-155) produced, kept by the store in the
// same transaction as the write, so that a retry with the same id returns the
// first result instead of writing again. One shape for both services.
//
// A record belongs to its caller: it is stored under ScopedRequestId(caller,
// request_id), so one user's request id never finds another's record, and it
// keeps a fingerprint of the request, so a key reused for a different request
// is refused instead of answered with the first result:
//
//   record.request_id = ScopedRequestId(who.user, request.request_id());
//   LONGTAKE_RETURN_IF_ERROR(CheckReplay(*stored, "CreateFilm", fingerprint));

#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/status/errors.h"

namespace longtake {

struct RequestRecord {
  std::string request_id;    // ScopedRequestId(caller, the client's request_id)
  std::string method;        // "CreateFilm", "DeleteWatchlistItem", ...
  std::string resource;      // name of the resource written ("" if none)
  std::string response;      // optional method-specific payload (e.g. JSON)
  std::string request_hash;  // fingerprint of the request ("" in old records)
};

// The key a record is stored under. User names cannot hold '/', so the
// caller part is unambiguous.
inline std::string ScopedRequestId(absl::string_view caller,
                                   absl::string_view request_id) {
  return absl::StrCat(caller, "/", request_id);
}

// OK when `stored` is the record of this very request (same method and, when
// both have one, the same fingerprint); INVALID_ARGUMENT naming request_id
// when the key was used before for a different request.
inline absl::Status CheckReplay(const RequestRecord& stored,
                                absl::string_view method,
                                absl::string_view request_hash) {
  const bool same_request =
      stored.method == method &&
      (stored.request_hash.empty() || request_hash.empty() ||
       stored.request_hash == request_hash);
  if (same_request) return absl::OkStatus();
  return InvalidArgument(
      "request_id",
      absl::StrCat("was already used for a different request (", stored.method,
                   " ", stored.resource,
                   "); use a new request_id for each distinct request"));
}

}  // namespace longtake
