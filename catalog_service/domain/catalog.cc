#include "catalog_service/domain/catalog.h"

#include <malloc.h>

#include <algorithm>
#include <future>
#include <map>
#include <thread>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "catalog_service/domain/catalog_errors.h"
#include "catalog_service/domain/catalog_state.h"
#include "catalog_service/domain/catalog_store.h"
#include "catalog_service/domain/catalog_validation.h"
#include "catalog_service/domain/film_query.h"
#include "catalog_service/domain/film_search.h"
#include "catalog_service/domain/filter.h"
#include "catalog_service/domain/json_codec.h"
#include "common/domain/field_limits.h"
#include "common/log/logger.h"
#include "common/paging/page_token.h"
#include "common/status/errors.h"

namespace longtake::catalog {

using internal::BadName;
using internal::Blank;
using internal::CatalogState;
using internal::FilmIndex;
using internal::FilmOrder;
using internal::FilmRecord;
using internal::Violations;

namespace {

// "model_mb=... bytes_per_film=... (films=... people=... search=...:
// postings=...)": what
// the read model holds, in total and per film, by part.
std::string MemoryLine(const CatalogState& state, size_t films) {
  const CatalogState::MemoryStats m = state.MemoryUsage();
  const SearchIndex::MemoryStats search = state.search.MemoryUsage();
  const size_t n = std::max<size_t>(films, 1);
  return absl::StrCat(
      "model_mb=", m.Total() >> 20, " bytes_per_film=", m.Total() / n,
      " (films=", m.films / n, " people=", m.people / n,
      " strings=", m.strings / n, " orders=", m.orders / n,
      " indexes=", m.indexes / n, " search=", m.search / n,
      ": postings=", search.postings / n, " vocabulary=", search.vocabulary / n,
      " fuzzy=", search.fuzzy / n, " documents=", search.documents / n, ")");
}

// A read model built from the store, with how long each step took.
struct LoadedState {
  std::unique_ptr<CatalogState> state;
  size_t films = 0;
  absl::Duration load;  // the store's LoadAll: reading and decoding
  absl::Duration build;
  CatalogState::BuildTimings timings;
};

// Reads the store and builds the read model from it, each on a thread of
// its own, the builder's started first: glibc's malloc gives it an arena the
// decoded snapshot is not in, so the model's long-lived blocks are not
// scattered among the snapshot's freed ones, and the snapshot's pages go
// back to the system whole (malloc_trim) instead of staying resident around
// them (at 1,000,000 films, about 200 MB of VmRSS). Build() frees the
// snapshot on other threads for the same reason (catalog_state.cc).
absl::StatusOr<LoadedState> LoadState(CatalogStore& store) {
  LoadedState out;
  std::promise<absl::StatusOr<CatalogSnapshot>> read;
  std::thread builder([&out, snapshot = read.get_future()]() mutable {
    // Allocating here is what attaches this thread's arena.
    auto state = std::make_unique<CatalogState>();
    absl::StatusOr<CatalogSnapshot> snap = snapshot.get();
    if (!snap.ok()) return;
    const absl::Time start = absl::Now();
    out.films = snap->films.size();
    state->Build(*std::move(snap), &out.timings);
    // Decoding and building free many small blocks; hand the pages back.
    malloc_trim(0);
    out.build = absl::Now() - start;
    out.state = std::move(state);
  });
  absl::Status status;
  std::thread reader([&] {
    const absl::Time start = absl::Now();
    absl::StatusOr<CatalogSnapshot> snap = store.LoadAll();
    out.load = absl::Now() - start;
    status = snap.status();
    read.set_value(std::move(snap));
  });
  reader.join();
  builder.join();
  LONGTAKE_RETURN_IF_ERROR(status);
  return out;
}

std::vector<std::string> MatchedFieldNames(uint8_t bits) {
  std::vector<std::string> out;
  if (bits & (1u << static_cast<int>(SearchIndex::Field::kTitle)))
    out.push_back("title");
  if (bits & (1u << static_cast<int>(SearchIndex::Field::kOriginalTitle))) {
    out.push_back("original_titles");
  }
  if (bits & (1u << static_cast<int>(SearchIndex::Field::kAlias)))
    out.push_back("aliases");
  if (bits & (1u << static_cast<int>(SearchIndex::Field::kPerson)))
    out.push_back("people");
  return out;
}

absl::StatusOr<size_t> DecodeOffset(const std::string& token,
                                    const std::string& args) {
  LONGTAKE_ASSIGN_OR_RETURN(std::string position, DecodePageToken(token, args));
  if (position.empty()) return size_t{0};
  uint64_t offset = 0;
  if (!absl::SimpleAtoi(position, &offset)) {
    return InvalidArgument(
        "page_token", "is malformed; use the token from the previous response");
  }
  return static_cast<size_t>(offset);
}

}  // namespace

Catalog::Catalog(std::unique_ptr<CatalogStore> store, CatalogOptions options)
    : store_(std::move(store)),
      state_(std::make_unique<CatalogState>()),
      options_(std::move(options)) {}

absl::StatusOr<std::unique_ptr<Catalog>> Catalog::Open(
    std::unique_ptr<CatalogStore> store, CatalogOptions options) {
  if (store == nullptr) {
    return absl::InvalidArgumentError("Catalog::Open: no store");
  }
  std::unique_ptr<Catalog> catalog(
      new Catalog(std::move(store), std::move(options)));
  LONGTAKE_RETURN_IF_ERROR(catalog->Load());
  return catalog;
}

absl::Status Catalog::Load() {
  if (!options_.snapshot_path.empty() && LoadSnapshotOrSayWhy())
    return absl::OkStatus();
  LONGTAKE_ASSIGN_OR_RETURN(LoadedState loaded, LoadState(*store_));
  const CatalogState& state = *loaded.state;
  Log(LogLevel::kInfo,
      absl::StrCat(
          "catalogue loaded: films=", loaded.films,
          " load_ms=", absl::ToInt64Milliseconds(loaded.load),
          " build_ms=", absl::ToInt64Milliseconds(loaded.build),
          " (index_ms=", absl::ToInt64Milliseconds(loaded.timings.index),
          " finish_ms=", absl::ToInt64Milliseconds(loaded.timings.finish), ") ",
          MemoryLine(state, loaded.films),
          " search_terms=", state.search.VocabularySize()));
  {
    absl::WriterMutexLock lock(&mu_);
    state_ = std::move(loaded.state);
  }
  loaded_unix_ns_ = refreshed_unix_ns_ = absl::ToUnixNanos(absl::Now());
  ScheduleSnapshot();
  return absl::OkStatus();
}

absl::Status Catalog::ReadFilm(
    absl::string_view name,
    const std::function<void(const FilmRecord&)>& read) const {
  if (!internal::ParseName(name, "films"))
    return BadName("name", name, "films/{film}");
  absl::ReaderMutexLock lock(&mu_);
  const FilmRecord* rec =
      state_->FindFilm(std::string_view(name.data(), name.size()));
  if (rec == nullptr) return NotFound(name);
  read(*rec);
  return absl::OkStatus();
}

absl::StatusOr<std::shared_ptr<const Film>> Catalog::GetFilm(
    absl::string_view name) const {
  std::shared_ptr<const Film> film;
  LONGTAKE_RETURN_IF_ERROR(ReadFilm(
      name, [&](const FilmRecord& rec) { film = state_->Share(rec); }));
  return film;
}

absl::StatusOr<std::string> Catalog::GetFilmEtag(absl::string_view name) const {
  std::string etag;
  LONGTAKE_RETURN_IF_ERROR(ReadFilm(
      name, [&](const FilmRecord& rec) { etag = std::string(rec.etag()); }));
  return etag;
}

absl::StatusOr<std::vector<std::shared_ptr<const Film>>> Catalog::BatchGetFilms(
    const std::vector<std::string>& names) const {
  LONGTAKE_RETURN_IF_ERROR(CheckEntries(names.size(), "names", kMaxBatchSize));
  Violations v;
  for (size_t i = 0; i < names.size(); ++i) {
    if (!internal::ParseName(names[i], "films")) {
      v.push_back(
          {absl::StrCat("names[", i, "]"),
           absl::StrCat("\"", names[i], "\" is not of the form films/{film}")});
    }
  }
  if (!v.empty()) return InvalidArguments(std::move(v));
  std::vector<std::shared_ptr<const Film>> out;
  absl::ReaderMutexLock lock(&mu_);
  for (const std::string& n : names) {
    const FilmRecord* rec = state_->FindFilm(n);
    if (rec == nullptr) return NotFound(n);
    out.push_back(state_->Share(*rec));
  }
  return out;
}

absl::StatusOr<FilmPage> Catalog::ListFilms(const ListFilmsQuery& q) const {
  LONGTAKE_ASSIGN_OR_RETURN(internal::FilmQuery query,
                            internal::ParseFilmQuery(q));
  absl::ReaderMutexLock lock(&mu_);
  return internal::RunFilmQuery(*state_, query);
}

absl::StatusOr<SearchPage> Catalog::SearchFilms(const SearchQuery& q) const {
  if (Blank(q.query)) return InvalidArgument("query", "must not be empty");
  LONGTAKE_RETURN_IF_ERROR(CheckBytes(q.query, "query", kMaxCatalogTextBytes));
  LONGTAKE_ASSIGN_OR_RETURN(int size, ResolvePageSize(q.page_size, 20, 100));
  std::string args = absl::StrCat("search|", q.query);
  LONGTAKE_ASSIGN_OR_RETURN(size_t offset, DecodeOffset(q.page_token, args));
  if (offset > 100000)
    return InvalidArgument("page_token", "is beyond the last result");
  SearchPage page;
  absl::ReaderMutexLock lock(&mu_);
  std::vector<internal::RankedFilm> ranked =
      internal::RankSearch(*state_, q.query, offset + size + 1);
  for (size_t i = offset;
       i < ranked.size() && page.results.size() < static_cast<size_t>(size);
       ++i) {
    page.results.push_back({state_->Share(state_->film(ranked[i].film)),
                            ranked[i].score,
                            MatchedFieldNames(ranked[i].matched_fields)});
  }
  if (ranked.size() > offset + size) {
    page.next_page_token = EncodePageToken(args, absl::StrCat(offset + size));
  }
  return page;
}

absl::StatusOr<std::shared_ptr<const Person>> Catalog::GetPerson(
    absl::string_view name) const {
  if (!internal::ParseName(name, "people"))
    return BadName("name", name, "people/{person}");
  absl::ReaderMutexLock lock(&mu_);
  const internal::PersonRecord* rec =
      state_->FindPerson(std::string_view(name.data(), name.size()));
  if (rec == nullptr) return NotFound(name);
  return std::make_shared<const Person>(internal::DecodePerson(*rec));
}

absl::StatusOr<PersonPage> Catalog::ListPeople(const ListPeopleQuery& q) const {
  LONGTAKE_ASSIGN_OR_RETURN(int size, ResolvePageSize(q.page_size, 50, 1000));
  LONGTAKE_ASSIGN_OR_RETURN(std::vector<internal::Condition> conds,
                            internal::ParseFilter(q.filter, {"role"}));
  std::vector<CreditRole> roles;
  for (const auto& c : conds) {
    auto role = ParseCreditRole(c.value);
    if (c.op != "=" || !role || *role == CreditRole::kUnspecified) {
      return InvalidFilter(absl::StrCat(
          "use role = \"CREDIT_ROLE_...\"; got role ", c.op, " ", c.value));
    }
    roles.push_back(*role);
  }
  std::string args = absl::StrCat("people|", q.filter);
  LONGTAKE_ASSIGN_OR_RETURN(std::string position,
                            DecodePageToken(q.page_token, args));
  PersonPage page;
  absl::ReaderMutexLock lock(&mu_);
  const CatalogState& s = *state_;
  std::vector<std::shared_ptr<const Person>> picked;
  for (internal::PersonIndex i : s.PeopleAfter(position)) {
    if (picked.size() > static_cast<size_t>(size)) break;
    const internal::PersonRecord& p = s.person(i);
    bool ok = true;
    for (CreditRole r : roles) {
      bool has = p.HasKnownRole(r);
      if (!has) {
        if (const internal::FilmSet* pf = s.PersonFilms(p.name())) {
          for (FilmIndex f : *pf) {
            for (const Credit& c : s.Decode(s.film(f)).credits)
              has = has || (c.person == p.name() && c.role == r);
            if (has) break;
          }
        }
      }
      ok = ok && has;
    }
    if (ok) picked.push_back(std::make_shared<const Person>(DecodePerson(p)));
  }
  if (picked.size() > static_cast<size_t>(size)) {
    picked.resize(size);
    page.next_page_token = EncodePageToken(args, picked.back()->name);
  }
  page.people = std::move(picked);
  return page;
}

absl::StatusOr<CollaborationPage> Catalog::ListCollaborations(
    const ListCollaborationsQuery& q) const {
  if (!internal::ParseName(q.person, "people"))
    return BadName("person", q.person, "people/{person}");
  LONGTAKE_ASSIGN_OR_RETURN(int size, ResolvePageSize(q.page_size, 50, 1000));
  std::string args = absl::StrCat("collaborations|", q.person);
  LONGTAKE_ASSIGN_OR_RETURN(size_t offset, DecodeOffset(q.page_token, args));
  absl::ReaderMutexLock lock(&mu_);
  const CatalogState& s = *state_;
  if (s.FindPerson(q.person) == nullptr) return NotFound(q.person);
  struct Acc {
    std::vector<FilmIndex> films;
    std::vector<CreditRole> roles;
  };
  std::map<std::string, Acc> partners;
  if (const internal::FilmSet* pf = s.PersonFilms(q.person)) {
    for (FilmIndex rec : *pf) {
      for (const Credit& c : s.Decode(s.film(rec)).credits) {
        if (c.person == q.person) continue;
        Acc& a = partners[c.person];
        if (std::find(a.films.begin(), a.films.end(), rec) == a.films.end())
          a.films.push_back(rec);
        if (std::find(a.roles.begin(), a.roles.end(), c.role) == a.roles.end())
          a.roles.push_back(c.role);
      }
    }
  }
  std::vector<Collaboration> all;
  for (auto& [partner, acc] : partners) {
    std::sort(acc.films.begin(), acc.films.end(),
              [&s](FilmIndex a, FilmIndex b) {
                return FilmLess(FilmOrder::kYear, s.film(a), s.film(b));
              });
    std::sort(acc.roles.begin(), acc.roles.end());
    Collaboration c;
    c.person = partner;
    const internal::PersonRecord* p = s.FindPerson(partner);
    c.display_name = p != nullptr ? p->display_name() : "";
    for (FilmIndex r : acc.films) c.films.emplace_back(s.film(r).name());
    c.roles = acc.roles;
    all.push_back(std::move(c));
  }
  std::stable_sort(all.begin(), all.end(),
                   [](const Collaboration& a, const Collaboration& b) {
                     if (a.films.size() != b.films.size())
                       return a.films.size() > b.films.size();
                     return a.person < b.person;
                   });
  CollaborationPage page;
  for (size_t i = offset;
       i < all.size() && page.collaborations.size() < static_cast<size_t>(size);
       ++i) {
    page.collaborations.push_back(all[i]);
  }
  if (all.size() > offset + size)
    page.next_page_token = EncodePageToken(args, absl::StrCat(offset + size));
  return page;
}

absl::StatusOr<std::shared_ptr<const Sequence>> Catalog::GetSequence(
    absl::string_view name) const {
  if (!internal::ParseSequenceName(name)) {
    return BadName("name", name, "films/{film}/sequences/{sequence}");
  }
  absl::ReaderMutexLock lock(&mu_);
  auto it = state_->sequences.find(std::string(name));
  if (it == state_->sequences.end()) return NotFound(name);
  return it->second;
}

absl::StatusOr<SequencePage> Catalog::ListSequences(
    const ListSequencesQuery& q) const {
  bool all_films = q.parent == "films/-";
  if (!all_films && !internal::ParseName(q.parent, "films")) {
    return BadName("parent", q.parent,
                   "films/{film} (or films/- for every film)");
  }
  LONGTAKE_ASSIGN_OR_RETURN(int size, ResolvePageSize(q.page_size, 50, 1000));
  LONGTAKE_ASSIGN_OR_RETURN(std::vector<internal::Condition> conds,
                            internal::ParseFilter(q.filter, {"technique"}));
  std::vector<CameraTechnique> techniques;
  for (const auto& c : conds) {
    auto t = ParseCameraTechnique(c.value);
    if (c.op != "=" || !t || *t == CameraTechnique::kUnspecified) {
      return InvalidFilter(absl::StrCat(
          "use technique = \"CAMERA_TECHNIQUE_...\"; got technique ", c.op, " ",
          c.value));
    }
    techniques.push_back(*t);
  }
  std::string args = absl::StrCat("sequences|", q.parent, "|", q.filter);
  LONGTAKE_ASSIGN_OR_RETURN(size_t offset, DecodeOffset(q.page_token, args));
  absl::ReaderMutexLock lock(&mu_);
  const CatalogState& s = *state_;
  if (!all_films && s.FindFilm(q.parent) == nullptr) return NotFound(q.parent);
  SequencePage page;
  size_t index = 0;
  bool more = false;
  auto visit = [&](const std::vector<std::string>& names) {
    for (const std::string& n : names) {
      const auto& seq = s.sequences.at(n);
      bool ok = true;
      for (CameraTechnique t : techniques) {
        ok = ok && std::find(seq->techniques.begin(), seq->techniques.end(),
                             t) != seq->techniques.end();
      }
      if (!ok) continue;
      if (index++ < offset) continue;
      if (page.sequences.size() == static_cast<size_t>(size)) {
        more = true;
        return false;
      }
      page.sequences.push_back(seq);
    }
    return true;
  };
  if (all_films) {
    for (const auto& [film, names] : s.film_sequences) {
      if (!visit(names)) break;
    }
  } else {
    auto it = s.film_sequences.find(q.parent);
    if (it != s.film_sequences.end()) visit(it->second);
  }
  if (more)
    page.next_page_token = EncodePageToken(args, absl::StrCat(offset + size));
  return page;
}

absl::StatusOr<std::shared_ptr<const Era>> Catalog::GetEra(
    absl::string_view name) const {
  if (!internal::ParseName(name, "eras"))
    return BadName("name", name, "eras/{era}");
  absl::ReaderMutexLock lock(&mu_);
  auto it = state_->eras.find(std::string(name));
  if (it == state_->eras.end()) return NotFound(name);
  return it->second;
}

absl::StatusOr<EraPage> Catalog::ListEras(int page_size,
                                          const std::string& page_token) const {
  LONGTAKE_ASSIGN_OR_RETURN(int size, ResolvePageSize(page_size, 50, 1000));
  LONGTAKE_ASSIGN_OR_RETURN(std::string position,
                            DecodePageToken(page_token, "eras"));
  EraPage page;
  absl::ReaderMutexLock lock(&mu_);
  auto it = position.empty() ? state_->eras.begin()
                             : state_->eras.upper_bound(position);
  for (; it != state_->eras.end(); ++it) {
    if (page.eras.size() == static_cast<size_t>(size)) {
      page.next_page_token = EncodePageToken("eras", page.eras.back()->name);
      break;
    }
    page.eras.push_back(it->second);
  }
  return page;
}

size_t Catalog::film_count() const {
  absl::ReaderMutexLock lock(&mu_);
  return state_->film_count();
}

namespace {

// Revisions read from the change log per page: bounds the memory and the
// time readers wait for one page to be applied.
constexpr int kChangeLogPage = 500;

size_t ChangeCount(const WriteBatch& b) {
  return b.upsert_eras.size() + b.upsert_people.size() + b.upsert_films.size() +
         b.upsert_sequences.size() + b.delete_eras.size() +
         b.delete_people.size() + b.delete_films.size() +
         b.delete_sequences.size();
}

}  // namespace

absl::StatusOr<bool> Catalog::Refresh() {
  WriterLock w(this);
  return CatchUpLocked();
}

absl::StatusOr<bool> Catalog::CatchUpLocked() {
  const absl::Time start = absl::Now();
  LONGTAKE_ASSIGN_OR_RETURN(int64_t revision, store_->Revision());
  int64_t have = this->revision();
  if (have == revision) {
    refreshed_unix_ns_ = absl::ToUnixNanos(absl::Now());
    return false;
  }
  if (have < 0) {
    Log(LogLevel::kInfo,
        "read model revision unknown: full reload from the store");
    LONGTAKE_RETURN_IF_ERROR(ReloadLocked());
    return true;
  }
  int64_t changes = 0;
  bool changed = false;
  while (true) {
    LONGTAKE_ASSIGN_OR_RETURN(ChangePage page,
                              store_->ChangesAfter(have, kChangeLogPage));
    if (page.trimmed) {
      Log(LogLevel::kInfo,
          absl::StrCat("change log trimmed past ", have, ": full reload"));
      LONGTAKE_RETURN_IF_ERROR(ReloadLocked());
      Log(LogLevel::kInfo,
          absl::StrCat(
              "read model reloaded from the store films=", film_count(),
              " reload_ms=", absl::ToInt64Milliseconds(absl::Now() - start)));
      return true;
    }
    if (page.through <= have) break;
    {
      absl::WriterMutexLock lock(&mu_);
      for (const LoggedBatch& b : page.batches) {
        state_->ApplyBatch(b.changes);
        changes += static_cast<int64_t>(ChangeCount(b.changes));
      }
      state_->revision = page.through;
    }
    applied_batches_ += static_cast<int64_t>(page.batches.size());
    have = page.through;
    changed = true;
    if (have >= page.revision) break;
  }
  applied_changes_ += changes;
  refreshed_unix_ns_ = absl::ToUnixNanos(absl::Now());
  if (changed) {
    Log(LogLevel::kInfo,
        absl::StrCat(
            "applied ", changes, " changes up to revision ", have,
            " apply_ms=", absl::ToInt64Milliseconds(absl::Now() - start)));
  }
  return changed;
}

absl::Status Catalog::ReloadLocked() {
  LONGTAKE_ASSIGN_OR_RETURN(LoadedState loaded, LoadState(*store_));
  {
    absl::WriterMutexLock lock(&mu_);
    state_ = std::move(loaded.state);
  }
  loaded_unix_ns_ = refreshed_unix_ns_ = absl::ToUnixNanos(absl::Now());
  ++full_reloads_;
  ScheduleSnapshot();
  return absl::OkStatus();
}

Catalog::RefreshStats Catalog::refresh_stats() const {
  return {full_reloads_.load(), applied_batches_.load(),
          applied_changes_.load()};
}

int64_t Catalog::revision() const {
  absl::ReaderMutexLock lock(&mu_);
  return state_->revision;
}

absl::StatusOr<int64_t> Catalog::TrimChangeLog(int64_t keep) {
  return store_->TrimChangeLog(keep);
}

bool Catalog::store_notifies_commits() const {
  return store_->NotifiesCommits();
}

absl::StatusOr<bool> Catalog::WaitForStoreCommit(absl::Duration timeout) {
  return store_->WaitForCommit(timeout);
}

Catalog::ReadModelStats Catalog::read_model_stats() const {
  ReadModelStats stats;
  {
    absl::ReaderMutexLock lock(&mu_);
    stats.films = state_->film_count();
    stats.people = state_->person_count();
    stats.sequences = state_->sequences.size();
    stats.revision = state_->revision;
  }
  stats.loaded = absl::FromUnixNanos(loaded_unix_ns_);
  stats.refreshed = absl::FromUnixNanos(refreshed_unix_ns_);
  return stats;
}

}  // namespace longtake::catalog
