#include "catalog_service/domain/catalog_state.h"

#include <algorithm>
#include <string_view>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "catalog_service/domain/film_search.h"
#include "common/text/text_folding.h"

namespace longtake::catalog::internal {
namespace {

// What the orders compare, read alike from a film and from a page position.
struct SortFields {
  std::string_view title_key;
  int year;
  int runtime_minutes;
  double rating;
  std::string_view name;
};
SortFields Of(const FilmRec* r) {
  return {r->title_key, r->film->year, r->film->runtime_minutes, r->rating,
          r->film->name};
}
SortFields Of(const FilmKey& k) {
  return {k.title_key, k.year, k.runtime_minutes, k.rating, k.name};
}

// -1, 0 or 1 as `a`'s sort key is below, equal to or above `b`'s.
// Each field's ascending and descending orders are adjacent in FilmOrder.
int CompareKeys(FilmOrder order, const SortFields& a, const SortFields& b) {
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

bool Descending(FilmOrder order) { return static_cast<int>(order) % 2 == 1; }

template <typename A, typename B>
bool Less(FilmOrder order, const A& a, const B& b) {
  const SortFields x = Of(a), y = Of(b);
  int c = CompareKeys(order, x, y);
  if (c != 0) return Descending(order) ? c > 0 : c < 0;
  return x.name < y.name;
}

template <typename Set, typename T>
void EraseFrom(absl::flat_hash_map<std::string, Set>& index,
               const std::string& key, const T& value) {
  auto it = index.find(key);
  if (it == index.end()) return;
  it->second.erase(value);
  if (it->second.empty()) index.erase(it);
}

// Drops one sequence's techniques from its film's per-technique counts.
template <typename Counts>
void UncountTechniques(const Sequence& sequence, const std::string& film,
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

bool FilmLess(FilmOrder order, const FilmRec* a, const FilmRec* b) {
  return Less(order, a, b);
}
bool FilmLess(FilmOrder order, const FilmRec* a, const FilmKey& b) {
  return Less(order, a, b);
}
bool FilmLess(FilmOrder order, const FilmKey& a, const FilmRec* b) {
  return Less(order, a, b);
}

FilmKey KeyOf(const FilmRec* rec) {
  return {rec->title_key, rec->film->year, rec->film->name,
          rec->film->runtime_minutes, rec->rating};
}

double SortRating(const Film& film) {
  const Rating* best = nullptr;
  for (const Rating& r : film.ratings) {
    if (best == nullptr || r.votes > best->votes) best = &r;
  }
  return best == nullptr ? -1 : best->value;
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

const FilmRec* CatalogState::FindByExternalId(const std::string& key) const {
  auto it = external_id_films.find(key);
  return it == external_id_films.end() ? nullptr : it->second;
}

std::string TitleKey(const std::string& title) {
  std::string key = FoldText(title);
  return key.empty() ? title : key;
}

const FilmRec* CatalogState::FindFilm(const std::string& name) const {
  auto it = films.find(name);
  return it == films.end() ? nullptr : it->second.get();
}
const Person* CatalogState::FindPerson(const std::string& name) const {
  auto it = people.find(name);
  return it == people.end() ? nullptr : it->second.get();
}
const Sequence* CatalogState::FindSequence(const std::string& name) const {
  auto it = sequences.find(name);
  return it == sequences.end() ? nullptr : it->second.get();
}

void CatalogState::IndexFilm(const FilmRec* rec, bool bulk) {
  for (size_t o = 0; o < kFilmOrderCount; ++o) {
    auto& v = orders[o];
    if (bulk) {
      v.push_back(rec);
    } else {
      FilmOrder order = static_cast<FilmOrder>(o);
      auto it = std::lower_bound(v.begin(), v.end(), rec,
                                 [order](const FilmRec* a, const FilmRec* b) {
                                   return Less(order, a, b);
                                 });
      v.insert(it, rec);
    }
  }
  const Film& f = *rec->film;
  // Bulk loads append and sort once at the end; single writes keep order.
  auto add = [&](auto& films) {
    if (bulk) {
      films.AddUnsorted(rec);
    } else {
      films.insert(rec);
    }
  };
  for (const Credit& c : f.credits) {
    add(person_films[c.person]);
    size_t role = static_cast<size_t>(c.role);
    if (role < role_films.size()) add(role_films[role]);
  }
  for (const std::string& era : f.eras) add(era_films[era]);
  add(year_films[f.year]);
  for (const std::string& genre : f.genres) add(genre_films[genre]);
  for (const auto& [field, key] : ExternalIdKeys(f.external_ids)) {
    external_id_films[key] = rec;
  }
  docs[rec->doc] = rec;
  if (bulk && bulk_person_keys_ == nullptr) {
    bulk_person_keys_ = std::make_unique<
        absl::flat_hash_map<std::string, std::vector<std::string>>>();
  }
  Reindex(*rec);
}

void CatalogState::UnindexFilm(const FilmRec* rec) {
  for (size_t o = 0; o < kFilmOrderCount; ++o) {
    auto& v = orders[o];
    FilmOrder order = static_cast<FilmOrder>(o);
    auto it = std::lower_bound(v.begin(), v.end(), rec,
                               [order](const FilmRec* a, const FilmRec* b) {
                                 return Less(order, a, b);
                               });
    if (it != v.end() && *it == rec) {
      v.erase(it);
    } else {
      auto linear = std::find(v.begin(), v.end(), rec);  // never expected
      if (linear != v.end()) v.erase(linear);
    }
  }
  const Film& f = *rec->film;
  for (const Credit& c : f.credits) {
    EraseFrom(person_films, c.person, rec);
    size_t role = static_cast<size_t>(c.role);
    if (role < role_films.size()) role_films[role].erase(rec);
  }
  for (const std::string& era : f.eras) EraseFrom(era_films, era, rec);
  for (const std::string& genre : f.genres) EraseFrom(genre_films, genre, rec);
  for (const auto& [field, key] : ExternalIdKeys(f.external_ids)) {
    auto held = external_id_films.find(key);
    if (held != external_id_films.end() && held->second == rec) {
      external_id_films.erase(held);
    }
  }
  auto y = year_films.find(f.year);
  if (y != year_films.end()) {
    y->second.erase(rec);
    if (y->second.empty()) year_films.erase(y);
  }
  docs.erase(rec->doc);
  search.Remove(rec->doc);
}

void CatalogState::Reindex(const FilmRec& rec) {
  const Film& f = *rec.film;
  search.Remove(rec.doc);
  search.Add(rec.doc, SearchIndex::Field::kTitle, f.title);
  if (std::string compact = CompactTitle(f.title); compact != f.title) {
    search.Add(rec.doc, SearchIndex::Field::kTitle, compact);
  }
  for (const std::string& t : f.original_titles) {
    search.Add(rec.doc, SearchIndex::Field::kOriginalTitle, t);
  }
  for (const std::string& a : f.aliases)
    search.Add(rec.doc, SearchIndex::Field::kAlias, a);
  for (size_t i = 0; i < f.credits.size(); ++i) {
    const Credit& c = f.credits[i];
    bool repeat =
        false;  // credit lists are short: a linear check beats a hash set
    for (size_t k = 0; k < i && !repeat; ++k)
      repeat = f.credits[k].person == c.person;
    if (repeat) continue;
    if (bulk_person_keys_ != nullptr) {
      // Bulk load: tokenize each person's texts once, not once per credit.
      auto [it, inserted] = bulk_person_keys_->try_emplace(c.person);
      if (inserted) {
        const Person* p = FindPerson(c.person);
        it->second = TokenKeys(p != nullptr ? p->display_name : c.display_name);
        if (p != nullptr) {
          for (const std::string& alias : p->aliases) {
            std::vector<std::string> keys = TokenKeys(alias);
            it->second.insert(it->second.end(), keys.begin(), keys.end());
          }
        }
      }
      search.AddKeys(rec.doc, SearchIndex::Field::kPerson, it->second);
      continue;
    }
    const Person* p = FindPerson(c.person);
    search.Add(rec.doc, SearchIndex::Field::kPerson,
               p != nullptr ? p->display_name : c.display_name);
    if (p != nullptr) {
      for (const std::string& alias : p->aliases) {
        search.Add(rec.doc, SearchIndex::Field::kPerson, alias);
      }
    }
  }
}

void CatalogState::PutFilm(std::shared_ptr<const Film> film, bool bulk) {
  absl::flat_hash_set<std::string> touched_eras(film->eras.begin(),
                                                film->eras.end());
  auto it = films.find(film->name);
  FilmRec* rec;
  bool runtime_changed = false;
  if (it != films.end()) {
    rec = it->second.get();
    for (const std::string& e : rec->film->eras) touched_eras.insert(e);
    runtime_changed = rec->film->runtime_minutes != film->runtime_minutes;
    UnindexFilm(rec);
  } else {
    auto owned = std::make_unique<FilmRec>();
    owned->doc = next_doc++;
    rec = owned.get();
    films.emplace(film->name, std::move(owned));
  }
  rec->title_key = TitleKey(film->title);
  rec->rating = SortRating(*film);
  rec->film = std::move(film);
  IndexFilm(rec, bulk);
  if (!bulk) {
    RebuildEras(touched_eras);
    if (runtime_changed) Reorder(rec->film->name);
  }
}

void CatalogState::RemoveFilm(const std::string& name) {
  auto it = films.find(name);
  if (it == films.end()) return;
  absl::flat_hash_set<std::string> touched(it->second->film->eras.begin(),
                                           it->second->film->eras.end());
  auto seqs = film_sequences.find(name);
  if (seqs != film_sequences.end()) {
    std::vector<std::string> names = seqs->second;
    for (const std::string& s : names) RemoveSequence(s);
  }
  film_sequences.erase(name);
  UnindexFilm(it->second.get());
  films.erase(it);
  RebuildEras(touched);
}

void CatalogState::PutPerson(std::shared_ptr<const Person> person) {
  if (bulk_person_keys_ != nullptr) bulk_person_keys_->erase(person->name);
  people[person->name] = std::move(person);
}

void CatalogState::RemovePerson(const std::string& name) {
  if (bulk_person_keys_ != nullptr) bulk_person_keys_->erase(name);
  people.erase(name);
}

void CatalogState::PutSequence(std::shared_ptr<const Sequence> sequence,
                               bool bulk) {
  std::string film =
      sequence->name.substr(0, sequence->name.find("/sequences/"));
  auto old = sequences.find(sequence->name);
  if (old != sequences.end()) {
    UncountTechniques(*old->second, film, technique_films);
  } else {
    film_sequences[film].push_back(sequence->name);
  }
  for (CameraTechnique t : sequence->techniques) {
    size_t i = static_cast<size_t>(t);
    if (i < technique_films.size()) ++technique_films[i][film];
  }
  sequences[sequence->name] = std::move(sequence);
  if (!bulk) Reorder(film);
}

void CatalogState::RemoveSequence(const std::string& name) {
  auto it = sequences.find(name);
  if (it == sequences.end()) return;
  std::string film = name.substr(0, name.find("/sequences/"));
  UncountTechniques(*it->second, film, technique_films);
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
    const Person* old = FindPerson(p.name);
    const bool texts_changed =
        old != nullptr &&
        (old->display_name != p.display_name || old->aliases != p.aliases);
    PutPerson(std::make_shared<Person>(p));
    // Search finds films by their people's names and aliases.
    auto pf = person_films.find(p.name);
    if (texts_changed && pf != person_films.end()) {
      for (const FilmRec* rec : pf->second) Reindex(*rec);
    }
  }
  for (const Film& f : batch.upsert_films) PutFilm(std::make_shared<Film>(f));
  for (const Sequence& s : batch.upsert_sequences) {
    if (FindFilm(s.name.substr(0, s.name.find("/sequences/"))) == nullptr)
      continue;
    PutSequence(std::make_shared<Sequence>(s));
  }
  for (const std::string& name : batch.delete_sequences) RemoveSequence(name);
  for (const std::string& name : batch.delete_films) RemoveFilm(name);
  for (const std::string& name : batch.delete_people) RemovePerson(name);
  for (const std::string& name : batch.delete_eras) RemoveEra(name);
}

void CatalogState::FinishBulk() {
  bulk_person_keys_.reset();
  for (auto& [person, set] : person_films) set.Sort();
  for (FilmSet& set : role_films) set.Sort();
  for (auto& [era, set] : era_films) set.Sort();
  for (auto& [year, set] : year_films) set.Sort();
  for (auto& [genre, set] : genre_films) set.Sort();
  for (size_t o = 0; o < kFilmOrderCount; ++o) {
    FilmOrder order = static_cast<FilmOrder>(o);
    std::sort(orders[o].begin(), orders[o].end(),
              [order](const FilmRec* a, const FilmRec* b) {
                return Less(order, a, b);
              });
  }
  for (auto& [film, names] : film_sequences) Reorder(film);
  absl::flat_hash_set<std::string> all;
  for (const auto& [name, era] : eras) all.insert(name);
  RebuildEras(all);
  search.ShrinkToFit();
}

void CatalogState::Reorder(const std::string& film) {
  auto fs = film_sequences.find(film);
  if (fs == film_sequences.end()) return;
  const FilmRec* rec = FindFilm(film);
  std::vector<const Sequence*> seqs;
  for (const std::string& n : fs->second) {
    if (const Sequence* s = FindSequence(n)) seqs.push_back(s);
  }
  std::vector<std::string> ordered =
      OrderSequences(seqs, rec != nullptr ? rec->film->runtime_minutes : 0);
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
    std::vector<const FilmRec*> recs;
    auto ef = era_films.find(name);
    if (ef != era_films.end())
      recs.assign(ef->second.begin(), ef->second.end());
    std::sort(recs.begin(), recs.end(), [](const FilmRec* a, const FilmRec* b) {
      return Less(FilmOrder::kYear, a, b);
    });
    auto era = std::make_shared<Era>(*it->second);
    era->films.clear();
    for (const FilmRec* r : recs) era->films.push_back(r->film->name);
    it->second = std::move(era);
  }
}

std::vector<std::string> OrderSequences(
    const std::vector<const Sequence*>& sequences, int runtime_minutes) {
  using P = Timecode::Precision;
  // Fraction positions need a running time; 100 minutes stands in when unknown.
  double runtime_s = (runtime_minutes > 0 ? runtime_minutes : 100) * 60.0;
  std::vector<std::pair<double, const Sequence*>> anchored;
  std::vector<const Sequence*> relative;
  for (const Sequence* s : sequences) {
    switch (s->start.precision) {
      case P::kExact:
      case P::kApproximate:
        anchored.push_back({absl::ToDoubleSeconds(s->start.offset), s});
        break;
      case P::kFractionOfRuntime:
        anchored.push_back({s->start.fraction * runtime_s, s});
        break;
      case P::kRelative:
        relative.push_back(s);
        break;
      case P::kUnspecified:
        anchored.push_back({0, s});
        break;
    }
  }
  std::sort(anchored.begin(), anchored.end(), [](const auto& a, const auto& b) {
    if (a.first != b.first) return a.first < b.first;
    return a.second->name < b.second->name;
  });
  std::sort(
      relative.begin(), relative.end(),
      [](const Sequence* a, const Sequence* b) { return a->name < b->name; });
  std::vector<std::string> out;
  for (const auto& [pos, s] : anchored) out.push_back(s->name);
  // Place relative sequences next to their anchors, repeating while chains
  // resolve; unresolvable ones (dangling or cyclic) go last.
  bool progress = true;
  while (!relative.empty() && progress) {
    progress = false;
    for (auto it = relative.begin(); it != relative.end();) {
      const Sequence* s = *it;
      auto target = std::find(out.begin(), out.end(), s->start.relative_to);
      if (target == out.end()) {
        ++it;
        continue;
      }
      if (s->start.relation == Timecode::Relation::kAfter) ++target;
      out.insert(target, s->name);
      it = relative.erase(it);
      progress = true;
    }
  }
  for (const Sequence* s : relative) out.push_back(s->name);
  return out;
}

}  // namespace longtake::catalog::internal
