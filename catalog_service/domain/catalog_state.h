#pragma once

// The in-memory read model behind Catalog: resources by name plus the
// secondary indexes list, filter and search need, with films kept compact
// (film_record.h). Not thread-safe by itself: Catalog guards it with a
// reader/writer lock.
//
//   CatalogState state;
//   state.Build(std::move(snapshot));
//   if (const FilmRecord* rec = state.FindFilm("films/i-am-cuba"))
//     Film film = state.Decode(*rec);

#include <algorithm>
#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/hash/hash.h"
#include "absl/time/time.h"
#include "catalog_service/domain/catalog_store.h"
#include "catalog_service/domain/chunked_list.h"
#include "catalog_service/domain/film_record.h"
#include "catalog_service/domain/model.h"
#include "catalog_service/domain/person_record.h"
#include "catalog_service/domain/search_index.h"

namespace longtake::catalog::internal {

// Total votes over the film's ratings: how well known it is.
int64_t TotalVotes(const Film& film);

// The keys a film's external ids are indexed by ("imdb:tt0050634",
// "tmdb:12345", "wikidata:Q467545"), with the field each comes from.
std::vector<std::pair<std::string, std::string>> ExternalIdKeys(
    const ExternalIds& ids);

// The search keys of a person: their display name's and aliases' tokens.
std::vector<std::string> PersonKeys(const Person& person);

// The film a sequence belongs to ("films/x" of "films/x/sequences/y").
std::string FilmOf(const std::string& sequence);

// A set of films in index order (4 bytes a film; 1M films per index are
// common), a ChunkedList so that inserts and erases stay cheap at any size.
// Bulk loads append with AddUnsorted() and call Sort() once.
class FilmSet {
 public:
  using const_iterator = ChunkedList::const_iterator;
  const_iterator begin() const { return list_.begin(); }
  const_iterator end() const { return list_.end(); }
  size_t size() const { return list_.size(); }
  bool empty() const { return list_.empty(); }
  bool contains(FilmIndex i) const {
    auto it = list_.PartitionPoint([i](FilmIndex e) { return e < i; });
    return it != list_.end() && *it == i;
  }
  void insert(FilmIndex i) { list_.Insert(i, std::less<FilmIndex>()); }
  void erase(FilmIndex i) {
    // The linear scan is for sets not yet sorted (before Sort()).
    if (!list_.Erase(i, std::less<FilmIndex>())) list_.EraseLinear(i);
  }
  void AddUnsorted(FilmIndex i) { list_.AddUnsorted(i); }
  void Sort() { list_.Sort(std::less<FilmIndex>()); }
  // Replaces the contents with `sorted` (ascending, no repeats).
  void Assign(std::vector<FilmIndex> sorted) {
    list_.Assign(std::move(sorted));
  }
  size_t MemoryBytes() const { return list_.MemoryBytes(); }

 private:
  ChunkedList list_;
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

// The read model. Films are FilmRecords in one vector (a film's index there
// is also its search document id); every film index is a FilmSet or a
// ChunkedList of film indexes; strings that repeat (people's names, eras,
// genres, ...) are interned once (film_record.h). People are PersonRecords in
// a vector with a name index and a name order (person_record.h). Reads decode
// only the films and people they return. Build() puts every record's block in
// an arena (record_block.h).
class CatalogState {
 public:
  CatalogState();
  // Not copyable or movable: the name index refers to `films_`.
  CatalogState(const CatalogState&) = delete;
  CatalogState& operator=(const CatalogState&) = delete;

  // Applies one committed write batch (catalog_store.h), in the store's
  // order: upserts of eras, people, films, sequences, then deletes of
  // sequences, films, people, eras. The one way every change reaches the
  // model after start: local writes, and replicas catching up through the
  // store's change log. Idempotent, so a batch replayed on a model that has
  // it leaves the model as it was. A person whose display name or aliases
  // change has their films re-indexed for search; a sequence whose film is
  // missing is skipped (a later delete in the log removed both).
  void ApplyBatch(const WriteBatch& batch);

