#pragma once

// The section layer of read model snapshots (read_model_snapshot.h): a
// writer that streams sections out through one buffer, and a reader that
// reads each section whole (into its final place where it can) and checks
// its length and checksum before anyone looks at it. Internal to the
// snapshot code.
//
//   SnapshotWriter w(fd);
//   w.Begin();
//   w.Pod(uint64_t{3});
//   w.End();
//   w.Array(film_indexes);            // a section of its own
//   LONGTAKE_RETURN_IF_ERROR(w.Finish());
//
//   SnapshotReader r(fd, file_size);
//   std::string bytes;
//   LONGTAKE_RETURN_IF_ERROR(r.Section(&bytes));
//   SectionCursor c(bytes);
//   uint64_t n = 0;
//   if (!c.Get(&n)) return Corrupt("...");

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace longtake::catalog {
class SearchIndex;  // search_index.h
}  // namespace longtake::catalog

namespace longtake::catalog::internal {

class CatalogState;  // catalog_state.h
class StringPool;    // film_record.h

class SnapshotWriter;
class SnapshotReader;

// Saves and loads every part of a CatalogState as sections
// (read_model_snapshot_codec.cc); a friend of the classes it saves.
class SnapshotCodec {
 public:
  // All but the search index (SaveSearch: the caller saves it after).
  static void Save(const CatalogState& state, SnapshotWriter& w);
  static void SaveSearch(const SearchIndex& index, SnapshotWriter& w);
  // `state` must be new. Checks what it reads against the model's sizes.
  // Not the search index (LoadSearch), which may load at the same time.
  static absl::Status Load(SnapshotReader& r, CatalogState& state);
  // `slots`: the film slots of the snapshot (search documents are films).
  static absl::Status LoadSearch(SnapshotReader& r, size_t slots,
                                 SearchIndex& index);
  // Film slots (live films and free ones).
  static uint64_t FilmSlots(const CatalogState& state);

 private:
  static absl::Status LoadPeople(SnapshotReader& r, CatalogState& state);
  static absl::Status LoadPool(SnapshotReader& r, StringPool& pool);
  static absl::Status LoadSequencesAndEras(SnapshotReader& r,
                                           CatalogState& state);
};

// DATA_LOSS "read model snapshot is damaged: <what>".
absl::Status Corrupt(absl::string_view what);

class SnapshotWriter {
 public:
  explicit SnapshotWriter(int fd);
  ~SnapshotWriter();
  SnapshotWriter(const SnapshotWriter&) = delete;
  SnapshotWriter& operator=(const SnapshotWriter&) = delete;

  // Bytes outside sections (the file's head): not checksummed.
  void Raw(const void* data, size_t n);
  // A section: its length is filled in and its checksum appended by End.
  void Begin();
  void Put(const void* data, size_t n);
  template <typename T>
  void Pod(const T& v) {
    static_assert(std::is_trivially_copyable_v<T>);
    Put(&v, sizeof v);
  }
  // A 32-bit length, then the bytes.
  void String(std::string_view s) {
    Pod(static_cast<uint32_t>(s.size()));
    Put(s.data(), s.size());
  }
  void End();
  // A section holding exactly the elements of `v`.
  template <typename T>
  void Array(const std::vector<T>& v) {
    static_assert(std::is_trivially_copyable_v<T>);
    Begin();
    Put(v.data(), v.size() * sizeof(T));
    End();
  }
  // Flushes; the first write error, if any.
  absl::Status Finish();
  uint64_t bytes() const { return offset_ + buffer_.size(); }

 private:
  void Flush();
  int fd_;
  std::string buffer_;
  uint64_t offset_ = 0;         // the file offset where buffer_ starts
  uint64_t section_start_ = 0;  // the offset of the open section's length
  struct Hash;
  std::unique_ptr<Hash> hash_;
  absl::Status status_;
};

class SnapshotReader {
 public:
  SnapshotReader(int fd, uint64_t file_size) : fd_(fd), size_(file_size) {}

  // Bytes outside sections (the file's head).
  absl::Status Raw(void* out, size_t n);
  // The next section's bytes, checked.
  absl::Status Section(std::string* out);
  // The next section into a new block of its length (`bytes`).
  absl::Status Block(std::unique_ptr<char[]>* out, size_t* bytes);
  // The next section as an array of T.
  template <typename T>
  absl::Status Array(std::vector<T>* out) {
    static_assert(std::is_trivially_copyable_v<T>);
    uint64_t len = 0;
    if (absl::Status s = Open(&len); !s.ok()) return s;
    if (len % sizeof(T) != 0) return Corrupt("array section length");
    out->resize(len / sizeof(T));
    return ReadChecked(out->data(), len);
  }
  uint64_t position() const { return pos_; }
  // Reads on from `position` (at most the file size given).
  void Seek(uint64_t position) { pos_ = std::min(position, size_); }

 private:
  // Reads a section's length and checks that it and its checksum fit in
  // what is left of the file.
  absl::Status Open(uint64_t* len);
  // Reads the section's `len` bytes into `out` and checks the checksum.
  absl::Status ReadChecked(void* out, uint64_t len);
  absl::Status ReadExact(void* out, uint64_t n);
  int fd_;
  uint64_t size_;
  uint64_t pos_ = 0;
};

// Reads what a section holds, checking every size against what is left.
class SectionCursor {
 public:
  explicit SectionCursor(std::string_view bytes) : in_(bytes) {}
  template <typename T>
  bool Get(T* v) {
    static_assert(std::is_trivially_copyable_v<T>);
    if (in_.size() < sizeof(T)) return false;
    std::memcpy(v, in_.data(), sizeof(T));
    in_.remove_prefix(sizeof(T));
    return true;
  }
  bool String(std::string_view* s) {
    uint32_t n = 0;
    if (!Get(&n) || in_.size() < n) return false;
    *s = in_.substr(0, n);
    in_.remove_prefix(n);
    return true;
  }
  // `n` elements into `out` (n is checked against what is left first).
  template <typename T>
  bool Elements(uint64_t n, std::vector<T>* out) {
    static_assert(std::is_trivially_copyable_v<T>);
    if (n > in_.size() / sizeof(T)) return false;
    out->resize(n);
    if (n > 0) std::memcpy(out->data(), in_.data(), n * sizeof(T));
    in_.remove_prefix(n * sizeof(T));
    return true;
  }
  size_t left() const { return in_.size(); }
  bool done() const { return in_.empty(); }

 private:
  std::string_view in_;
};

}  // namespace longtake::catalog::internal
