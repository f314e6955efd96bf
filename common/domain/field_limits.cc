#include "common/domain/field_limits.h"

#include <string>

#include "absl/strings/str_cat.h"

namespace longtake {
namespace {

std::string TooLong(size_t size, size_t max) {
  return absl::StrCat("is too long (at most ", max, " bytes; got ", size, ")");
}

std::string TooMany(size_t count, size_t max) {
  return absl::StrCat("has too many entries (at most ", max, "; got ", count,
                      ")");
}

}  // namespace

absl::Status CheckBytes(absl::string_view value, absl::string_view field,
                        size_t max) {
  if (value.size() <= max) return absl::OkStatus();
  return InvalidArgument(field, TooLong(value.size(), max));
}

bool CheckBytes(absl::string_view value, absl::string_view field, size_t max,
                std::vector<FieldViolation>* violations) {
  if (value.size() <= max) return true;
  violations->push_back({std::string(field), TooLong(value.size(), max)});
  return false;
}

absl::Status CheckEntries(size_t count, absl::string_view field, size_t max) {
  if (count <= max) return absl::OkStatus();
  return InvalidArgument(field, TooMany(count, max));
}

bool CheckEntries(size_t count, absl::string_view field, size_t max,
                  std::vector<FieldViolation>* violations) {
  if (count <= max) return true;
  violations->push_back({std::string(field), TooMany(count, max)});
  return false;
}

absl::Status CheckRequestId(absl::string_view request_id) {
  if (request_id.size() <= kMaxRequestIdBytes) return absl::OkStatus();
  return InvalidArgument(
      "request_id", absl::StrCat(TooLong(request_id.size(), kMaxRequestIdBytes),
                                 "; a UUID is a good choice"));
}

absl::Status CheckPageToken(absl::string_view page_token) {
  return CheckBytes(page_token, "page_token", kMaxPageTokenBytes);
}

absl::Status CheckFilter(absl::string_view filter) {
  return CheckBytes(filter, "filter", kMaxFilterBytes);
}

absl::Status CheckOrderBy(absl::string_view order_by) {
  return CheckBytes(order_by, "order_by", kMaxOrderByBytes);
}

absl::Status CheckTimestamp(int64_t seconds, int32_t nanos,
                            absl::string_view field) {
  if (seconds < kMinTimestampSeconds || seconds > kMaxTimestampSeconds) {
    return InvalidArgument(
        field,
        absl::StrCat("seconds must be between ", kMinTimestampSeconds,
                     " (0001-01-01T00:00:00Z) and ", kMaxTimestampSeconds,
                     " (9999-12-31T23:59:59Z); got ", seconds));
  }
  if (nanos < 0 || nanos >= kNanosPerSecond) {
    return InvalidArgument(
        field,
        absl::StrCat("nanos must be between 0 and 999999999; got ", nanos));
  }
  return absl::OkStatus();
}

absl::Status CheckDuration(int64_t seconds, int32_t nanos,
                           absl::string_view field) {
  if (seconds < -kMaxDurationSeconds || seconds > kMaxDurationSeconds) {
    return InvalidArgument(
        field, absl::StrCat("seconds must be between -", kMaxDurationSeconds,
                            " and ", kMaxDurationSeconds, "; got ", seconds));
  }
  if (nanos <= -kNanosPerSecond || nanos >= kNanosPerSecond) {
    return InvalidArgument(
        field, absl::StrCat("nanos must be between -999999999 and 999999999; "
                            "got ",
                            nanos));
  }
  if ((seconds < 0 && nanos > 0) || (seconds > 0 && nanos < 0)) {
    return InvalidArgument(
        field, absl::StrCat("nanos must have the sign of seconds; got seconds ",
                            seconds, " and nanos ", nanos));
  }
  return absl::OkStatus();
}

}  // namespace longtake
