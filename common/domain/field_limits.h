#pragma once

// The documented maximums of what a client may send to either service: the
// size of every string and list field of a request, and the range of
// timestamps and durations (API.md, "Limits", lists each field). One home
// for the numbers and one wording for the errors, so that the checks, their
// messages and the docs agree. Each check is INVALID_ARGUMENT (reason
// INVALID_ARGUMENT) naming the field and the limit (common/status/errors.h),
// or appends that violation for validators that collect them.
//
//   LONGTAKE_RETURN_IF_ERROR(CheckRequestId(options.request_id));
//   CheckBytes(offer.edition, "offer.edition", kMaxShortTextBytes, &v);
//   CheckEntries(offer.extras.size(), "offer.extras", kMaxListEntries, &v);
//
// Resource names, ids, region codes and update_mask paths need no number of
// their own: each must match its pattern, which bounds it.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "common/status/errors.h"

namespace longtake {

// ---- Request plumbing (both services) ----

// The catalogue's limit before limits were documented; a UUID takes 36.
inline constexpr size_t kMaxRequestIdBytes = 200;
// Far above the tokens the services issue (a film title and a name).
inline constexpr size_t kMaxPageTokenBytes = 4096;
inline constexpr size_t kMaxFilterBytes = 2048;
inline constexpr size_t kMaxOrderByBytes = 128;
// Etags are 16 hex digits (common/domain/etag.h); room for another scheme.
inline constexpr size_t kMaxEtagBytes = 128;
// Names per BatchGetFilms and ReorderWatchlistItems, entries per
// ImportFilms.
inline constexpr size_t kMaxBatchSize = 1000;

// ---- Catalogue resources: the limits they had before this file ----

// Titles, names, characters, credit notes, awards, each entry of a text list
// (aliases, studios, notes...), a SearchFilms query, a timecode description.
inline constexpr size_t kMaxCatalogTextBytes = 1000;
// Synopsis, biography, a sequence's description and filming method.
inline constexpr size_t kMaxCatalogLongTextBytes = 20000;
// Genres and rating sources: short lowercase words.
inline constexpr size_t kMaxLabelBytes = 40;
// Every list of a film, person or sequence, and the people and sequences of
// one ImportFilms entry (real films credit hundreds of people).
inline constexpr size_t kMaxCatalogListEntries = 1000;

// ---- Everything else (the watchlist, update masks) ----

// Provider display names, offer editions, each offer extra.
inline constexpr size_t kMaxShortTextBytes = 256;
// A watchlist item's note.
inline constexpr size_t kMaxNoteBytes = 4096;
// home_page_uri, deep_link_uri.
inline constexpr size_t kMaxUriBytes = 2048;
// Provider regions, offer extras, subscriptions, WatchAvailability regions,
// update_mask paths. (There are 249 ISO 3166-1 regions.)
inline constexpr size_t kMaxListEntries = 250;
// The watchlist's default --max-request-bytes: its largest valid request (a
// ReorderWatchlistItems of kMaxBatchSize names, about 170 KiB) fits, and a
// burst of oversized ones is refused by gRPC before their bodies are read.
inline constexpr int64_t kMaxWatchlistRequestBytes = 256 * 1024;

// ---- google.protobuf.Timestamp and Duration (their documented range) ----

inline constexpr int64_t kMinTimestampSeconds = -62135596800;  // 0001-01-01
inline constexpr int64_t kMaxTimestampSeconds = 253402300799;  // 9999-12-31
inline constexpr int64_t kMaxDurationSeconds = 315576000000;   // 10,000 years
inline constexpr int32_t kNanosPerSecond = 1000000000;

// ---- Checks ----

// "is too long (at most N bytes; got M)" naming `field`, when `value` is
// longer than `max` bytes. The second form appends the violation instead and
// returns whether `value` is within the limit.
absl::Status CheckBytes(absl::string_view value, absl::string_view field,
                        size_t max);
bool CheckBytes(absl::string_view value, absl::string_view field, size_t max,
                std::vector<FieldViolation>* violations);

// "has too many entries (at most N; got M)" naming `field`, when `count` is
// above `max`. The second form appends the violation instead and returns
// whether `count` is within the limit (so a caller can skip the entries).
absl::Status CheckEntries(size_t count, absl::string_view field, size_t max);
bool CheckEntries(size_t count, absl::string_view field, size_t max,
                  std::vector<FieldViolation>* violations);

// The request fields both services take, each naming itself.
absl::Status CheckRequestId(absl::string_view request_id);
absl::Status CheckPageToken(absl::string_view page_token);
absl::Status CheckFilter(absl::string_view filter);
absl::Status CheckOrderBy(absl::string_view order_by);

// A google.protobuf.Timestamp: seconds from 0001-01-01T00:00:00Z to
// 9999-12-31T23:59:59Z, nanos in [0, 1e9).
absl::Status CheckTimestamp(int64_t seconds, int32_t nanos,
                            absl::string_view field);
// A google.protobuf.Duration: |seconds| up to 315,576,000,000, |nanos| below
// 1e9, and nanos of the same sign as seconds (or zero).
absl::Status CheckDuration(int64_t seconds, int32_t nanos,
                           absl::string_view field);

}  // namespace longtake
