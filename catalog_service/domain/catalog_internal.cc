#include "catalog_service/domain/catalog_internal.h"

#include <cctype>
#include <cmath>
#include <cstdlib>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "catalog_service/domain/json_codec.h"
#include "common/text/text_folding.h"
#include "common/status/errors.h"

namespace longtake::catalog::internal {

std::optional<std::string> ParseName(absl::string_view name, absl::string_view collection) {
  std::string prefix = absl::StrCat(collection, "/");
  if (!absl::StartsWith(name, prefix)) return std::nullopt;
  absl::string_view id = name.substr(prefix.size());
  if (!IsValidSlug(id)) return std::nullopt;
  return std::string(id);
}

std::optional<SequenceName> ParseSequenceName(absl::string_view name) {
  constexpr absl::string_view kMid = "/sequences/";
  size_t pos = name.find(kMid);
  if (pos == absl::string_view::npos) return std::nullopt;
  absl::string_view film = name.substr(0, pos);
  absl::string_view id = name.substr(pos + kMid.size());
  if (!ParseName(film, "films") || !IsValidSlug(id)) return std::nullopt;
  return SequenceName{std::string(film), std::string(id)};
}

namespace {

absl::Status FilterError(absl::string_view what) {
  return InvalidArgument("filter", what, "INVALID_FILTER");
}

bool IsIdentChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.';
}
bool IsValueChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '/' ||
         c == '.';
}

}  // namespace

absl::StatusOr<std::vector<Condition>> ParseFilter(absl::string_view filter,
                                                   const std::vector<std::string>& allowed) {
  std::vector<Condition> out;
  size_t i = 0;
  const size_t n = filter.size();
  auto skip_space = [&] {
    while (i < n && std::isspace(static_cast<unsigned char>(filter[i]))) ++i;
  };
  std::string allowed_list = absl::StrJoin(allowed, ", ");
  skip_space();
  if (i == n) return out;
  while (true) {
    skip_space();
    size_t start = i;
    while (i < n && IsIdentChar(filter[i])) ++i;
    std::string field(filter.substr(start, i - start));
    if (field.empty()) {
      return FilterError(absl::StrCat("expected a field name at position ", start + 1,
                                      "; fields: ", allowed_list));
    }
    if (field == "OR" || field == "NOT" || field == "AND") {
      return FilterError(absl::StrCat("unexpected ", field,
                                      ": only conditions joined with AND are supported"));
    }
    bool known = false;
    for (const std::string& a : allowed) known = known || a == field;
    if (!known) {
      return FilterError(absl::StrCat("unknown field \"", field, "\"; fields: ", allowed_list));
    }
    skip_space();
    std::string op;
    if (i < n && (filter[i] == '=' || filter[i] == '<' || filter[i] == '>' ||
                  filter[i] == '!' || filter[i] == ':')) {
      op.push_back(filter[i++]);
      if (i < n && filter[i] == '=') op.push_back(filter[i++]);
    }
    if (op == ":") op = "=";
    if (op.empty() || op == "!") {
      return FilterError(absl::StrCat("expected an operator (=, !=, <, <=, >, >=) after \"",
                                      field, "\""));
    }
    skip_space();
    Condition c{field, op, "", false};
    if (i < n && filter[i] == '"') {
      ++i;
      bool closed = false;
      while (i < n) {
        char ch = filter[i++];
        if (ch == '\\' && i < n) {
          c.value.push_back(filter[i++]);
        } else if (ch == '"') {
          closed = true;
          break;
        } else {
          c.value.push_back(ch);
        }
      }
      if (!closed) return FilterError("unterminated string: a closing \" is missing");
      c.quoted = true;
    } else {
      size_t vstart = i;
      while (i < n && IsValueChar(filter[i])) ++i;
      c.value = std::string(filter.substr(vstart, i - vstart));
      if (c.value.empty()) {
        return FilterError(absl::StrCat("expected a value after \"", field, " ", op, "\""));
      }
    }
    out.push_back(std::move(c));
    skip_space();
    if (i == n) break;
    size_t kw = i;
    while (i < n && std::isalpha(static_cast<unsigned char>(filter[i]))) ++i;
    absl::string_view word = filter.substr(kw, i - kw);
    if (word != "AND") {
      if (word == "OR" || word == "and" || word == "or") {
        return FilterError(absl::StrCat("\"", word,
                                        "\" is not supported: join conditions with AND"));
      }
      return FilterError(absl::StrCat("expected AND at position ", kw + 1));
    }
    skip_space();
    if (i == n) return FilterError("a condition must follow AND");
  }
  return out;
}

