#include "watchlist_service/domain/resource_etags.h"

#include <nlohmann/json.hpp>

#include "common/domain/etag.h"

namespace longtake::watchlist {
namespace {

// Unix micros, as the stores keep them; null for the infinities (unset).
nlohmann::json Micros(absl::Time t) {
  if (t == absl::InfinitePast() || t == absl::InfiniteFuture()) return nullptr;
  return absl::ToUnixMicros(t);
}

}  // namespace

std::string ProviderEtag(const Provider& p) {
  nlohmann::json j = {{"name", p.name},
                      {"display_name", p.display_name},
                      {"kind", static_cast<int>(p.kind)},
                      {"regions", p.regions},
                      {"home_page_uri", p.home_page_uri},
                      {"create_time", Micros(p.create_time)},
                      {"update_time", Micros(p.update_time)}};
  return EtagOf(j.dump());
}

std::string OfferEtag(const Offer& o) {
  nlohmann::json price = nullptr;
  if (o.price) {
    price = {{"currency_code", o.price->currency_code},
             {"units", o.price->units},
             {"nanos", o.price->nanos}};
  }
  nlohmann::json j = {{"name", o.name},
                      {"film", o.film},
                      {"provider", o.provider},
                      {"monetization", static_cast<int>(o.monetization)},
                      {"format", static_cast<int>(o.format)},
                      {"quality", static_cast<int>(o.quality)},
                      {"region", o.region},
                      {"price", price},
                      {"deep_link_uri", o.deep_link_uri},
                      {"edition", o.edition},
                      {"extras", o.extras},
                      {"available_from", Micros(o.available_from)},
                      {"available_until", Micros(o.available_until)},
                      {"last_verify_time", Micros(o.last_verify_time)},
                      {"create_time", Micros(o.create_time)},
                      {"update_time", Micros(o.update_time)}};
  return EtagOf(j.dump());
}

std::string ItemEtag(const WatchlistItem& item) {
  nlohmann::json j = {{"name", item.name},
                      {"film", item.film},
                      {"note", item.note},
                      {"rank", item.rank},
                      {"add_time", Micros(item.add_time)},
                      {"watch_time", Micros(item.watch_time)}};
  return EtagOf(j.dump());
}

}  // namespace longtake::watchlist
