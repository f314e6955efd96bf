#include "catalog_service/domain/json_codec.h"

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <set>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/status/errors.h"

namespace longtake::catalog {
namespace {

using nlohmann::json;

constexpr const char* kCreditRoles[] = {
    "CREDIT_ROLE_UNSPECIFIED",     "CREDIT_ROLE_DIRECTOR",
    "CREDIT_ROLE_CINEMATOGRAPHER", "CREDIT_ROLE_CAST",
    "CREDIT_ROLE_WRITER",          "CREDIT_ROLE_COMPOSER",
    "CREDIT_ROLE_PRODUCER",        "CREDIT_ROLE_EDITOR",
    "CREDIT_ROLE_PRESENTER"};
constexpr const char* kTechniques[] = {"CAMERA_TECHNIQUE_UNSPECIFIED",
                                       "CAMERA_TECHNIQUE_TRACKING_SHOT",
                                       "CAMERA_TECHNIQUE_CRANE_SHOT",
                                       "CAMERA_TECHNIQUE_HAND_HELD",
                                       "CAMERA_TECHNIQUE_SUSPENDED_CABLE_RIG",
                                       "CAMERA_TECHNIQUE_LONG_TAKE",
                                       "CAMERA_TECHNIQUE_AERIAL_OVER_CROWD",
                                       "CAMERA_TECHNIQUE_STATIC_RESTRICTED"};
constexpr const char* kPrecisions[] = {
    "PRECISION_UNSPECIFIED", "PRECISION_EXACT", "PRECISION_APPROXIMATE",
    "PRECISION_FRACTION_OF_RUNTIME", "PRECISION_RELATIVE"};
constexpr const char* kRelations[] = {"RELATION_UNSPECIFIED", "RELATION_BEFORE",
                                      "RELATION_AFTER"};

template <size_t N>
std::string NameOf(const char* const (&names)[N], size_t index) {
  return index < N ? names[index] : "";
}
template <size_t N>
std::optional<size_t> IndexOf(const char* const (&names)[N],
                              absl::string_view name) {
  for (size_t i = 0; i < N; ++i) {
    if (name == names[i]) return i;
  }
  return std::nullopt;
}

std::string FormatTimestamp(absl::Time t) {
  return absl::FormatTime("%Y-%m-%d%ET%H:%M:%E*SZ", t, absl::UTCTimeZone());
}

void PutTime(json& j, const char* key, absl::Time t) {
  if (t != absl::InfinitePast() && t != absl::InfiniteFuture())
    j[key] = FormatTimestamp(t);
}
void PutString(json& j, const char* key, const std::string& s) {
  if (!s.empty()) j[key] = s;
}
void PutList(json& j, const char* key, const std::vector<std::string>& v) {
  if (!v.empty()) j[key] = v;
}
void PutInt(json& j, const char* key, int v) {
  if (v != 0) j[key] = v;
}

// Reads one JSON object, collecting violations instead of throwing.
class Reader {
 public:
  Reader(const json& j, std::string path,
         std::vector<FieldViolation>* violations)
      : j_(j), path_(std::move(path)), violations_(violations) {
    if (!j_.is_object()) {
      Bad(path_, "must be a JSON object");
      ok_ = false;
    }
  }

  std::string Path(const char* key) const {
    return path_.empty() ? std::string(key) : absl::StrCat(path_, ".", key);
  }
  void Bad(const std::string& field, const std::string& what) {
    violations_->push_back({field, what});
  }

  const json* Get(const char* key) {
    known_.push_back(key);
    if (!ok_) return nullptr;
    auto it = j_.find(key);
    if (it == j_.end() || it->is_null()) return nullptr;
    return &*it;
  }

