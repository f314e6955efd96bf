#pragma once

// The catalogue's domain types: plain C++ values, no protobuf or gRPC. The
// gRPC adapter converts them to and from longtake.catalog.v1 messages; their
// meaning is documented there (proto/longtake/catalog/v1/resources.proto).
// Values compare equal field by field (round-trip tests rely on it).

#include <cstdint>
#include <string>
#include <vector>

#include "absl/time/time.h"

namespace longtake::catalog {

enum class CreditRole : uint8_t {
  kUnspecified = 0,
  kDirector = 1,
  kCinematographer = 2,
  kCast = 3,
  kWriter = 4,
  kComposer = 5,
  kProducer = 6,
  kEditor = 7,
  kPresenter = 8,
};

enum class CameraTechnique : uint8_t {
  kUnspecified = 0,
  kTrackingShot = 1,
  kCraneShot = 2,
  kHandHeld = 3,
  kSuspendedCableRig = 4,
  kLongTake = 5,
  kAerialOverCrowd = 6,
  kStaticRestricted = 7,
};

struct Credit {
  std::string person;        // "people/{person}"
  std::string display_name;  // filled from the person on read
  CreditRole role = CreditRole::kUnspecified;
  std::string character;  // for kCast
  std::string note;

  friend bool operator==(const Credit&, const Credit&) = default;
};

struct Award {
  std::string name;
  std::string event;
  int year = 0;
  std::string category;

  friend bool operator==(const Award&, const Award&) = default;
};

// A film's ids in other catalogues; empty or 0 when unknown.
struct ExternalIds {
  std::string imdb_id;      // "tt0050634"
  int64_t tmdb_id = 0;      // The Movie Database
  std::string wikidata_id;  // "Q467545"

  bool empty() const {
    return imdb_id.empty() && tmdb_id == 0 && wikidata_id.empty();
  }
  friend bool operator==(const ExternalIds&, const ExternalIds&) = default;
};

struct Rating {
  std::string source;  // "imdb"
  double value = 0;    // 0 to 10
  int64_t votes = 0;   // 0: unknown

  friend bool operator==(const Rating&, const Rating&) = default;
};

struct Film {
  std::string name;  // "films/{film}"
  std::string title;
  std::vector<std::string> original_titles;
  std::vector<std::string> aliases;
  int year = 0;             // 0: unknown
  int runtime_minutes = 0;  // 0: unknown
  std::vector<std::string> countries;
  std::vector<std::string> languages;
  std::string synopsis;
  std::vector<Credit> credits;
  std::vector<Award> awards;
  std::vector<std::string> eras;  // "eras/{era}"
  std::vector<std::string> studios;
  std::vector<std::string> notes;
  std::string etag;
  absl::Time create_time = absl::InfinitePast();
  absl::Time update_time = absl::InfinitePast();
  ExternalIds external_ids;
  std::vector<std::string> genres;  // lowercase words
  std::vector<Rating> ratings;      // one per source

  friend bool operator==(const Film&, const Film&) = default;
};

struct Person {
  std::string name;  // "people/{person}"
  std::string display_name;
  std::vector<std::string> aliases;
  int birth_year = 0;
  int death_year = 0;
  std::vector<CreditRole> known_roles;
  std::string biography;
  std::string etag;
  absl::Time create_time = absl::InfinitePast();
  absl::Time update_time = absl::InfinitePast();

  friend bool operator==(const Person&, const Person&) = default;
};

struct Timecode {
  enum class Precision : uint8_t {
    kUnspecified = 0,
    kExact = 1,
    kApproximate = 2,
    kFractionOfRuntime = 3,
    kRelative = 4,
  };
  enum class Relation : uint8_t { kUnspecified = 0, kBefore = 1, kAfter = 2 };

  Precision precision = Precision::kUnspecified;
  absl::Duration offset;    // kExact, kApproximate
  double fraction = 0;      // kFractionOfRuntime, 0..1
  std::string relative_to;  // kRelative: "films/{film}/sequences/{sequence}"
  Relation relation = Relation::kUnspecified;
  std::string description;  // "around 25:00"; derived when empty

  friend bool operator==(const Timecode&, const Timecode&) = default;
};

struct Sequence {
  std::string name;  // "films/{film}/sequences/{sequence}"
  std::string title;
  std::string description;
  Timecode start;
  absl::Duration duration;  // zero: unknown
  std::vector<CameraTechnique> techniques;
  std::vector<std::string> characters;
  std::string filming_method;
  int film_order = 0;  // 1-based, derived
  std::string etag;
  absl::Time create_time = absl::InfinitePast();
  absl::Time update_time = absl::InfinitePast();

  friend bool operator==(const Sequence&, const Sequence&) = default;
};

struct Era {
  std::string name;  // "eras/{era}"
  std::string display_name;
  int start_year = 0;
  int end_year = 0;
  std::string description;
  std::vector<std::string> films;  // derived from films' eras
  std::vector<std::string> notable_artists;

  friend bool operator==(const Era&, const Era&) = default;
};

struct Collaboration {
  std::string person;  // the partner
  std::string display_name;
  std::vector<std::string> films;  // oldest first
  std::vector<CreditRole> roles;   // the partner's roles on those films
};

}  // namespace longtake::catalog
