#pragma once

// A FilmDirectory for unit tests: films held in a map, every call counted,
// and a switch that makes the "catalogue" unreachable.

#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "common/status/errors.h"
#include "watchlist_service/domain/watchlist.h"

namespace longtake::watchlist::testing {

class FakeFilmDirectory : public FilmDirectory {
 public:
  FakeFilmDirectory() {
    Add("films/the-cranes-are-flying", "The Cranes Are Flying", 1957);
    Add("films/letter-never-sent", "Letter Never Sent", 1959);
    Add("films/i-am-cuba", "I Am Cuba", 1964);
  }

  void Add(const std::string& name, const std::string& title, int year) {
    absl::MutexLock lock(&mu_);
    films_[name] = FilmSummary{title, year};
  }
  void set_down(bool down) {
    absl::MutexLock lock(&mu_);
    down_ = down;
  }
  int calls() const {
    absl::MutexLock lock(&mu_);
    return calls_;
  }
  size_t largest_batch() const {
    absl::MutexLock lock(&mu_);
    return largest_batch_;
  }

  absl::StatusOr<std::vector<FilmSummaryWithName>> BatchGetFilms(
      const std::vector<std::string>& names) override {
    absl::MutexLock lock(&mu_);
    ++calls_;
    largest_batch_ = std::max(largest_batch_, names.size());
    if (down_) {
      return absl::UnavailableError(
          "catalogue unreachable: connection refused (fake)");
    }
    std::vector<FilmSummaryWithName> out;
    for (const std::string& name : names) {
      auto it = films_.find(name);
      if (it == films_.end()) return NotFound(name);
      out.push_back({name, it->second});
    }
    return out;
  }

 private:
  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, FilmSummary> films_ ABSL_GUARDED_BY(mu_);
  bool down_ ABSL_GUARDED_BY(mu_) = false;
  int calls_ ABSL_GUARDED_BY(mu_) = 0;
  size_t largest_batch_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace longtake::watchlist::testing