  // Builds the model from a store snapshot (an empty state only): films are
  // encoded and indexed in bulk, their search keys computed on two threads.
  // Consumes the snapshot, and frees it as it goes.
  struct BuildTimings {
    absl::Duration index;   // films, people, eras, sequences, search index
    absl::Duration finish;  // sorting the indexes, era lists, compaction
  };
  void Build(CatalogSnapshot snap, BuildTimings* timings = nullptr);

  // Inserts or replaces (by name) and maintains every index.
  void PutFilm(const Film& film);
  // Also removes the film's sequences.
  void RemoveFilm(const std::string& name);
  // Inserts or replaces (by name).
  void PutPerson(const Person& person);
  void RemovePerson(std::string_view name);
  // The sequence's film must exist. Re-derives film order for that film.
  void PutSequence(std::shared_ptr<const Sequence> sequence, bool bulk = false);
  void RemoveSequence(const std::string& name);
  void PutEra(std::shared_ptr<const Era> era);
  void RemoveEra(const std::string& name);

  // Recomputes film_order of a film's sequences.
  void Reorder(const std::string& film);
  // Recomputes Era::films for the named eras.
  void RebuildEras(const absl::flat_hash_set<std::string>& eras);

  // Null when absent. Pointers are valid until the next write.
  const FilmRecord* FindFilm(std::string_view name) const;
  const PersonRecord* FindPerson(std::string_view name) const;
  const Sequence* FindSequence(const std::string& name) const;
  // The film holding an ExternalIdKeys key, or null.
  const FilmRecord* FindByExternalId(const std::string& key) const;

  const FilmRecord& film(FilmIndex i) const { return films_[i]; }
  FilmIndex IndexOf(const FilmRecord& rec) const {
    return static_cast<FilmIndex>(&rec - films_.data());
  }
  // The whole film (decoded from its record).
  Film Decode(const FilmRecord& rec) const { return DecodeFilm(rec, pool_); }
  std::shared_ptr<const Film> Share(const FilmRecord& rec) const {
    return std::make_shared<const Film>(Decode(rec));
  }
  size_t film_count() const { return film_names_.size(); }

  const PersonRecord& person(PersonIndex i) const { return people_[i]; }
  size_t person_count() const { return person_names_.size(); }
  // People in name order, from the first whose name is after `name` (from
  // the first of all when empty): ListPeople's keyset paging.
  std::span<const PersonIndex> PeopleAfter(std::string_view name) const;

  // Films crediting the person, of an era, of a genre; null when none.
  const FilmSet* PersonFilms(std::string_view person) const;
  const FilmSet* EraFilms(std::string_view era) const;
  const FilmSet* GenreFilms(std::string_view genre) const;
  // How many of the film's sequences use the technique (0 when none).
  int TechniqueCount(CameraTechnique technique, FilmIndex film) const;
  int TechniqueCount(CameraTechnique technique, std::string_view film) const;
  // film -> number of its sequences using the technique.
  const absl::flat_hash_map<FilmIndex, int>& TechniqueFilms(
      CameraTechnique technique) const {
    return technique_films_[static_cast<size_t>(technique)];
  }

  // Heap bytes held, by part, for the load log and the benchmark.
  struct MemoryStats {
    size_t films = 0;    // records, their blocks, the name index
    size_t people = 0;   // records, their blocks, the name index and order
    size_t strings = 0;  // the interned strings
    size_t orders = 0;   // the eight sorted orders
    size_t indexes = 0;  // person, role, era, year, genre, technique, ids
    size_t search = 0;   // SearchIndex::MemoryBytesEstimate
    size_t Total() const {
      return films + people + strings + orders + indexes + search;
    }
  };
  MemoryStats MemoryUsage() const;

  // Every film in each FilmOrder (FilmLess), chunked so that a write costs
  // the same at any catalogue size.
  std::array<ChunkedList, kFilmOrderCount> orders;
  std::array<FilmSet, 9> role_films;
  std::map<int, FilmSet> year_films;
  SearchIndex search;

  absl::flat_hash_map<std::string, std::shared_ptr<const Sequence>> sequences;
  // film name -> its sequence names in film order.
  std::map<std::string, std::vector<std::string>> film_sequences;
  std::map<std::string, std::shared_ptr<const Era>> eras;

  int64_t revision = -1;  // store revision this state reflects; -1 unknown