  void String(const char* key, std::string* out) {
    if (const json* v = Get(key)) {
      if (v->is_string()) {
        *out = v->get_ref<const std::string&>();
      } else {
        Bad(Path(key), "must be a string");
      }
    }
  }
  void Int64(const char* key, int64_t* out) {
    if (const json* v = Get(key)) {
      if (!v->is_number_integer()) return Bad(Path(key), "must be an integer");
      if (v->is_number_unsigned() &&
          v->get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) {
        return Bad(Path(key), "is out of range");
      }
      *out = v->get<int64_t>();
    }
  }
  void Int(const char* key, int* out) {
    int64_t wide = *out;
    Int64(key, &wide);
    if (wide > 2147483647 || wide < -2147483647) {
      return Bad(Path(key), "is out of range");
    }
    *out = static_cast<int>(wide);
  }
  void Double(const char* key, double* out) {
    if (const json* v = Get(key)) {
      if (v->is_number()) {
        *out = v->get<double>();
      } else {
        Bad(Path(key), "must be a number");
      }
    }
  }
  void StringList(const char* key, std::vector<std::string>* out) {
    if (const json* v = Get(key)) {
      if (!v->is_array()) return Bad(Path(key), "must be an array of strings");
      for (size_t i = 0; i < v->size(); ++i) {
        if (!(*v)[i].is_string()) {
          Bad(absl::StrCat(Path(key), "[", i, "]"), "must be a string");
        } else {
          out->push_back((*v)[i].get<std::string>());
        }
      }
    }
  }
  template <typename E, size_t N>
  void Enum(const char* key, const char* const (&names)[N], E* out) {
    if (const json* v = Get(key)) EnumValue(*v, Path(key), names, out);
  }
  template <typename E, size_t N>
  void EnumList(const char* key, const char* const (&names)[N],
                std::vector<E>* out) {
    if (const json* v = Get(key)) {
      if (!v->is_array())
        return Bad(Path(key), "must be an array of enum names");
      for (size_t i = 0; i < v->size(); ++i) {
        E e{};
        if (EnumValue((*v)[i], absl::StrCat(Path(key), "[", i, "]"), names,
                      &e)) {
          out->push_back(e);
        }
      }
    }
  }
  template <typename E, size_t N>
  bool EnumValue(const json& v, const std::string& path,
                 const char* const (&names)[N], E* out) {
    if (!v.is_string()) {
      Bad(path, "must be an enum name string");
      return false;
    }
    auto index = IndexOf(names, v.get<std::string>());
    if (!index) {
      Bad(path, absl::StrCat("unknown value \"", v.get<std::string>(), "\""));
      return false;
    }
    *out = static_cast<E>(*index);
    return true;
  }
  void Duration(const char* key, absl::Duration* out) {
    if (const json* v = Get(key)) {
      std::optional<absl::Duration> d;
      if (v->is_string()) d = ParseProtoDuration(v->get<std::string>());
      if (!d)
        return Bad(Path(key), "must be a duration string such as \"1500s\"");
      *out = *d;
    }
  }
  void Time(const char* key, absl::Time* out) {
    if (const json* v = Get(key)) {
      std::string err;
      if (!v->is_string() ||
          !absl::ParseTime(absl::RFC3339_full, v->get<std::string>(), out,
                           &err)) {
        Bad(Path(key), "must be an RFC 3339 timestamp");
      }
    }
  }
  // Calls `each(element, path)` for every element of an array of objects.
  void Objects(
      const char* key,
      const std::function<void(const json&, const std::string&)>& each) {
    if (const json* v = Get(key)) {
      if (!v->is_array()) return Bad(Path(key), "must be an array");
      for (size_t i = 0; i < v->size(); ++i) {
        each((*v)[i], absl::StrCat(Path(key), "[", i, "]"));
      }
    }
  }
  void RejectUnknown() {
    if (!ok_) return;
    for (auto it = j_.begin(); it != j_.end(); ++it) {
      const std::string& k = it.key();
      bool known = false;
      for (const char* name : known_) known = known || k == name;
      if (!known) Bad(Path(k.c_str()), "unknown field");
    }
  }

  std::vector<FieldViolation>* violations() { return violations_; }

