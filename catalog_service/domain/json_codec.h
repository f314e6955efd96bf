#pragma once

// JSON forms of the catalogue's domain types, shared by the seed loader
// (data/README.md) and the SQLite store (one JSON document per resource).
// Field names are the proto's (snake_case), enums the proto enum names
// ("CREDIT_ROLE_DIRECTOR"), durations "1500s", timestamps RFC 3339.
//
//   nlohmann::json j = ToJson(film);
//   LONGTAKE_ASSIGN_OR_RETURN(Film copy, FromJson<Film>(j, "films[0]"));
//
// Decoding never throws: a wrong type, an unknown field or an unknown enum
// name is INVALID_ARGUMENT naming the path (prefix + field).

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "catalog_service/domain/model.h"
#include "nlohmann/json.hpp"

namespace longtake::catalog {

// Enum names as in the proto; "" for out-of-range values.
std::string CreditRoleName(CreditRole role);
std::optional<CreditRole> ParseCreditRole(absl::string_view name);
std::string CameraTechniqueName(CameraTechnique technique);
std::optional<CameraTechnique> ParseCameraTechnique(absl::string_view name);
std::string PrecisionName(Timecode::Precision precision);
std::string RelationName(Timecode::Relation relation);

// "1500s", "0.5s".
std::string FormatProtoDuration(absl::Duration d);
std::optional<absl::Duration> ParseProtoDuration(absl::string_view text);

nlohmann::json ToJson(const Film& film);
nlohmann::json ToJson(const Person& person);
nlohmann::json ToJson(const Sequence& sequence);
nlohmann::json ToJson(const Era& era);

namespace json_codec_internal {
// One overload per resource; the pointer only selects it.
absl::StatusOr<Film> Decode(const nlohmann::json& j, const std::string& path,
                            Film*);
absl::StatusOr<Person> Decode(const nlohmann::json& j, const std::string& path,
                              Person*);
absl::StatusOr<Sequence> Decode(const nlohmann::json& j,
                                const std::string& path, Sequence*);
absl::StatusOr<Era> Decode(const nlohmann::json& j, const std::string& path,
                           Era*);
}  // namespace json_codec_internal

// T is Film, Person, Sequence or Era. `path` prefixes field names in errors
// ("films[2]" -> "films[2].year").
template <typename T>
absl::StatusOr<T> FromJson(const nlohmann::json& j, const std::string& path) {
  return json_codec_internal::Decode(j, path, static_cast<T*>(nullptr));
}

}  // namespace longtake::catalog
