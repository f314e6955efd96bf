#include "watchlist_service/domain/enum_names.h"

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/strip.h"

namespace longtake::watchlist::internal {

int FindEnumName(absl::string_view text, absl::string_view prefix,
                 absl::Span<const absl::string_view> names) {
  std::string upper = absl::AsciiStrToUpper(text);
  absl::string_view name = upper;
  absl::ConsumePrefix(&name, prefix);
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] == name) return static_cast<int>(i) + 1;
  }
  return 0;
}

}  // namespace longtake::watchlist::internal
