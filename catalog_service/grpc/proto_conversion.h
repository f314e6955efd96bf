#pragma once

// Domain <-> longtake.catalog.v1 conversions for the gRPC adapter. Enums map
// by value (the domain enums mirror the proto numbering); absl::Time and
// absl::Duration map to google.protobuf.Timestamp / Duration through
// common/grpc/well_known_types.h, with InfinitePast (never set) left unset on
// the wire.
//
//   pb::Film out;
//   ToProto(*film, &out);
//   absl::StatusOr<Film> in = FromProto(request.film(), "film");
//
// FromProto only fails on what the domain types cannot represent (an enum
// number the proto does not define, a Timestamp or Duration outside its
// documented range) and names the field under `path`; every other check
// belongs to the domain.

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "catalog_service/domain/catalog.h"
#include "catalog_service/domain/model.h"
#include "google/protobuf/duration.pb.h"
#include "google/protobuf/field_mask.pb.h"
#include "google/protobuf/timestamp.pb.h"
#include "longtake/catalog/v1/catalog_service.pb.h"
#include "longtake/catalog/v1/resources.pb.h"

namespace longtake::catalog {

namespace pb = ::longtake::catalog::v1;

void ToProto(const Credit& credit, pb::Credit* out);
void ToProto(const Award& award, pb::Award* out);
void ToProto(const Film& film, pb::Film* out);
void ToProto(const Person& person, pb::Person* out);
void ToProto(const Timecode& timecode, pb::Timecode* out);
void ToProto(const Sequence& sequence, pb::Sequence* out);
void ToProto(const Era& era, pb::Era* out);
void ToProto(const Collaboration& collaboration, pb::Collaboration* out);
void ToProto(const ImportEntryResult& result, pb::ImportFilmsResult* out);

// Proto -> domain (for requests); `path` prefixes field names in errors.
absl::StatusOr<Credit> FromProto(const pb::Credit& in, absl::string_view path);
Award FromProto(const pb::Award& in);
absl::StatusOr<Film> FromProto(const pb::Film& in, absl::string_view path);
absl::StatusOr<Person> FromProto(const pb::Person& in, absl::string_view path);
absl::StatusOr<Timecode> FromProto(const pb::Timecode& in,
                                   absl::string_view path);
absl::StatusOr<Sequence> FromProto(const pb::Sequence& in,
                                   absl::string_view path);
Era FromProto(const pb::Era& in);
absl::StatusOr<ImportEntry> FromProto(const pb::ImportFilmsEntry& in,
                                      absl::string_view path);

}  // namespace longtake::catalog
