#pragma once

// The catalogue's error domain and the reasons it adds to the shared ones of
// common/status/errors.h (INVALID_ARGUMENT, RESOURCE_NOT_FOUND, ...). Clients
// switch on these strings, so they never change once published.
//
//   return FailedPrecondition(kPersonStillCredited, message, name);
//   reactor->Finish(ToGrpcStatus(status, kCatalogErrorDomain));

#include "absl/strings/string_view.h"

namespace longtake::catalog {

// google.rpc.ErrorInfo.domain of every catalogue error.
inline constexpr absl::string_view kCatalogErrorDomain = "catalog.longtake.dev";

// DeletePerson of a person some film still credits.
inline constexpr absl::string_view kPersonStillCredited =
    "PERSON_STILL_CREDITED";
// DeleteSequence of a sequence another one is positioned relative to.
inline constexpr absl::string_view kSequenceReferenced = "SEQUENCE_REFERENCED";
// A write through a server whose curator writes are turned off.
inline constexpr absl::string_view kCuratorWritesDisabled =
    "CURATOR_WRITES_DISABLED";
// Any catalogue call while the server is still loading the catalogue at
// start (UNAVAILABLE; health says NOT_SERVING meanwhile).
inline constexpr absl::string_view kCatalogLoading = "CATALOG_LOADING";

}  // namespace longtake::catalog
