#include "common/status/errors.h"

#include "absl/strings/cord.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace longtake {
namespace {

constexpr char kReasonUrl[] = "longtake.dev/reason";
constexpr char kResourceUrl[] = "longtake.dev/resource";
constexpr char kViolationsUrl[] = "longtake.dev/field-violations";
constexpr char kRetryDelayUrl[] = "longtake.dev/retry-delay-ms";
// Field paths and descriptions never contain these control characters.
constexpr char kFieldSep = '\x1f';
constexpr char kRecordSep = '\x1e';

absl::Status WithPayloads(absl::StatusCode code, absl::string_view message,
                          absl::string_view reason,
                          absl::string_view resource) {
  absl::Status status(code, message);
  status.SetPayload(kReasonUrl, absl::Cord(reason));
  if (!resource.empty()) status.SetPayload(kResourceUrl, absl::Cord(resource));
  return status;
}

}  // namespace

absl::Status InvalidArgument(absl::string_view field,
                             absl::string_view description,
                             absl::string_view reason) {
  return InvalidArguments({{std::string(field), std::string(description)}},
                          reason);
}

absl::Status InvalidArguments(std::vector<FieldViolation> violations,
                              absl::string_view reason) {
  std::vector<std::string> parts;
  std::string encoded;
  for (const FieldViolation& v : violations) {
    parts.push_back(absl::StrCat(v.field, ": ", v.description));
    absl::StrAppend(&encoded, v.field, std::string(1, kFieldSep), v.description,
                    std::string(1, kRecordSep));
  }
  absl::Status status = WithPayloads(absl::StatusCode::kInvalidArgument,
                                     absl::StrJoin(parts, "; "), reason, "");
  status.SetPayload(kViolationsUrl, absl::Cord(encoded));
  return status;
}

absl::Status InvalidFilter(absl::string_view description) {
  return InvalidArgument("filter", description, "INVALID_FILTER");
}

absl::Status InvalidRequest(absl::string_view description) {
  return ErrorWithReason(absl::StatusCode::kInvalidArgument, "INVALID_REQUEST",
                         description);
}

absl::Status ShuttingDownError(absl::string_view service) {
  return ErrorWithReason(
      absl::StatusCode::kUnavailable, "SHUTTING_DOWN",
      absl::StrCat("the ", service,
                   " service is shutting down; try again shortly"));
}

absl::Status NotFound(absl::string_view resource_name) {
  return WithPayloads(absl::StatusCode::kNotFound,
                      absl::StrCat(resource_name, " not found"),
                      "RESOURCE_NOT_FOUND", resource_name);
}

absl::Status AlreadyExists(absl::string_view resource_name) {
  return WithPayloads(absl::StatusCode::kAlreadyExists,
                      absl::StrCat(resource_name, " already exists"),
                      "RESOURCE_ALREADY_EXISTS", resource_name);
}

absl::Status EtagMismatch(absl::string_view resource_name) {
  return WithPayloads(
      absl::StatusCode::kAborted,
      absl::StrCat(resource_name,
                   " was changed since it was read (etag mismatch); read it "
                   "again and retry"),
      "ETAG_MISMATCH", resource_name);
}

absl::Status FailedPrecondition(absl::string_view reason,
                                absl::string_view message,
                                absl::string_view resource_name) {
  return WithPayloads(absl::StatusCode::kFailedPrecondition, message, reason,
                      resource_name);
}

absl::Status ErrorWithReason(absl::StatusCode code, absl::string_view reason,
                             absl::string_view message,
                             absl::string_view resource_name) {
  return WithPayloads(code, message, reason, resource_name);
}

absl::Status RateLimited(absl::string_view what, absl::Duration retry_after) {
  return ResourceExhausted(
      "RATE_LIMITED",
      absl::StrCat(
          "rate limit reached for ", what, "; retry after ",
          absl::FormatDuration(absl::Ceil(retry_after, absl::Milliseconds(1)))),
      retry_after);
}

absl::Status ResourceExhausted(absl::string_view reason,
                               absl::string_view message,
                               absl::Duration retry_after) {
  absl::Status status =
      WithPayloads(absl::StatusCode::kResourceExhausted, message, reason, "");
  const int64_t ms =
      absl::ToInt64Milliseconds(absl::Ceil(retry_after, absl::Milliseconds(1)));
  status.SetPayload(kRetryDelayUrl, absl::Cord(absl::StrCat(ms)));
  return status;
}

std::optional<absl::Duration> ErrorRetryDelay(const absl::Status& status) {
  auto payload = status.GetPayload(kRetryDelayUrl);
  int64_t ms = 0;
  if (!payload || !absl::SimpleAtoi(std::string(*payload), &ms)) {
    return std::nullopt;
  }
  return absl::Milliseconds(ms);
}

std::string ErrorReason(const absl::Status& status) {
  auto payload = status.GetPayload(kReasonUrl);
  return payload ? std::string(*payload) : "";
}

std::string ErrorResource(const absl::Status& status) {
  auto payload = status.GetPayload(kResourceUrl);
  return payload ? std::string(*payload) : "";
}

std::vector<FieldViolation> ErrorFieldViolations(const absl::Status& status) {
  std::vector<FieldViolation> out;
  auto payload = status.GetPayload(kViolationsUrl);
  if (!payload) return out;
  for (absl::string_view record :
       absl::StrSplit(std::string(*payload), kRecordSep, absl::SkipEmpty())) {
    std::pair<std::string, std::string> kv =
        absl::StrSplit(record, absl::MaxSplits(kFieldSep, 1));
    out.push_back({kv.first, kv.second});
  }
  return out;
}

}  // namespace longtake
