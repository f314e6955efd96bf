#include "catalog_service/domain/film_query.h"

#include <algorithm>
#include <climits>
#include <cstdint>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/domain/field_limits.h"
#include "common/paging/page_token.h"
#include "common/status/errors.h"

namespace longtake::catalog::internal {

namespace {

// "title", "year desc", "rating asc", ... (AIP-132: one field, optionally
// followed by asc or desc).
absl::StatusOr<FilmOrder> ParseFilmOrder(absl::string_view order_by) {
  static const auto* kFields =
      new std::vector<std::pair<std::string, FilmOrder>>{
          {"title", FilmOrder::kTitle},
          {"year", FilmOrder::kYear},
          {"runtime", FilmOrder::kRuntime},
          {"rating", FilmOrder::kRating},
      };
  std::vector<std::string> words =
      absl::StrSplit(order_by, ' ', absl::SkipEmpty());
  if (words.empty()) return FilmOrder::kTitle;
  const bool direction =
      words.size() == 2 && (words[1] == "asc" || words[1] == "desc");
  if (words.size() <= 2 && (words.size() == 1 || direction)) {
    for (const auto& [field, order] : *kFields) {
      if (words[0] != field) continue;
      const bool descending = words.size() == 2 && words[1] == "desc";
      // Each descending order follows its ascending one in FilmOrder.
      return static_cast<FilmOrder>(static_cast<int>(order) +
                                    (descending ? 1 : 0));
    }
  }
  return InvalidArgument(
      "order_by",
      absl::StrCat("unsupported order \"", order_by,
                   "\"; use one of title, year, runtime or rating, "
                   "optionally followed by asc or desc (\"year desc\")"));
}

}  // namespace

absl::StatusOr<FilmQuery> ParseFilmQuery(const ListFilmsQuery& request) {
  LONGTAKE_ASSIGN_OR_RETURN(int size,
                            ResolvePageSize(request.page_size, 50, 1000));
  LONGTAKE_RETURN_IF_ERROR(CheckOrderBy(request.order_by));
  LONGTAKE_ASSIGN_OR_RETURN(FilmOrder order, ParseFilmOrder(request.order_by));
  std::vector<std::string> words =
      absl::StrSplit(request.order_by, ' ', absl::SkipEmpty());
  std::string normalized = absl::StrJoin(words, " ");
  LONGTAKE_ASSIGN_OR_RETURN(FilmFilter filter, ParseFilmFilter(request.filter));
  std::string args = absl::StrCat("films|", request.filter, "|", normalized);
  LONGTAKE_ASSIGN_OR_RETURN(std::string position,
                            DecodePageToken(request.page_token, args));
  std::optional<FilmKey> after;
  if (!position.empty()) {
    std::vector<std::string> parts = absl::StrSplit(position, '\x1f');
    FilmKey key;
    // Tokens of older servers hold three parts (no runtime or rating).
    const bool parsed = (parts.size() == 3 || parts.size() == 5) &&
                        absl::SimpleAtoi(parts[0], &key.year) &&
                        (parts.size() == 3 ||
                         (absl::SimpleAtoi(parts[3], &key.runtime_minutes) &&
                          absl::SimpleAtod(parts[4], &key.rating)));
    if (!parsed) {
      return InvalidArgument(
          "page_token",
          "is malformed; use the token from the previous response");
    }
    key.title_key = parts[1];
    key.name = parts[2];
    after = std::move(key);
  }

  FilmQuery query;
  query.page_size = size;
  query.order = order;
  query.filter = std::move(filter);
  query.after = std::move(after);
  query.token_args = std::move(args);
  return query;
}

FilmPage RunFilmQuery(const CatalogState& state, const FilmQuery& query) {
  const int size = query.page_size;
  const FilmOrder order = query.order;
  const FilmFilter& filter = query.filter;
  const std::optional<FilmKey>& after = query.after;
  const std::string& args = query.token_args;
  FilmPage page;
  const CatalogState& s = state;
  std::vector<FilmIndex> picked;
  const size_t want = static_cast<size_t>(size) + 1;
  if (filter.empty_range()) return page;

  // The smallest index set that any match must belong to.
  const FilmSet* best = nullptr;
  static const FilmSet kNone;
  auto consider = [&](const FilmSet* set) {
    if (set == nullptr) set = &kNone;
    if (best == nullptr || set->size() < best->size()) best = set;
  };
  for (const std::string& p : filter.persons) consider(s.PersonFilms(p));
  if (filter.persons.empty()) {
    for (CreditRole r : filter.roles)
      consider(&s.role_films[static_cast<size_t>(r)]);
  }
  for (const std::string& e : filter.eras) consider(s.EraFilms(e));
  for (const std::string& g : filter.genres) consider(s.GenreFilms(g));
  // An external id names one film at most: that film is the only candidate.
  FilmSet by_external_id;
  if (!filter.external_ids.empty()) {
    if (const FilmRecord* r = s.FindByExternalId(filter.external_ids[0])) {
      by_external_id.insert(s.IndexOf(*r));
    }
    consider(&by_external_id);
  }
  size_t technique_best = SIZE_MAX;
  const absl::flat_hash_map<FilmIndex, int>* technique_set = nullptr;
  for (CameraTechnique t : filter.techniques) {
    const auto& m = s.TechniqueFilms(t);
    if (m.size() < technique_best) {
      technique_best = m.size();
      technique_set = &m;
    }
  }
  size_t year_count = SIZE_MAX;
  if (filter.year_min != INT_MIN || filter.year_max != INT_MAX) {
    year_count = 0;
    for (auto it = s.year_films.lower_bound(filter.year_min);
         it != s.year_films.end() && it->first <= filter.year_max; ++it) {
      year_count += it->second.size();
    }
  }
  size_t best_size = best != nullptr ? best->size() : SIZE_MAX;
  size_t candidates = std::min({best_size, technique_best, year_count});
  // A selective filter: gather its candidates, filter and sort them.
  // Otherwise walk the pre-sorted order from the position.
  // Gathering costs ~candidates; walking the order costs ~want * films /
  // candidates. So a large candidate set (a decade of a big catalogue) is
  // cheaper to walk than to sort.
  const double walk_cost =
      static_cast<double>(want) * static_cast<double>(s.film_count());
  const bool use_index =
      candidates < s.film_count() / 4 + 64 && candidates != SIZE_MAX &&
      (candidates <= 4096 ||
       static_cast<double>(candidates) * static_cast<double>(candidates) <
           walk_cost);
  auto after_pos = [&](FilmIndex r) {
    return !after || FilmLess(order, *after, s.film(r));
  };
  if (use_index) {
    std::vector<FilmIndex> cands;
    if (candidates == best_size) {
      cands.assign(best->begin(), best->end());
    } else if (candidates == technique_best) {
      for (const auto& [film, count] : *technique_set) cands.push_back(film);
    } else {
      for (auto it = s.year_films.lower_bound(filter.year_min);
           it != s.year_films.end() && it->first <= filter.year_max; ++it) {
        cands.insert(cands.end(), it->second.begin(), it->second.end());
      }
    }
    std::vector<FilmIndex> matching;
    for (FilmIndex r : cands) {
      if (after_pos(r) && MatchesFilmFilter(s, s.film(r), filter))
        matching.push_back(r);
    }
    auto less = [order, &s](FilmIndex a, FilmIndex b) {
      return FilmLess(order, s.film(a), s.film(b));
    };
    if (matching.size() > want) {
      std::partial_sort(matching.begin(), matching.begin() + want,
                        matching.end(), less);
      matching.resize(want);
    } else {
      std::sort(matching.begin(), matching.end(), less);
    }
    picked = std::move(matching);
  } else {
    const auto& v = s.orders[static_cast<size_t>(order)];
    auto it = v.begin();
    // In title order, the films of a title prefix are one run.
    const bool prefix_run =
        order == FilmOrder::kTitle && !filter.title_prefix.empty();
    if (prefix_run) {
      const std::string& prefix = filter.title_prefix;
      it = v.PartitionPoint(
          [&](FilmIndex r) { return s.film(r).title_key() < prefix; });
    }
    if (after) {
      // The first film past the position.
      it = v.PartitionPoint(
          [&](FilmIndex r) { return !FilmLess(order, *after, s.film(r)); });
    }
    for (; it != v.end() && picked.size() < want; ++it) {
      const FilmRecord& r = s.film(*it);
      // In year order, stop once past the year range.
      if (order == FilmOrder::kYear && r.year() > filter.year_max) break;
      if (order == FilmOrder::kYearDesc && r.year() < filter.year_min) break;
      if (prefix_run && !r.title_key().starts_with(filter.title_prefix)) break;
      if (MatchesFilmFilter(s, r, filter)) picked.push_back(*it);
    }
  }
  bool more = picked.size() > static_cast<size_t>(size);
  if (more) picked.resize(size);
  for (FilmIndex r : picked) page.films.push_back(s.Share(s.film(r)));
  if (more && !picked.empty()) {
    FilmKey k = KeyOf(s.film(picked.back()));
    page.next_page_token = EncodePageToken(
        args, absl::StrCat(k.year, "\x1f", k.title_key, "\x1f", k.name, "\x1f",
                           k.runtime_minutes, "\x1f",
                           absl::StrFormat("%.17g", k.rating)));
  }
  return page;
}

}  // namespace longtake::catalog::internal
