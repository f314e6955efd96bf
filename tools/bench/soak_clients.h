#pragma once

// The client side of the soak benchmark (tools/bench/soak.cc): tokens,
// call contexts, connections of their own, a server's memory from /proc and
// its health, and the text of the report.
//
//   auto channel = OwnConnection("127.0.0.1:50052");
//   std::string health = HealthStatus(channel);   // "SERVING", ...
//   Memory m = ReadMemory(watchlist_pid);         // VmRSS, VmHWM in MiB

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "grpcpp/grpcpp.h"

namespace longtake::bench {

// Every soak user watches this film; the curator's offers are for it, so
// each offer write is an event for every stream.
inline constexpr char kFilm[] = "films/i-am-cuba";
inline constexpr char kProvider[] = "providers/mr-bongo";
inline constexpr char kRegion[] = "GB";
inline constexpr auto kCallDeadline = std::chrono::seconds(5);

// The one place that mints bearer tokens.
std::string MintToken(const std::string& secret, const std::string& user,
                      bool curator);

std::string CodeName(grpc::StatusCode code);
// "0", or "CODE:n,CODE:n".
std::string CodesText(const std::map<grpc::StatusCode, int64_t>& codes);
// The p-quantile (0..1) of `v` (reordered); 0 when empty.
double Percentile(std::vector<double>& v, double p);
// A context with the soak's deadline and, unless empty, the bearer token.
std::unique_ptr<grpc::ClientContext> Context(const std::string& token);
// A channel with a connection of its own (not shared with other channels to
// the same address), as a separate client would have.
std::shared_ptr<grpc::Channel> OwnConnection(const std::string& addr);

struct Memory {
  double rss_mib = -1;  // VmRSS; -1 when unknown (no pid, process gone)
  double hwm_mib = -1;  // VmHWM: the RSS high-water since the process began
};
Memory ReadMemory(int64_t pid);

// "SERVING", another ServingStatus name, or the failed call's code.
std::string HealthStatus(const std::shared_ptr<grpc::Channel>& channel);

// "12.3", or "?" when unknown.
std::string Mib(double mib);

}  // namespace longtake::bench
