#pragma once

// A client context for tests that call the real servers: a deadline (so a
// hung server fails the test instead of the CI run) and, when given, a
// bearer token.
//
//   stub->GetFilm(CallContext(token).get(), request, &film);

#include <memory>
#include <string>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "grpcpp/client_context.h"

namespace longtake::testing {

inline std::unique_ptr<grpc::ClientContext> CallContext(
    const std::string& token = "", absl::Duration timeout = absl::Seconds(20)) {
  auto context = std::make_unique<grpc::ClientContext>();
  if (!token.empty()) context->AddMetadata("authorization", "Bearer " + token);
  context->set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  return context;
}

}  // namespace longtake::testing
