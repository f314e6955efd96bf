// Fuzzes the filter parsers of both services: the first byte picks one, the
// rest is the filter text. ListFilms' AIP-160 filter (with its values
// checked and converted), the AND-only filters of ListPeople and
// ListSequences, and the watchlist's ListOffers and ListWatchlistItems
// filters.

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "catalog_service/domain/film_filter.h"
#include "catalog_service/domain/filter.h"
#include "tests/fuzz/fuzz_support.h"
#include "watchlist_service/domain/watchlist_validation.h"

namespace {

enum Parser : uint8_t { kFilm, kAndOnly, kOffer, kItem, kParsers };

std::string Seed(Parser parser, absl::string_view filter) {
  return std::string(1, static_cast<char>(parser)) + std::string(filter);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  longtake::fuzz::WriteRawSeedsIfAsked({
      Seed(kFilm, R"pb(year >= 1955 AND(genre = "war" OR genre = "drama"))pb"),
      Seed(kFilm,
           R"pb(NOT country = "SU" AND title: "cran*" AND rating > 7.5)pb"),
      Seed(kFilm, R"pb(person = "people/sergei-urusevsky" AND role =
                           "CREDIT_ROLE_CINEMATOGRAPHER" AND era =
                               "eras/khrushchev-thaw")pb"),
      Seed(kFilm,
           R"pb(technique = "CAMERA_TECHNIQUE_LONG_TAKE" OR imdb_id =
                    "tt0050634" OR tmdb_id = 12 OR wikidata_id = "Q1")pb"),
      Seed(kFilm, R"pb(runtime <= 100 AND language != "ru" AND - year < 3)pb"),
      Seed(kAndOnly, R"pb(role = "CREDIT_ROLE_CAST" AND technique =
                              "CAMERA_TECHNIQUE_CRANE_SHOT")pb"),
      Seed(kOffer, R"pb(region = "GB" AND(format = "DVD" OR format = "BLU_RAY")
                            AND monetization = "MONETIZATION_BUY")pb"),
      Seed(kOffer, R"pb(film = "films/i-am-cuba" AND provider =
                            "providers/mr-bongo")pb"),
      Seed(kItem, "watchable_now = true"),
  });
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace longtake;
  if (size == 0) return 0;
  const absl::string_view text(reinterpret_cast<const char*>(data) + 1,
                               size - 1);
  switch (data[0] % kParsers) {
    case kFilm:
      (void)catalog::internal::ParseFilmFilter(text);
      break;
    case kAndOnly:
      (void)catalog::internal::ParseFilter(text, {"role", "technique"});
      break;
    case kOffer:
      (void)watchlist::ParseOfferFilter(text);
      break;
    case kItem:
      (void)watchlist::ParseItemFilter(text);
      break;
  }
  return 0;
}
