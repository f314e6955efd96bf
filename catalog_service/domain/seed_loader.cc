#include "catalog_service/domain/seed_loader.h"

#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "catalog_service/domain/catalog.h"
#include "catalog_service/domain/catalog_state.h"
#include "catalog_service/domain/catalog_validation.h"
#include "catalog_service/domain/json_codec.h"
#include "common/config/json_file.h"
#include "common/status/errors.h"
#include "common/text/slug.h"
#include "nlohmann/json.hpp"

namespace longtake::catalog {
namespace internal {

absl::StatusOr<WriteBatch> ReadSeed(const std::string& path,
                                    const CatalogState& state, absl::Time now) {
  LONGTAKE_ASSIGN_OR_RETURN(nlohmann::json j,
                            ReadJsonObjectFile(path, "seed file"));
  Violations v;
  auto collect = [&](const absl::Status& s) {
    if (s.ok()) return;
    auto fv = ErrorFieldViolations(s);
    if (fv.empty()) fv.push_back({"", std::string(s.message())});
    v.insert(v.end(), fv.begin(), fv.end());
  };
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (it.key() != "eras" && it.key() != "people" && it.key() != "films") {
      v.push_back(
          {it.key(), "unknown top-level key (expected eras, people, films)"});
    }
  }
  auto array = [&](const char* key) -> nlohmann::json {
    if (!j.contains(key)) return nlohmann::json::array();
    if (!j[key].is_array()) {
      v.push_back({key, "must be an array"});
      return nlohmann::json::array();
    }
    return j[key];
  };
  std::map<std::string, Era> eras;
  std::map<std::string, Person> people;
  std::vector<Film> films;
  std::map<std::string, Sequence> seqs;
  // Decodes each element of the array at `key` (failures go to collect) and
  // hands the decoded ones to `each`.
  auto each_decoded = [&](const char* key, auto decode, auto each) {
    nlohmann::json items = array(key);
    for (size_t i = 0; i < items.size(); ++i) {
      std::string p = absl::StrCat(key, "[", i, "]");
      auto value = decode(items[i], p);
      collect(value.status());
      if (value.ok()) each(&*value, p);
    }
  };
  each_decoded("eras", FromJson<Era>, [&](Era* era, const std::string& p) {
    if (!ParseName(era->name, "eras"))
      v.push_back({FieldPath(p, "name"), "must be eras/{era}"});
    CheckText(era->display_name, FieldPath(p, "display_name"), true,
              kMaxCatalogTextBytes, &v);
    era->films.clear();
    eras[era->name] = *era;
  });
  each_decoded(
      "people", FromJson<Person>, [&](Person* person, const std::string& p) {
        if (person->name.empty()) {
          person->name =
              absl::StrCat("people/", Slugify(person->display_name, "person"));
        }
        if (!ParseName(person->name, "people")) {
          v.push_back({FieldPath(p, "name"), "must be people/{person}"});
        }
        PreparePerson(person, p, &v);
        Stamp(person, now, now);
        people[person->name] = *person;
      });
  Resolver r = StateResolver(state, {&people, &eras, &seqs});
  nlohmann::json film_array = array("films");
  std::vector<std::pair<std::string, std::string>> seq_paths;  // name, path
  absl::flat_hash_set<std::string> film_names;
  for (size_t i = 0; i < film_array.size(); ++i) {
    std::string p = absl::StrCat("films[", i, "]");
    auto film = FromJson<Film>(film_array[i], p);
    collect(film.status());
    if (!film.ok()) continue;
    if (film->name.empty())
      film->name = absl::StrCat("films/", Slugify(film->title, "film"));
    if (!ParseName(film->name, "films"))
      v.push_back({FieldPath(p, "name"), "must be films/{film}"});
    if (!film_names.insert(film->name).second)
      v.push_back({FieldPath(p, "name"), "duplicates another film"});
    PrepareFilm(&*film, p, r, &v);
    Stamp(&*film, now, now);
    const nlohmann::json& fj = film_array[i];
    if (fj.contains("sequences")) {
      if (!fj["sequences"].is_array()) {
        v.push_back({FieldPath(p, "sequences"), "must be an array"});
      } else {
        absl::flat_hash_set<std::string> taken;
        for (size_t k = 0; k < fj["sequences"].size(); ++k) {
          std::string sp = absl::StrCat(p, ".sequences[", k, "]");
          auto seq = FromJson<Sequence>(fj["sequences"][k], sp);
          collect(seq.status());
          if (!seq.ok()) continue;
          if (seq->name.empty()) {
            seq->name = absl::StrCat(
                film->name, "/sequences/",
                UniqueSequenceId(state, film->name,
                                 Slugify(seq->title, "sequence"), taken));
          }
          auto parsed = ParseSequenceName(seq->name);
          if (!parsed || parsed->film != film->name) {
            v.push_back(
                {FieldPath(sp, "name"), absl::StrCat("must be ", film->name,
                                                     "/sequences/{sequence}")});
            continue;
          }
          taken.insert(parsed->id);
          seq_paths.push_back({seq->name, sp});
          seqs[seq->name] = *seq;
        }
      }
    }
    films.push_back(*std::move(film));
  }
  for (const auto& [name, sp] : seq_paths) {
    Sequence& s = seqs[name];
    PrepareSequence(&s, name.substr(0, name.find("/sequences/")), sp, r, &v);
    s.film_order = 0;
    Stamp(&s, now, now);
  }
  if (!v.empty()) {
    absl::Status bad = InvalidArguments(std::move(v));
    return absl::InvalidArgumentError(
        absl::StrCat("seed file ", path, ": ", bad.message()));
  }
  WriteBatch b;
  for (auto& [n, e] : eras) b.upsert_eras.push_back(std::move(e));
  for (auto& [n, p] : people) b.upsert_people.push_back(std::move(p));
  b.upsert_films = std::move(films);
  for (auto& [n, s] : seqs) b.upsert_sequences.push_back(std::move(s));
  return b;
}

}  // namespace internal

absl::Status Catalog::LoadSeedIfEmpty(const std::string& seed_path) {
  // Checked first without the writers' mutex, which a snapshot being
  // written after the load holds for a second or more: a start on a store
  // with films does not wait for it (the check is repeated under it).
  if (film_count() > 0) return absl::OkStatus();
  WriterLock w(this);
  if (state_->film_count() > 0) return absl::OkStatus();
  LONGTAKE_ASSIGN_OR_RETURN(
      WriteBatch b, internal::ReadSeed(seed_path, *state_, absl::Now()));
  return Commit(b);
}

}  // namespace longtake::catalog
