#include "common/tracing/trace_context.h"

#include <random>

#include "absl/strings/str_cat.h"

namespace longtake {
namespace {

thread_local const TraceContext* current_trace = nullptr;

bool LowerHex(absl::string_view text) {
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

bool AllZero(absl::string_view text) {
  return text.find_first_not_of('0') == absl::string_view::npos;
}

int HexDigit(char c) { return c <= '9' ? c - '0' : c - 'a' + 10; }

std::string RandomHex(size_t digits) {
  thread_local std::mt19937_64 random{std::random_device{}()};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  do {
    out.clear();
    while (out.size() < digits) {
      uint64_t bits = random();
      for (int i = 0; i < 16 && out.size() < digits; ++i, bits >>= 4) {
        out += kHex[bits & 0xf];
      }
    }
  } while (AllZero(out));
  return out;
}

}  // namespace

std::optional<TraceContext> ParseTraceparent(absl::string_view value) {
  // version "-" trace-id "-" parent-id "-" flags: 2+1+32+1+16+1+2 = 55.
  constexpr size_t kLength = 55;
  if (value.size() < kLength) return std::nullopt;
  const absl::string_view version = value.substr(0, 2);
  if (!LowerHex(version) || version == "ff") return std::nullopt;
  if (version == "00" ? value.size() != kLength
                      : value.size() > kLength && value[kLength] != '-') {
    return std::nullopt;
  }
  if (value[2] != '-' || value[35] != '-' || value[52] != '-') {
    return std::nullopt;
  }
  const absl::string_view trace_id = value.substr(3, 32);
  const absl::string_view parent_id = value.substr(36, 16);
  const absl::string_view flags = value.substr(53, 2);
  if (!LowerHex(trace_id) || !LowerHex(parent_id) || !LowerHex(flags) ||
      AllZero(trace_id) || AllZero(parent_id)) {
    return std::nullopt;
  }
  TraceContext trace;
  trace.trace_id = std::string(trace_id);
  trace.parent_id = std::string(parent_id);
  trace.flags =
      static_cast<uint8_t>(HexDigit(flags[0]) * 16 + HexDigit(flags[1]));
  return trace;
}

std::string FormatTraceparent(const TraceContext& trace) {
  static constexpr char kHex[] = "0123456789abcdef";
  const char flags[3] = {kHex[trace.flags >> 4], kHex[trace.flags & 0xf], 0};
  return absl::StrCat("00-", trace.trace_id, "-", trace.parent_id, "-", flags);
}

TraceContext NewTrace() {
  TraceContext trace;
  trace.trace_id = RandomHex(32);
  trace.parent_id = RandomHex(16);
  return trace;
}

TraceContext ChildOf(const TraceContext& trace) {
  TraceContext child = trace;
  do {
    child.parent_id = RandomHex(16);
  } while (child.parent_id == trace.parent_id);
  return child;
}

const TraceContext* CurrentTrace() { return current_trace; }

ScopedTrace::ScopedTrace(std::optional<TraceContext> trace)
    : trace_(std::move(trace)), previous_(current_trace) {
  current_trace = trace_ ? &*trace_ : nullptr;
}

ScopedTrace::~ScopedTrace() { current_trace = previous_; }

}  // namespace longtake
