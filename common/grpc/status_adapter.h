#pragma once

// The one place where absl::Status becomes grpc::Status (and back, for
// clients). Details follow AIP-193: a google.rpc.Status in the
// `grpc-status-details-bin` trailer with an ErrorInfo (reason, domain,
// metadata), a BadRequest listing field violations, and a ResourceInfo for
// NOT_FOUND / ALREADY_EXISTS / ABORTED.
//
//   reactor->Finish(ToGrpcStatus(status, kCatalogErrorDomain));
//
// Each service names its own error domain (catalog_service/domain/
// catalog_errors.h, watchlist_service/domain/watchlist_errors.h).

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "google/rpc/status.pb.h"
#include "grpcpp/support/status.h"

namespace longtake {

// Bounds on the text an error carries back, since it may quote the
// caller's input: the message, and each field path, description and
// resource name. Longer text is cut and says how much was left out.
inline constexpr size_t kMaxErrorMessageBytes = 1024;
inline constexpr size_t kMaxErrorFieldBytes = 256;

grpc::Status ToGrpcStatus(const absl::Status& status, absl::string_view domain);

// For clients: the google.rpc.Status carried by a failed call; empty (code 0)
// when the server sent no details.
google::rpc::Status DecodeStatusDetails(const grpc::Status& status);

// For clients: a grpc::Status back to absl::Status, keeping the reason and
// field violations as payloads (see common/status/errors.h).
absl::Status FromGrpcStatus(const grpc::Status& status);

}  // namespace longtake
