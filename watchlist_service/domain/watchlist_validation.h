#pragma once

// Name, value and request checks of the watchlist domain: resource names,
// regions, money, URIs, filters and page positions, and the validation of
// providers, offers and items, with the size limits of
// common/domain/field_limits.h. Pure functions; errors are INVALID_ARGUMENT
// naming the field (common/status/errors.h).
//
//   LONGTAKE_ASSIGN_OR_RETURN(std::string user, ParseUserParent(parent));
//   std::vector<FieldViolation> violations;
//   ValidateOffer(offer, &violations);

#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/domain/region_code.h"
#include "common/status/errors.h"
#include "watchlist_service/domain/model.h"
#include "watchlist_service/domain/watchlist_store.h"

namespace longtake::watchlist {

// [a-z0-9][a-z0-9-]{0,62} (with '_' when allowed).
bool IsValidId(absl::string_view id, bool allow_underscore = false);
bool IsFilmName(absl::string_view name);      // films/{film}
bool IsProviderName(absl::string_view name);  // providers/{provider}
bool IsOfferName(absl::string_view name);     // offers/{offer}

// OK when `name` is providers/{provider} (offers/{offer}), else
// INVALID_ARGUMENT naming `field`: "\"x\" must be providers/{provider}".
absl::Status CheckProviderName(absl::string_view name,
                               absl::string_view field = "name");
absl::Status CheckOfferName(absl::string_view name,
                            absl::string_view field = "name");
// The id a client chose for a new resource (provider_id, offer_id): OK when
// IsValidId, else INVALID_ARGUMENT naming `field`.
absl::Status CheckNewId(absl::string_view id, absl::string_view field);

// "users/{user}" with user [a-z0-9][a-z0-9_-]{0,62}; returns "{user}".
// INVALID_ARGUMENT naming `field`. Shared with the adapter.
absl::StatusOr<std::string> ParseUserParent(absl::string_view parent,
                                            absl::string_view field = "parent");

struct ItemName {
  std::string user;
  std::string id;
};
// "users/{user}/watchlist/items/{item}".
absl::StatusOr<ItemName> ParseItemName(absl::string_view name,
                                       absl::string_view field = "name");

// Each as longtake::NormaliseRegion (common/domain/region_code.h), naming
// regions[i]; more than kMaxListEntries is INVALID_ARGUMENT naming regions.
absl::StatusOr<std::vector<std::string>> NormaliseRegions(
    const std::vector<std::string>& regions);
// "providers/{provider}" each, naming `field`[i]; at most kMaxListEntries.
absl::StatusOr<absl::flat_hash_set<std::string>> ParseSubscriptions(
    const std::vector<std::string>& subscriptions, absl::string_view field);

// The film directory's (catalogue's) answer about `film` as a caller should
// see it: UNAVAILABLE CATALOG_UNAVAILABLE when it could not be asked,
// NOT_FOUND naming the film when it is not there.
absl::Status CatalogueError(const absl::Status& status,
                            const std::string& film);

// Normalises (regions to upper case) and appends the provider's violations
// (fields named provider.*).
void ValidateProvider(Provider& provider,
                      std::vector<FieldViolation>* violations);
// Normalises (drops the price of offers that have none) and appends the
// offer's violations (fields named offer.*). Does not look the provider up.
void ValidateOffer(Offer& offer, std::vector<FieldViolation>* violations);
// Appends the violations of what a client sets on an item (its note), named
// item.*.
void ValidateItem(const WatchlistItem& item,
                  std::vector<FieldViolation>* violations);

// ListOffers filter (AIP-160 subset): `field = "value"` conditions on film
// ("films/x"), region ("GB"), provider ("providers/x"), monetization ("BUY"
// or "MONETIZATION_BUY") and format ("DVD" or "FORMAT_DVD"), joined with
// AND, each field at most once; one field's values may be joined with OR,
// parenthesised or not: `(format = "DVD" OR format = "BLU_RAY")`. Each list
// of the result is sorted without duplicates, so equal filters compare equal.
absl::StatusOr<OfferFilter> ParseOfferFilter(absl::string_view filter);

// ListItems filter: "" or `watchable_now = true` (false is the same as no
// filter). Returns whether watchable_now is asked.
absl::StatusOr<bool> ParseItemFilter(absl::string_view filter);

// The position in a page token of an offset-paged list ("" is 0).
absl::StatusOr<int64_t> ParseOffset(const std::string& position);

}  // namespace longtake::watchlist
