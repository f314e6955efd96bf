#pragma once

// Etags of the watchlist's resources, in the one scheme of both services
// (common/domain/etag.h): a fingerprint of the resource's stored content
// without its etag. Equal content has equal etags on every replica, and a
// write that changes nothing keeps its etag.
//
//   next.update_time = Now();
//   next.etag = OfferEtag(next);

#include <string>

#include "watchlist_service/domain/model.h"

namespace longtake::watchlist {

std::string ProviderEtag(const Provider& provider);
std::string OfferEtag(const Offer& offer);
// Stored fields only: not the film summary or best offer filled on read.
std::string ItemEtag(const WatchlistItem& item);

}  // namespace longtake::watchlist
