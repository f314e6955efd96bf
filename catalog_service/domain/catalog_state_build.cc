// CatalogState's bulk side: Build (the whole model from a store snapshot,
// at start and on a full reload), FinishBulk (sorting what Build appended)
// and MemoryUsage (the load line's bytes per film). The incremental writes
// are catalog_state.cc.

#include <algorithm>
#include <future>
#include <thread>
#include <utility>

#include "catalog_service/domain/catalog_state.h"
#include "catalog_service/domain/film_order.h"

namespace longtake::catalog::internal {
namespace {

// Films whose search keys are computed per step of a bulk build: bounds the
// keys held at once.
constexpr size_t kBuildChunk = 16384;
// Hands a decoded value's memory back now (assigning an empty value would
// keep its strings' buffers).
template <typename T>
void Free(T& value) {
  [[maybe_unused]] T gone(std::move(value));
}

template <typename Map>
size_t MapBytes(const Map& m) {
  return m.capacity() * (sizeof(typename Map::value_type) + 1);
}

}  // namespace

void CatalogState::Build(CatalogSnapshot snap, BuildTimings* timings) {
  const absl::Time t0 = absl::Now();
  for (Era& e : snap.eras) {
    std::string name = e.name;
    eras[name] = std::make_shared<Era>(std::move(e));
  }
  // People's search keys, once each, on two threads.
  std::vector<std::vector<std::string>> person_keys(snap.people.size());
  {
    const size_t half = snap.people.size() / 2;
    std::thread helper([&] {
      for (size_t k = half; k < snap.people.size(); ++k)
        person_keys[k] = PersonKeys(snap.people[k]);
    });
    for (size_t k = 0; k < half; ++k)
      person_keys[k] = PersonKeys(snap.people[k]);
    helper.join();
  }
  bulk_person_keys_ = std::make_unique<
      absl::flat_hash_map<uint32_t, std::vector<std::string>>>();
  bulk_person_keys_->reserve(snap.people.size());
  people_.reserve(snap.people.size());
  person_names_.reserve(snap.people.size());
  person_order_.reserve(snap.people.size());
  for (size_t k = 0; k < snap.people.size(); ++k) {
    Person& p = snap.people[k];
    (*bulk_person_keys_)[pool_.Intern(p.name)] = std::move(person_keys[k]);
    if (person_names_.contains(std::string_view(p.name))) {
      PutPerson(p);
    } else {
      const auto i = static_cast<PersonIndex>(people_.size());
      people_.push_back(EncodePerson(p, &person_arena_));
      person_names_.insert(i);
      person_order_.push_back(i);
    }
  }
  std::vector<std::vector<std::string>>().swap(person_keys);
  // Freed on another thread: see the films' step below.
  std::thread([&snap] { std::vector<Person>().swap(snap.people); }).join();
  std::sort(person_order_.begin(), person_order_.end(),
            [this](PersonIndex a, PersonIndex b) {
              return people_[a].name() < people_[b].name();
            });

  // Films.
  std::vector<Film>& films = snap.films;
  const size_t n = films.size();
  films_.reserve(n);
  film_names_.reserve(n);
  for (size_t o = 0; o < kFilmOrderCount; ++o) {
    if (!Descending(static_cast<FilmOrder>(o))) orders[o].Reserve(n);
  }
  // A helper thread computes the next chunk's title keys while this one
  // encodes and indexes the current chunk, and frees what this one is done
  // with (the chunk before: its films and keys). Freed here, those blocks
  // would go to this thread's malloc cache and be handed out again for the
  // model's long-lived blocks, scattering them among the snapshot's pages,
  // which then could not go back to the system.
  auto step = [&films](size_t from, size_t to, size_t done_from, size_t done_to,
                       std::vector<TitleKeys> done_keys) {
    for (size_t k = done_from; k < done_to; ++k) Free(films[k]);
    std::vector<TitleKeys>().swap(done_keys);
    std::vector<TitleKeys> keys(to - from);
    for (size_t k = from; k < to; ++k) keys[k - from] = TitleKeysOf(films[k]);
    return keys;
  };
  std::future<std::vector<TitleKeys>> next;
  if (n > 0) {
    next = std::async(std::launch::async, step, 0, std::min(n, kBuildChunk), 0,
                      0, std::vector<TitleKeys>());
  }
  std::vector<TitleKeys> keys;
  size_t last = 0;  // where the last chunk starts
  for (size_t from = 0; from < n; from += kBuildChunk) {
    const size_t to = std::min(n, from + kBuildChunk);
    std::vector<TitleKeys> done_keys = std::move(keys);
    keys = next.get();
    if (to < n) {
      // The chunk before this one is done.
      next = std::async(std::launch::async, step, to,
                        std::min(n, to + kBuildChunk),
                        from >= kBuildChunk ? from - kBuildChunk : 0, from,
                        std::move(done_keys));
    }
    for (size_t k = from; k < to; ++k) {
      const Film& f = films[k];
      if (film_names_.contains(std::string_view(f.name))) continue;
      const FilmIndex i = NewSlot();
      films_[i] = EncodeFilm(f, &pool_, &film_arena_);
      film_names_.insert(i);
      IndexFilm(i, f, true);
      Reindex(i, f, keys[k - from]);
    }
    last = from;
  }
  // The last two chunks (the helper freed the others).
  std::thread([&] {
    for (size_t k = last >= kBuildChunk ? last - kBuildChunk : 0; k < n; ++k)
      Free(films[k]);
    std::vector<TitleKeys>().swap(keys);
  }).join();
  std::vector<Film>().swap(snap.films);
  for (Sequence& s : snap.sequences) {
    if (FindFilm(FilmOf(s.name)) == nullptr) continue;
    PutSequence(std::make_shared<Sequence>(std::move(s)), true);
  }
  std::vector<Sequence>().swap(snap.sequences);
  const absl::Time t1 = absl::Now();
  FinishBulk();
  revision = snap.revision;
  if (timings != nullptr) {
    timings->index = t1 - t0;
    timings->finish = absl::Now() - t1;
  }
}

void CatalogState::FinishBulk() {
  bulk_person_keys_.reset();
  // The ascending orders are sorted on two threads; each descending order is
  // its ascending one reversed, with runs of equal keys kept by name.
  auto sort_order = [this](size_t o) {
    FilmOrder order = static_cast<FilmOrder>(o);
    std::vector<FilmIndex> asc = orders[o].ToVector();
    std::sort(asc.begin(), asc.end(), [&](FilmIndex a, FilmIndex b) {
      return Less(order, films_[a], films_[b]);
    });
    std::vector<FilmIndex> desc(asc.rbegin(), asc.rend());
    orders[o].Assign(std::move(asc));
    FilmOrder order_desc = static_cast<FilmOrder>(o + 1);
    for (size_t start = 0; start < desc.size();) {
      size_t end = start + 1;
      const SortFields first = Of(films_[desc[start]]);
      while (end < desc.size() &&
             CompareKeys(order_desc, first, Of(films_[desc[end]])) == 0) {
        ++end;
      }
      std::reverse(desc.begin() + start, desc.begin() + end);
      start = end;
    }
    orders[o + 1].Assign(std::move(desc));
  };
  std::thread helper([&] {
    sort_order(static_cast<size_t>(FilmOrder::kTitle));
    sort_order(static_cast<size_t>(FilmOrder::kRating));
  });
  sort_order(static_cast<size_t>(FilmOrder::kYear));
  sort_order(static_cast<size_t>(FilmOrder::kRuntime));
  auto sort_set = [](FilmSet& set) { set.Sort(); };
  for (auto& [person, set] : person_films_) sort_set(set);
  for (FilmSet& set : role_films) sort_set(set);
  for (auto& [era, set] : era_films_) sort_set(set);
  for (auto& [year, set] : year_films) sort_set(set);
  for (auto& [genre, set] : genre_films_) sort_set(set);
  for (auto& [film, names] : film_sequences) Reorder(film);
  search.ShrinkToFit();
  helper.join();
  absl::flat_hash_set<std::string> all;
  for (const auto& [name, era] : eras) all.insert(name);
  RebuildEras(all);
}

CatalogState::MemoryStats CatalogState::MemoryUsage() const {
  MemoryStats m;
  m.films = films_.capacity() * sizeof(FilmRecord) +
            free_slots_.capacity() * sizeof(FilmIndex) +
            film_names_.capacity() * (sizeof(FilmIndex) + 1) +
            film_arena_.MemoryBytes();
  for (const FilmRecord& r : films_) m.films += r.heap_bytes();
  m.people = people_.capacity() * sizeof(PersonRecord) +
             free_people_.capacity() * sizeof(PersonIndex) +
             person_names_.capacity() * (sizeof(PersonIndex) + 1) +
             person_order_.capacity() * sizeof(PersonIndex) +
             person_arena_.MemoryBytes();
  for (const PersonRecord& r : people_) m.people += r.heap_bytes();
  m.strings = pool_.MemoryBytes();
  for (const auto& v : orders) m.orders += v.MemoryBytes();
  auto sets = [&](const absl::flat_hash_map<uint32_t, FilmSet>& index) {
    m.indexes += MapBytes(index);
    for (const auto& [key, set] : index)
      m.indexes += set.MemoryBytes() + kMallocOverhead;
  };
  sets(person_films_);
  sets(era_films_);
  sets(genre_films_);
  for (const FilmSet& set : role_films) m.indexes += set.MemoryBytes();
  for (const auto& [year, set] : year_films)
    m.indexes += set.MemoryBytes() + 64;
  m.indexes += MapBytes(external_id_films_);
  for (const auto& t : technique_films_) m.indexes += MapBytes(t);
  m.search = search.MemoryBytesEstimate();
  return m;
}

}  // namespace longtake::catalog::internal
