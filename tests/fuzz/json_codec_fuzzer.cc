// Fuzzes the JSON forms that are read back: the catalogue's stored JSON of
// each resource (catalog_service/domain/json_codec.h) and its seed file, the
// watchlist's stored offer JSON (watchlist_service/store/offer_codec.h) and
// its offers seed file. The first byte picks one; the rest is the JSON. A
// resource that decodes must encode and decode again.

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "catalog_service/domain/catalog_state.h"
#include "catalog_service/domain/json_codec.h"
#include "catalog_service/domain/seed_loader.h"
#include "nlohmann/json.hpp"
#include "tests/fuzz/fuzz_support.h"
#include "watchlist_service/domain/seed_loader.h"
#include "watchlist_service/store/offer_codec.h"

namespace {

enum Form : uint8_t {
  kFilm,
  kPerson,
  kSequence,
  kEra,
  kCatalogSeed,
  kOffer,
  kOffersSeed,
  kForms
};

std::string Seed(Form form, const std::string& text) {
  return std::string(1, static_cast<char>(form)) + text;
}

// Decodes `text` as a T; when it decodes, its JSON must decode again.
template <typename T>
void RoundTrip(absl::string_view text) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded()) return;
  absl::StatusOr<T> value = longtake::catalog::FromJson<T>(j, "fuzz");
  if (!value.ok()) return;
  absl::StatusOr<T> again =
      longtake::catalog::FromJson<T>(longtake::catalog::ToJson(*value), "fuzz");
  longtake::fuzz::Check(again.ok(), again.status().ToString());
}

// A scratch file for the seed readers, which read a path.
longtake::fuzz::ScratchFile& Scratch() {
  static longtake::fuzz::ScratchFile scratch("seed.json");
  return scratch;
}

void ReadCatalogSeed(absl::string_view text) {
  longtake::catalog::internal::CatalogState state;
  (void)longtake::catalog::internal::ReadSeed(
      Scratch().Write(text), state, absl::FromUnixSeconds(1767225600));
}

// Decodes `text` as an offer; when it decodes, its JSON must decode again.
void OfferRoundTrip(absl::string_view text) {
  using longtake::watchlist::DecodeOfferJson;
  absl::StatusOr<longtake::watchlist::Offer> offer =
      DecodeOfferJson(std::string(text));
  if (!offer.ok()) return;
  absl::StatusOr<longtake::watchlist::Offer> again =
      DecodeOfferJson(longtake::watchlist::EncodeOfferJson(*offer));
  longtake::fuzz::Check(again.ok(), again.status().ToString());
}

void ReadOffersSeed(absl::string_view text) {
  (void)longtake::watchlist::ReadOffersSeed(Scratch().Write(text));
}

// What the input of each Form goes through, in the order of Form.
constexpr void (*kTargets[kForms])(absl::string_view) = {
    RoundTrip<longtake::catalog::Film>,
    RoundTrip<longtake::catalog::Person>,
    RoundTrip<longtake::catalog::Sequence>,
    RoundTrip<longtake::catalog::Era>,
    ReadCatalogSeed,
    OfferRoundTrip,
    ReadOffersSeed,
};

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  using longtake::fuzz::SourceFile;
  const nlohmann::json catalog =
      nlohmann::json::parse(SourceFile("data/seed/catalog.json"));
  const nlohmann::json offers =
      nlohmann::json::parse(SourceFile("data/seed/offers.json"));
  std::vector<std::string> seeds = {
      Seed(kCatalogSeed, catalog.dump()),
      Seed(kOffersSeed, offers.dump()),
  };
  for (const auto& film : catalog["films"]) {
    seeds.push_back(Seed(kFilm, film.dump()));
  }
  seeds.push_back(Seed(kPerson, catalog["people"][0].dump()));
  seeds.push_back(Seed(kEra, catalog["eras"][0].dump()));
  for (const auto& film : catalog["films"]) {
    if (film.contains("sequences")) {
      for (const auto& s : film["sequences"]) {
        seeds.push_back(Seed(kSequence, s.dump()));
      }
    }
  }
  longtake::watchlist::Offer offer;
  offer.name = "offers/x";
  offer.film = "films/i-am-cuba";
  offer.provider = "providers/mr-bongo";
  offer.region = "GB";
  offer.extras = {"booklet"};
  offer.available_from = absl::FromUnixSeconds(1700000000);
  seeds.push_back(Seed(kOffer, longtake::watchlist::EncodeOfferJson(offer)));
  longtake::fuzz::WriteRawSeedsIfAsked(seeds);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  kTargets[data[0] % kForms](
      absl::string_view(reinterpret_cast<const char*>(data) + 1, size - 1));
  return 0;
}
