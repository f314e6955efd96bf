#include "watchlist_service/store/offer_codec.h"

#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace longtake::watchlist {
namespace {

nlohmann::json TimeJson(absl::Time t) {
  std::optional<int64_t> micros = TimeToMicros(t);
  if (!micros) return nullptr;
  return *micros;
}

absl::Time JsonTime(const nlohmann::json& j, const char* key,
                    absl::Time if_unset) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return if_unset;
  return absl::FromUnixMicros(it->get<int64_t>());
}

}  // namespace

std::optional<int64_t> TimeToMicros(absl::Time t) {
  if (t == absl::InfinitePast() || t == absl::InfiniteFuture())
    return std::nullopt;
  return absl::ToUnixMicros(t);
}

absl::Time MicrosToTime(std::optional<int64_t> micros, absl::Time if_unset) {
  if (!micros) return if_unset;
  return absl::FromUnixMicros(*micros);
}

std::string EncodeOfferJson(const Offer& offer) {
  nlohmann::json j;
  j["name"] = offer.name;
  j["film"] = offer.film;
  j["provider"] = offer.provider;
  j["monetization"] = static_cast<int>(offer.monetization);
  j["format"] = static_cast<int>(offer.format);
  j["quality"] = static_cast<int>(offer.quality);
  j["region"] = offer.region;
  if (offer.price) {
    j["price"] = {{"currency_code", offer.price->currency_code},
                  {"units", offer.price->units},
                  {"nanos", offer.price->nanos}};
  }
  j["deep_link_uri"] = offer.deep_link_uri;
  j["edition"] = offer.edition;
  j["extras"] = offer.extras;
  j["available_from"] = TimeJson(offer.available_from);
  j["available_until"] = TimeJson(offer.available_until);
  j["last_verify_time"] = TimeJson(offer.last_verify_time);
  j["etag"] = offer.etag;
  j["create_time"] = TimeJson(offer.create_time);
  j["update_time"] = TimeJson(offer.update_time);
  return j.dump();
}

absl::StatusOr<Offer> DecodeOfferJson(const std::string& text) {
  nlohmann::json j =
      nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    return absl::DataLossError("stored offer snapshot is not valid JSON");
  }
  try {
    Offer offer;
    offer.name = j.value("name", "");
    offer.film = j.value("film", "");
    offer.provider = j.value("provider", "");
    offer.monetization = static_cast<Monetization>(j.value("monetization", 0));
    offer.format = static_cast<Format>(j.value("format", 0));
    offer.quality = static_cast<Quality>(j.value("quality", 0));
    offer.region = j.value("region", "");
    if (auto it = j.find("price"); it != j.end() && it->is_object()) {
      Money m;
      m.currency_code = it->value("currency_code", "");
      m.units = it->value("units", int64_t{0});
      m.nanos = it->value("nanos", int32_t{0});
      offer.price = m;
    }
    offer.deep_link_uri = j.value("deep_link_uri", "");
    offer.edition = j.value("edition", "");
    if (auto it = j.find("extras"); it != j.end() && it->is_array()) {
      offer.extras = it->get<std::vector<std::string>>();
    }
    offer.available_from = JsonTime(j, "available_from", absl::InfinitePast());
    offer.available_until =
        JsonTime(j, "available_until", absl::InfiniteFuture());
    offer.last_verify_time =
        JsonTime(j, "last_verify_time", absl::InfinitePast());
    offer.etag = j.value("etag", "");
    offer.create_time = JsonTime(j, "create_time", absl::InfinitePast());
    offer.update_time = JsonTime(j, "update_time", absl::InfinitePast());
    return offer;
  } catch (const nlohmann::json::exception& e) {
    return absl::DataLossError(
        absl::StrCat("stored offer snapshot: ", e.what()));
  }
}

std::string UserOfItem(const std::string& item_name) {
  absl::string_view rest(item_name);
  if (!absl::ConsumePrefix(&rest, "users/")) return "";
  size_t slash = rest.find('/');
  return std::string(rest.substr(0, slash));
}

}  // namespace longtake::watchlist
