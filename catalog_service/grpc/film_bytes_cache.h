#pragma once

// The serialized v1.Film replies GetFilm answers with, kept by film name and
// etag and bounded by bytes: the read model holds films compactly and
// decodes them per read, so the hot path keeps the bytes of the films read
// often instead. Eviction is approximately least-recently-used: a hit only
// stamps its entry (under the shared lock), and when an insert passes the
// bound the stalest entries go in one sweep, down to 3/4 of the bound.
//
//   FilmBytesCache cache(64 << 20);
//   if (std::optional<grpc::Slice> hit = cache.Find(name, etag)) ...
//   cache.Put(film.name, film.etag, grpc::Slice(proto.SerializeAsString()));
//
// Thread-safe.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "grpcpp/support/slice.h"

namespace longtake::catalog {

class FilmBytesCache {
 public:
  // At most `max_bytes` of replies (and their keys) are kept; 0 keeps none.
  explicit FilmBytesCache(size_t max_bytes) : max_bytes_(max_bytes) {}

  // The bytes cached for this version of the film, if any.
  std::optional<grpc::Slice> Find(absl::string_view name,
                                  absl::string_view etag) const;
  // Caches the bytes of a film version, replacing the film's older one.
  void Put(absl::string_view name, absl::string_view etag, grpc::Slice bytes);

  size_t bytes() const;
  size_t size() const;

 private:
  struct Entry {
    std::string etag;
    grpc::Slice bytes;
    mutable std::atomic<uint64_t> used{0};
  };
  static size_t Cost(absl::string_view name, const Entry& e);
  void EvictLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const size_t max_bytes_;
  mutable std::atomic<uint64_t> clock_{0};
  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, std::unique_ptr<Entry>> entries_
      ABSL_GUARDED_BY(mu_);
  size_t bytes_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace longtake::catalog
