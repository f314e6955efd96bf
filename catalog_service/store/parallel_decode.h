#pragma once

// Decodes a run of stored rows on every core, keeping their order: what
// both stores' LoadAll do with the docs they read (decoding, not the
// database, is most of loading a large catalogue).
//
//   LONGTAKE_RETURN_IF_ERROR(DecodeInParallel(
//       rows.size(),
//       [&](size_t i, Film* film) { return DecodeRow(rows[i], film); },
//       &snapshot.films));

#include <algorithm>
#include <cstddef>
#include <thread>
#include <vector>

#include "absl/status/status.h"

namespace longtake::catalog {

// Appends `count` values to `out`: the i-th is filled by decode(i, &value),
// which must be safe to call from several threads at once. Returns the
// first error (by index) and then leaves `out` with the values appended,
// decoded or not.
template <typename T, typename Decode>
absl::Status DecodeInParallel(size_t count, const Decode& decode,
                              std::vector<T>* out) {
  constexpr size_t kMinPerThread = 512;
  const size_t cores = std::max(1u, std::thread::hardware_concurrency());
  const size_t threads =
      std::clamp<size_t>(count / kMinPerThread, 1, std::min<size_t>(cores, 16));
  const size_t base = out->size();
  out->resize(base + count);
  std::vector<absl::Status> errors(threads);
  auto run = [&](size_t part) {
    const size_t begin = count * part / threads;
    const size_t end = count * (part + 1) / threads;
    for (size_t i = begin; i < end; ++i) {
      absl::Status s = decode(i, &(*out)[base + i]);
      if (!s.ok()) {
        errors[part] = std::move(s);
        return;
      }
    }
  };
  std::vector<std::thread> helpers;
  for (size_t part = 1; part < threads; ++part) helpers.emplace_back(run, part);
  run(0);
  for (std::thread& t : helpers) t.join();
  for (absl::Status& s : errors) {
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

}  // namespace longtake::catalog
