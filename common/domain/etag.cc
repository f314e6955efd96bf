#include "common/domain/etag.h"

#include "absl/strings/str_cat.h"
#include "common/paging/page_token.h"

namespace longtake {

std::string EtagOf(absl::string_view content) {
  return absl::StrCat(absl::Hex(StableHash(content), absl::kZeroPad16));
}

}  // namespace longtake
