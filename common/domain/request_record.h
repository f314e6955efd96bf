#pragma once

// What a write with a request id (AIP-155) produced, kept by the store in the
// same transaction as the write, so that a retry with the same id returns the
// first result instead of writing again. One shape for both services.

#include <string>

namespace longtake {

struct RequestRecord {
  std::string request_id;
  std::string method;    // "CreateFilm", "DeleteWatchlistItem", ...
  std::string resource;  // name of the resource written ("" if none)
  std::string response;  // optional method-specific payload (e.g. JSON)
};

}  // namespace longtake