 private:
  // Saves and loads the whole model (read_model_snapshot.h).
  friend class SnapshotCodec;
  // Hashes and compares record indexes by their records' names, and names.
  template <typename Record>
  struct NameHash {
    using is_transparent = void;
    const std::vector<Record>* records;
    size_t operator()(uint32_t i) const {
      return absl::Hash<std::string_view>{}((*records)[i].name());
    }
    size_t operator()(std::string_view name) const {
      return absl::Hash<std::string_view>{}(name);
    }
  };
  template <typename Record>
  struct NameEq {
    using is_transparent = void;
    const std::vector<Record>* records;
    std::string_view Name(uint32_t i) const { return (*records)[i].name(); }
    bool operator()(uint32_t a, uint32_t b) const { return a == b; }
    bool operator()(uint32_t a, std::string_view b) const {
      return Name(a) == b;
    }
    bool operator()(std::string_view a, uint32_t b) const {
      return a == Name(b);
    }
  };
  template <typename Record>
  using NameSet =
      absl::flat_hash_set<uint32_t, NameHash<Record>, NameEq<Record>>;
  // The search keys of a film's own texts (title, its compact form, original
  // titles, aliases), by field.
  struct TitleKeys {
    std::vector<std::string> title, original, alias;
  };
  static TitleKeys TitleKeysOf(const Film& film);

  // A free slot (or a new one) for a film.
  FilmIndex NewSlot();
  // Adds the film to every index; `bulk` appends (FinishBulk sorts).
  void IndexFilm(FilmIndex i, const Film& film, bool bulk);
  void UnindexFilm(FilmIndex i, const Film& film);
  // Every key the search index may hold for the film (SearchIndex::Remove):
  // its own texts' keys and, per credit, the display name's and the person's.
  std::vector<std::string> SearchKeysOf(const Film& film) const;
  // Adds the film's texts (title, people's names) to the search index; the
  // caller has removed the film's old keys.
  void Reindex(FilmIndex i, const Film& film, const TitleKeys& keys);
  void FinishBulk();
  // The search keys of a credit's person (their display name and aliases;
  // the credit's display name when the person is unknown).
  std::vector<std::string> CreditKeys(const Credit& credit) const;
  // Where `name` is, or would go, in person_order_.
  std::vector<PersonIndex>::iterator OrderPosition(std::string_view name);
  template <typename Fn>
  void ForEachOrderedIndex(const Film& film, Fn&& fn);

  // The blocks of the records Build() makes; declared first, so that it
  // outlives them.
  BlockArena film_arena_;
  BlockArena person_arena_;
  std::vector<FilmRecord> films_;
  std::vector<FilmIndex> free_slots_;
  NameSet<FilmRecord> film_names_;
  std::vector<PersonRecord> people_;
  std::vector<PersonIndex> free_people_;
  NameSet<PersonRecord> person_names_;
  // Every person, sorted by name.
  std::vector<PersonIndex> person_order_;
  StringPool pool_;
  // Keyed by the interned name's id.
  absl::flat_hash_map<uint32_t, FilmSet> person_films_;
  absl::flat_hash_map<uint32_t, FilmSet> era_films_;
  absl::flat_hash_map<uint32_t, FilmSet> genre_films_;
  // ExternalIdKeys -> the film holding the id.
  absl::flat_hash_map<std::string, FilmIndex> external_id_films_;
  // technique -> film -> number of its sequences using the technique.
  std::array<absl::flat_hash_map<FilmIndex, int>, 8> technique_films_;

  // During a bulk load (until FinishBulk): interned person name -> search
  // term keys of their display name and aliases.
  std::unique_ptr<absl::flat_hash_map<uint32_t, std::vector<std::string>>>
      bulk_person_keys_;
};

// Ordering of films for each FilmOrder.
bool FilmLess(FilmOrder order, const FilmRecord& a, const FilmRecord& b);
bool FilmLess(FilmOrder order, const FilmRecord& a, const FilmKey& b);
bool FilmLess(FilmOrder order, const FilmKey& a, const FilmRecord& b);
FilmKey KeyOf(const FilmRecord& rec);

// The film order of a film's sequences (names, 1-based order = index + 1).
std::vector<std::string> OrderSequences(
    const std::vector<const Sequence*>& sequences, int runtime_minutes);

}  // namespace longtake::catalog::internal
