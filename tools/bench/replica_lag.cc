// Write-to-visible latency across catalogue replicas that share one store:
// creates a film on --writer, then polls GetFilm on --reader until it answers,
// --writes times, and prints the latencies (from the write's acknowledgement
// to the first successful read) as key=value pairs, like bench_latency.
// Exits 1 when a film is not visible within 30 s.
//
//   bench_replica_lag --writer=127.0.0.1:50051 --reader=127.0.0.1:50061
//     --token="$(longtake token --user bench --curator)" --writes=20

#include <algorithm>
#include <chrono>
#include <iostream>
#include <random>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/config/flags.h"
#include "grpcpp/grpcpp.h"
#include "longtake/catalog/v1/catalog_service.grpc.pb.h"
#include "tools/bench/bench_flags.h"

namespace {

namespace catalog = longtake::catalog::v1;
using Clock = std::chrono::steady_clock;

constexpr absl::Duration kTimeout = absl::Seconds(30);  // per film
constexpr auto kPoll = std::chrono::milliseconds(2);    // between GetFilms

double Millis(Clock::duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

void Deadline(grpc::ClientContext* ctx, absl::Duration d) {
  ctx->set_deadline(std::chrono::system_clock::now() +
                    absl::ToChronoMilliseconds(d));
}

// The value at quantile q of `v` (sorted in place).
double Quantile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(q * v.size()))];
}

}  // namespace

int main(int argc, char** argv) {
  longtake::FlagSet flags(
      "bench_replica_lag",
      "Measures write-to-visible latency between two catalogue replicas.");
  const auto writer_flag = flags.AddString("writer", "", "", "write here");
  const auto reader_flag = flags.AddString("reader", "", "", "poll here");
  const auto token_flag =
      flags.AddString("token", "LONGTAKE_TOKEN", "", "curator bearer token");
  const auto writes_flag = flags.AddInt("writes", "", 20, "films to create");
  if (auto exit_code = longtake::bench::ParseFlagsOrUsage(flags, argc, argv)) {
    return *exit_code;
  }
  auto writer = catalog::CatalogService::NewStub(
      grpc::CreateChannel(*writer_flag, grpc::InsecureChannelCredentials()));
  auto reader = catalog::CatalogService::NewStub(
      grpc::CreateChannel(*reader_flag, grpc::InsecureChannelCredentials()));
  // A run tag keeps film ids unique when the tool runs again on one store.
  std::mt19937 rng(static_cast<uint32_t>(absl::ToUnixNanos(absl::Now())));
  const std::string tag = absl::StrFormat("%08x", rng());

  std::vector<double> visible_ms;
  std::vector<double> create_ms;
  for (int64_t i = 0; i < *writes_flag; ++i) {
    catalog::CreateFilmRequest create;
    create.set_film_id(absl::StrCat("lag-", tag, "-", i));
    create.mutable_film()->set_title(absl::StrCat("Replica Lag ", tag, " ", i));
    create.mutable_film()->set_year(2000);
    catalog::Film created;
    grpc::ClientContext ctx;
    Deadline(&ctx, absl::Seconds(30));
    ctx.AddMetadata("authorization", "Bearer " + *token_flag);
    const Clock::time_point sent = Clock::now();
    grpc::Status s = writer->CreateFilm(&ctx, create, &created);
    const Clock::time_point acknowledged = Clock::now();
    if (!s.ok()) {
      std::cerr << "CreateFilm on " << *writer_flag << ": " << s.error_message()
                << "\n";
      return 1;
    }
    create_ms.push_back(Millis(acknowledged - sent));
    catalog::GetFilmRequest get;
    get.set_name(created.name());
    while (true) {
      grpc::ClientContext read_ctx;
      Deadline(&read_ctx, absl::Seconds(5));
      catalog::Film film;
      grpc::Status r = reader->GetFilm(&read_ctx, get, &film);
      if (r.ok()) break;
      if (r.error_code() != grpc::StatusCode::NOT_FOUND) {
        std::cerr << "GetFilm on " << *reader_flag << ": " << r.error_message()
                  << "\n";
        return 1;
      }
      if (Clock::now() - acknowledged > absl::ToChronoMilliseconds(kTimeout)) {
        std::cerr << created.name() << " not visible on " << *reader_flag
                  << " after " << absl::FormatDuration(kTimeout) << "\n";
        return 1;
      }
      std::this_thread::sleep_for(kPoll);
    }
    visible_ms.push_back(Millis(Clock::now() - acknowledged));
    // The next write at a random moment, so that the writes fall at every
    // phase of the reader's poll period (1 s by default), not in step with it.
    std::this_thread::sleep_for(std::chrono::milliseconds(rng() % 1000));
  }
  if (visible_ms.empty()) {
    std::cerr << "no writes (--writes=0)\n";
    return 1;
  }
  std::cout << absl::StrFormat(
      "writes=%d visible_p50_ms=%.1f visible_max_ms=%.1f visible_min_ms=%.1f "
      "create_p50_ms=%.1f\n",
      static_cast<int>(visible_ms.size()), Quantile(visible_ms, 0.5),
      Quantile(visible_ms, 1.0), Quantile(visible_ms, 0.0),
      Quantile(create_ms, 0.5));
  return 0;
}
