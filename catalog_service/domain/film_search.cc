#include "catalog_service/domain/film_search.h"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "common/text/text_folding.h"

namespace longtake::catalog::internal {
namespace {

// Index hits looked at beyond the page, so that a lower-scored exact title
// or year match can still move up.
constexpr size_t kExtraCandidates = 200;
// With a year asked, more: the year may single out a film the words alone
// rank low.
constexpr size_t kYearCandidates = 5000;
constexpr double kExactTitleBonus = 1000;

struct SplitQuery {
  std::string words;
  std::optional<int> year;
};

// A trailing 4-digit year is a year, when words remain ("titanic 1997").
SplitQuery SplitYear(const std::string& query) {
  std::vector<absl::string_view> parts =
      absl::StrSplit(query, absl::ByAnyChar(" \t"), absl::SkipWhitespace());
  SplitQuery out{query, std::nullopt};
  int year = 0;
  if (parts.size() >= 2 && parts.back().size() == 4 &&
      absl::SimpleAtoi(parts.back(), &year) && year >= 1870 && year <= 2100) {
    parts.pop_back();
    out.words = absl::StrJoin(parts, " ");
    out.year = year;
  }
  return out;
}

std::string CompactKey(const std::string& text) {
  return FoldText(CompactTitle(text));
}

}  // namespace

std::string CompactTitle(const std::string& title) {
  std::string out = absl::StrReplaceAll(
      title,
      {{"\xC2\xBD", " 1/2"}, {"\xC2\xBC", " 1/4"}, {"\xC2\xBE", " 3/4"}});
  out.erase(
      std::remove_if(
          out.begin(), out.end(),
          [](char c) { return c == '.' || c == '*' || c == '-' || c == '\''; }),
      out.end());
  return out;
}

std::vector<RankedFilm> RankSearch(const CatalogState& state,
                                   const std::string& query, size_t want) {
  const SplitQuery split = SplitYear(query);
  // A title may end in a number that looks like a year ("Blade Runner
  // 2049"): the whole query as a title counts most.
  const std::string full_key = FoldText(query);
  const std::string title_key = FoldText(split.words);
  const std::string compact_key = CompactKey(split.words);
  const size_t window =
      want + (split.year ? kYearCandidates : kExtraCandidates);

  std::vector<RankedFilm> ranked;
  absl::flat_hash_set<FilmIndex> seen;
  for (const SearchIndex::Hit& hit : state.search.Search(split.words, window)) {
    // Document ids are film indexes.
    ranked.push_back({hit.doc, hit.score, hit.matched_fields});
    seen.insert(hit.doc);
  }
  // Films titled exactly the query, wherever the index ranked them: one run
  // of the title order each.
  const auto& by_title = state.orders[static_cast<size_t>(FilmOrder::kTitle)];
  const uint8_t title_bit = 1u << static_cast<int>(SearchIndex::Field::kTitle);
  for (const std::string& key : {full_key, title_key}) {
    auto run = by_title.PartitionPoint(
        [&](FilmIndex r) { return state.film(r).title_key() < key; });
    for (; run != by_title.end() && state.film(*run).title_key() == key;
         ++run) {
      if (seen.insert(*run).second) {
        ranked.push_back({*run, SearchIndex::kExactWeight, title_bit});
      }
    }
  }

  struct Key {
    bool year_match;
    int exact_title;  // 2: the whole query, 1: its words without the year
    double score;
    int64_t votes;
  };
  std::vector<std::pair<Key, RankedFilm>> keyed;
  keyed.reserve(ranked.size());
  for (RankedFilm& r : ranked) {
    const FilmRecord& rec = state.film(r.film);
    int exact = 0;
    if (rec.title_key() == full_key) {
      exact = 2;
    } else if (rec.title_key() == title_key ||
               (!compact_key.empty() &&
                CompactKey(std::string(rec.title())) == compact_key)) {
      exact = 1;
    }
    if (exact > 0) r.score += kExactTitleBonus;
    keyed.push_back({{split.year && rec.year() == *split.year, exact, r.score,
                      rec.total_votes()},
                     r});
  }
  std::stable_sort(keyed.begin(), keyed.end(),
                   [&state](const auto& a, const auto& b) {
                     const Key& x = a.first;
                     const Key& y = b.first;
                     if (x.year_match != y.year_match) return x.year_match;
                     if (x.exact_title != y.exact_title)
                       return x.exact_title > y.exact_title;
                     if (x.score != y.score) return x.score > y.score;
                     if (x.votes != y.votes) return x.votes > y.votes;
                     // Not the index's order of equals (its document ids
                     // follow load and write order): replicas that loaded
                     // or caught up differently rank alike.
                     return state.film(a.second.film).name() <
                            state.film(b.second.film).name();
                   });
  std::vector<RankedFilm> out;
  out.reserve(keyed.size());
  for (auto& [key, r] : keyed) out.push_back(r);
  return out;
}

}  // namespace longtake::catalog::internal
