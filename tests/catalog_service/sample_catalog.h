#pragma once

// Resources with every field set, shared by the catalogue's codec and
// conversion tests, so a new field is added to the samples in one place.

#include "absl/time/time.h"
#include "catalog_service/domain/model.h"

namespace longtake::catalog::testing {

inline Film SampleFilm() {
  Film film;
  film.name = "films/the-cranes-are-flying";
  film.title = "The Cranes Are Flying";
  film.original_titles = {"Letyat zhuravli"};
  film.aliases = {"Cranes"};
  film.year = 1957;
  film.runtime_minutes = 97;
  film.countries = {"SU"};
  film.languages = {"ru"};
  film.synopsis = "War.";
  film.credits = {{"people/mikhail-kalatozov", "Mikhail Kalatozov",
                   CreditRole::kDirector, "", ""},
                  {"people/tatiana-samoilova", "Tatiana Samoilova",
                   CreditRole::kCast, "Veronika", "debut"}};
  film.awards = {{"Palme d'Or", "Cannes Film Festival", 1958, "Best Film"}};
  film.eras = {"eras/khrushchev-thaw"};
  film.studios = {"Mosfilm"};
  film.notes = {"only Soviet Palme d'Or"};
  film.etag = "e1";
  film.create_time = absl::FromUnixSeconds(1000);
  film.update_time = absl::FromUnixSeconds(2000);
  return film;
}

}  // namespace longtake::catalog::testing
