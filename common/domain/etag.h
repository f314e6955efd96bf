#pragma once

// The one etag scheme (AIP-154) of both services: an etag is a fingerprint of
// the resource's stored content, so equal content has equal etags on every
// replica, and a write that changes nothing keeps its etag.
//
//   film.etag = EtagOf(EncodeFilmWithoutEtag(film));

#include <string>

#include "absl/strings/string_view.h"

namespace longtake {

// 16 lower-case hex digits of a stable 64-bit hash of `content`.
std::string EtagOf(absl::string_view content);

}  // namespace longtake
