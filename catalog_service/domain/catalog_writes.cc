// Catalog's writes: each validates against the read model, writes one batch
// to the store (with its request id, AIP-155) and then makes the change
// visible at once. Writers are serialised by write_mu_, so the read model is
// stable while a write prepares without holding mu_.

#include <algorithm>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "catalog_service/domain/catalog.h"
#include "catalog_service/domain/catalog_errors.h"
#include "catalog_service/domain/catalog_state.h"
#include "catalog_service/domain/catalog_store.h"
#include "catalog_service/domain/catalog_validation.h"
#include "common/domain/field_limits.h"
#include "common/domain/field_mask.h"
#include "common/status/errors.h"
#include "common/text/slug.h"

namespace longtake::catalog {

using internal::BadName;
using internal::CatalogState;
using internal::ComputeEtag;
using internal::FilmIndex;
using internal::FilmRecord;
using internal::PrepareFilm;
using internal::PreparePerson;
using internal::PrepareSequence;
using internal::Stamp;
using internal::StateResolver;
using internal::UniqueSequenceId;
using internal::Violations;

namespace {

std::optional<RequestRecord> Record(const WriteOptions& o,
                                    absl::string_view method,
                                    const std::string& resource,
                                    std::string response = "") {
  if (o.request_id.empty()) return std::nullopt;
  return RequestRecord{ScopedRequestId(o.caller, o.request_id),
                       std::string(method), resource, std::move(response),
                       o.request_hash};
}

// The updatable fields of each resource, in proto naming.
const MaskSetters<Film>& FilmSetters() {
  static const auto* s = new MaskSetters<Film>{
      {"title", [](Film& t, const Film& f) { t.title = f.title; }},
      {"original_titles",
       [](Film& t, const Film& f) { t.original_titles = f.original_titles; }},
      {"aliases", [](Film& t, const Film& f) { t.aliases = f.aliases; }},
      {"year", [](Film& t, const Film& f) { t.year = f.year; }},
      {"runtime_minutes",
       [](Film& t, const Film& f) { t.runtime_minutes = f.runtime_minutes; }},
      {"countries", [](Film& t, const Film& f) { t.countries = f.countries; }},
      {"languages", [](Film& t, const Film& f) { t.languages = f.languages; }},
      {"synopsis", [](Film& t, const Film& f) { t.synopsis = f.synopsis; }},
      {"credits", [](Film& t, const Film& f) { t.credits = f.credits; }},
      {"awards", [](Film& t, const Film& f) { t.awards = f.awards; }},
      {"eras", [](Film& t, const Film& f) { t.eras = f.eras; }},
      {"studios", [](Film& t, const Film& f) { t.studios = f.studios; }},
      {"notes", [](Film& t, const Film& f) { t.notes = f.notes; }},
      {"external_ids",
       [](Film& t, const Film& f) { t.external_ids = f.external_ids; }},
      {"genres", [](Film& t, const Film& f) { t.genres = f.genres; }},
      {"ratings", [](Film& t, const Film& f) { t.ratings = f.ratings; }},
  };
  return *s;
}
const MaskSetters<Person>& PersonSetters() {
  static const auto* s = new MaskSetters<Person>{
      {"display_name",
       [](Person& t, const Person& f) { t.display_name = f.display_name; }},
      {"aliases", [](Person& t, const Person& f) { t.aliases = f.aliases; }},
      {"birth_year",
       [](Person& t, const Person& f) { t.birth_year = f.birth_year; }},
      {"death_year",
       [](Person& t, const Person& f) { t.death_year = f.death_year; }},
      {"known_roles",
       [](Person& t, const Person& f) { t.known_roles = f.known_roles; }},
      {"biography",
       [](Person& t, const Person& f) { t.biography = f.biography; }},
  };
  return *s;
}
const MaskSetters<Sequence>& SequenceSetters() {
  static const auto* s = new MaskSetters<Sequence>{
      {"title", [](Sequence& t, const Sequence& f) { t.title = f.title; }},
      {"description",
       [](Sequence& t, const Sequence& f) { t.description = f.description; }},
      {"start", [](Sequence& t, const Sequence& f) { t.start = f.start; }},
      {"duration",
       [](Sequence& t, const Sequence& f) { t.duration = f.duration; }},
      {"techniques",
       [](Sequence& t, const Sequence& f) { t.techniques = f.techniques; }},
      {"characters",
       [](Sequence& t, const Sequence& f) { t.characters = f.characters; }},
      {"filming_method",
       [](Sequence& t, const Sequence& f) {
         t.filming_method = f.filming_method;
       }},
  };
  return *s;
}

// The precondition updates and deletes share: the resource exists and, when
// the request names an etag (its field `etag_field`), it is still current.
absl::Status CheckCurrent(const std::string& name,
                          const std::string* current_etag,
                          const std::string& etag,
                          absl::string_view etag_field) {
  LONGTAKE_RETURN_IF_ERROR(CheckBytes(etag, etag_field, kMaxEtagBytes));
  if (current_etag == nullptr) return NotFound(name);
  if (!etag.empty() && etag != *current_etag) return EtagMismatch(name);
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::optional<RequestRecord>> Catalog::Recorded(
    const WriteOptions& o, absl::string_view method) {
  // Checked even when nothing is recorded, so validate_only answers as the
  // real call would.
  LONGTAKE_RETURN_IF_ERROR(CheckRequestId(o.request_id));
  if (o.request_id.empty() || o.validate_only)
    return std::optional<RequestRecord>();
  LONGTAKE_ASSIGN_OR_RETURN(
      std::optional<RequestRecord> rec,
      store_->LookupRequest(ScopedRequestId(o.caller, o.request_id)));
  if (rec.has_value()) {
    LONGTAKE_RETURN_IF_ERROR(CheckReplay(*rec, method, o.request_hash));
  }
  return rec;
}

// Writes the batch, then makes the change visible at once.
absl::Status Catalog::Commit(const WriteBatch& batch) {
  const int64_t before = revision();
  LONGTAKE_RETURN_IF_ERROR(store_->Apply(batch));
  // Every batch moves the store's revision by one. If it moved by exactly
  // one, this write was the only change since the read model was in step.
  // Otherwise another replica wrote too: catch up through the change log,
  // which holds this batch in its place.
  absl::StatusOr<int64_t> after = store_->Revision();
  const bool only_ours = before >= 0 && after.ok() && *after == before + 1;
  if (!only_ours && before >= 0 && after.ok() && CatchUpLocked().ok()) {
    return absl::OkStatus();
  }
  absl::WriterMutexLock lock(&mu_);
  state_->ApplyBatch(batch);
  // When not only ours, the revision stays behind: the next Refresh replays
  // the log from there, this batch included (applying it again is harmless).
  if (only_ours) state_->revision = *after;
  return absl::OkStatus();
}

absl::StatusOr<std::shared_ptr<const Film>> Catalog::CurrentFilm(
    const std::string& name) const {
  absl::ReaderMutexLock lock(&mu_);
  const FilmRecord* rec = state_->FindFilm(name);
  if (rec == nullptr) return NotFound(name);
  return state_->Share(*rec);
}
absl::StatusOr<std::shared_ptr<const Person>> Catalog::CurrentPerson(
    const std::string& name) const {
  absl::ReaderMutexLock lock(&mu_);
  const internal::PersonRecord* rec = state_->FindPerson(name);
  if (rec == nullptr) return NotFound(name);
  return std::make_shared<const Person>(internal::DecodePerson(*rec));
}
absl::StatusOr<std::shared_ptr<const Sequence>> Catalog::CurrentSequence(
    const std::string& name) const {
  absl::ReaderMutexLock lock(&mu_);
  auto it = state_->sequences.find(name);
  if (it == state_->sequences.end()) return NotFound(name);
  return it->second;
}

absl::StatusOr<std::shared_ptr<const Film>> Catalog::CreateFilm(
    Film film, const std::string& film_id, const WriteOptions& o) {
  WriterLock w(this);
  LONGTAKE_ASSIGN_OR_RETURN(auto rec, Recorded(o, "CreateFilm"));
  if (rec) return CurrentFilm(rec->resource);
  Violations v;
  std::string id = film_id.empty() ? Slugify(film.title, "film") : film_id;
  if (!IsValidSlug(id)) {
    v.push_back(
        {"film_id",
         "must be 1 to 63 lower-case letters, digits and hyphens, starting "
         "with a letter or digit"});
  }
  PrepareFilm(&film, "film", StateResolver(*state_), &v);
  if (!v.empty()) return InvalidArguments(std::move(v));
  film.name = absl::StrCat("films/", id);
  if (state_->FindFilm(film.name) != nullptr) return AlreadyExists(film.name);
  absl::Time now = absl::Now();
  Stamp(&film, now, now);
  auto ptr = std::make_shared<const Film>(std::move(film));
  if (o.validate_only) return ptr;
  WriteBatch b;
  b.upsert_films.push_back(*ptr);
  b.request = Record(o, "CreateFilm", ptr->name);
  LONGTAKE_RETURN_IF_ERROR(Commit(b));
  return CurrentFilm(ptr->name);
}

absl::StatusOr<std::shared_ptr<const Film>> Catalog::UpdateFilm(
    Film film, const FieldMask& mask, const WriteOptions& o) {
  WriterLock w(this);
  LONGTAKE_ASSIGN_OR_RETURN(auto rec, Recorded(o, "UpdateFilm"));
  if (rec) return CurrentFilm(rec->resource);
  if (!internal::ParseName(film.name, "films"))
    return BadName("film.name", film.name, "films/{film}");
  // An empty mask is the request's fault: report it before any lookup.
  if (mask.empty()) return ApplyMask(mask, FilmSetters(), film, &film);
  const FilmRecord* cur = state_->FindFilm(film.name);
  const std::string cur_etag(cur == nullptr ? "" : cur->etag());
  LONGTAKE_RETURN_IF_ERROR(CheckCurrent(
      film.name, cur == nullptr ? nullptr : &cur_etag, film.etag, "film.etag"));
  Film merged = state_->Decode(*cur);
  Violations v;
  LONGTAKE_RETURN_IF_ERROR(ApplyMask(mask, FilmSetters(), film, &merged));
  PrepareFilm(&merged, "film", StateResolver(*state_), &v);
  if (!v.empty()) return InvalidArguments(std::move(v));
  Stamp(&merged, merged.create_time, absl::Now());
  auto ptr = std::make_shared<const Film>(std::move(merged));
  if (o.validate_only) return ptr;
  WriteBatch b;
  b.upsert_films.push_back(*ptr);
  b.request = Record(o, "UpdateFilm", ptr->name);
  LONGTAKE_RETURN_IF_ERROR(Commit(b));
  return CurrentFilm(ptr->name);
}

absl::Status Catalog::DeleteFilm(const std::string& name,
                                 const std::string& etag,
                                 const WriteOptions& o) {
  WriterLock w(this);
  LONGTAKE_ASSIGN_OR_RETURN(auto rec, Recorded(o, "DeleteFilm"));
  if (rec) return absl::OkStatus();
  if (!internal::ParseName(name, "films"))
    return BadName("name", name, "films/{film}");
  const FilmRecord* cur = state_->FindFilm(name);
  const std::string cur_etag(cur == nullptr ? "" : cur->etag());
  LONGTAKE_RETURN_IF_ERROR(
      CheckCurrent(name, cur == nullptr ? nullptr : &cur_etag, etag, "etag"));
  if (o.validate_only) return absl::OkStatus();
  WriteBatch b;
  b.delete_films.push_back(name);
  auto fs = state_->film_sequences.find(name);
  if (fs != state_->film_sequences.end()) b.delete_sequences = fs->second;
  b.request = Record(o, "DeleteFilm", name);
  return Commit(b);
}

absl::StatusOr<std::shared_ptr<const Person>> Catalog::CreatePerson(
    Person person, const std::string& person_id, const WriteOptions& o) {
  WriterLock w(this);
  LONGTAKE_ASSIGN_OR_RETURN(auto rec, Recorded(o, "CreatePerson"));
  if (rec) return CurrentPerson(rec->resource);
  Violations v;
  std::string id =
      person_id.empty() ? Slugify(person.display_name, "person") : person_id;
  if (!IsValidSlug(id)) {
    v.push_back(
        {"person_id",
         "must be 1 to 63 lower-case letters, digits and hyphens, starting "
         "with a letter or digit"});
  }
  PreparePerson(&person, "person", &v);
  if (!v.empty()) return InvalidArguments(std::move(v));
  person.name = absl::StrCat("people/", id);
  if (state_->FindPerson(person.name) != nullptr)
    return AlreadyExists(person.name);
  absl::Time now = absl::Now();
  Stamp(&person, now, now);
  auto ptr = std::make_shared<const Person>(std::move(person));
  if (o.validate_only) return ptr;
  WriteBatch b;
  b.upsert_people.push_back(*ptr);
  b.request = Record(o, "CreatePerson", ptr->name);
  LONGTAKE_RETURN_IF_ERROR(Commit(b));
  return CurrentPerson(ptr->name);
}

absl::StatusOr<std::shared_ptr<const Person>> Catalog::UpdatePerson(
    Person person, const FieldMask& mask, const WriteOptions& o) {
  WriterLock w(this);
  LONGTAKE_ASSIGN_OR_RETURN(auto rec, Recorded(o, "UpdatePerson"));
  if (rec) return CurrentPerson(rec->resource);
  if (!internal::ParseName(person.name, "people")) {
    return BadName("person.name", person.name, "people/{person}");
  }
  // An empty mask is the request's fault: report it before any lookup.
  if (mask.empty()) return ApplyMask(mask, PersonSetters(), person, &person);
  const internal::PersonRecord* rec_cur = state_->FindPerson(person.name);
  std::optional<Person> cur;
  if (rec_cur != nullptr) cur = internal::DecodePerson(*rec_cur);
  LONGTAKE_RETURN_IF_ERROR(CheckCurrent(person.name, cur ? &cur->etag : nullptr,
                                        person.etag, "person.etag"));
  Person merged = *cur;
  Violations v;
  LONGTAKE_RETURN_IF_ERROR(ApplyMask(mask, PersonSetters(), person, &merged));
  PreparePerson(&merged, "person", &v);
  if (!v.empty()) return InvalidArguments(std::move(v));
  absl::Time now = absl::Now();
  Stamp(&merged, merged.create_time, now);
  auto ptr = std::make_shared<const Person>(std::move(merged));
  if (o.validate_only) return ptr;
  WriteBatch b;
  b.upsert_people.push_back(*ptr);
  // Credits carry the person's display name: refresh the films crediting
  // them (ApplyBatch re-indexes them for search, whichever text changed).
  const internal::FilmSet* pf = state_->PersonFilms(ptr->name);
  if (pf != nullptr && cur->display_name != ptr->display_name) {
    for (FilmIndex r : *pf) {
      Film f = state_->Decode(state_->film(r));
      for (Credit& c : f.credits) {
        if (c.person == ptr->name) c.display_name = ptr->display_name;
      }
      f.etag = ComputeEtag(f);
      b.upsert_films.push_back(std::move(f));
    }
  }
  b.request = Record(o, "UpdatePerson", ptr->name);
  LONGTAKE_RETURN_IF_ERROR(Commit(b));
  return CurrentPerson(ptr->name);
}

absl::Status Catalog::DeletePerson(const std::string& name,
                                   const std::string& etag,
                                   const WriteOptions& o) {
  WriterLock w(this);
  LONGTAKE_ASSIGN_OR_RETURN(auto rec, Recorded(o, "DeletePerson"));
  if (rec) return absl::OkStatus();
  if (!internal::ParseName(name, "people"))
    return BadName("name", name, "people/{person}");
  const internal::PersonRecord* cur = state_->FindPerson(name);
  const std::string cur_etag(cur == nullptr ? "" : cur->etag());
  LONGTAKE_RETURN_IF_ERROR(
      CheckCurrent(name, cur == nullptr ? nullptr : &cur_etag, etag, "etag"));
  const internal::FilmSet* pf = state_->PersonFilms(name);
  if (pf != nullptr && !pf->empty()) {
    std::vector<std::string> films;
    for (FilmIndex r : *pf) films.emplace_back(state_->film(r).name());
    std::sort(films.begin(), films.end());
    if (films.size() > 5) films.resize(5);
    return FailedPrecondition(
        kPersonStillCredited,
        absl::StrCat(name, " is still credited on ", pf->size(), " film(s) (",
                     absl::StrJoin(films, ", "),
                     "); remove those credits first"),
        name);
  }
  if (o.validate_only) return absl::OkStatus();
  WriteBatch b;
  b.delete_people.push_back(name);
  b.request = Record(o, "DeletePerson", name);
  return Commit(b);
}

absl::StatusOr<std::shared_ptr<const Sequence>> Catalog::CreateSequence(
    const std::string& parent, Sequence seq, const std::string& sequence_id,
    const WriteOptions& o) {
  WriterLock w(this);
  LONGTAKE_ASSIGN_OR_RETURN(auto rec, Recorded(o, "CreateSequence"));
  if (rec) return CurrentSequence(rec->resource);
  if (!internal::ParseName(parent, "films"))
    return BadName("parent", parent, "films/{film}");
  if (state_->FindFilm(parent) == nullptr) return NotFound(parent);
  Violations v;
  std::string id = sequence_id;
  if (id.empty()) {
    id = UniqueSequenceId(*state_, parent, Slugify(seq.title, "sequence"), {});
  } else if (!IsValidSlug(id)) {
    v.push_back({"sequence_id",
                 "must be 1 to 63 lower-case letters, digits and hyphens, "
                 "starting with a letter or digit"});
  }
  seq.name = absl::StrCat(parent, "/sequences/", id);
  PrepareSequence(&seq, parent, "sequence", StateResolver(*state_), &v);
  if (!v.empty()) return InvalidArguments(std::move(v));
  if (state_->FindSequence(seq.name) != nullptr) return AlreadyExists(seq.name);
  seq.film_order = 0;
  absl::Time now = absl::Now();
  Stamp(&seq, now, now);
  auto ptr = std::make_shared<const Sequence>(std::move(seq));
  if (o.validate_only) return ptr;
  WriteBatch b;
  b.upsert_sequences.push_back(*ptr);
  b.request = Record(o, "CreateSequence", ptr->name);
  LONGTAKE_RETURN_IF_ERROR(Commit(b));
  // As stored, with its place in the film's order.
  return CurrentSequence(ptr->name);
}

absl::StatusOr<std::shared_ptr<const Sequence>> Catalog::UpdateSequence(
    Sequence seq, const FieldMask& mask, const WriteOptions& o) {
  WriterLock w(this);
  LONGTAKE_ASSIGN_OR_RETURN(auto rec, Recorded(o, "UpdateSequence"));
  if (rec) return CurrentSequence(rec->resource);
  auto parsed = internal::ParseSequenceName(seq.name);
  if (!parsed)
    return BadName("sequence.name", seq.name,
                   "films/{film}/sequences/{sequence}");
  // An empty mask is the request's fault: report it before any lookup.
  if (mask.empty()) return ApplyMask(mask, SequenceSetters(), seq, &seq);
  const Sequence* cur = state_->FindSequence(seq.name);
  LONGTAKE_RETURN_IF_ERROR(CheckCurrent(seq.name,
                                        cur == nullptr ? nullptr : &cur->etag,
                                        seq.etag, "sequence.etag"));
  Sequence merged = *cur;
  Violations v;
  LONGTAKE_RETURN_IF_ERROR(ApplyMask(mask, SequenceSetters(), seq, &merged));
  PrepareSequence(&merged, parsed->film, "sequence", StateResolver(*state_),
                  &v);
  if (!v.empty()) return InvalidArguments(std::move(v));
  Stamp(&merged, merged.create_time, absl::Now());
  auto ptr = std::make_shared<const Sequence>(std::move(merged));
  if (o.validate_only) return ptr;
  WriteBatch b;
  b.upsert_sequences.push_back(*ptr);
  b.request = Record(o, "UpdateSequence", ptr->name);
  LONGTAKE_RETURN_IF_ERROR(Commit(b));
  // As stored, with its place in the film's order.
  return CurrentSequence(ptr->name);
}

absl::Status Catalog::DeleteSequence(const std::string& name,
                                     const std::string& etag,
                                     const WriteOptions& o) {
  WriterLock w(this);
  LONGTAKE_ASSIGN_OR_RETURN(auto rec, Recorded(o, "DeleteSequence"));
  if (rec) return absl::OkStatus();
  auto parsed = internal::ParseSequenceName(name);
  if (!parsed)
    return BadName("name", name, "films/{film}/sequences/{sequence}");
  const Sequence* cur = state_->FindSequence(name);
  LONGTAKE_RETURN_IF_ERROR(
      CheckCurrent(name, cur == nullptr ? nullptr : &cur->etag, etag, "etag"));
  auto fs = state_->film_sequences.find(parsed->film);
  if (fs != state_->film_sequences.end()) {
    for (const std::string& other : fs->second) {
      const Sequence* s = state_->FindSequence(other);
      if (s != nullptr &&
          s->start.precision == Timecode::Precision::kRelative &&
          s->start.relative_to == name) {
        return FailedPrecondition(
            kSequenceReferenced,
            absl::StrCat(name, " is the position reference of ", other,
                         "; change that sequence's start first"),
            name);
      }
    }
  }
  if (o.validate_only) return absl::OkStatus();
  WriteBatch b;
  b.delete_sequences.push_back(name);
  b.request = Record(o, "DeleteSequence", name);
  return Commit(b);
}

}  // namespace longtake::catalog
