#pragma once

// The compact binary form the stores keep each resource in (the `doc`
// column since schema migration 4; before it, JSON from
// domain/json_codec.h). Decoding it is a straight walk over the bytes with
// no parsing or name lookups, several times faster than JSON: at a million
// films it is most of a catalogue's start.
//
//   std::string doc = EncodeDoc(film);
//   Film copy;
//   LONGTAKE_RETURN_IF_ERROR(DecodeDoc(doc, &copy));
//
// Layout: a version byte (kDocFormatVersion; a JSON document starts with
// '{', so the two forms never mix up), then every field in declaration
// order: integers as (zigzag) varints, strings and lists as a varint length
// then their bytes or elements, enums as one byte, doubles as 8
// little-endian bytes, times and durations as a tag byte (finite, or which
// infinity) then seconds and nanoseconds. A new field in model.h changes the
// layout: doc_codec.cc stops compiling until it is encoded (and
// kDocFormatVersion raised, decoding the older version too).

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "catalog_service/domain/model.h"

namespace longtake::catalog {

inline constexpr char kDocFormatVersion = 1;

// Whether `doc` is in the binary form (otherwise it is a legacy JSON one).
inline bool IsBinaryDoc(absl::string_view doc) {
  return !doc.empty() && doc.front() == kDocFormatVersion;
}

std::string EncodeDoc(const Film& film);
std::string EncodeDoc(const Person& person);
std::string EncodeDoc(const Sequence& sequence);
std::string EncodeDoc(const Era& era);

// INVALID_ARGUMENT when `doc` is not a whole, well-formed document of that
// resource in this form (truncated, trailing bytes, a length past the end,
// another version).
absl::Status DecodeDoc(absl::string_view doc, Film* out);
absl::Status DecodeDoc(absl::string_view doc, Person* out);
absl::Status DecodeDoc(absl::string_view doc, Sequence* out);
absl::Status DecodeDoc(absl::string_view doc, Era* out);

}  // namespace longtake::catalog
