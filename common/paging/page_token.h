#pragma once

// AIP-158 pagination helpers shared by every List and Search RPC.
//
// A page token is opaque to clients: base64url of a version, a fingerprint of
// the request arguments that shape the result (filter, order, parent, query)
// and a position (whatever the list needs to resume: a last key, an offset).
// Reusing a token with different arguments is rejected, as AIP-158 asks.
//
//   LONGTAKE_ASSIGN_OR_RETURN(int size, ResolvePageSize(req.page_size, 50,
//   1000)); std::string args = absl::StrCat(req.filter, "|", req.order_by);
//   LONGTAKE_ASSIGN_OR_RETURN(std::string position,
//   DecodePageToken(req.page_token, args));
//   ... next_page_token = more ? EncodePageToken(args, last_key) : "";

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace longtake {

// 0 means the default; above max is coerced to max; negative is an error
// naming `page_size`.
absl::StatusOr<int> ResolvePageSize(int requested, int default_size,
                                    int max_size);

std::string EncodePageToken(absl::string_view request_args,
                            absl::string_view position);

// "" for an empty token (first page). INVALID_ARGUMENT naming `page_token`
// for a malformed token or one minted for other arguments, and for one
// longer than kMaxPageTokenBytes (common/domain/field_limits.h).
absl::StatusOr<std::string> DecodePageToken(absl::string_view token,
                                            absl::string_view request_args);

// A stable 64-bit FNV-1a hash (the same across processes and replicas).
uint64_t StableHash(absl::string_view data);

}  // namespace longtake
