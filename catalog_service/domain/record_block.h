#pragma once

// Where the read model's compact records keep their bytes. A bulk load
// copies every record into a BlockArena (large chunks: no malloc header per
// record, and no long-lived small blocks scattered among the load's freed
// memory); a record written later owns a heap block of its own. A replaced
// arena slice is not reused, so the waste is bounded by the arena's size.
//
//   BlockArena arena;
//   RecordBlock bulk(bytes, &arena);      // a slice of the arena
//   RecordBlock single(bytes, nullptr);   // its own heap block
//   std::string_view(bulk.data(), bulk.size()) == bytes;

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

namespace longtake::catalog::internal {

// Rough malloc bookkeeping per heap block, for the read model's memory
// estimates (the load line's bytes per film).
inline constexpr size_t kMallocOverhead = 16;

class SnapshotCodec;  // read_model_snapshot_codec.cc

// Append-only bytes in large chunks; slices stay valid until it is
// destroyed.
class BlockArena {
 public:
  // Chunks grow up to `chunk_bytes`; a copy larger than a quarter of it
  // gets a chunk of its own.
  explicit BlockArena(size_t chunk_bytes = 1 << 20)
      : chunk_bytes_(chunk_bytes) {}
  BlockArena(const BlockArena&) = delete;
  BlockArena& operator=(const BlockArena&) = delete;

  // A stable copy of `bytes`.
  std::string_view Copy(std::string_view bytes);
  // Keeps `chunk` (`bytes` long, filled by the caller) as a chunk of its
  // own, before the current one: a read model snapshot's records are read
  // into one block (read_model_snapshot.h).
  void Adopt(std::unique_ptr<char[]> chunk, size_t bytes);
  // Heap bytes held (every chunk).
  size_t MemoryBytes() const { return held_; }

 private:
  const size_t chunk_bytes_;
  std::vector<std::unique_ptr<char[]>> chunks_;
  size_t last_bytes_ = 0;  // the size of the last chunk
  size_t used_ = 0;        // of the last chunk
  size_t held_ = 0;
};

// A record's bytes: its own heap block, or a slice of an arena that
// outlives it. 12 bytes of members: a derived record's own members fill the
// tail padding (FilmRecord and PersonRecord derive from it).
class RecordBlock {
 public:
  RecordBlock() = default;
  // Copies `bytes` into `arena`, or into a block of its own when null.
  RecordBlock(std::string_view bytes, BlockArena* arena);
  RecordBlock(RecordBlock&& other) noexcept;
  RecordBlock& operator=(RecordBlock&& other) noexcept;
  ~RecordBlock() { Release(); }

  bool live() const { return data_ != nullptr; }
  const char* data() const { return data_; }
  size_t size() const { return size_; }
  // Heap bytes of an own block, with malloc's bookkeeping; 0 for an arena
  // slice (the arena counts those).
  size_t heap_bytes() const;

 private:
  // Makes records point into a snapshot's block (a slice, not owned).
  friend class SnapshotCodec;
  void Release();
  const char* data_ = nullptr;
  uint32_t size_ : 31 = 0;
  uint32_t owned_ : 1 = 0;
};

}  // namespace longtake::catalog::internal
