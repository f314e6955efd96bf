#include "catalog_service/domain/filter.h"

#include <algorithm>
#include <cctype>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "catalog_service/domain/catalog_validation.h"
#include "catalog_service/domain/json_codec.h"
#include "common/status/errors.h"

namespace longtake::catalog::internal {

namespace {

bool IsIdentChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.';
}
bool IsValueChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' ||
         c == '/' || c == '.';
}

// Person and era conditions take a resource name of `collection`.
absl::Status CheckResourceName(const Condition& c, const char* collection,
                               const char* example) {
  if (ParseName(c.value, collection)) return absl::OkStatus();
  return InvalidFilter(absl::StrCat(c.field,
                                    " needs a resource name such as \"",
                                    example, "\"; got \"", c.value, "\""));
}

}  // namespace

absl::StatusOr<std::vector<Condition>> ParseFilter(
    absl::string_view filter, const std::vector<std::string>& allowed) {
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
      return InvalidFilter(absl::StrCat("expected a field name at position ",
                                        start + 1, "; fields: ", allowed_list));
    }
    if (field == "OR" || field == "NOT" || field == "AND") {
      return InvalidFilter(
          absl::StrCat("unexpected ", field,
                       ": only conditions joined with AND are supported"));
    }
    bool known = false;
    for (const std::string& a : allowed) known = known || a == field;
    if (!known) {
      return InvalidFilter(absl::StrCat("unknown field \"", field,
                                        "\"; fields: ", allowed_list));
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
      return InvalidFilter(absl::StrCat(
          "expected an operator (=, !=, <, <=, >, >=) after \"", field, "\""));
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
      if (!closed)
        return InvalidFilter("unterminated string: a closing \" is missing");
      c.quoted = true;
    } else {
      size_t vstart = i;
      while (i < n && IsValueChar(filter[i])) ++i;
      c.value = std::string(filter.substr(vstart, i - vstart));
      if (c.value.empty()) {
        return InvalidFilter(
            absl::StrCat("expected a value after \"", field, " ", op, "\""));
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
        return InvalidFilter(absl::StrCat(
            "\"", word, "\" is not supported: join conditions with AND"));
      }
      return InvalidFilter(absl::StrCat("expected AND at position ", kw + 1));
    }
    skip_space();
    if (i == n) return InvalidFilter("a condition must follow AND");
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
        return InvalidFilter(absl::StrCat(
            "year needs a number, e.g. year >= 1955; got \"", c.value, "\""));
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
        return InvalidFilter("year supports =, <, <=, >, >=");
      }
      continue;
    }
    if (c.op != "=") {
      return InvalidFilter(absl::StrCat(c.field, " supports only ="));
    }
    if (c.field == "person") {
      LONGTAKE_RETURN_IF_ERROR(
          CheckResourceName(c, "people", "people/mikhail-kalatozov"));
      f.persons.push_back(c.value);
    } else if (c.field == "era") {
      LONGTAKE_RETURN_IF_ERROR(
          CheckResourceName(c, "eras", "eras/khrushchev-thaw"));
      f.eras.push_back(c.value);
    } else if (c.field == "role") {
      auto role = ParseCreditRole(c.value);
      if (!role || *role == CreditRole::kUnspecified) {
        return InvalidFilter(absl::StrCat("unknown role \"", c.value,
                                          "\"; use a CreditRole name such as "
                                          "\"CREDIT_ROLE_DIRECTOR\""));
      }
      f.roles.push_back(*role);
    } else if (c.field == "technique") {
      auto t = ParseCameraTechnique(c.value);
      if (!t || *t == CameraTechnique::kUnspecified) {
        return InvalidFilter(
            absl::StrCat("unknown technique \"", c.value,
                         "\"; use a CameraTechnique name such as "
                         "\"CAMERA_TECHNIQUE_CRANE_SHOT\""));
      }
      f.techniques.push_back(*t);
    }
  }
  return f;
}

}  // namespace longtake::catalog::internal
