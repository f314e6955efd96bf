#include "common/paging/page_token.h"

#include <cstring>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/domain/field_limits.h"
#include "common/status/errors.h"

namespace longtake {
namespace {

constexpr char kVersion = '1';

}  // namespace

uint64_t StableHash(absl::string_view data) {
  uint64_t hash = 14695981039346656037ull;
  for (unsigned char c : data) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  return hash;
}

absl::StatusOr<int> ResolvePageSize(int requested, int default_size,
                                    int max_size) {
  if (requested < 0) {
    return InvalidArgument(
        "page_size", absl::StrCat("must not be negative (got ", requested,
                                  "); 0 means the default of ", default_size));
  }
  if (requested == 0) return default_size;
  return requested > max_size ? max_size : requested;
}

std::string EncodePageToken(absl::string_view request_args,
                            absl::string_view position) {
  uint64_t fingerprint = StableHash(request_args);
  std::string raw(1, kVersion);
  raw.append(reinterpret_cast<const char*>(&fingerprint), sizeof(fingerprint));
  raw.append(position.data(), position.size());
  return absl::WebSafeBase64Escape(raw);
}

absl::StatusOr<std::string> DecodePageToken(absl::string_view token,
                                            absl::string_view request_args) {
  if (token.empty()) return std::string();
  LONGTAKE_RETURN_IF_ERROR(CheckPageToken(token));
  std::string raw;
  if (!absl::WebSafeBase64Unescape(token, &raw) ||
      raw.size() < 1 + sizeof(uint64_t) || raw[0] != kVersion) {
    return InvalidArgument(
        "page_token",
        "is not a token this service issued; pass next_page_token from the "
        "previous response unchanged",
        "INVALID_PAGE_TOKEN");
  }
  uint64_t fingerprint;
  std::memcpy(&fingerprint, raw.data() + 1, sizeof(fingerprint));
  if (fingerprint != StableHash(request_args)) {
    return InvalidArgument(
        "page_token",
        "was issued for a request with different arguments (filter, order, "
        "parent or query); repeat those exactly, or start again without a "
        "token",
        "PAGE_TOKEN_MISMATCH");
  }
  return raw.substr(1 + sizeof(uint64_t));
}

}  // namespace longtake
