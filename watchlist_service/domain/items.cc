// Watchlist: users' watchlist items, their order and their history.

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "common/domain/field_limits.h"
#include "common/log/logger.h"
#include "common/paging/page_token.h"
#include "common/status/errors.h"
#include "watchlist_service/domain/masked_update.h"
#include "watchlist_service/domain/resource_etags.h"
#include "watchlist_service/domain/watchlist.h"
#include "watchlist_service/domain/watchlist_errors.h"
#include "watchlist_service/domain/watchlist_store.h"
#include "watchlist_service/domain/watchlist_validation.h"

namespace longtake::watchlist {
namespace {

const MaskSetters<WatchlistItem>& ItemSetters() {
  static const auto* setters = new MaskSetters<WatchlistItem>{
      {"note", [](WatchlistItem& to,
                  const WatchlistItem& from) { to.note = from.note; }},
      {"rank", [](WatchlistItem& to,
                  const WatchlistItem& from) { to.rank = from.rank; }},
  };
  return *setters;
}

std::optional<Offer> BestOffer(const std::vector<RankedOffer>* ranked) {
  if (ranked == nullptr) return std::nullopt;
  for (const RankedOffer& r : *ranked) {
    if (r.available_to_user) return r.offer;
  }
  return std::nullopt;
}

std::optional<Offer> BestOfferFor(
    const absl::flat_hash_map<std::string, std::vector<RankedOffer>>& ranked,
    const std::string& film) {
  auto it = ranked.find(film);
  return BestOffer(it == ranked.end() ? nullptr : &it->second);
}

}  // namespace

void Watchlist::Enrich(std::vector<WatchlistItem>& items) {
  if (items.empty()) return;
  std::vector<std::string> films;
  absl::flat_hash_set<std::string> seen;
  for (const WatchlistItem& item : items) {
    if (seen.insert(item.film).second) films.push_back(item.film);
  }
  absl::StatusOr<std::vector<FilmSummaryWithName>> answer =
      directory_->BatchGetFilms(films);
  if (!answer.ok()) {
    Log(LogLevel::kWarning, absl::StrCat("watchlist: films not enriched: ",
                                         answer.status().ToString()));
    for (WatchlistItem& item : items) item.enriched = false;
    return;
  }
  absl::flat_hash_map<std::string, FilmSummary> by_name;
  for (FilmSummaryWithName& f : *answer) by_name[f.name] = std::move(f.summary);
  for (WatchlistItem& item : items) {
    auto it = by_name.find(item.film);
    item.enriched = it != by_name.end();
    if (item.enriched) item.film_summary = it->second;
  }
}

WatchlistItem Watchlist::Enriched(WatchlistItem item) {
  std::vector<WatchlistItem> one{std::move(item)};
  Enrich(one);
  return std::move(one.front());
}

absl::StatusOr<absl::flat_hash_map<std::string, std::vector<RankedOffer>>>
Watchlist::RankedByFilm(const std::vector<WatchlistItem>& items,
                        const std::string& region,
                        const absl::flat_hash_set<std::string>& subscriptions,
                        const ProviderNames& providers) {
  absl::flat_hash_map<std::string, std::vector<RankedOffer>> out;
  if (items.empty()) return out;
  OfferFilter filter;
  absl::flat_hash_set<std::string> seen;
  for (const WatchlistItem& item : items) {
    if (seen.insert(item.film).second) filter.films.push_back(item.film);
  }
  filter.regions = {region};
  LONGTAKE_ASSIGN_OR_RETURN(std::vector<Offer> offers,
                            store_->ListOffers(filter, "", 0));
  absl::Time now = Now();
  absl::flat_hash_map<std::string, std::vector<Offer>> by_film;
  for (Offer& o : offers) {
    if (o.AvailableAt(now)) by_film[o.film].push_back(std::move(o));
  }
  for (auto& [film, list] : by_film) {
    out[film] = RankOffers(list, subscriptions, providers);
  }
  return out;
}

absl::StatusOr<WatchlistItem> Watchlist::CreateItem(
    const std::string& parent, WatchlistItem item,
    const WriteOptions& options) {
  LONGTAKE_ASSIGN_OR_RETURN(std::string user, ParseUserParent(parent));
  LONGTAKE_ASSIGN_OR_RETURN(auto prior, PriorRequest("CreateItem", options));
  if (prior) return GetItem(prior->resource);
  std::vector<FieldViolation> violations;
  if (!IsFilmName(item.film)) {
    violations.push_back(
        {"item.film",
         absl::StrCat("\"", item.film, "\" must be films/{film}")});
  }
  ValidateItem(item, &violations);
  if (!violations.empty()) return InvalidArguments(std::move(violations));
  LONGTAKE_ASSIGN_OR_RETURN(auto existing,
                            store_->FindUnwatchedItem(user, item.film));
  if (existing) return Enriched(*std::move(existing));
  absl::StatusOr<FilmSummaryWithName> film = directory_->GetFilm(item.film);
  if (!film.ok()) return CatalogueError(film.status(), item.film);

  absl::string_view slug(item.film);
  absl::ConsumePrefix(&slug, "films/");
  std::string name = absl::StrCat("users/", user, "/watchlist/items/", slug);
  LONGTAKE_ASSIGN_OR_RETURN(auto taken, store_->GetItem(name));
  // Watched before, so in the history under that name.
  if (taken) name = absl::StrCat(name, "-", RandomHex(6));
  LONGTAKE_ASSIGN_OR_RETURN(int64_t max_rank, store_->MaxRank(user));

  WatchlistItem stored;
  stored.name = name;
  stored.film = item.film;
  stored.note = item.note;
  stored.rank = max_rank + 1;
  stored.add_time = Now();
  stored.etag = ItemEtag(stored);
  if (!options.validate_only) {
    WriteBatch batch;
    batch.expect_etags.push_back({name, ""});
    batch.put_items.push_back(stored);
    batch.request = NewRequest("CreateItem", options, name);
    absl::Status s = CommitAndPublish(batch);
    if (s.code() == absl::StatusCode::kAlreadyExists) {
      // Lost a race: with the same request id, or adding the same film.
      LONGTAKE_ASSIGN_OR_RETURN(auto again,
                                PriorRequest("CreateItem", options));
      if (again) return GetItem(again->resource);
      LONGTAKE_ASSIGN_OR_RETURN(auto other,
                                store_->FindUnwatchedItem(user, item.film));
      if (other) return Enriched(*std::move(other));
    }
    LONGTAKE_RETURN_IF_ERROR(s);
  }
  stored.film_summary = film->summary;
  stored.enriched = true;
  return stored;
}

absl::StatusOr<WatchlistItem> Watchlist::LoadItem(const std::string& name) {
  LONGTAKE_RETURN_IF_ERROR(ParseItemName(name).status());
  LONGTAKE_ASSIGN_OR_RETURN(auto item, store_->GetItem(name));
  if (!item) return NotFound(name);
  return *std::move(item);
}

absl::StatusOr<WatchlistItem> Watchlist::GetItem(const std::string& name) {
  LONGTAKE_ASSIGN_OR_RETURN(WatchlistItem item, LoadItem(name));
  return Enriched(std::move(item));
}

absl::StatusOr<ItemPage> Watchlist::ListItems(const ListItemsQuery& query) {
  LONGTAKE_ASSIGN_OR_RETURN(std::string user, ParseUserParent(query.parent));
  LONGTAKE_ASSIGN_OR_RETURN(int size,
                            ResolvePageSize(query.page_size, 50, 100));
  LONGTAKE_ASSIGN_OR_RETURN(bool watchable_now, ParseItemFilter(query.filter));
  std::string region;
  if (!query.region.empty()) {
    LONGTAKE_ASSIGN_OR_RETURN(region, NormaliseRegion(query.region, "region"));
  } else if (watchable_now) {
    return InvalidArgument("region",
                           "is required with the filter watchable_now = true");
  }
  LONGTAKE_ASSIGN_OR_RETURN(
      auto subscriptions,
      ParseSubscriptions(query.subscriptions, "subscriptions"));
  std::vector<std::string> sorted_subs(subscriptions.begin(),
                                       subscriptions.end());
  std::sort(sorted_subs.begin(), sorted_subs.end());
  std::string args =
      absl::StrCat("items|", query.parent, "|", watchable_now, "|", region, "|",
                   absl::StrJoin(sorted_subs, ","));
  LONGTAKE_ASSIGN_OR_RETURN(std::string position,
                            DecodePageToken(query.page_token, args));
  LONGTAKE_ASSIGN_OR_RETURN(int64_t offset, ParseOffset(position));

  ProviderNames providers;
  if (!region.empty()) {
    LONGTAKE_ASSIGN_OR_RETURN(providers, AllProviderNames());
  }
  if (watchable_now) {
    return ListWatchableItems(user, offset, size, region, subscriptions,
                              providers, args);
  }
  ItemPage page;
  LONGTAKE_ASSIGN_OR_RETURN(std::vector<WatchlistItem> items,
                            store_->ListItems(user, false, offset, size + 1));
  if (static_cast<int>(items.size()) > size) {
    items.resize(size);
    page.next_page_token = EncodePageToken(args, absl::StrCat(offset + size));
  }
  page.items = std::move(items);
  if (!region.empty()) {
    LONGTAKE_ASSIGN_OR_RETURN(
        auto ranked,
        RankedByFilm(page.items, region, subscriptions, providers));
    for (WatchlistItem& item : page.items) {
      item.best_offer = BestOfferFor(ranked, item.film);
    }
  }
  Enrich(page.items);
  return page;
}

absl::StatusOr<ItemPage> Watchlist::ListWatchableItems(
    const std::string& user, int64_t offset, int size,
    const std::string& region,
    const absl::flat_hash_set<std::string>& subscriptions,
    const ProviderNames& providers, const std::string& page_args) {
  // Scan the list in chunks, keeping what can be watched now.
  constexpr int kChunk = 100;
  ItemPage page;
  int64_t cursor = offset;
  bool more = false;
  while (true) {
    LONGTAKE_ASSIGN_OR_RETURN(std::vector<WatchlistItem> chunk,
                              store_->ListItems(user, false, cursor, kChunk));
    LONGTAKE_ASSIGN_OR_RETURN(
        auto ranked, RankedByFilm(chunk, region, subscriptions, providers));
    size_t i = 0;
    for (; i < chunk.size(); ++i) {
      if (static_cast<int>(page.items.size()) == size) {
        more = true;
        break;
      }
      std::optional<Offer> best = BestOfferFor(ranked, chunk[i].film);
      if (!best) continue;
      chunk[i].best_offer = std::move(best);
      page.items.push_back(std::move(chunk[i]));
    }
    cursor += static_cast<int64_t>(i);
    if (more || static_cast<int>(chunk.size()) < kChunk) break;
  }
  if (more)
    page.next_page_token = EncodePageToken(page_args, absl::StrCat(cursor));
  Enrich(page.items);
  return page;
}

absl::StatusOr<WatchlistItem> Watchlist::UpdateItem(
    WatchlistItem item, const FieldMask& mask, const WriteOptions& options) {
  LONGTAKE_ASSIGN_OR_RETURN(auto prior, PriorRequest("UpdateItem", options));
  if (prior) return GetItem(prior->resource);
  WatchlistItem next;
  LONGTAKE_ASSIGN_OR_RETURN(
      WatchlistItem current,
      MaskedUpdate(
          mask, ItemSetters(), item,
          ParseItemName(item.name, "item.name").status(), "item.etag",
          [this](const std::string& name) { return LoadItem(name); }, &next));
  std::vector<FieldViolation> violations;
  if (next.rank < 0)
    violations.push_back({"item.rank", "must not be negative"});
  ValidateItem(next, &violations);
  if (!violations.empty()) return InvalidArguments(std::move(violations));
  next.etag = ItemEtag(next);
  if (!options.validate_only) {
    WriteBatch batch;
    batch.expect_etags.push_back({next.name, current.etag});
    batch.put_items.push_back(next);
    LONGTAKE_RETURN_IF_ERROR(
        CommitRequest(batch, "UpdateItem", options, next.name));
  }
  return Enriched(std::move(next));
}

absl::Status Watchlist::DeleteItem(const std::string& name,
                                   const WriteOptions& options) {
  LONGTAKE_ASSIGN_OR_RETURN(auto prior, PriorRequest("DeleteItem", options));
  if (prior) return absl::OkStatus();
  LONGTAKE_ASSIGN_OR_RETURN(WatchlistItem current, LoadItem(name));
  if (options.validate_only) return absl::OkStatus();
  WriteBatch batch;
  batch.expect_etags.push_back({name, current.etag});
  batch.delete_items.push_back(name);
  return CommitRequest(batch, "DeleteItem", options, name);
}

absl::StatusOr<std::vector<WatchlistItem>> Watchlist::ReorderItems(
    const std::string& parent, const std::vector<std::string>& names) {
  LONGTAKE_ASSIGN_OR_RETURN(std::string user, ParseUserParent(parent));
  LONGTAKE_RETURN_IF_ERROR(CheckEntries(names.size(), "names", kMaxBatchSize));
  absl::flat_hash_set<std::string> wanted;
  for (size_t i = 0; i < names.size(); ++i) {
    std::string field = absl::StrCat("names[", i, "]");
    LONGTAKE_ASSIGN_OR_RETURN(ItemName parsed, ParseItemName(names[i], field));
    if (parsed.user != user) {
      return InvalidArgument(
          field, absl::StrCat("\"", names[i], "\" is not under ", parent));
    }
    if (!wanted.insert(names[i]).second) {
      return InvalidArgument(
          field, absl::StrCat("\"", names[i], "\" is listed twice"));
    }
  }
  LONGTAKE_ASSIGN_OR_RETURN(std::vector<WatchlistItem> items,
                            store_->ListItems(user, false, 0, 0));
  absl::flat_hash_map<std::string, size_t> index;
  for (size_t i = 0; i < items.size(); ++i) index[items[i].name] = i;
  std::vector<WatchlistItem> ordered;
  ordered.reserve(items.size());
  for (const std::string& name : names) {
    auto it = index.find(name);
    if (it == index.end()) return NotFound(name);
    ordered.push_back(items[it->second]);
  }
  for (const WatchlistItem& item : items) {
    if (!wanted.contains(item.name)) ordered.push_back(item);
  }
  WriteBatch batch;
  for (size_t i = 0; i < ordered.size(); ++i) {
    int64_t rank = static_cast<int64_t>(i) + 1;
    if (ordered[i].rank == rank) continue;
    batch.expect_etags.push_back({ordered[i].name, ordered[i].etag});
    ordered[i].rank = rank;
    ordered[i].etag = ItemEtag(ordered[i]);
    batch.put_items.push_back(ordered[i]);
  }
  if (!batch.put_items.empty()) {
    LONGTAKE_RETURN_IF_ERROR(CommitAndPublish(batch));
  }
  return ordered;
}

absl::StatusOr<WatchlistItem> Watchlist::MarkWatched(
    const std::string& name, const WriteOptions& options) {
  LONGTAKE_ASSIGN_OR_RETURN(auto prior, PriorRequest("MarkWatched", options));
  if (prior) return GetItem(prior->resource);
  LONGTAKE_ASSIGN_OR_RETURN(WatchlistItem current, LoadItem(name));
  WatchlistItem next = current;
  if (!current.watched()) {
    next.watch_time = Now();
    next.etag = ItemEtag(next);
    if (!options.validate_only) {
      WriteBatch batch;
      batch.expect_etags.push_back({name, current.etag});
      batch.put_items.push_back(next);
      LONGTAKE_RETURN_IF_ERROR(
          CommitRequest(batch, "MarkWatched", options, name));
    }
  }
  return Enriched(std::move(next));
}

absl::StatusOr<ItemPage> Watchlist::ListHistory(const std::string& parent,
                                                int page_size,
                                                const std::string& page_token) {
  LONGTAKE_ASSIGN_OR_RETURN(std::string user, ParseUserParent(parent));
  LONGTAKE_ASSIGN_OR_RETURN(int size, ResolvePageSize(page_size, 50, 100));
  std::string args = absl::StrCat("history|", parent);
  LONGTAKE_ASSIGN_OR_RETURN(std::string position,
                            DecodePageToken(page_token, args));
  LONGTAKE_ASSIGN_OR_RETURN(int64_t offset, ParseOffset(position));
  LONGTAKE_ASSIGN_OR_RETURN(std::vector<WatchlistItem> items,
                            store_->ListItems(user, true, offset, size + 1));
  ItemPage page;
  if (static_cast<int>(items.size()) > size) {
    items.resize(size);
    page.next_page_token = EncodePageToken(args, absl::StrCat(offset + size));
  }
  page.items = std::move(items);
  Enrich(page.items);
  return page;
}

}  // namespace longtake::watchlist
