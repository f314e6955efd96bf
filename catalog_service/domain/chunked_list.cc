#include "catalog_service/domain/chunked_list.h"

#include <algorithm>
#include <utility>
#include <vector>

namespace longtake::catalog::internal {

ChunkedList::ChunkedList(const ChunkedList& other) : flat_(other.flat_) {
  if (other.chunks_) chunks_ = std::make_unique<Chunks>(*other.chunks_);
}

ChunkedList& ChunkedList::operator=(const ChunkedList& other) {
  if (this != &other) {
    ChunkedList copy(other);
    *this = std::move(copy);
  }
  return *this;
}

bool ChunkedList::EraseLinear(FilmIndex x) {
  for (size_t c = 0; c < chunk_count(); ++c) {
    const std::vector<FilmIndex>& ch = chunk(c);
    auto it = std::find(ch.begin(), ch.end(), x);
    if (it != ch.end()) {
      EraseAt(c, static_cast<size_t>(it - ch.begin()));
      return true;
    }
  }
  return false;
}

void ChunkedList::AddUnsorted(FilmIndex x) {
  if (chunks_) {
    std::vector<FilmIndex>& last = chunks_->list.back();
    last.push_back(x);
    ++chunks_->size;
  } else {
    flat_.push_back(x);
  }
}

void ChunkedList::Assign(std::vector<FilmIndex> sorted) {
  chunks_.reset();
  if (sorted.size() <= kChunkMax) {
    flat_ = std::move(sorted);
    flat_.shrink_to_fit();
    return;
  }
  std::vector<FilmIndex>().swap(flat_);
  chunks_ = std::make_unique<Chunks>();
  chunks_->size = sorted.size();
  chunks_->list.reserve((sorted.size() + kFill - 1) / kFill);
  for (size_t from = 0; from < sorted.size(); from += kFill) {
    const size_t to = std::min(sorted.size(), from + kFill);
    chunks_->list.emplace_back(sorted.begin() + from, sorted.begin() + to);
  }
}

std::vector<FilmIndex> ChunkedList::ToVector() const {
  if (!chunks_) return flat_;
  std::vector<FilmIndex> all;
  all.reserve(chunks_->size);
  for (const auto& ch : chunks_->list)
    all.insert(all.end(), ch.begin(), ch.end());
  return all;
}

void ChunkedList::InsertAt(size_t c, size_t pos, FilmIndex x) {
  if (!chunks_) {
    flat_.insert(flat_.begin() + pos, x);
    if (flat_.size() <= kChunkMax) return;
    // Outgrew one chunk: become two halves.
    chunks_ = std::make_unique<Chunks>();
    chunks_->size = flat_.size();
    const size_t half = flat_.size() / 2;
    chunks_->list.emplace_back(flat_.begin(), flat_.begin() + half);
    chunks_->list.emplace_back(flat_.begin() + half, flat_.end());
    std::vector<FilmIndex>().swap(flat_);
    return;
  }
  auto& list = chunks_->list;
  std::vector<FilmIndex>& ch = list[c];
  // Grow a chunk straight to its limit (not by doubling past it).
  if (ch.size() == ch.capacity()) ch.reserve(kChunkMax + 1);
  ch.insert(ch.begin() + pos, x);
  ++chunks_->size;
  if (ch.size() > kChunkMax) {
    const size_t half = ch.size() / 2;
    std::vector<FilmIndex> tail(ch.begin() + half, ch.end());
    ch.resize(half);
    list.insert(list.begin() + c + 1, std::move(tail));
  }
}

void ChunkedList::EraseAt(size_t c, size_t pos) {
  if (!chunks_) {
    flat_.erase(flat_.begin() + pos);
    return;
  }
  auto& list = chunks_->list;
  list[c].erase(list[c].begin() + pos);
  --chunks_->size;
  if (list[c].empty()) list.erase(list.begin() + c);
  if (chunks_->size == 0) chunks_.reset();
}

size_t ChunkedList::MemoryBytes() const {
  size_t bytes = flat_.capacity() * sizeof(FilmIndex);
  if (chunks_) {
    bytes += sizeof(Chunks) +
             chunks_->list.capacity() * sizeof(std::vector<FilmIndex>);
    for (const auto& ch : chunks_->list) {
      bytes += ch.capacity() * sizeof(FilmIndex) + 16;  // malloc overhead
    }
  }
  return bytes;
}

std::vector<size_t> ChunkedList::ChunkSizes() const {
  std::vector<size_t> sizes;
  for (size_t c = 0; c < chunk_count(); ++c) sizes.push_back(chunk(c).size());
  return sizes;
}

}  // namespace longtake::catalog::internal
