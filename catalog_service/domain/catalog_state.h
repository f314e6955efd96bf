#pragma once

// The in-memory read model behind Catalog: resources by name plus the
// secondary indexes list, filter and search need. Not thread-safe by itself:
// Catalog guards it with a reader/writer lock.

#include <algorithm>
#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "catalog_service/domain/catalog_store.h"
#include "catalog_service/domain/model.h"
#include "catalog_service/domain/search_index.h"

namespace longtake::catalog::internal {

struct FilmRec {
  std::shared_ptr<const Film> film;
  std::string title_key;  // folded title: the "title" sort key
  double rating = -1;     // SortRating(*film): the "rating" sort key
  SearchIndex::DocId doc = 0;
};

// The rating a film is ordered and filtered by: the value of its rating with
// the most votes (the first of equals); -1 when it has none.
double SortRating(const Film& film);
// Total votes over the film's ratings: how well known it is.
int64_t TotalVotes(const Film& film);

// The keys a film's external ids are indexed by ("imdb:tt0050634",
// "tmdb:12345", "wikidata:Q467545"), with the field each comes from.
std::vector<std::pair<std::string, std::string>> ExternalIdKeys(
    const ExternalIds& ids);

// A set of films: a vector of pointers sorted by address. Far smaller and
// faster to build than a hash set (1M films per index are common); bulk loads
// append with AddUnsorted() and call Sort() once.
class FilmSet {
 public:
  using const_iterator = std::vector<const FilmRec*>::const_iterator;
  const_iterator begin() const { return v_.begin(); }
  const_iterator end() const { return v_.end(); }
  size_t size() const { return v_.size(); }
  bool empty() const { return v_.empty(); }
  bool contains(const FilmRec* r) const {
    return std::binary_search(v_.begin(), v_.end(), r);
  }
  void insert(const FilmRec* r) {
    auto it = std::lower_bound(v_.begin(), v_.end(), r);
    if (it == v_.end() || *it != r) v_.insert(it, r);
  }
  void erase(const FilmRec* r) {
    auto it = std::lower_bound(v_.begin(), v_.end(), r);
    if (it != v_.end() && *it == r) {
      v_.erase(it);
    } else {
      auto linear = std::find(v_.begin(), v_.end(), r);  // only before Sort()
      if (linear != v_.end()) v_.erase(linear);
    }
  }
  void AddUnsorted(const FilmRec* r) { v_.push_back(r); }
  void Sort() {
    std::sort(v_.begin(), v_.end());
    v_.erase(std::unique(v_.begin(), v_.end()), v_.end());
    v_.shrink_to_fit();
  }

 private:
  std::vector<const FilmRec*> v_;
};

// Each ascending order and its reverse; ties are broken by name, ascending.
enum class FilmOrder {
  kTitle = 0,
  kTitleDesc,
  kYear,
  kYearDesc,
  kRuntime,
  kRuntimeDesc,
  kRating,
  kRatingDesc,
};
inline constexpr size_t kFilmOrderCount = 8;

// A position in one of the film orders (keyset pagination).
struct FilmKey {
  std::string title_key;
  int year = 0;
  std::string name;
  int runtime_minutes = 0;
  double rating = -1;
};

class CatalogState {
 public:
  // Applies one committed write batch (catalog_store.h), in the store's
  // order: upserts of eras, people, films, sequences, then deletes of
  // sequences, films, people, eras. The one way every change reaches the
  // model after start: local writes, and replicas catching up through the
  // store's change log. Idempotent, so a batch replayed on a model that has
  // it leaves the model as it was. A person whose display name or aliases
  // change has their films re-indexed for search; a sequence whose film is
  // missing is skipped (a later delete in the log removed both).
  void ApplyBatch(const WriteBatch& batch);

  // Inserts or replaces (by name) and maintains every index. `bulk` skips
  // sorted insertion; call FinishBulk() after the last one.
  void PutFilm(std::shared_ptr<const Film> film, bool bulk = false);
  // Also removes the film's sequences.
  void RemoveFilm(const std::string& name);
  void PutPerson(std::shared_ptr<const Person> person);
  void RemovePerson(const std::string& name);
  // The sequence's film must exist. Re-derives film order for that film.
  void PutSequence(std::shared_ptr<const Sequence> sequence, bool bulk = false);
  void RemoveSequence(const std::string& name);
  void PutEra(std::shared_ptr<const Era> era);
  void RemoveEra(const std::string& name);
  void FinishBulk();

  // Re-adds the film's texts (title, people's names) to the search index.
  void Reindex(const FilmRec& rec);
  // Recomputes film_order of a film's sequences.
  void Reorder(const std::string& film);
  // Recomputes Era::films for the named eras.
  void RebuildEras(const absl::flat_hash_set<std::string>& eras);

  const FilmRec* FindFilm(const std::string& name) const;
  const Person* FindPerson(const std::string& name) const;
  const Sequence* FindSequence(const std::string& name) const;
  // The film holding an ExternalIdKeys key, or null.
  const FilmRec* FindByExternalId(const std::string& key) const;

  absl::flat_hash_map<std::string, std::unique_ptr<FilmRec>> films;
  std::array<std::vector<const FilmRec*>, kFilmOrderCount> orders;
  absl::flat_hash_map<std::string, FilmSet> person_films;
  std::array<FilmSet, 9> role_films;
  absl::flat_hash_map<std::string, FilmSet> era_films;
  std::map<int, FilmSet> year_films;
  absl::flat_hash_map<std::string, FilmSet> genre_films;
  // ExternalIdKeys -> the film holding the id.
  absl::flat_hash_map<std::string, const FilmRec*> external_id_films;
  // technique -> film name -> number of its sequences using the technique.
  std::array<absl::flat_hash_map<std::string, int>, 8> technique_films;
  absl::flat_hash_map<SearchIndex::DocId, const FilmRec*> docs;
  SearchIndex::DocId next_doc = 1;
  SearchIndex search;

  std::map<std::string, std::shared_ptr<const Person>> people;
  absl::flat_hash_map<std::string, std::shared_ptr<const Sequence>> sequences;
  // film name -> its sequence names in film order.
  std::map<std::string, std::vector<std::string>> film_sequences;
  std::map<std::string, std::shared_ptr<const Era>> eras;

  int64_t revision = -1;  // store revision this state reflects; -1 unknown

 private:
  void IndexFilm(const FilmRec* rec, bool bulk);
  void UnindexFilm(const FilmRec* rec);

  // During a bulk load (until FinishBulk): person name -> TokenKeys of their
  // display name and aliases.
  std::unique_ptr<absl::flat_hash_map<std::string, std::vector<std::string>>>
      bulk_person_keys_;
};

// Ordering of films for each FilmOrder.
bool FilmLess(FilmOrder order, const FilmRec* a, const FilmRec* b);
bool FilmLess(FilmOrder order, const FilmRec* a, const FilmKey& b);
bool FilmLess(FilmOrder order, const FilmKey& a, const FilmRec* b);
FilmKey KeyOf(const FilmRec* rec);
std::string TitleKey(const std::string& title);

// The film order of a film's sequences (names, 1-based order = index + 1).
std::vector<std::string> OrderSequences(
    const std::vector<const Sequence*>& sequences, int runtime_minutes);

}  // namespace longtake::catalog::internal