 private:
  const json& j_;
  std::string path_;
  std::vector<FieldViolation>* violations_;
  // Field names asked for (string literals); a short list beats a std::set here
  // (hot on bulk loads).
  std::vector<const char*> known_;
  bool ok_ = true;
};

template <typename T>
absl::StatusOr<T> Finish(T value, std::vector<FieldViolation> violations) {
  if (!violations.empty()) return InvalidArguments(std::move(violations));
  return value;
}

// Reads one object (at `path`) into a fresh T through `fill`, rejecting
// fields `fill` did not ask for.
template <typename T, typename Fill>
T ReadObject(const json& j, const std::string& path,
             std::vector<FieldViolation>* violations, Fill fill) {
  T value;
  Reader r(j, path, violations);
  fill(r, value);
  r.RejectUnknown();
  return value;
}

// One decoder shape for every resource: read, then fail on violations.
template <typename T, typename Fill>
absl::StatusOr<T> DecodeObject(const json& j, const std::string& path,
                               Fill fill) {
  std::vector<FieldViolation> violations;
  T value = ReadObject<T>(j, path, &violations, fill);
  return Finish(std::move(value), std::move(violations));
}

// Reads the object at `key` (when present) into `out` through `fill`.
template <typename T, typename Fill>
void ReadNested(Reader& r, const char* key, T* out, Fill fill) {
  if (const json* v = r.Get(key)) {
    *out = ReadObject<T>(*v, r.Path(key), r.violations(), fill);
  }
}

// Reads the array of objects at `key` into `out`, one ReadObject each.
template <typename T, typename Fill>
void ReadObjects(Reader& r, const char* key, std::vector<T>* out, Fill fill) {
  r.Objects(key, [&](const json& item, const std::string& item_path) {
    out->push_back(ReadObject<T>(item, item_path, r.violations(), fill));
  });
}

// The stored-resource stamps shared by films, people and sequences.
template <typename T>
void PutStamps(json& j, const T& v) {
  PutString(j, "etag", v.etag);
  PutTime(j, "create_time", v.create_time);
  PutTime(j, "update_time", v.update_time);
}
template <typename T>
void ReadStamps(Reader& r, T* v) {
  r.String("etag", &v->etag);
  r.Time("create_time", &v->create_time);
  r.Time("update_time", &v->update_time);
}

template <typename E, typename NameFn>
json NameList(const std::vector<E>& values, NameFn name) {
  json out = json::array();
  for (E e : values) out.push_back(name(e));
  return out;
}

void ReadTimecode(const json& j, const std::string& path, Timecode* t,
                  std::vector<FieldViolation>* violations) {
  Reader r(j, path, violations);
  r.Enum("precision", kPrecisions, &t->precision);
  r.Duration("offset", &t->offset);
  r.Double("fraction", &t->fraction);
  r.String("relative_to", &t->relative_to);
  r.Enum("relation", kRelations, &t->relation);
  r.String("description", &t->description);
  r.RejectUnknown();
}

}  // namespace

std::string CreditRoleName(CreditRole role) {
  return NameOf(kCreditRoles, static_cast<size_t>(role));
}
std::optional<CreditRole> ParseCreditRole(absl::string_view name) {
  auto i = IndexOf(kCreditRoles, name);
  if (!i) return std::nullopt;
  return static_cast<CreditRole>(*i);
}
std::string CameraTechniqueName(CameraTechnique technique) {
  return NameOf(kTechniques, static_cast<size_t>(technique));
}
std::optional<CameraTechnique> ParseCameraTechnique(absl::string_view name) {
  auto i = IndexOf(kTechniques, name);
  if (!i) return std::nullopt;
  return static_cast<CameraTechnique>(*i);
}
std::string PrecisionName(Timecode::Precision precision) {
  return NameOf(kPrecisions, static_cast<size_t>(precision));
}
std::string RelationName(Timecode::Relation relation) {
  return NameOf(kRelations, static_cast<size_t>(relation));
}

std::string FormatProtoDuration(absl::Duration d) {
  int64_t nanos = absl::ToInt64Nanoseconds(d);
  bool negative = nanos < 0;
  uint64_t abs = negative ? 0 - static_cast<uint64_t>(nanos)
                          : static_cast<uint64_t>(nanos);
  uint64_t seconds = abs / 1000000000u;
  uint64_t frac = abs % 1000000000u;
  std::string out = absl::StrCat(negative ? "-" : "", seconds);
  if (frac != 0) {
    std::string f = absl::StrFormat("%09d", frac);
    while (!f.empty() && f.back() == '0') f.pop_back();
    absl::StrAppend(&out, ".", f);
  }
  return out + "s";
}

std::optional<absl::Duration> ParseProtoDuration(absl::string_view text) {
  if (text.size() < 2 || text.back() != 's') return std::nullopt;
  std::string number(text.substr(0, text.size() - 1));
  for (char c : number) {
    if (!((c >= '0' && c <= '9') || c == '.' || c == '-')) return std::nullopt;
  }
  char* end = nullptr;
  double seconds = std::strtod(number.c_str(), &end);
  if (end == number.c_str() || *end != '\0' || !std::isfinite(seconds) ||
      std::fabs(seconds) > 315576000000.0) {
    return std::nullopt;
  }
  return absl::Seconds(seconds);
}

nlohmann::json ToJson(const Film& f) {
  json j = json::object();
  PutString(j, "name", f.name);
  PutString(j, "title", f.title);
  PutList(j, "original_titles", f.original_titles);
  PutList(j, "aliases", f.aliases);
  PutInt(j, "year", f.year);
  PutInt(j, "runtime_minutes", f.runtime_minutes);
  PutList(j, "countries", f.countries);
  PutList(j, "languages", f.languages);
  PutString(j, "synopsis", f.synopsis);
  if (!f.credits.empty()) {
    json credits = json::array();
    for (const Credit& c : f.credits) {
      json cj = json::object();
      PutString(cj, "person", c.person);
      PutString(cj, "display_name", c.display_name);
      cj["role"] = CreditRoleName(c.role);
      PutString(cj, "character", c.character);
      PutString(cj, "note", c.note);
      credits.push_back(std::move(cj));
    }
    j["credits"] = std::move(credits);
  }
  if (!f.awards.empty()) {
    json awards = json::array();
    for (const Award& a : f.awards) {
      json aj = json::object();
      PutString(aj, "name", a.name);
      PutString(aj, "event", a.event);
      PutInt(aj, "year", a.year);
      PutString(aj, "category", a.category);
      awards.push_back(std::move(aj));
    }
    j["awards"] = std::move(awards);
  }
  PutList(j, "eras", f.eras);
  PutList(j, "studios", f.studios);
  PutList(j, "notes", f.notes);
  if (!f.external_ids.empty()) {
    json ids = json::object();
    PutString(ids, "imdb_id", f.external_ids.imdb_id);
    if (f.external_ids.tmdb_id != 0) ids["tmdb_id"] = f.external_ids.tmdb_id;
    PutString(ids, "wikidata_id", f.external_ids.wikidata_id);
    j["external_ids"] = std::move(ids);
  }
  PutList(j, "genres", f.genres);
  if (!f.ratings.empty()) {
    json ratings = json::array();
    for (const Rating& rating : f.ratings) {
      json rj = json::object();
      PutString(rj, "source", rating.source);
      rj["value"] = rating.value;
      if (rating.votes != 0) rj["votes"] = rating.votes;
      ratings.push_back(std::move(rj));
    }
    j["ratings"] = std::move(ratings);
  }
  PutStamps(j, f);
  return j;
}

nlohmann::json ToJson(const Person& p) {
  json j = json::object();
  PutString(j, "name", p.name);
  PutString(j, "display_name", p.display_name);
  PutList(j, "aliases", p.aliases);
  PutInt(j, "birth_year", p.birth_year);
  PutInt(j, "death_year", p.death_year);
  if (!p.known_roles.empty()) {
    j["known_roles"] = NameList(p.known_roles, CreditRoleName);
  }
  PutString(j, "biography", p.biography);
  PutStamps(j, p);
  return j;
}

nlohmann::json ToJson(const Sequence& s) {
  json j = json::object();
  PutString(j, "name", s.name);
  PutString(j, "title", s.title);
  PutString(j, "description", s.description);
  json t = json::object();
  t["precision"] = PrecisionName(s.start.precision);
  if (s.start.offset != absl::ZeroDuration())
    t["offset"] = FormatProtoDuration(s.start.offset);
  if (s.start.fraction != 0) t["fraction"] = s.start.fraction;
  PutString(t, "relative_to", s.start.relative_to);
  if (s.start.relation != Timecode::Relation::kUnspecified) {
    t["relation"] = RelationName(s.start.relation);
  }
  PutString(t, "description", s.start.description);
  j["start"] = std::move(t);
  if (s.duration != absl::ZeroDuration())
    j["duration"] = FormatProtoDuration(s.duration);
  if (!s.techniques.empty()) {
    j["techniques"] = NameList(s.techniques, CameraTechniqueName);
  }
  PutList(j, "characters", s.characters);
  PutString(j, "filming_method", s.filming_method);
  PutInt(j, "film_order", s.film_order);
  PutStamps(j, s);
  return j;
}

nlohmann::json ToJson(const Era& e) {
  json j = json::object();
  PutString(j, "name", e.name);
  PutString(j, "display_name", e.display_name);
  PutInt(j, "start_year", e.start_year);
  PutInt(j, "end_year", e.end_year);
  PutString(j, "description", e.description);
  PutList(j, "films", e.films);
  PutList(j, "notable_artists", e.notable_artists);
  return j;
}

absl::StatusOr<Film> json_codec_internal::Decode(const nlohmann::json& j,
                                                 const std::string& path,
                                                 Film*) {
  return DecodeObject<Film>(j, path, [](Reader& r, Film& f) {
    r.String("name", &f.name);
    r.String("title", &f.title);
    r.StringList("original_titles", &f.original_titles);
    r.StringList("aliases", &f.aliases);
    r.Int("year", &f.year);
    r.Int("runtime_minutes", &f.runtime_minutes);
    r.StringList("countries", &f.countries);
    r.StringList("languages", &f.languages);
    r.String("synopsis", &f.synopsis);
    ReadObjects(r, "credits", &f.credits, [](Reader& cr, Credit& c) {
      cr.String("person", &c.person);
      cr.String("display_name", &c.display_name);
      cr.Enum("role", kCreditRoles, &c.role);
      cr.String("character", &c.character);
      cr.String("note", &c.note);
    });
    ReadObjects(r, "awards", &f.awards, [](Reader& ar, Award& a) {
      ar.String("name", &a.name);
      ar.String("event", &a.event);
      ar.Int("year", &a.year);
      ar.String("category", &a.category);
    });
    r.StringList("eras", &f.eras);
    r.StringList("studios", &f.studios);
    r.StringList("notes", &f.notes);
    ReadNested(r, "external_ids", &f.external_ids,
               [](Reader& er, ExternalIds& ids) {
                 er.String("imdb_id", &ids.imdb_id);
                 er.Int64("tmdb_id", &ids.tmdb_id);
                 er.String("wikidata_id", &ids.wikidata_id);
               });
    r.StringList("genres", &f.genres);
    ReadObjects(r, "ratings", &f.ratings, [](Reader& rr, Rating& rating) {
      rr.String("source", &rating.source);
      rr.Double("value", &rating.value);
      rr.Int64("votes", &rating.votes);
    });
    ReadStamps(r, &f);
    r.Get("sequences");  // allowed here: the seed nests sequences in films
  });
}

absl::StatusOr<Person> json_codec_internal::Decode(const nlohmann::json& j,
                                                   const std::string& path,
                                                   Person*) {
  return DecodeObject<Person>(j, path, [](Reader& r, Person& p) {
    r.String("name", &p.name);
    r.String("display_name", &p.display_name);
    r.StringList("aliases", &p.aliases);
    r.Int("birth_year", &p.birth_year);
    r.Int("death_year", &p.death_year);
    r.EnumList("known_roles", kCreditRoles, &p.known_roles);
    r.String("biography", &p.biography);
    ReadStamps(r, &p);
  });
}

absl::StatusOr<Sequence> json_codec_internal::Decode(const nlohmann::json& j,
                                                     const std::string& path,
                                                     Sequence*) {
  return DecodeObject<Sequence>(j, path, [](Reader& r, Sequence& s) {
    r.String("name", &s.name);
    r.String("title", &s.title);
    r.String("description", &s.description);
    if (const json* t = r.Get("start"))
      ReadTimecode(*t, r.Path("start"), &s.start, r.violations());
    r.Duration("duration", &s.duration);
    r.EnumList("techniques", kTechniques, &s.techniques);
    r.StringList("characters", &s.characters);
    r.String("filming_method", &s.filming_method);
    r.Int("film_order", &s.film_order);
    ReadStamps(r, &s);
  });
}

absl::StatusOr<Era> json_codec_internal::Decode(const nlohmann::json& j,
                                                const std::string& path, Era*) {
  return DecodeObject<Era>(j, path, [](Reader& r, Era& e) {
    r.String("name", &e.name);
    r.String("display_name", &e.display_name);
    r.Int("start_year", &e.start_year);
    r.Int("end_year", &e.end_year);
    r.String("description", &e.description);
    r.StringList("films", &e.films);
    r.StringList("notable_artists", &e.notable_artists);
  });
}

}  // namespace longtake::catalog
