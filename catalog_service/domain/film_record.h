#pragma once

// The read model's compact form of a film: what the catalogue keeps in memory
// per film instead of a `Film` struct (about 1.2 KB at a million films). The
// sort and filter keys are plain members; everything else is one heap block
// in a small binary encoding (varints, length-prefixed strings, credits as an
// interned person id and a role byte), decoded back to an equal `Film` on
// read. Bulk loads put the blocks in one arena (record_block.h). Strings
// that repeat across films (people's names, countries,
// languages, genres, studios, eras, award names, rating sources) are interned
// once in a StringPool and stored as ids.
//
//   StringPool pool;
//   FilmRecord rec = EncodeFilm(film, &pool);
//   rec.name();           // "films/the-cranes-are-flying", no decoding
//   rec.etag();           // read from the block's head
//   Film copy = DecodeFilm(rec, pool);   // copy == film
//
// Not thread-safe for writes (Intern); concurrent const use is safe while no
// write runs (the catalogue's reader/writer lock).

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "catalog_service/domain/model.h"
#include "catalog_service/domain/record_block.h"

namespace longtake::catalog::internal {

class SnapshotCodec;  // read_model_snapshot_codec.cc

// Position of a film in the read model's record vector; also its search
// index document id.
using FilmIndex = uint32_t;

// Interned strings with dense uint32 ids. Strings are never removed: the
// pool holds the distinct values of repeated fields, which grow slowly.
class StringPool {
 public:
  StringPool() = default;
  StringPool(const StringPool&) = delete;
  StringPool& operator=(const StringPool&) = delete;

  uint32_t Intern(std::string_view s);
  // The id of `s` if interned.
  std::optional<uint32_t> Find(std::string_view s) const;
  std::string_view Get(uint32_t id) const { return views_[id]; }
  size_t size() const { return views_.size(); }
  // Heap bytes held (arena blocks, views, the hash table).
  size_t MemoryBytes() const;

 private:
  friend class SnapshotCodec;  // read_model_snapshot_codec.cc
  BlockArena arena_{64 * 1024};
  std::vector<std::string_view> views_;
  absl::flat_hash_map<std::string_view, uint32_t> ids_;
};

// One film in compact form (32 bytes plus its block).
class FilmRecord : private RecordBlock {
 public:
  FilmRecord() = default;
  FilmRecord(FilmRecord&&) = default;
  FilmRecord& operator=(FilmRecord&&) = default;

  using RecordBlock::live;
  // Folded title: the "title" sort key.
  std::string_view title_key() const { return {data(), key_size_}; }
  std::string_view name() const {
    if (name_size_ == kLongName) return LongName();
    return {data() + key_size_, name_size_};
  }
  std::string etag() const;
  std::string_view title() const;
  // TotalVotes(film): the sum of the ratings' votes.
  int64_t total_votes() const;
  int year() const { return year_; }
  int runtime_minutes() const { return runtime_minutes_; }
  // SortRating(film): the "rating" sort key; -1 when the film has none.
  double rating() const { return rating_; }
  // Bytes of the encoded block.
  size_t block_bytes() const { return size(); }
  // Heap bytes of a block of its own (0 in an arena).
  using RecordBlock::heap_bytes;

 private:
  friend class SnapshotCodec;  // read_model_snapshot_codec.cc
  friend FilmRecord EncodeFilm(const Film& film, StringPool* pool,
                               BlockArena* arena);
  friend Film DecodeFilm(const FilmRecord& rec, const StringPool& pool);
  // name_size_ of a name too long for the head: it is in the rest.
  static constexpr uint16_t kLongName = 0xFFFF;
  std::string_view LongName() const;
  // The rest of the block, after the title key and the name.
  std::string_view Rest() const;
  // The block: [title_key][name][the rest, starting with the etag]
  // (film_record.cc).
  uint16_t key_size_ = 0;
  uint16_t name_size_ = 0;
  int32_t year_ = 0;
  int32_t runtime_minutes_ = 0;
  double rating_ = -1;
};

// The film in compact form; interns its repeated strings in `pool`. Its
// block is a slice of `arena`, or a heap block of its own when null.
FilmRecord EncodeFilm(const Film& film, StringPool* pool,
                      BlockArena* arena = nullptr);
// The film `rec` holds, equal to the one encoded.
Film DecodeFilm(const FilmRecord& rec, const StringPool& pool);

// The rating a film is ordered and filtered by: the value of its rating with
// the most votes (the first of equals); -1 when it has none.
double SortRating(const Film& film);
// The folded title a film is ordered by (the title itself when folding
// leaves nothing).
std::string TitleKey(const std::string& title);

}  // namespace longtake::catalog::internal
