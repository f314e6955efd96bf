#pragma once

// A sorted sequence of film indexes whose inserts and erases cost the same
// at a million entries as at a thousand: one flat vector while small, then
// a vector of sorted chunks of at most kChunkMax indexes (split in two when
// one overflows, dropped when one empties), found by binary search over the
// chunks' last entries. The order is the caller's (a film order, or plain
// index order for film sets), passed to each call, so the list holds 4
// bytes a film and no comparator state. Iteration is forward, in order.
//
//   ChunkedList list;
//   auto less = [](FilmIndex a, FilmIndex b) { return a < b; };
//   list.Insert(7, less);
//   auto it = list.PartitionPoint([](FilmIndex e) { return e < 5; });
//   for (; it != list.end(); ++it) Use(*it);
//   list.Erase(7, less);

#include <algorithm>
#include <cstddef>
#include <iterator>
#include <memory>
#include <utility>
#include <vector>

#include "catalog_service/domain/film_record.h"

namespace longtake::catalog::internal {

class ChunkedList {
 public:
  // The most indexes a chunk holds (8 KiB: an insert moves at most that).
  static constexpr size_t kChunkMax = 2048;
  // How full Assign() fills chunks, leaving room for inserts before a split.
  static constexpr size_t kFill = kChunkMax * 3 / 4;

  ChunkedList() = default;
  ChunkedList(const ChunkedList& other);
  ChunkedList& operator=(const ChunkedList& other);
  ChunkedList(ChunkedList&&) noexcept = default;
  ChunkedList& operator=(ChunkedList&&) noexcept = default;

  class const_iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = FilmIndex;
    using difference_type = std::ptrdiff_t;
    using pointer = const FilmIndex*;
    using reference = const FilmIndex&;

    const_iterator() = default;
    reference operator*() const { return *p_; }
    pointer operator->() const { return p_; }
    const_iterator& operator++() {
      if (++p_ == end_) Enter(chunk_ + 1);
      return *this;
    }
    const_iterator operator++(int) {
      const_iterator old = *this;
      ++*this;
      return old;
    }
    bool operator==(const const_iterator& o) const { return p_ == o.p_; }
    bool operator!=(const const_iterator& o) const { return p_ != o.p_; }

   private:
    friend class ChunkedList;
    const_iterator(const ChunkedList* list, size_t chunk, size_t pos)
        : list_(list) {
      Enter(chunk);
      if (p_ != nullptr) {
        p_ += pos;
        if (p_ == end_) Enter(chunk + 1);
      }
    }
    // Points at the first entry of `chunk`, or is end() past the last.
    void Enter(size_t chunk) {
      chunk_ = chunk;
      if (chunk < list_->chunk_count()) {
        const std::vector<FilmIndex>& c = list_->chunk(chunk);
        p_ = c.data();
        end_ = c.data() + c.size();
      } else {
        p_ = end_ = nullptr;
      }
    }
    const ChunkedList* list_ = nullptr;
    size_t chunk_ = 0;
    const FilmIndex* p_ = nullptr;
    const FilmIndex* end_ = nullptr;
  };

  const_iterator begin() const { return const_iterator(this, 0, 0); }
  const_iterator end() const { return const_iterator(); }
  size_t size() const { return chunks_ ? chunks_->size : flat_.size(); }
  bool empty() const { return size() == 0; }

  // The first entry e for which below(e) is false; entries must be
  // partitioned by `below` (all the true ones first), as for
  // std::partition_point.
  template <typename Below>
  const_iterator PartitionPoint(Below below) const {
    auto [c, pos] = Locate(below);
    return const_iterator(this, c, pos);
  }

  // Inserts `x` at its place in the order `less` (a strict weak order the
  // entries are sorted by); false, and nothing changes, when an entry
  // equivalent to `x` is there already.
  template <typename Less>
  bool Insert(FilmIndex x, Less less) {
    auto [c, pos] = Locate([&](FilmIndex e) { return less(e, x); });
    if (c < chunk_count()) {
      const FilmIndex e = chunk(c)[pos];
      if (!less(x, e)) return false;
    } else if (c > 0) {
      // Past every entry: append to the last chunk.
      --c;
      pos = chunk(c).size();
    }
    InsertAt(c, pos, x);
    return true;
  }

  // Removes the entry equal to `x`, found by the order `less`; false when
  // absent.
  template <typename Less>
  bool Erase(FilmIndex x, Less less) {
    auto [c, pos] = Locate([&](FilmIndex e) { return less(e, x); });
    if (c >= chunk_count() || chunk(c)[pos] != x) return false;
    EraseAt(c, pos);
    return true;
  }

  // Removes `x` wherever it is (a linear scan): for lists not yet sorted.
  bool EraseLinear(FilmIndex x);

  // Bulk loads: append in any order, then Sort() once.
  void AddUnsorted(FilmIndex x);
  // Room for `n` entries in a flat list (before a bulk load).
  void Reserve(size_t n) {
    if (!chunks_) flat_.reserve(n);
  }
  // Sorts by `less`, drops entries equal (==) to their predecessor, and
  // chunks the result.
  template <typename Less>
  void Sort(Less less) {
    std::vector<FilmIndex> all = ToVector();
    std::sort(all.begin(), all.end(), less);
    all.erase(std::unique(all.begin(), all.end()), all.end());
    Assign(std::move(all));
  }
  // Replaces the contents with `sorted` (already in the list's order).
  void Assign(std::vector<FilmIndex> sorted);
  std::vector<FilmIndex> ToVector() const;

  size_t MemoryBytes() const;
  // For tests: the chunk sizes (one entry, the flat vector's, when flat).
  std::vector<size_t> ChunkSizes() const;

 private:
  struct Chunks {
    std::vector<std::vector<FilmIndex>> list;  // never an empty chunk
    size_t size = 0;
  };

  size_t chunk_count() const {
    return chunks_ ? chunks_->list.size() : (flat_.empty() ? 0 : 1);
  }
  const std::vector<FilmIndex>& chunk(size_t c) const {
    return chunks_ ? chunks_->list[c] : flat_;
  }

  // The chunk and position of the first entry e with !below(e); the chunk
  // count and 0 when there is none.
  template <typename Below>
  std::pair<size_t, size_t> Locate(Below below) const {
    const size_t n = chunk_count();
    size_t c = 0;
    if (chunks_) {
      const auto& list = chunks_->list;
      c = static_cast<size_t>(
          std::partition_point(list.begin(), list.end(),
                               [&](const std::vector<FilmIndex>& ch) {
                                 return below(ch.back());
                               }) -
          list.begin());
    }
    if (c >= n) return {n, 0};
    const std::vector<FilmIndex>& ch = chunk(c);
    size_t pos = static_cast<size_t>(
        std::partition_point(ch.begin(), ch.end(), below) - ch.begin());
    if (pos == ch.size()) return {n, 0};  // only a flat list gets here
    return {c, pos};
  }

  void InsertAt(size_t c, size_t pos, FilmIndex x);
  void EraseAt(size_t c, size_t pos);

  std::vector<FilmIndex> flat_;     // the entries, while chunks_ is null
  std::unique_ptr<Chunks> chunks_;  // once the list outgrew one chunk
};

}  // namespace longtake::catalog::internal
