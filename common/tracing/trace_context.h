#pragma once

// W3C Trace Context (https://www.w3.org/TR/trace-context/) `traceparent`
// values, so one request can be followed across both services: the servers
// accept it on incoming calls, write its trace id in the call log line, and
// the watchlist forwards it (same trace id, new parent id) on its call to
// the catalogue. A malformed value is ignored (a new trace starts), never an
// error.
//
//   std::optional<TraceContext> in = ParseTraceparent(
//       "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
//   TraceContext trace = in ? *in : NewTrace();
//   ScopedTrace scope(trace);                 // this thread, until scope ends
//   ... CurrentTrace() ...                    // what an outgoing call forwards
//   std::string header = FormatTraceparent(ChildOf(*CurrentTrace()));

#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace longtake {

inline constexpr char kTraceparentHeader[] = "traceparent";

struct TraceContext {
  std::string trace_id;   // 32 lowercase hex digits, not all zero
  std::string parent_id;  // 16 lowercase hex digits, not all zero
  uint8_t flags = 0;      // bit 0: sampled
};

// A traceparent value as the specification reads it: version 00 is exactly
// "00-<trace-id>-<parent-id>-<flags>"; a later version may append
// "-<more>" (its first four fields are used); version ff, upper-case hex, an
// all-zero id or any other shape is nullopt.
std::optional<TraceContext> ParseTraceparent(absl::string_view value);
// "00-<trace-id>-<parent-id>-<flags>".
std::string FormatTraceparent(const TraceContext& trace);

// A new trace (random trace and parent ids, sampled flag clear).
TraceContext NewTrace();
// The same trace and flags with a new random parent id: what a service sends
// on the calls it makes while serving `trace`.
TraceContext ChildOf(const TraceContext& trace);

// The trace the current thread works for, or null.
const TraceContext* CurrentTrace();

// Makes `trace` the current thread's trace until destroyed (then restores
// the previous one). Work handed to another thread carries its trace by
// opening a ScopedTrace there.
class ScopedTrace {
 public:
  explicit ScopedTrace(std::optional<TraceContext> trace);
  ~ScopedTrace();
  ScopedTrace(const ScopedTrace&) = delete;
  ScopedTrace& operator=(const ScopedTrace&) = delete;

 private:
  std::optional<TraceContext> trace_;
  const TraceContext* previous_;
};

}  // namespace longtake
