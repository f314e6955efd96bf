#include "common/text/slug.h"

#include <string_view>

#include "common/text/text_folding.h"

namespace longtake {

bool IsValidSlug(absl::string_view id) {
  if (id.empty() || id.size() > kMaxSlugLength) return false;
  for (char c : id) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
      return false;
    }
  }
  return id[0] != '-';
}

std::string Slugify(absl::string_view text, absl::string_view fallback) {
  std::string folded = FoldText(std::string_view(text.data(), text.size()));
  std::string slug;
  bool hyphen = false;
  for (char c : folded) {
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      if (hyphen && !slug.empty()) slug.push_back('-');
      hyphen = false;
      slug.push_back(c);
      if (slug.size() >= kMaxSlugLength) break;
    } else {
      hyphen = true;
    }
  }
  while (!slug.empty() && slug.back() == '-') slug.pop_back();
  if (slug.empty()) return std::string(fallback);
  return slug;
}

}  // namespace longtake
