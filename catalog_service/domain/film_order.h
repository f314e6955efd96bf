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

void EraseFrom(absl::flat_hash_map<uint32_t, FilmSet>& index,
               std::optional<uint32_t> key, FilmIndex film) {
  if (!key) return;
  auto it = index.find(*key);
  if (it == index.end()) return;
  it->second.erase(film);
  if (it->second.empty()) index.erase(it);
}

const FilmSet* Lookup(const absl::flat_hash_map<uint32_t, FilmSet>& index,
                      std::optional<uint32_t> key) {
  if (!key) return nullptr;
  auto it = index.find(*key);
  return it == index.end() ? nullptr : &it->second;
}

// Drops one sequence's techniques from its film's per-technique counts.
template <typename Counts>
void UncountTechniques(const Sequence& sequence, FilmIndex film,
                       Counts& technique_films) {
  for (CameraTechnique t : sequence.techniques) {
    size_t i = static_cast<size_t>(t);
    if (i >= technique_films.size()) continue;
    auto c = technique_films[i].find(film);
    if (c != technique_films[i].end() && --c->second <= 0)
      technique_films[i].erase(c);
  }
}

// The search keys of a person's display name and aliases.
std::vector<std::string> PersonKeys(const Person& p) {
  std::vector<std::string> keys = TokenKeys(p.display_name);
  for (const std::string& alias : p.aliases) {
    std::vector<std::string> more = TokenKeys(alias);
    keys.insert(keys.end(), more.begin(), more.end());
  }
  return keys;
}

std::string FilmOf(const std::string& sequence) {
  return sequence.substr(0, sequence.find("/sequences/"));
}

template <typename Map>
size_t MapBytes(const Map& m) {
  return m.capacity() * (sizeof(typename Map::value_type) + 1);
}

}  // namespace longtake::catalog::internal
