#include "catalog_service/domain/catalog_state.h"

#include <algorithm>
#include <future>
#include <optional>
#include <string_view>
#include <thread>

#include "absl/hash/hash.h"
#include "absl/strings/str_cat.h"
#include "catalog_service/domain/film_order.h"
#include "catalog_service/domain/film_search.h"
#include "common/text/text_folding.h"

namespace longtake::catalog::internal {
namespace {

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

}  // namespace

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

int64_t TotalVotes(const Film& film) {
  int64_t votes = 0;
  for (const Rating& r : film.ratings) votes += r.votes;
  return votes;
}

std::vector<std::pair<std::string, std::string>> ExternalIdKeys(
    const ExternalIds& ids) {
  std::vector<std::pair<std::string, std::string>> keys;
  if (!ids.imdb_id.empty()) {
    keys.emplace_back("imdb_id", absl::StrCat("imdb:", ids.imdb_id));
  }
  if (ids.tmdb_id != 0) {
    keys.emplace_back("tmdb_id", absl::StrCat("tmdb:", ids.tmdb_id));
  }
  if (!ids.wikidata_id.empty()) {
    keys.emplace_back("wikidata_id",
                      absl::StrCat("wikidata:", ids.wikidata_id));
  }
  return keys;
}

CatalogState::CatalogState()
    : film_names_(0, NameHash<FilmRecord>{&films_},
                  NameEq<FilmRecord>{&films_}),
      person_names_(0, NameHash<PersonRecord>{&people_},
                    NameEq<PersonRecord>{&people_}) {}

const FilmRecord* CatalogState::FindByExternalId(const std::string& key) const {
  auto it = external_id_films_.find(key);
  return it == external_id_films_.end() ? nullptr : &films_[it->second];
}

const FilmRecord* CatalogState::FindFilm(std::string_view name) const {
  auto it = film_names_.find(name);
  return it == film_names_.end() ? nullptr : &films_[*it];
}
const PersonRecord* CatalogState::FindPerson(std::string_view name) const {
  auto it = person_names_.find(name);
  return it == person_names_.end() ? nullptr : &people_[*it];
}

std::span<const PersonIndex> CatalogState::PeopleAfter(
    std::string_view name) const {
  auto it = name.empty() ? person_order_.begin()
                         : std::upper_bound(
                               person_order_.begin(), person_order_.end(), name,
                               [this](std::string_view n, PersonIndex b) {
                                 return n < people_[b].name();
                               });
  return {it, person_order_.end()};
}
const Sequence* CatalogState::FindSequence(const std::string& name) const {
  auto it = sequences.find(name);
  return it == sequences.end() ? nullptr : it->second.get();
}

const FilmSet* CatalogState::PersonFilms(std::string_view person) const {
  return Lookup(person_films_, pool_.Find(person));
}
const FilmSet* CatalogState::EraFilms(std::string_view era) const {
  return Lookup(era_films_, pool_.Find(era));
}
const FilmSet* CatalogState::GenreFilms(std::string_view genre) const {
  return Lookup(genre_films_, pool_.Find(genre));
}

int CatalogState::TechniqueCount(CameraTechnique technique,
                                 FilmIndex film) const {
  const auto& m = technique_films_[static_cast<size_t>(technique)];
  auto it = m.find(film);
  return it == m.end() ? 0 : it->second;
}
int CatalogState::TechniqueCount(CameraTechnique technique,
                                 std::string_view film) const {
  const FilmRecord* rec = FindFilm(film);
  return rec == nullptr ? 0 : TechniqueCount(technique, IndexOf(*rec));
}

CatalogState::TitleKeys CatalogState::TitleKeysOf(const Film& f) {
  TitleKeys keys;
  keys.title = TokenKeys(f.title);
  if (std::string compact = CompactTitle(f.title); compact != f.title) {
    std::vector<std::string> more = TokenKeys(compact);
    keys.title.insert(keys.title.end(), more.begin(), more.end());
  }
  for (const std::string& t : f.original_titles) {
    std::vector<std::string> more = TokenKeys(t);
    keys.original.insert(keys.original.end(), more.begin(), more.end());
  }
  for (const std::string& a : f.aliases) {
    std::vector<std::string> more = TokenKeys(a);
    keys.alias.insert(keys.alias.end(), more.begin(), more.end());
  }
  return keys;
}

FilmIndex CatalogState::NewSlot() {
  if (!free_slots_.empty()) {
    FilmIndex i = free_slots_.back();
    free_slots_.pop_back();
    return i;
  }
  films_.emplace_back();
  return static_cast<FilmIndex>(films_.size() - 1);
}

void CatalogState::IndexFilm(FilmIndex i, const Film& f, bool bulk) {
  for (size_t o = 0; o < kFilmOrderCount; ++o) {
    FilmOrder order = static_cast<FilmOrder>(o);
    if (bulk) {
      // FinishBulk sorts the ascending orders and derives the others.
      if (!Descending(order)) orders[o].AddUnsorted(i);
    } else {
      orders[o].Insert(i, [&](FilmIndex a, FilmIndex b) {
        return Less(order, films_[a], films_[b]);
      });
    }
  }
  // Bulk loads append in index order (so mostly sorted already) and sort
  // once at the end; single writes keep order.
  auto add = [&](FilmSet& films) {
    if (bulk) {
      films.AddUnsorted(i);
    } else {
      films.insert(i);
    }
  };
  for (const Credit& c : f.credits) {
    add(person_films_[pool_.Intern(c.person)]);
    size_t role = static_cast<size_t>(c.role);
    if (role < role_films.size()) add(role_films[role]);
  }
  for (const std::string& era : f.eras) add(era_films_[pool_.Intern(era)]);
  add(year_films[f.year]);
  for (const std::string& genre : f.genres)
    add(genre_films_[pool_.Intern(genre)]);
  for (const auto& [field, key] : ExternalIdKeys(f.external_ids)) {
    external_id_films_[key] = i;
  }
}

void CatalogState::UnindexFilm(FilmIndex i, const Film& f) {
  for (size_t o = 0; o < kFilmOrderCount; ++o) {
    FilmOrder order = static_cast<FilmOrder>(o);
    bool found = orders[o].Erase(i, [&](FilmIndex a, FilmIndex b) {
      return Less(order, films_[a], films_[b]);
    });
    if (!found) orders[o].EraseLinear(i);  // never expected
  }
  for (const Credit& c : f.credits) {
    EraseFrom(person_films_, pool_.Find(c.person), i);
    size_t role = static_cast<size_t>(c.role);
    if (role < role_films.size()) role_films[role].erase(i);
  }
  for (const std::string& era : f.eras)
    EraseFrom(era_films_, pool_.Find(era), i);
  for (const std::string& genre : f.genres)
    EraseFrom(genre_films_, pool_.Find(genre), i);
  for (const auto& [field, key] : ExternalIdKeys(f.external_ids)) {
    auto held = external_id_films_.find(key);
    if (held != external_id_films_.end() && held->second == i) {
      external_id_films_.erase(held);
    }
  }
  auto y = year_films.find(f.year);
  if (y != year_films.end()) {
    y->second.erase(i);
    if (y->second.empty()) year_films.erase(y);
  }
  search.Remove(i, SearchKeysOf(f));
}

std::vector<std::string> CatalogState::SearchKeysOf(const Film& f) const {
  TitleKeys keys = TitleKeysOf(f);
  std::vector<std::string> all = std::move(keys.title);
  for (auto* more : {&keys.original, &keys.alias})
    all.insert(all.end(), more->begin(), more->end());
  for (const Credit& c : f.credits) {
    std::vector<std::string> more = TokenKeys(c.display_name);
    all.insert(all.end(), more.begin(), more.end());
    if (const PersonRecord* p = FindPerson(c.person)) {
      more = PersonKeys(DecodePerson(*p));
      all.insert(all.end(), more.begin(), more.end());
    }
  }
  return all;
}

void CatalogState::Reindex(FilmIndex i, const Film& f, const TitleKeys& keys) {
  search.AddKeys(i, SearchIndex::Field::kTitle, keys.title);
  if (!f.original_titles.empty())
    search.AddKeys(i, SearchIndex::Field::kOriginalTitle, keys.original);
  if (!f.aliases.empty())
    search.AddKeys(i, SearchIndex::Field::kAlias, keys.alias);
  for (size_t n = 0; n < f.credits.size(); ++n) {
    const Credit& c = f.credits[n];
    bool repeat = false;  // credit lists are short: a linear check suffices
    for (size_t k = 0; k < n && !repeat; ++k)
      repeat = f.credits[k].person == c.person;
    if (repeat) continue;
    if (bulk_person_keys_ != nullptr) {
      // Bulk load: tokenize each person's texts once, not once per credit.
      auto [it, inserted] =
          bulk_person_keys_->try_emplace(pool_.Intern(c.person));
      if (inserted) it->second = CreditKeys(c);
      search.AddKeys(i, SearchIndex::Field::kPerson, it->second);
      continue;
    }
    search.AddKeys(i, SearchIndex::Field::kPerson, CreditKeys(c));
  }
}

void CatalogState::PutFilm(const Film& film) {
  absl::flat_hash_set<std::string> touched_eras(film.eras.begin(),
                                                film.eras.end());
  auto it = film_names_.find(std::string_view(film.name));
  FilmIndex i;
  bool runtime_changed = false;
  if (it != film_names_.end()) {
    i = *it;
    const Film old = Decode(films_[i]);
    for (const std::string& e : old.eras) touched_eras.insert(e);
    runtime_changed = old.runtime_minutes != film.runtime_minutes;
    UnindexFilm(i, old);
    // The name (the set's key) stays the same.
    films_[i] = EncodeFilm(film, &pool_);
  } else {
    i = NewSlot();
    films_[i] = EncodeFilm(film, &pool_);
    film_names_.insert(i);
  }
  IndexFilm(i, film, false);
  Reindex(i, film, TitleKeysOf(film));
  RebuildEras(touched_eras);
  if (runtime_changed) Reorder(film.name);
}

void CatalogState::RemoveFilm(const std::string& name) {
  auto it = film_names_.find(std::string_view(name));
  if (it == film_names_.end()) return;
  const FilmIndex i = *it;
  const Film old = Decode(films_[i]);
  absl::flat_hash_set<std::string> touched(old.eras.begin(), old.eras.end());
  auto seqs = film_sequences.find(name);
  if (seqs != film_sequences.end()) {
    std::vector<std::string> names = seqs->second;
    for (const std::string& s : names) RemoveSequence(s);
  }
  film_sequences.erase(name);
  UnindexFilm(i, old);
  film_names_.erase(it);
  films_[i] = FilmRecord();
  free_slots_.push_back(i);
  RebuildEras(touched);
}

std::vector<std::string> CatalogState::CreditKeys(const Credit& c) const {
  const PersonRecord* p = FindPerson(c.person);
  return p != nullptr ? PersonKeys(DecodePerson(*p))
                      : TokenKeys(c.display_name);
}

void CatalogState::PutPerson(const Person& person) {
  auto it = person_names_.find(std::string_view(person.name));
  if (it != person_names_.end()) {
    people_[*it] = EncodePerson(person);  // the name (the key) stays the same
    return;
  }
  PersonIndex i;
  if (!free_people_.empty()) {
    i = free_people_.back();
    free_people_.pop_back();
  } else {
    i = static_cast<PersonIndex>(people_.size());
    people_.emplace_back();
  }
  people_[i] = EncodePerson(person);
  person_names_.insert(i);
  person_order_.insert(OrderPosition(person.name), i);
}

void CatalogState::RemovePerson(std::string_view name) {
  auto it = person_names_.find(name);
  if (it == person_names_.end()) return;
  const PersonIndex i = *it;
  auto pos = OrderPosition(name);
  if (pos != person_order_.end() && *pos == i) person_order_.erase(pos);
  person_names_.erase(it);
  people_[i] = PersonRecord();
  free_people_.push_back(i);
}

std::vector<PersonIndex>::iterator CatalogState::OrderPosition(
    std::string_view name) {
  return std::lower_bound(person_order_.begin(), person_order_.end(), name,
                          [this](PersonIndex a, std::string_view n) {
                            return people_[a].name() < n;
                          });
}

void CatalogState::PutSequence(std::shared_ptr<const Sequence> sequence,
                               bool bulk) {
  std::string film = FilmOf(sequence->name);
  const FilmRecord* rec = FindFilm(film);
  auto old = sequences.find(sequence->name);
  if (old != sequences.end()) {
    if (rec != nullptr)
      UncountTechniques(*old->second, IndexOf(*rec), technique_films_);
  } else {
    film_sequences[film].push_back(sequence->name);
  }
  if (rec != nullptr) {
    for (CameraTechnique t : sequence->techniques) {
      size_t i = static_cast<size_t>(t);
      if (i < technique_films_.size()) ++technique_films_[i][IndexOf(*rec)];
    }
  }
  sequences[sequence->name] = std::move(sequence);
  if (!bulk) Reorder(film);
}

void CatalogState::RemoveSequence(const std::string& name) {
  auto it = sequences.find(name);
  if (it == sequences.end()) return;
  std::string film = FilmOf(name);
  if (const FilmRecord* rec = FindFilm(film))
    UncountTechniques(*it->second, IndexOf(*rec), technique_films_);
  sequences.erase(it);
  auto fs = film_sequences.find(film);
  if (fs != film_sequences.end()) {
    auto& v = fs->second;
    v.erase(std::remove(v.begin(), v.end(), name), v.end());
    if (v.empty()) film_sequences.erase(fs);
  }
  Reorder(film);
}

void CatalogState::PutEra(std::shared_ptr<const Era> era) {
  std::string name = era->name;
  eras[name] = std::move(era);
  RebuildEras({name});
}

void CatalogState::RemoveEra(const std::string& name) { eras.erase(name); }

void CatalogState::ApplyBatch(const WriteBatch& batch) {
  for (const Era& e : batch.upsert_eras) PutEra(std::make_shared<Era>(e));
  for (const Person& p : batch.upsert_people) {
    bool texts_changed = false;
    if (const PersonRecord* rec = FindPerson(p.name)) {
      const Person old = DecodePerson(*rec);
      texts_changed =
          old.display_name != p.display_name || old.aliases != p.aliases;
    }
    // Search finds films by their people's names and aliases: out with the
    // old person's keys, in with the new ones.
    const FilmSet* pf = texts_changed ? PersonFilms(p.name) : nullptr;
    if (pf != nullptr) {
      for (FilmIndex i : *pf) search.Remove(i, SearchKeysOf(Decode(films_[i])));
    }
    PutPerson(p);
    if (pf != nullptr) {
      for (FilmIndex i : *pf) {
        const Film f = Decode(films_[i]);
        Reindex(i, f, TitleKeysOf(f));
      }
    }
  }
  for (const Film& f : batch.upsert_films) PutFilm(f);
  for (const Sequence& s : batch.upsert_sequences) {
    if (FindFilm(FilmOf(s.name)) == nullptr) continue;
    PutSequence(std::make_shared<Sequence>(s));
  }
  for (const std::string& name : batch.delete_sequences) RemoveSequence(name);
  for (const std::string& name : batch.delete_films) RemoveFilm(name);
  for (const std::string& name : batch.delete_people) RemovePerson(name);
  for (const std::string& name : batch.delete_eras) RemoveEra(name);
}

void CatalogState::Reorder(const std::string& film) {
  auto fs = film_sequences.find(film);
  if (fs == film_sequences.end()) return;
  const FilmRecord* rec = FindFilm(film);
  std::vector<const Sequence*> seqs;
  for (const std::string& n : fs->second) {
    if (const Sequence* s = FindSequence(n)) seqs.push_back(s);
  }
  std::vector<std::string> ordered =
      OrderSequences(seqs, rec != nullptr ? rec->runtime_minutes() : 0);
  for (size_t i = 0; i < ordered.size(); ++i) {
    auto& ptr = sequences[ordered[i]];
    int want = static_cast<int>(i + 1);
    if (ptr->film_order != want) {
      auto copy = std::make_shared<Sequence>(*ptr);
      copy->film_order = want;
      ptr = std::move(copy);
    }
  }
  fs->second = std::move(ordered);
}

void CatalogState::RebuildEras(const absl::flat_hash_set<std::string>& names) {
  for (const std::string& name : names) {
    auto it = eras.find(name);
    if (it == eras.end()) continue;
    std::vector<FilmIndex> recs;
    if (const FilmSet* ef = EraFilms(name)) recs.assign(ef->begin(), ef->end());
    std::sort(recs.begin(), recs.end(), [&](FilmIndex a, FilmIndex b) {
      return Less(FilmOrder::kYear, films_[a], films_[b]);
    });
    auto era = std::make_shared<Era>(*it->second);
    era->films.clear();
    for (FilmIndex r : recs) era->films.emplace_back(films_[r].name());
    it->second = std::move(era);
  }
}

}  // namespace longtake::catalog::internal
