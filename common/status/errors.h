#pragma once

// Error constructors for domain code, following AIP-193 without tying the
// domain to gRPC or protobuf: the machine-readable parts (reason, offending
// fields, resource) ride along as absl::Status payloads and are turned into
// google.rpc details by common/grpc/status_adapter.h.
//
//   return InvalidArgument("film.year", "must be between 1870 and 2100");
//   return NotFound("films/no-such-film");
//
// Reasons are stable UPPER_SNAKE strings clients may switch on.

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace longtake {

struct FieldViolation {
  std::string field;        // request field path, e.g. "film.year"
  std::string description;  // what is wrong and what is expected
};

// INVALID_ARGUMENT, reason INVALID_ARGUMENT (or `reason`), one field.
absl::Status InvalidArgument(absl::string_view field,
                             absl::string_view description,
                             absl::string_view reason = "INVALID_ARGUMENT");
// INVALID_ARGUMENT with several fields; the message lists them all.
absl::Status InvalidArguments(std::vector<FieldViolation> violations,
                              absl::string_view reason = "INVALID_ARGUMENT");
// INVALID_ARGUMENT naming `filter`, reason INVALID_FILTER: a list filter
// (AIP-160) that does not parse or names an unknown field or value.
absl::Status InvalidFilter(absl::string_view description);
// INVALID_ARGUMENT, reason INVALID_REQUEST: request bytes that do not parse
// as the method's request message.
absl::Status InvalidRequest(absl::string_view description);
// UNAVAILABLE, reason SHUTTING_DOWN: the one answer of a draining server
// ("the catalogue service is shutting down; try again shortly").
absl::Status ShuttingDownError(absl::string_view service);
// NOT_FOUND, reason RESOURCE_NOT_FOUND, naming the resource ("films/x").
absl::Status NotFound(absl::string_view resource_name);
// ALREADY_EXISTS, reason RESOURCE_ALREADY_EXISTS.
absl::Status AlreadyExists(absl::string_view resource_name);
// ABORTED, reason ETAG_MISMATCH: the resource changed since it was read.
absl::Status EtagMismatch(absl::string_view resource_name);
// FAILED_PRECONDITION with a reason, e.g. PERSON_STILL_CREDITED.
absl::Status FailedPrecondition(absl::string_view reason,
                                absl::string_view message,
                                absl::string_view resource_name = "");
// Any code with a reason (UNAVAILABLE/CATALOG_UNAVAILABLE,
// PERMISSION_DENIED...).
absl::Status ErrorWithReason(absl::StatusCode code, absl::string_view reason,
                             absl::string_view message,
                             absl::string_view resource_name = "");

// RESOURCE_EXHAUSTED, reason RATE_LIMITED, with the time after which a
// retry may succeed (google.rpc.RetryInfo on the wire): "writes by alice:
// 20 per second, burst 40".
absl::Status RateLimited(absl::string_view what, absl::Duration retry_after);
// RESOURCE_EXHAUSTED with a reason and a retry delay, for other limits.
absl::Status ResourceExhausted(absl::string_view reason,
                               absl::string_view message,
                               absl::Duration retry_after);

// Reading the payloads back (used by the gRPC adapter and by tests).
std::string ErrorReason(const absl::Status& status);  // "" when none
std::string ErrorResource(const absl::Status& status);
std::vector<FieldViolation> ErrorFieldViolations(const absl::Status& status);
// The retry delay, when the error carries one.
std::optional<absl::Duration> ErrorRetryDelay(const absl::Status& status);

// Early return for absl::Status and absl::StatusOr (Abseil 20220623 has no
// status macros).
#define LONGTAKE_RETURN_IF_ERROR(expr)            \
  do {                                            \
    if (::absl::Status _st = (expr); !_st.ok()) { \
      return _st;                                 \
    }                                             \
  } while (0)

#define LONGTAKE_CONCAT_INNER_(a, b) a##b
#define LONGTAKE_CONCAT_(a, b) LONGTAKE_CONCAT_INNER_(a, b)
#define LONGTAKE_ASSIGN_OR_RETURN(lhs, expr)                                   \
  LONGTAKE_ASSIGN_OR_RETURN_IMPL_(LONGTAKE_CONCAT_(_statusor_, __LINE__), lhs, \
                                  expr)
#define LONGTAKE_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                    \
  if (!tmp.ok()) return tmp.status();                   \
  lhs = std::move(tmp).value()

}  // namespace longtake
