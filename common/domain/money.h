#pragma once

// google.type.Money without protobuf, for domain code: units + nanos/1e9,
// same sign, nanos in (-1e9, 1e9). Converted in common/grpc/well_known_types.

#include <cstdint>
#include <string>

namespace longtake {

struct Money {
  std::string currency_code;  // ISO 4217, e.g. "GBP"
  int64_t units = 0;
  int32_t nanos = 0;

  friend bool operator==(const Money&, const Money&) = default;
};

}  // namespace longtake
