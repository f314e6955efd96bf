#include "common/domain/region_code.h"

#include <algorithm>
#include <array>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/status/errors.h"

namespace longtake {
namespace {

// ISO 3166-1 alpha-2, the officially assigned codes (Debian's iso-codes
// 4.15), sorted for binary search.
constexpr std::array<absl::string_view, 249> kRegions = {
    "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT",
    "AU", "AW", "AX", "AZ", "BA", "BB", "BD", "BE", "BF", "BG", "BH", "BI",
    "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS", "BT", "BV", "BW", "BY",
    "BZ", "CA", "CC", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN",
    "CO", "CR", "CU", "CV", "CW", "CX", "CY", "CZ", "DE", "DJ", "DK", "DM",
    "DO", "DZ", "EC", "EE", "EG", "EH", "ER", "ES", "ET", "FI", "FJ", "FK",
    "FM", "FO", "FR", "GA", "GB", "GD", "GE", "GF", "GG", "GH", "GI", "GL",
    "GM", "GN", "GP", "GQ", "GR", "GS", "GT", "GU", "GW", "GY", "HK", "HM",
    "HN", "HR", "HT", "HU", "ID", "IE", "IL", "IM", "IN", "IO", "IQ", "IR",
    "IS", "IT", "JE", "JM", "JO", "JP", "KE", "KG", "KH", "KI", "KM", "KN",
    "KP", "KR", "KW", "KY", "KZ", "LA", "LB", "LC", "LI", "LK", "LR", "LS",
    "LT", "LU", "LV", "LY", "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK",
    "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS", "MT", "MU", "MV", "MW",
    "MX", "MY", "MZ", "NA", "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP",
    "NR", "NU", "NZ", "OM", "PA", "PE", "PF", "PG", "PH", "PK", "PL", "PM",
    "PN", "PR", "PS", "PT", "PW", "PY", "QA", "RE", "RO", "RS", "RU", "RW",
    "SA", "SB", "SC", "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM",
    "SN", "SO", "SR", "SS", "ST", "SV", "SX", "SY", "SZ", "TC", "TD", "TF",
    "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO", "TR", "TT", "TV", "TW",
    "TZ", "UA", "UG", "UM", "US", "UY", "UZ", "VA", "VC", "VE", "VG", "VI",
    "VN", "VU", "WF", "WS", "YE", "YT", "ZA", "ZM", "ZW",
};

// ISO 3166-3: alpha-2 codes of countries that no longer exist (SU, YU, DD,
// CS...), which film data still names.
constexpr std::array<absl::string_view, 25> kFormerCountries = {
    "AN", "BU", "CS", "CT", "DD", "DY", "FQ", "FX", "HV",
    "JT", "MI", "NH", "NQ", "NT", "PC", "PU", "PZ", "RH",
    "SU", "TP", "VD", "WK", "YD", "YU", "ZR",
};

template <size_t N>
bool Contains(const std::array<absl::string_view, N>& sorted,
              absl::string_view code) {
  return std::binary_search(sorted.begin(), sorted.end(), code);
}

}  // namespace

bool IsIsoRegion(absl::string_view code) { return Contains(kRegions, code); }

bool IsFilmCountry(absl::string_view code) {
  return IsIsoRegion(code) || Contains(kFormerCountries, code);
}

absl::StatusOr<std::string> NormaliseRegion(absl::string_view region,
                                            absl::string_view field) {
  std::string upper = absl::AsciiStrToUpper(region);
  if (!IsIsoRegion(upper)) {
    return InvalidArgument(field, RegionError(region));
  }
  return upper;
}

std::string RegionError(absl::string_view region) {
  return absl::StrCat(
      "\"", region.substr(0, 16),
      "\" is not an ISO 3166-1 alpha-2 region code (such as GB)");
}

}  // namespace longtake
