#include "catalog_service/domain/film_importer.h"

#include <map>
#include <memory>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "catalog_service/domain/catalog_state.h"
#include "catalog_service/domain/catalog_validation.h"
#include "common/domain/field_limits.h"
#include "common/status/errors.h"
#include "common/text/slug.h"
#include "nlohmann/json.hpp"

namespace longtake::catalog {
namespace internal {

ImportPlan PlanImport(const CatalogState& state, ImportEntry e,
                      absl::Time now) {
  ImportPlan plan;
  ImportEntryResult& result = plan.result;
  result.source_line = e.source_line;
  Violations v;
  // Before any work on them: an entry's lists are bounded like a film's.
  CheckEntries(e.people.size(), "people", kMaxCatalogListEntries, &v);
  CheckEntries(e.sequences.size(), "sequences", kMaxCatalogListEntries, &v);
  if (!v.empty()) {
    result.status = InvalidArguments(std::move(v));
    return plan;
  }
  std::map<std::string, Person> new_people;
  for (size_t i = 0; i < e.people.size(); ++i) {
    Person p = e.people[i];
    std::string pp = absl::StrCat("people[", i, "]");
    if (p.name.empty()) {
      if (Blank(p.display_name)) {
        v.push_back({FieldPath(pp, "display_name"), "is required"});
        continue;
      }
      p.name = absl::StrCat("people/", Slugify(p.display_name, "person"));
    } else if (!ParseName(p.name, "people")) {
      v.push_back(
          {FieldPath(pp, "name"),
           "must be of the form people/{person}, or empty to derive it"});
      continue;
    }
    if (state.FindPerson(p.name) != nullptr || new_people.count(p.name) > 0)
      continue;
    PreparePerson(&p, pp, &v);
    Stamp(&p, now, now);
    new_people[p.name] = std::move(p);
  }

  Film film = std::move(e.film);
  std::string id = e.film_id;
  if (!id.empty()) {
    if (!IsValidSlug(id)) {
      v.push_back({"film_id",
                   "must be 1 to 63 lower-case letters, digits and hyphens"});
    }
  } else if (!Blank(film.title)) {
    id = Slugify(film.title, "film");
    const FilmRecord* taken = state.FindFilm(absl::StrCat("films/", id));
    if (taken != nullptr && taken->year() == film.year &&
        taken->title_key() == TitleKey(film.title)) {
      // Same title and year: the same film imported again.
      result.status = AlreadyExists(std::string(taken->name()));
      return plan;
    }
    if (taken != nullptr && film.year != 0) {
      std::string suffix = absl::StrCat("-", film.year);
      id = absl::StrCat(id.substr(0, 63 - suffix.size()), suffix);
    }
  }
  std::string film_name = absl::StrCat("films/", id);

  std::map<std::string, Sequence> seqs;
  std::vector<std::string> seq_names;
  absl::flat_hash_set<std::string> taken;
  for (size_t k = 0; k < e.sequences.size(); ++k) {
    Sequence s = std::move(e.sequences[k]);
    std::string sp = absl::StrCat("sequences[", k, "]");
    std::string sid;
    if (!s.name.empty()) {
      if (auto parsed = ParseSequenceName(s.name)) {
        sid = parsed->id;
      } else if (IsValidSlug(s.name)) {
        sid = s.name;
      } else {
        v.push_back(
            {FieldPath(sp, "name"),
             "must be a sequence id, films/{film}/sequences/{id}, or empty"});
        seq_names.push_back("");
        continue;
      }
      if (taken.contains(sid)) {
        v.push_back(
            {FieldPath(sp, "name"),
             absl::StrCat("duplicates another sequence id \"", sid, "\"")});
      }
    } else {
      sid = UniqueSequenceId(state, film_name, Slugify(s.title, "sequence"),
                             taken);
    }
    taken.insert(sid);
    s.name = absl::StrCat(film_name, "/sequences/", sid);
    if (!s.start.relative_to.empty() &&
        s.start.relative_to.find('/') == std::string::npos) {
      s.start.relative_to =
          absl::StrCat(film_name, "/sequences/", s.start.relative_to);
    }
    seq_names.push_back(s.name);
    seqs[s.name] = std::move(s);
  }

  Resolver r = StateResolver(state, {&new_people, nullptr, &seqs});
  PrepareFilm(&film, "film", r, &v);
  for (size_t k = 0; k < seq_names.size(); ++k) {
    if (seq_names[k].empty()) continue;
    Sequence& s = seqs[seq_names[k]];
    PrepareSequence(&s, film_name, absl::StrCat("sequences[", k, "]"), r, &v);
  }
  if (!v.empty()) {
    result.status = InvalidArguments(std::move(v));
    return plan;
  }
  if (state.FindFilm(film_name) != nullptr) {
    result.status = AlreadyExists(film_name);
    return plan;
  }
  film.name = film_name;
  Stamp(&film, now, now);
  for (auto& [n, p] : new_people)
    plan.batch.upsert_people.push_back(std::move(p));
  plan.batch.upsert_films.push_back(std::move(film));
  for (auto& [n, s] : seqs) {
    Stamp(&s, now, now);
    plan.batch.upsert_sequences.push_back(std::move(s));
  }
  plan.film = film_name;
  return plan;
}

std::string ImportResultsToJson(const std::vector<ImportEntryResult>& results) {
  nlohmann::json out = nlohmann::json::array();
  for (const ImportEntryResult& r : results) {
    nlohmann::json j;
    j["source_line"] = r.source_line;
    j["film"] = r.film;
    j["code"] = static_cast<int>(r.status.code());
    j["message"] = std::string(r.status.message());
    j["reason"] = ErrorReason(r.status);
    j["resource"] = ErrorResource(r.status);
    nlohmann::json vs = nlohmann::json::array();
    for (const FieldViolation& fv : ErrorFieldViolations(r.status)) {
      vs.push_back({{"field", fv.field}, {"description", fv.description}});
    }
    j["violations"] = vs;
    out.push_back(std::move(j));
  }
  return out.dump();
}

std::vector<ImportEntryResult> ImportResultsFromJson(const std::string& text) {
  std::vector<ImportEntryResult> out;
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_array()) return out;
  for (const auto& e : j) {
    if (!e.is_object()) continue;
    ImportEntryResult r;
    r.source_line = e.value("source_line", int64_t{0});
    r.film = e.value("film", std::string());
    int code = e.value("code", 0);
    if (code != 0) {
      Violations vs;
      if (e.contains("violations") && e["violations"].is_array()) {
        for (const auto& fv : e["violations"]) {
          vs.push_back({fv.value("field", std::string()),
                        fv.value("description", std::string())});
        }
      }
      if (!vs.empty()) {
        r.status = InvalidArguments(std::move(vs));
      } else {
        r.status = ErrorWithReason(static_cast<absl::StatusCode>(code),
                                   e.value("reason", std::string("UNKNOWN")),
                                   e.value("message", std::string()),
                                   e.value("resource", std::string()));
      }
    }
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace internal

absl::StatusOr<std::vector<ImportEntryResult>> Catalog::ImportFilms(
    std::vector<ImportEntry> entries, const WriteOptions& o) {
  LONGTAKE_RETURN_IF_ERROR(
      CheckEntries(entries.size(), "entries", kMaxBatchSize));
  absl::MutexLock one_import_at_a_time(&import_mu_);
  {
    absl::MutexLock w(&write_mu_);
    LONGTAKE_ASSIGN_OR_RETURN(auto rec, Recorded(o, "ImportFilms"));
    if (rec) return internal::ImportResultsFromJson(rec->response);
  }
  std::vector<ImportEntryResult> results;
  results.reserve(entries.size());
  bool stopped = false;
  for (ImportEntry& e : entries) {
    if (imports_stopped_) {
      stopped = true;
      ImportEntryResult skipped;
      skipped.source_line = e.source_line;
      skipped.status = ShuttingDownError("catalogue");
      results.push_back(std::move(skipped));
      continue;
    }
    // Entries commit one by one: later entries see the earlier ones, and
    // writers waiting meanwhile go first.
    absl::MutexLock w(&write_mu_, absl::Condition(
                                      +[](std::atomic<int>* waiting) {
                                        return waiting->load() == 0;
                                      },
                                      &writers_waiting_));
    internal::ImportPlan plan =
        internal::PlanImport(*state_, std::move(e), absl::Now());
    if (plan.result.status.ok() && !o.validate_only) {
      plan.result.status = Commit(plan.batch);
      if (plan.result.status.ok()) plan.result.film = plan.film;
    }
    results.push_back(std::move(plan.result));
  }
  if (!o.request_id.empty() && !o.validate_only && !stopped) {
    // The request record follows the last entry.
    absl::MutexLock w(&write_mu_);
    WriteBatch b;
    b.request = RequestRecord{
        ScopedRequestId(o.caller, o.request_id), "ImportFilms", "",
        internal::ImportResultsToJson(results), o.request_hash};
    LONGTAKE_RETURN_IF_ERROR(Commit(b));
  }
  return results;
}

}  // namespace longtake::catalog
