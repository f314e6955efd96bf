#pragma once

// GoogleTest helpers for absl::Status and absl::StatusOr, so a failing test
// prints the status instead of "Value of: x.ok() Actual: false".
//
//   ASSERT_OK(catalog->DeleteFilm(name, "", {}));
//   ASSERT_OK_AND_ASSIGN(auto film, catalog->GetFilm("films/i-am-cuba"));
//   EXPECT_THAT(catalog->GetFilm("films/nope"),
//               StatusIs(absl::StatusCode::kNotFound, "RESOURCE_NOT_FOUND"));
//   EXPECT_THAT(TimeFromProto(ts, "offer.available_from"), IsOkAndHolds(t));

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "common/status/errors.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace longtake::testing {

inline const absl::Status& GetStatus(const absl::Status& status) {
  return status;
}
template <typename T>
const absl::Status& GetStatus(const absl::StatusOr<T>& status_or) {
  return status_or.status();
}

// Matches a Status or StatusOr with `code` (and, when given, the ErrorInfo
// reason carried as a payload; see common/status/errors.h).
MATCHER_P(StatusIs, code,
          absl::StrCat("has status code ", absl::StatusCodeToString(code))) {
  const absl::Status& status = ::longtake::testing::GetStatus(arg);
  *result_listener << "whose status is " << status;
  return status.code() == code;
}
MATCHER_P2(StatusIs, code, reason,
           absl::StrCat("has status code ", absl::StatusCodeToString(code),
                        " and reason ", std::string(reason))) {
  const absl::Status& status = ::longtake::testing::GetStatus(arg);
  *result_listener << "whose status is " << status << " (reason \""
                   << ::longtake::ErrorReason(status) << "\")";
  return status.code() == code &&
         ::longtake::ErrorReason(status) == std::string(reason);
}

MATCHER(IsOk, "is OK") {
  const absl::Status& status = ::longtake::testing::GetStatus(arg);
  *result_listener << "whose status is " << status;
  return status.ok();
}

// Matches an OK StatusOr whose value matches `value_matcher`:
//   EXPECT_THAT(TimeFromProto(ts, "t"), IsOkAndHolds(t));
MATCHER_P(IsOkAndHolds, value_matcher, "is OK and holds a matching value") {
  if (!arg.ok()) {
    *result_listener << "whose status is " << arg.status();
    return false;
  }
  return ::testing::ExplainMatchResult(value_matcher, *arg, result_listener);
}

// The field paths of the error's BadRequest violations, in order:
//   EXPECT_THAT(ViolatedFields(status), ElementsAre("film.title"));
inline std::vector<std::string> ViolatedFields(const absl::Status& status) {
  std::vector<std::string> out;
  for (const FieldViolation& v : ErrorFieldViolations(status)) {
    out.push_back(v.field);
  }
  return out;
}

}  // namespace longtake::testing

#define EXPECT_OK(expr) EXPECT_THAT((expr), ::longtake::testing::IsOk())
#define ASSERT_OK(expr) ASSERT_THAT((expr), ::longtake::testing::IsOk())

#define LONGTAKE_TEST_CONCAT_INNER_(a, b) a##b
#define LONGTAKE_TEST_CONCAT_(a, b) LONGTAKE_TEST_CONCAT_INNER_(a, b)
// Asserts that a StatusOr is OK and moves its value into `lhs`, which may
// declare a variable ("auto film").
#define ASSERT_OK_AND_ASSIGN(lhs, expr)                                    \
  ASSERT_OK_AND_ASSIGN_IMPL_(LONGTAKE_TEST_CONCAT_(_status_or_, __LINE__), \
                             lhs, expr)
#define ASSERT_OK_AND_ASSIGN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                               \
  ASSERT_OK(tmp);                                  \
  lhs = std::move(tmp).value()
