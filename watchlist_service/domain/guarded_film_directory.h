#pragma once

// A FilmDirectory that stops asking a catalogue that is down or frozen: after
// a run of outages (UNAVAILABLE, DEADLINE_EXCEEDED) a circuit breaker opens
// and calls fail at once with UNAVAILABLE CATALOG_UNAVAILABLE, so lists
// degrade (unenriched) in microseconds instead of each waiting out the
// catalogue deadline; after a cooldown one trial call checks whether it is
// back.
//
//   CatalogFilmDirectory remote(address, deadline);
//   GuardedFilmDirectory directory(&remote, {.failure_threshold = 5,
//                                            .open_for = absl::Seconds(2)});
//   auto watchlist = Watchlist::Create(std::move(store), &directory, ...);

#include <string>
#include <vector>

#include "common/concurrency/circuit_breaker.h"
#include "watchlist_service/domain/watchlist.h"

namespace longtake::watchlist {

class GuardedFilmDirectory : public FilmDirectory {
 public:
  // `inner` must outlive this directory.
  GuardedFilmDirectory(FilmDirectory* inner, CircuitBreaker::Options options);

  absl::StatusOr<std::vector<FilmSummaryWithName>> BatchGetFilms(
      const std::vector<std::string>& names) override;

  CircuitBreaker::State state() const { return breaker_.state(); }

 private:
  FilmDirectory* inner_;
  const CircuitBreaker::Options options_;
  CircuitBreaker breaker_;
};

}  // namespace longtake::watchlist
