#pragma once

// The film orders of ListFilms (title, year, runtime, rating, each ascending
// and descending, ties broken by name) as one comparison over the sort fields
// a film record and a page position share; CatalogState keeps its order
// arrays with these, and FilmLess/KeyOf (catalog_state.h) are built on them.
//
//   if (FilmLess(FilmOrder::kYear, a, b)) ...  // via internal::Less

#include <string_view>

#include "catalog_service/domain/catalog_state.h"

namespace longtake::catalog::internal {

// What the orders compare, read alike from a film and from a page position.
struct SortFields {
  std::string_view title_key;
  int year;
  int runtime_minutes;
  double rating;
  std::string_view name;
};
inline SortFields Of(const FilmRecord& r) {
  return {r.title_key(), r.year(), r.runtime_minutes(), r.rating(), r.name()};
}
inline SortFields Of(const FilmKey& k) {
  return {k.title_key, k.year, k.runtime_minutes, k.rating, k.name};
}

// -1, 0 or 1 as `a`'s sort key is below, equal to or above `b`'s.
// Each field's ascending and descending orders are adjacent in FilmOrder.
inline int CompareKeys(FilmOrder order, const SortFields& a,
                       const SortFields& b) {
  auto cmp = [](const auto& x, const auto& y) { return x < y ? -1 : y < x; };
  switch (static_cast<int>(order) / 2) {
    case 0:
      return cmp(a.title_key, b.title_key);
    case 1:
      return cmp(a.year, b.year);
    case 2:
      return cmp(a.runtime_minutes, b.runtime_minutes);
    default:
      return cmp(a.rating, b.rating);
  }
}

inline bool Descending(FilmOrder order) {
  return static_cast<int>(order) % 2 == 1;
}

template <typename A, typename B>
bool Less(FilmOrder order, const A& a, const B& b) {
  const SortFields x = Of(a), y = Of(b);
  int c = CompareKeys(order, x, y);
  if (c != 0) return Descending(order) ? c > 0 : c < 0;
  return x.name < y.name;
}

}  // namespace longtake::catalog::internal
