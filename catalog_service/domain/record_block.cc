#include "catalog_service/domain/record_block.h"

#include <algorithm>
#include <cstring>
#include <utility>

namespace longtake::catalog::internal {
namespace {}  // namespace

std::string_view BlockArena::Copy(std::string_view bytes) {
  char* at;
  if (bytes.size() > chunk_bytes_ / 4) {
    // Large ones get a chunk of their own, kept before the current one.
    auto chunk = std::make_unique_for_overwrite<char[]>(bytes.size());
    at = chunk.get();
    chunks_.insert(chunks_.end() - (chunks_.empty() ? 0 : 1), std::move(chunk));
    held_ += bytes.size();
  } else {
    if (chunks_.empty() || used_ + bytes.size() > last_bytes_) {
      // Chunks double from 4 KiB up to chunk_bytes_: a small model stays
      // small.
      last_bytes_ =
          std::min(chunk_bytes_, std::max({size_t{4096}, held_, bytes.size()}));
      chunks_.push_back(std::make_unique_for_overwrite<char[]>(last_bytes_));
      used_ = 0;
      held_ += last_bytes_;
    }
    at = chunks_.back().get() + used_;
    used_ += bytes.size();
  }
  if (!bytes.empty()) std::memcpy(at, bytes.data(), bytes.size());
  return {at, bytes.size()};
}

void BlockArena::Adopt(std::unique_ptr<char[]> chunk, size_t bytes) {
  chunks_.insert(chunks_.end() - (chunks_.empty() ? 0 : 1), std::move(chunk));
  held_ += bytes;
}

RecordBlock::RecordBlock(std::string_view bytes, BlockArena* arena)
    : size_(static_cast<uint32_t>(bytes.size())), owned_(arena == nullptr) {
  if (arena != nullptr) {
    data_ = arena->Copy(bytes).data();
  } else {
    char* block = new char[bytes.size() == 0 ? 1 : bytes.size()];
    if (!bytes.empty()) std::memcpy(block, bytes.data(), bytes.size());
    data_ = block;
  }
}

RecordBlock::RecordBlock(RecordBlock&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)),
      size_(other.size_),
      owned_(other.owned_) {
  other.size_ = 0;
  other.owned_ = 0;
}

RecordBlock& RecordBlock::operator=(RecordBlock&& other) noexcept {
  if (this != &other) {
    Release();
    data_ = std::exchange(other.data_, nullptr);
    size_ = other.size_;
    owned_ = other.owned_;
    other.size_ = 0;
    other.owned_ = 0;
  }
  return *this;
}

void RecordBlock::Release() {
  if (owned_) delete[] data_;
  data_ = nullptr;
  size_ = 0;
  owned_ = 0;
}

size_t RecordBlock::heap_bytes() const {
  return owned_ ? size_ + kMallocOverhead : 0;
}

}  // namespace longtake::catalog::internal
