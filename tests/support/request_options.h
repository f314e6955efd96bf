#pragma once

// A write's options as a caller sends them, for the per-caller request-id
// tests of both services (their WriteOptions share these fields):
//
//   auto o = RequestAs<WriteOptions>("shared-key", "alice", "fingerprint-1");

#include <string>
#include <utility>

namespace longtake::testing {

template <typename Options>
Options RequestAs(std::string request_id, std::string caller,
                  std::string request_hash) {
  Options options;
  options.request_id = std::move(request_id);
  options.caller = std::move(caller);
  options.request_hash = std::move(request_hash);
  return options;
}

}  // namespace longtake::testing
