#pragma once

// The W3C `traceparent` of gRPC calls (common/tracing/trace_context.h): read
// from a call a server received, and forwarded on a call it makes.
//
//   // serving, before handing work to another thread:
//   std::optional<TraceContext> trace = IncomingTrace(*ctx);
//   queue.Submit([trace] { ScopedTrace scope(trace); ... });
//   // calling another service from that work:
//   grpc::ClientContext context;
//   ForwardTrace(&context);   // same trace id, new parent id
//
// The ServerRunner's call interceptor puts a fresh traceparent on every call
// that came without a valid one, so IncomingTrace names the trace the call
// log line shows.

#include <optional>

#include "common/tracing/trace_context.h"
#include "grpcpp/client_context.h"
#include "grpcpp/server_context.h"

namespace longtake {

// The call's traceparent, or nullopt when it has none or a malformed one.
std::optional<TraceContext> IncomingTrace(
    const grpc::ServerContextBase& context);

// Adds traceparent ChildOf(CurrentTrace()) to `context` when the current
// thread works for a trace; does nothing otherwise.
void ForwardTrace(grpc::ClientContext* context);

}  // namespace longtake
