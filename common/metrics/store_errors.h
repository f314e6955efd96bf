#pragma once

// Counts the store's failures (longtake_store_errors_total, by operation):
// a store decorator passes every result through Check, which counts the
// errors that mean the database failed (INTERNAL, UNAVAILABLE, DATA_LOSS,
// UNKNOWN, ABORTED, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED), not the answers
// a store gives by design (NOT_FOUND, ALREADY_EXISTS, FAILED_PRECONDITION...).
//
//   StoreErrorCounter errors(registry);
//   absl::Status Apply(const WriteBatch& batch) override {
//     return errors_.Check("Apply", inner_->Apply(batch));
//   }

#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/metrics/metrics.h"

namespace longtake::metrics {

inline bool IsStoreFailure(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kInternal:
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kDataLoss:
    case absl::StatusCode::kUnknown:
    case absl::StatusCode::kAborted:
    case absl::StatusCode::kDeadlineExceeded:
    case absl::StatusCode::kResourceExhausted:
      return true;
    default:
      return false;
  }
}

class StoreErrorCounter {
 public:
  explicit StoreErrorCounter(Registry& registry)
      : errors_(registry.AddCounterFamily(
            "longtake_store_errors_total",
            "Store (SQLite or PostgreSQL) calls that failed, by operation.",
            {"operation"})) {}

  absl::Status Check(absl::string_view operation, absl::Status status) {
    if (IsStoreFailure(status)) errors_.WithLabels({operation}).Increment();
    return status;
  }
  template <typename T>
  absl::StatusOr<T> Check(absl::string_view operation,
                          absl::StatusOr<T> result) {
    if (IsStoreFailure(result.status())) {
      errors_.WithLabels({operation}).Increment();
    }
    return result;
  }

 private:
  Family<Counter>& errors_;
};

}  // namespace longtake::metrics
