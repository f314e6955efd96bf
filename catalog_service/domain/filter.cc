#include "catalog_service/domain/filter.h"

#include <cctype>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/domain/field_limits.h"
#include "common/status/errors.h"

namespace longtake::catalog::internal {
namespace {

bool IsIdentChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.';
}
bool IsValueChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' ||
         c == '/' || c == '.' || c == '*';
}

// Recursive descent over AIP-160's grammar, restricted to what the catalogue
// evaluates:
//   expression := factor { AND factor }
//   factor     := term { OR term }
//   term       := [ NOT | - ] ( condition | "(" expression ")" )
class Parser {
 public:
  Parser(absl::string_view text, const std::vector<std::string>& allowed)
      : text_(text), allowed_(allowed) {}

  absl::StatusOr<FilterExpr> Parse() {
    SkipSpace();
    if (pos_ == text_.size()) return FilterExpr{};
    LONGTAKE_ASSIGN_OR_RETURN(FilterExpr e, Expression());
    SkipSpace();
    if (pos_ != text_.size()) {
      if (text_[pos_] == ')') return Error("unmatched \")\"");
      return Error(absl::StrCat("expected AND or OR at position ", pos_ + 1));
    }
    return e;
  }

 private:
  static absl::Status Error(std::string description) {
    return InvalidFilter(std::move(description));
  }

  void SkipSpace() {
    while (pos_ < text_.size() &&
           std::isspace(static_cast<unsigned char>(text_[pos_]))) {
      ++pos_;
    }
  }
  // Consumes `word` when it comes next as a whole word.
  bool Keyword(absl::string_view word) {
    SkipSpace();
    if (text_.substr(pos_, word.size()) != word) return false;
    size_t end = pos_ + word.size();
    if (end < text_.size() && IsIdentChar(text_[end])) return false;
    pos_ = end;
    return true;
  }
  bool Symbol(char c) {
    SkipSpace();
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }

  // Joins `first` and what `next` parses while `separator` follows.
  template <typename Next>
  absl::StatusOr<FilterExpr> Joined(FilterExpr::Kind kind,
                                    absl::string_view separator, Next next) {
    LONGTAKE_ASSIGN_OR_RETURN(FilterExpr first, next());
    FilterExpr joined;
    joined.kind = kind;
    joined.operands.push_back(std::move(first));
    while (Keyword(separator)) {
      SkipSpace();
      if (pos_ == text_.size()) {
        return Error(absl::StrCat("a condition must follow ", separator));
      }
      LONGTAKE_ASSIGN_OR_RETURN(FilterExpr operand, next());
      joined.operands.push_back(std::move(operand));
    }
    if (joined.operands.size() == 1) return std::move(joined.operands[0]);
    return joined;
  }

  absl::StatusOr<FilterExpr> Expression() {
    return Joined(FilterExpr::Kind::kAnd, "AND", [this] { return Factor(); });
  }
  absl::StatusOr<FilterExpr> Factor() {
    return Joined(FilterExpr::Kind::kOr, "OR", [this] { return Term(); });
  }
  absl::StatusOr<FilterExpr> Term() {
    if (Keyword("NOT") || Symbol('-')) {
      LONGTAKE_ASSIGN_OR_RETURN(FilterExpr operand, Term());
      FilterExpr negated;
      negated.kind = FilterExpr::Kind::kNot;
      negated.operands.push_back(std::move(operand));
      return negated;
    }
    if (Symbol('(')) {
      LONGTAKE_ASSIGN_OR_RETURN(FilterExpr inner, Expression());
      if (!Symbol(')')) return Error("a closing \")\" is missing");
      return inner;
    }
    return ConditionTerm();
  }

  absl::StatusOr<FilterExpr> ConditionTerm() {
    SkipSpace();
    const size_t start = pos_;
    while (pos_ < text_.size() && IsIdentChar(text_[pos_])) ++pos_;
    std::string field(text_.substr(start, pos_ - start));
    const std::string fields = absl::StrJoin(allowed_, ", ");
    if (field.empty()) {
      return Error(absl::StrCat("expected a field name at position ", start + 1,
                                "; fields: ", fields));
    }
    if (field == "AND" || field == "OR") {
      return Error(absl::StrCat("unexpected ", field, " at position ",
                                start + 1, ": a condition must come first"));
    }
    bool known = false;
    for (const std::string& a : allowed_) known = known || a == field;
    if (!known) {
      if (field == "and" || field == "or" || field == "not") {
        return Error(absl::StrCat("\"", field,
                                  "\" must be written in capitals (AND, OR, "
                                  "NOT)"));
      }
      return Error(
          absl::StrCat("unknown field \"", field, "\"; fields: ", fields));
    }
    SkipSpace();
    FilterExpr e;
    e.kind = FilterExpr::Kind::kCondition;
    Condition& c = e.condition;
    c.field = std::move(field);
    if (pos_ < text_.size() &&
        (text_[pos_] == '=' || text_[pos_] == '<' || text_[pos_] == '>' ||
         text_[pos_] == '!' || text_[pos_] == ':')) {
      c.op.push_back(text_[pos_++]);
      if (pos_ < text_.size() && text_[pos_] == '=') c.op.push_back('=');
      if (c.op.size() == 2) ++pos_;
    }
    if (c.op == ":") c.op = "=";
    if (c.op.empty() || c.op == "!") {
      return Error(
          absl::StrCat("expected an operator (=, !=, <, <=, >, >=) after \"",
                       c.field, "\""));
    }
    SkipSpace();
    if (pos_ < text_.size() && text_[pos_] == '"') {
      ++pos_;
      bool closed = false;
      while (pos_ < text_.size()) {
        char ch = text_[pos_++];
        if (ch == '\\' && pos_ < text_.size()) {
          c.value.push_back(text_[pos_++]);
        } else if (ch == '"') {
          closed = true;
          break;
        } else {
          c.value.push_back(ch);
        }
      }
      if (!closed) return Error("unterminated string: a closing \" is missing");
      c.quoted = true;
    } else {
      const size_t value_start = pos_;
      while (pos_ < text_.size() && IsValueChar(text_[pos_])) ++pos_;
      c.value = std::string(text_.substr(value_start, pos_ - value_start));
      if (c.value.empty()) {
        return Error(absl::StrCat("expected a value after \"", c.field, " ",
                                  c.op, "\""));
      }
    }
    return e;
  }

  absl::string_view text_;
  const std::vector<std::string>& allowed_;
  size_t pos_ = 0;
};

}  // namespace

absl::StatusOr<FilterExpr> ParseFilterExpr(
    absl::string_view filter, const std::vector<std::string>& allowed) {
  // Also bounds the parser's recursion (parentheses nest).
  LONGTAKE_RETURN_IF_ERROR(CheckFilter(filter));
  return Parser(filter, allowed).Parse();
}

absl::StatusOr<std::vector<Condition>> ParseFilter(
    absl::string_view filter, const std::vector<std::string>& allowed) {
  LONGTAKE_ASSIGN_OR_RETURN(FilterExpr e, ParseFilterExpr(filter, allowed));
  if (e.kind == FilterExpr::Kind::kCondition) return std::vector{e.condition};
  std::vector<Condition> conditions;
  for (const FilterExpr& operand : e.operands) {
    if (e.kind != FilterExpr::Kind::kAnd ||
        operand.kind != FilterExpr::Kind::kCondition) {
      return InvalidFilter(
          "only conditions joined with AND are supported here (OR, NOT and "
          "parentheses are for ListFilms)");
    }
    conditions.push_back(operand.condition);
  }
  return conditions;
}

}  // namespace longtake::catalog::internal
