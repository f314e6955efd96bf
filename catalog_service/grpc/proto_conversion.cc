#include "catalog_service/grpc/proto_conversion.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/grpc/well_known_types.h"
#include "common/status/errors.h"
#include "google/rpc/code.pb.h"

namespace longtake::catalog {
namespace {

template <typename Container>
void CopyStrings(const std::vector<std::string>& in, Container* out) {
  out->Reserve(static_cast<int>(in.size()));
  for (const std::string& s : in) out->Add(std::string(s));
}

std::vector<std::string> ToVector(
    const google::protobuf::RepeatedPtrField<std::string>& in) {
  return std::vector<std::string>(in.begin(), in.end());
}

absl::Status BadEnum(absl::string_view path, absl::string_view field,
                     int value) {
  return InvalidArgument(absl::StrCat(path, ".", field),
                         absl::StrCat("unknown enum value ", value));
}

absl::StatusOr<CreditRole> RoleFromProto(int value, absl::string_view path,
                                         absl::string_view field) {
  if (!pb::CreditRole_IsValid(value)) return BadEnum(path, field, value);
  return static_cast<CreditRole>(value);
}

}  // namespace

void ToProto(const Credit& credit, pb::Credit* out) {
  out->set_person(credit.person);
  out->set_display_name(credit.display_name);
  out->set_role(static_cast<pb::CreditRole>(credit.role));
  out->set_character(credit.character);
  out->set_note(credit.note);
}

void ToProto(const Award& award, pb::Award* out) {
  out->set_name(award.name);
  out->set_event(award.event);
  out->set_year(award.year);
  out->set_category(award.category);
}

void ToProto(const Film& film, pb::Film* out) {
  out->set_name(film.name);
  out->set_title(film.title);
  CopyStrings(film.original_titles, out->mutable_original_titles());
  CopyStrings(film.aliases, out->mutable_aliases());
  out->set_year(film.year);
  out->set_runtime_minutes(film.runtime_minutes);
  CopyStrings(film.countries, out->mutable_countries());
  CopyStrings(film.languages, out->mutable_languages());
  out->set_synopsis(film.synopsis);
  out->mutable_credits()->Reserve(static_cast<int>(film.credits.size()));
  for (const Credit& c : film.credits) ToProto(c, out->add_credits());
  for (const Award& a : film.awards) ToProto(a, out->add_awards());
  CopyStrings(film.eras, out->mutable_eras());
  CopyStrings(film.studios, out->mutable_studios());
  CopyStrings(film.notes, out->mutable_notes());
  if (!film.external_ids.empty()) {
    pb::ExternalIds* ids = out->mutable_external_ids();
    ids->set_imdb_id(film.external_ids.imdb_id);
    ids->set_tmdb_id(film.external_ids.tmdb_id);
    ids->set_wikidata_id(film.external_ids.wikidata_id);
  }
  CopyStrings(film.genres, out->mutable_genres());
  for (const Rating& rating : film.ratings) {
    pb::Rating* r = out->add_ratings();
    r->set_source(rating.source);
    r->set_value(rating.value);
    r->set_votes(rating.votes);
  }
  out->set_etag(film.etag);
  StampsToProto(film, out);
}

void ToProto(const Person& person, pb::Person* out) {
  out->set_name(person.name);
  out->set_display_name(person.display_name);
  CopyStrings(person.aliases, out->mutable_aliases());
  out->set_birth_year(person.birth_year);
  out->set_death_year(person.death_year);
  for (CreditRole role : person.known_roles) {
    out->add_known_roles(static_cast<pb::CreditRole>(role));
  }
  out->set_biography(person.biography);
  out->set_etag(person.etag);
  StampsToProto(person, out);
}

void ToProto(const Timecode& timecode, pb::Timecode* out) {
  out->set_precision(static_cast<pb::Timecode::Precision>(timecode.precision));
  if (timecode.precision == Timecode::Precision::kExact ||
      timecode.precision == Timecode::Precision::kApproximate ||
      timecode.offset != absl::ZeroDuration()) {
    DurationToProto(timecode.offset, out->mutable_offset());
  }
  out->set_fraction(timecode.fraction);
  out->set_relative_to(timecode.relative_to);
  out->set_relation(static_cast<pb::Timecode::Relation>(timecode.relation));
  out->set_description(timecode.description);
}

void ToProto(const Sequence& sequence, pb::Sequence* out) {
  out->set_name(sequence.name);
  out->set_title(sequence.title);
  out->set_description(sequence.description);
  ToProto(sequence.start, out->mutable_start());
  if (sequence.duration != absl::ZeroDuration()) {
    DurationToProto(sequence.duration, out->mutable_duration());
  }
  for (CameraTechnique t : sequence.techniques) {
    out->add_techniques(static_cast<pb::CameraTechnique>(t));
  }
  CopyStrings(sequence.characters, out->mutable_characters());
  out->set_filming_method(sequence.filming_method);
  out->set_film_order(sequence.film_order);
  out->set_etag(sequence.etag);
  StampsToProto(sequence, out);
}

void ToProto(const Era& era, pb::Era* out) {
  out->set_name(era.name);
  out->set_display_name(era.display_name);
  out->set_start_year(era.start_year);
  out->set_end_year(era.end_year);
  out->set_description(era.description);
  CopyStrings(era.films, out->mutable_films());
  CopyStrings(era.notable_artists, out->mutable_notable_artists());
}

void ToProto(const Collaboration& collaboration, pb::Collaboration* out) {
  out->set_person(collaboration.person);
  out->set_display_name(collaboration.display_name);
  CopyStrings(collaboration.films, out->mutable_films());
  for (CreditRole role : collaboration.roles) {
    out->add_roles(static_cast<pb::CreditRole>(role));
  }
}

void ToProto(const ImportEntryResult& result, pb::ImportFilmsResult* out) {
  out->set_source_line(result.source_line);
  out->set_film(result.film);
  out->set_code(static_cast<google::rpc::Code>(result.status.code()));
  out->set_message(std::string(result.status.message()));
  for (const FieldViolation& v : ErrorFieldViolations(result.status)) {
    auto* fv = out->add_field_violations();
    fv->set_field(v.field);
    fv->set_description(v.description);
  }
}

absl::StatusOr<Credit> FromProto(const pb::Credit& in, absl::string_view path) {
  Credit credit;
  credit.person = in.person();
  credit.display_name = in.display_name();
  LONGTAKE_ASSIGN_OR_RETURN(credit.role,
                            RoleFromProto(in.role(), path, "role"));
  credit.character = in.character();
  credit.note = in.note();
  return credit;
}

Award FromProto(const pb::Award& in) {
  return Award{in.name(), in.event(), in.year(), in.category()};
}

absl::StatusOr<Film> FromProto(const pb::Film& in, absl::string_view path) {
  Film film;
  film.name = in.name();
  film.title = in.title();
  film.original_titles = ToVector(in.original_titles());
  film.aliases = ToVector(in.aliases());
  film.year = in.year();
  film.runtime_minutes = in.runtime_minutes();
  film.countries = ToVector(in.countries());
  film.languages = ToVector(in.languages());
  film.synopsis = in.synopsis();
  film.credits.reserve(in.credits_size());
  for (int i = 0; i < in.credits_size(); ++i) {
    LONGTAKE_ASSIGN_OR_RETURN(
        Credit credit,
        FromProto(in.credits(i), absl::StrCat(path, ".credits[", i, "]")));
    film.credits.push_back(std::move(credit));
  }
  for (const pb::Award& a : in.awards()) film.awards.push_back(FromProto(a));
  film.eras = ToVector(in.eras());
  film.studios = ToVector(in.studios());
  film.notes = ToVector(in.notes());
  film.external_ids = {in.external_ids().imdb_id(), in.external_ids().tmdb_id(),
                       in.external_ids().wikidata_id()};
  film.genres = ToVector(in.genres());
  for (const pb::Rating& r : in.ratings()) {
    film.ratings.push_back({r.source(), r.value(), r.votes()});
  }
  film.etag = in.etag();
  LONGTAKE_RETURN_IF_ERROR(StampsFromProto(in, path, &film));
  return film;
}

absl::StatusOr<Person> FromProto(const pb::Person& in, absl::string_view path) {
  Person person;
  person.name = in.name();
  person.display_name = in.display_name();
  person.aliases = ToVector(in.aliases());
  person.birth_year = in.birth_year();
  person.death_year = in.death_year();
  for (int i = 0; i < in.known_roles_size(); ++i) {
    LONGTAKE_ASSIGN_OR_RETURN(
        CreditRole role, RoleFromProto(in.known_roles(i), path,
                                       absl::StrCat("known_roles[", i, "]")));
    person.known_roles.push_back(role);
  }
  person.biography = in.biography();
  person.etag = in.etag();
  LONGTAKE_RETURN_IF_ERROR(StampsFromProto(in, path, &person));
  return person;
}

absl::StatusOr<Timecode> FromProto(const pb::Timecode& in,
                                   absl::string_view path) {
  Timecode timecode;
  if (!pb::Timecode::Precision_IsValid(in.precision())) {
    return BadEnum(path, "precision", in.precision());
  }
  if (!pb::Timecode::Relation_IsValid(in.relation())) {
    return BadEnum(path, "relation", in.relation());
  }
  timecode.precision = static_cast<Timecode::Precision>(in.precision());
  LONGTAKE_ASSIGN_OR_RETURN(
      timecode.offset,
      DurationFromProto(in.offset(), absl::StrCat(path, ".offset")));
  timecode.fraction = in.fraction();
  timecode.relative_to = in.relative_to();
  timecode.relation = static_cast<Timecode::Relation>(in.relation());
  timecode.description = in.description();
  return timecode;
}

absl::StatusOr<Sequence> FromProto(const pb::Sequence& in,
                                   absl::string_view path) {
  Sequence sequence;
  sequence.name = in.name();
  sequence.title = in.title();
  sequence.description = in.description();
  LONGTAKE_ASSIGN_OR_RETURN(
      sequence.start, FromProto(in.start(), absl::StrCat(path, ".start")));
  LONGTAKE_ASSIGN_OR_RETURN(
      sequence.duration,
      DurationFromProto(in.duration(), absl::StrCat(path, ".duration")));
  for (int i = 0; i < in.techniques_size(); ++i) {
    if (!pb::CameraTechnique_IsValid(in.techniques(i))) {
      return BadEnum(path, absl::StrCat("techniques[", i, "]"),
                     in.techniques(i));
    }
    sequence.techniques.push_back(
        static_cast<CameraTechnique>(in.techniques(i)));
  }
  sequence.characters = ToVector(in.characters());
  sequence.filming_method = in.filming_method();
  sequence.film_order = in.film_order();
  sequence.etag = in.etag();
  LONGTAKE_RETURN_IF_ERROR(StampsFromProto(in, path, &sequence));
  return sequence;
}

Era FromProto(const pb::Era& in) {
  Era era;
  era.name = in.name();
  era.display_name = in.display_name();
  era.start_year = in.start_year();
  era.end_year = in.end_year();
  era.description = in.description();
  era.films = ToVector(in.films());
  era.notable_artists = ToVector(in.notable_artists());
  return era;
}

absl::StatusOr<ImportEntry> FromProto(const pb::ImportFilmsEntry& in,
                                      absl::string_view path) {
  ImportEntry entry;
  LONGTAKE_ASSIGN_OR_RETURN(entry.film,
                            FromProto(in.film(), absl::StrCat(path, ".film")));
  entry.film_id = in.film_id();
  for (int i = 0; i < in.people_size(); ++i) {
    LONGTAKE_ASSIGN_OR_RETURN(
        Person person,
        FromProto(in.people(i), absl::StrCat(path, ".people[", i, "]")));
    entry.people.push_back(std::move(person));
  }
  for (int i = 0; i < in.sequences_size(); ++i) {
    LONGTAKE_ASSIGN_OR_RETURN(
        Sequence sequence,
        FromProto(in.sequences(i), absl::StrCat(path, ".sequences[", i, "]")));
    entry.sequences.push_back(std::move(sequence));
  }
  entry.source_line = in.source_line();
  return entry;
}

}  // namespace longtake::catalog
