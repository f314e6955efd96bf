#include "watchlist_service/domain/guarded_film_directory.h"

#include "absl/strings/str_cat.h"
#include "common/status/errors.h"
#include "watchlist_service/domain/watchlist_errors.h"

namespace longtake::watchlist {
namespace {

bool IsOutage(const absl::Status& status) {
  return status.code() == absl::StatusCode::kUnavailable ||
         status.code() == absl::StatusCode::kDeadlineExceeded;
}

}  // namespace

GuardedFilmDirectory::GuardedFilmDirectory(FilmDirectory* inner,
                                           CircuitBreaker::Options options)
    : inner_(inner), options_(options), breaker_(options) {}

absl::StatusOr<std::vector<FilmSummaryWithName>>
GuardedFilmDirectory::BatchGetFilms(const std::vector<std::string>& names) {
  if (!breaker_.Allow()) {
    return ErrorWithReason(
        absl::StatusCode::kUnavailable, kCatalogUnavailable,
        absl::StrCat("the catalogue failed ", options_.failure_threshold,
                     " calls in a row and is not asked again for up to ",
                     absl::FormatDuration(options_.open_for),
                     " (circuit open); try again shortly"));
  }
  absl::StatusOr<std::vector<FilmSummaryWithName>> films =
      inner_->BatchGetFilms(names);
  breaker_.Record(!IsOutage(films.status()));
  return films;
}

}  // namespace longtake::watchlist
