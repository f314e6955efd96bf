#pragma once

// The names of the watchlist's enums as text the service reads spells them
// (the offers seed, ListOffers filters): the proto value names of
// longtake/watchlist/v1/resources.proto, with or without their prefix, in
// any case ("MONETIZATION_BUY", "buy"). One table per enum, here only.
//
//   std::optional<Format> format = ParseEnumName<Format>("blu_ray");
//   absl::StrCat("one of ", EnumNameList<Format>());

#include <array>
#include <optional>
#include <string>

#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "watchlist_service/domain/model.h"

namespace longtake::watchlist {

// kNames lists the values from 1 in order (0, unspecified, has no name).
template <typename E>
struct EnumNames;

template <>
struct EnumNames<ProviderKind> {
  static constexpr absl::string_view kPrefix = "KIND_";
  static constexpr std::array<absl::string_view, 3> kNames = {
      "STREAMING_SERVICE", "RETAILER", "BROADCASTER"};
};

template <>
struct EnumNames<Monetization> {
  static constexpr absl::string_view kPrefix = "MONETIZATION_";
  static constexpr std::array<absl::string_view, 5> kNames = {
      "SUBSCRIPTION", "RENT", "BUY", "FREE", "ADS"};
};

template <>
struct EnumNames<Format> {
  static constexpr absl::string_view kPrefix = "FORMAT_";
  static constexpr std::array<absl::string_view, 5> kNames = {
      "STREAMING", "DIGITAL_DOWNLOAD", "DVD", "BLU_RAY", "UHD_BLU_RAY"};
};

template <>
struct EnumNames<Quality> {
  static constexpr absl::string_view kPrefix = "QUALITY_";
  static constexpr std::array<absl::string_view, 3> kNames = {"SD", "HD",
                                                              "UHD_4K"};
};

namespace internal {
// The 1-based position of `text` in `names` (case ignored, `prefix` optional);
// 0 when it is none of them.
int FindEnumName(absl::string_view text, absl::string_view prefix,
                 absl::Span<const absl::string_view> names);
}  // namespace internal

// nullopt for an unknown name and for the unspecified value.
template <typename E>
std::optional<E> ParseEnumName(absl::string_view text) {
  int value =
      internal::FindEnumName(text, EnumNames<E>::kPrefix, EnumNames<E>::kNames);
  if (value == 0) return std::nullopt;
  return static_cast<E>(value);
}

// "SUBSCRIPTION, RENT, BUY, FREE, ADS": the short names, for messages.
template <typename E>
std::string EnumNameList() {
  return absl::StrJoin(EnumNames<E>::kNames, ", ");
}

}  // namespace longtake::watchlist