absl::StatusOr<FilmFilter> ParseFilmFilter(absl::string_view filter) {
  LONGTAKE_ASSIGN_OR_RETURN(
      std::vector<Condition> conditions,
      ParseFilter(filter, {"year", "person", "role", "era", "technique"}));
  FilmFilter f;
  for (const Condition& c : conditions) {
    if (c.field == "year") {
      int year = 0;
      if (c.quoted || !absl::SimpleAtoi(c.value, &year)) {
        return FilterError(absl::StrCat("year needs a number, e.g. year >= 1955; got \"",
                                        c.value, "\""));
      }
      if (c.op == "=") {
        f.year_min = std::max(f.year_min, year);
        f.year_max = std::min(f.year_max, year);
      } else if (c.op == ">=") {
        f.year_min = std::max(f.year_min, year);
      } else if (c.op == ">") {
        f.year_min = std::max(f.year_min, year == INT_MAX ? year : year + 1);
      } else if (c.op == "<=") {
        f.year_max = std::min(f.year_max, year);
      } else if (c.op == "<") {
        f.year_max = std::min(f.year_max, year == INT_MIN ? year : year - 1);
      } else {
        return FilterError("year supports =, <, <=, >, >=");
      }
      continue;
    }
    if (c.op != "=") {
      return FilterError(absl::StrCat(c.field, " supports only ="));
    }
    if (c.field == "person") {
      if (!ParseName(c.value, "people")) {
        return FilterError(absl::StrCat("person needs a resource name such as "
                                        "\"people/mikhail-kalatozov\"; got \"",
                                        c.value, "\""));
      }
      f.persons.push_back(c.value);
    } else if (c.field == "era") {
      if (!ParseName(c.value, "eras")) {
        return FilterError(absl::StrCat(
            "era needs a resource name such as \"eras/khrushchev-thaw\"; got \"", c.value, "\""));
      }
      f.eras.push_back(c.value);
    } else if (c.field == "role") {
      auto role = ParseCreditRole(c.value);
      if (!role || *role == CreditRole::kUnspecified) {
        return FilterError(absl::StrCat("unknown role \"", c.value,
                                        "\"; use a CreditRole name such as "
                                        "\"CREDIT_ROLE_DIRECTOR\""));
      }
      f.roles.push_back(*role);
    } else if (c.field == "technique") {
      auto t = ParseCameraTechnique(c.value);
      if (!t || *t == CameraTechnique::kUnspecified) {
        return FilterError(absl::StrCat("unknown technique \"", c.value,
                                        "\"; use a CameraTechnique name such as "
                                        "\"CAMERA_TECHNIQUE_CRANE_SHOT\""));
      }
      f.techniques.push_back(*t);
    }
  }
  return f;
}

std::string FormatClock(absl::Duration d) {
  int64_t total = absl::ToInt64Seconds(d);
  if (total < 0) total = 0;
  int64_t h = total / 3600, m = (total / 60) % 60, s = total % 60;
  if (h > 0) return absl::StrFormat("%d:%02d:%02d", h, m, s);
  return absl::StrFormat("%d:%02d", m, s);
}

std::string DescribeTimecode(const Timecode& t, absl::string_view relative_title) {
  using P = Timecode::Precision;
  switch (t.precision) {
    case P::kExact:
      return absl::StrCat("at ", FormatClock(t.offset));
    case P::kApproximate:
      return absl::StrCat("around ", FormatClock(t.offset));
    case P::kFractionOfRuntime: {
      double f = t.fraction;
      auto near = [&](double x) { return std::fabs(f - x) < 0.02; };
      if (f <= 0) return "the opening";
      if (f >= 1) return "the ending";
      if (f <= 0.1) return "very early";
      if (near(0.25)) return "about a quarter through";
      if (near(1.0 / 3)) return "about a third through";
      if (near(0.5)) return "about halfway through";
      if (near(2.0 / 3)) return "about two thirds through";
      if (near(0.75)) return "about three quarters through";
      if (f >= 0.9) return "near the end";
      return absl::StrCat("about ", static_cast<int>(std::lround(f * 100)), "% through");
    }
    case P::kRelative: {
      const char* rel = t.relation == Timecode::Relation::kAfter ? "after " : "before ";
      return absl::StrCat(rel, relative_title.empty() ? absl::string_view(t.relative_to)
                                                      : relative_title);
    }
    case P::kUnspecified:
      break;
  }
  return "";
}

}  // namespace longtake::catalog::internal
