#include "watchlist_service/domain/seed_loader.h"

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "common/config/json_file.h"
#include "common/log/logger.h"
#include "common/status/errors.h"
#include "watchlist_service/domain/enum_names.h"
#include "watchlist_service/domain/watchlist.h"
#include "watchlist_service/domain/watchlist_store.h"

namespace longtake::watchlist {
namespace {

// An enum by its name (enum_names.h); unspecified when the key is absent.
template <typename E>
E ParseEnum(const nlohmann::json& j, const char* key, absl::Status* error) {
  if (!j.contains(key)) return E{};
  std::string text = j.at(key).get<std::string>();
  if (std::optional<E> value = ParseEnumName<E>(text)) return *value;
  *error = absl::InvalidArgumentError(
      absl::StrCat("seed: unknown ", key, " \"", text, "\""));
  return E{};
}

absl::Time ParseSeedTime(const nlohmann::json& j, const char* key,
                         absl::Time if_unset, absl::Status* error) {
  if (!j.contains(key) || j.at(key).is_null()) return if_unset;
  absl::Time t;
  std::string err;
  if (!absl::ParseTime(absl::RFC3339_full, j.at(key).get<std::string>(), &t,
                       &err)) {
    *error = absl::InvalidArgumentError(absl::StrCat("seed: ", key, ": ", err));
  }
  return t;
}

absl::StatusOr<Provider> ParseProvider(const nlohmann::json& jp) {
  absl::Status error;
  Provider p;
  p.display_name = jp.value("display_name", "");
  p.kind = ParseEnum<ProviderKind>(jp, "kind", &error);
  p.regions = jp.value("regions", std::vector<std::string>{});
  p.home_page_uri = jp.value("home_page_uri", "");
  LONGTAKE_RETURN_IF_ERROR(error);
  return p;
}

absl::StatusOr<Offer> ParseOffer(const nlohmann::json& jo) {
  absl::Status error;
  Offer o;
  o.film = jo.value("film", "");
  o.provider = jo.value("provider", "");
  o.monetization = ParseEnum<Monetization>(jo, "monetization", &error);
  o.format = ParseEnum<Format>(jo, "format", &error);
  o.quality = ParseEnum<Quality>(jo, "quality", &error);
  o.region = jo.value("region", "");
  if (jo.contains("price") && jo.at("price").is_object()) {
    const auto& jm = jo.at("price");
    o.price =
        Money{jm.value("currency_code", ""), jm.value("units", int64_t{0}),
              jm.value("nanos", int32_t{0})};
  }
  o.deep_link_uri = jo.value("deep_link_uri", "");
  o.edition = jo.value("edition", "");
  o.extras = jo.value("extras", std::vector<std::string>{});
  o.available_from =
      ParseSeedTime(jo, "available_from", absl::InfinitePast(), &error);
  o.available_until =
      ParseSeedTime(jo, "available_until", absl::InfiniteFuture(), &error);
  o.last_verify_time =
      ParseSeedTime(jo, "last_verify_time", absl::InfinitePast(), &error);
  LONGTAKE_RETURN_IF_ERROR(error);
  return o;
}

// Prefixes a failed seed write's message with what it was writing.
absl::Status SeedError(const absl::Status& status, absl::string_view what,
                       absl::string_view id) {
  return absl::Status(status.code(), absl::StrCat("seed ", what, " ", id, ": ",
                                                  status.message()));
}

}  // namespace

absl::StatusOr<OffersSeed> ReadOffersSeed(const std::string& path) {
  LONGTAKE_ASSIGN_OR_RETURN(nlohmann::json j,
                            ReadJsonObjectFile(path, "offers seed file"));
  OffersSeed seed;
  try {
    for (const auto& jp : j.value("providers", nlohmann::json::array())) {
      LONGTAKE_ASSIGN_OR_RETURN(Provider p, ParseProvider(jp));
      seed.providers.emplace_back(jp.value("id", ""), std::move(p));
    }
    for (const auto& jo : j.value("offers", nlohmann::json::array())) {
      LONGTAKE_ASSIGN_OR_RETURN(Offer o, ParseOffer(jo));
      seed.offers.emplace_back(jo.value("id", ""), std::move(o));
    }
  } catch (const nlohmann::json::exception& e) {
    return absl::InvalidArgumentError(
        absl::StrCat("offers seed ", path, ": ", e.what()));
  }
  return seed;
}

absl::Status Watchlist::LoadSeedIfEmpty(const std::string& seed_path) {
  LONGTAKE_ASSIGN_OR_RETURN(int64_t count, store_->CountProviders());
  if (count > 0) return absl::OkStatus();
  LONGTAKE_ASSIGN_OR_RETURN(OffersSeed seed, ReadOffersSeed(seed_path));
  for (const auto& [id, provider] : seed.providers) {
    auto created = CreateProvider(provider, id, {});
    if (!created.ok()) return SeedError(created.status(), "provider", id);
  }
  for (const auto& [id, offer] : seed.offers) {
    auto created = AddOffer(offer, id, {}, /*check_film=*/false);
    if (!created.ok()) return SeedError(created.status(), "offer", id);
  }
  Log(LogLevel::kInfo, absl::StrCat("watchlist: seeded ", seed.providers.size(),
                                    " providers and ", seed.offers.size(),
                                    " offers from ", seed_path));
  return absl::OkStatus();
}

}  // namespace longtake::watchlist
