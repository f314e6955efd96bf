#pragma once

// Resources with every field set, shared by the catalogue's codec,
// conversion and store tests, so a new field is added to the samples in one
// place. They belong together: the sequence is the film's, the person is
// credited, the era names the film. gtest prints them as their stored JSON.

#include <cstdint>
#include <ostream>
#include <string>
#include <utility>

#include "absl/time/time.h"
#include "catalog_service/domain/json_codec.h"
#include "catalog_service/domain/model.h"

namespace longtake::catalog::testing {

// Timecodes by precision, for sequences: SequenceAt("s/x", After("s/y")).
inline Timecode Exact(absl::Duration offset) {
  Timecode t;
  t.precision = Timecode::Precision::kExact;
  t.offset = offset;
  return t;
}
inline Timecode FractionOfRuntime(double fraction) {
  Timecode t;
  t.precision = Timecode::Precision::kFractionOfRuntime;
  t.fraction = fraction;
  return t;
}
inline Timecode After(std::string sequence) {
  Timecode t;
  t.precision = Timecode::Precision::kRelative;
  t.relative_to = std::move(sequence);
  t.relation = Timecode::Relation::kAfter;
  return t;
}
inline Sequence SequenceAt(std::string name, Timecode start) {
  Sequence s;
  s.name = std::move(name);
  s.start = std::move(start);
  return s;
}

// `resource` with the metadata the store sets: etag and the create and
// update times (seconds since the epoch).
template <typename Resource>
Resource Stored(Resource resource, std::string etag, int64_t create_seconds,
                int64_t update_seconds) {
  resource.etag = std::move(etag);
  resource.create_time = absl::FromUnixSeconds(create_seconds);
  resource.update_time = absl::FromUnixSeconds(update_seconds);
  return resource;
}

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
  film.external_ids = {"tt9000002", 9000002, "Q9000002"};  // made up
  film.genres = {"drama", "war"};
  film.ratings = {{"imdb", 8.3, 30000}, {"tmdb", 7.9, 250}};
  return Stored(std::move(film), "e1", 1000, 2000);
}

inline Person SamplePerson() {
  Person p;
  p.name = "people/mikhail-kalatozov";
  p.display_name = "Mikhail Kalatozov";
  p.aliases = {"Kalatazov", "Mikheil Kalatozishvili"};
  p.birth_year = 1903;
  p.death_year = 1973;
  p.known_roles = {CreditRole::kDirector, CreditRole::kWriter};
  p.biography = "Georgian-born director.";
  return Stored(std::move(p), "p1", 1, 2);
}

// Every Timecode field set, though a real one uses only its precision's.
inline Sequence SampleSequence() {
  Sequence s;
  s.name = "films/the-cranes-are-flying/sequences/send-off";
  s.title = "Veronika searches the send-off crowd";
  s.description = "The camera follows her through the crowd.";
  s.start.precision = Timecode::Precision::kRelative;
  s.start.offset = absl::Seconds(1500) + absl::Milliseconds(250);
  s.start.fraction = 0.75;
  s.start.relative_to = "films/the-cranes-are-flying/sequences/staircase";
  s.start.relation = Timecode::Relation::kAfter;
  s.start.description = "about three quarters through";
  s.duration = absl::Seconds(90);
  s.techniques = {CameraTechnique::kAerialOverCrowd,
                  CameraTechnique::kSuspendedCableRig};
  s.characters = {"Veronika"};
  s.filming_method = "a crane over the crowd";
  s.film_order = 2;
  return Stored(std::move(s), "s1", 3, 4);
}

inline Era SampleEra() {
  Era e;
  e.name = "eras/khrushchev-thaw";
  e.display_name = "Khrushchev Thaw";
  e.start_year = 1954;
  e.end_year = 1964;
  e.description = "Relaxed censorship.";
  e.films = {"films/the-cranes-are-flying"};
  e.notable_artists = {"Andrei Tarkovsky", "Larisa Shepitko"};
  return e;
}

}  // namespace longtake::catalog::testing

namespace longtake::catalog {

// Readable gtest failures for EXPECT_EQ on resources.
inline void PrintTo(const Film& v, std::ostream* os) { *os << ToJson(v); }
inline void PrintTo(const Person& v, std::ostream* os) { *os << ToJson(v); }
inline void PrintTo(const Sequence& v, std::ostream* os) { *os << ToJson(v); }
inline void PrintTo(const Era& v, std::ostream* os) { *os << ToJson(v); }

}  // namespace longtake::catalog
