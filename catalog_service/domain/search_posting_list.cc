// SearchIndex::PostingList: one term's postings (document ids and their
// field masks) in one heap block, or inline when the term is in one
// document. The index itself is search_index.cc.

#include <algorithm>
#include <utility>

#include "catalog_service/domain/record_block.h"
#include "catalog_service/domain/search_index.h"

namespace longtake::catalog {
namespace {

// A posting block holds `capacity` DocIds, then as many mask bytes (rounded up
// to whole DocIds).
size_t BlockWords(uint32_t capacity) { return capacity + (capacity + 3) / 4; }

}  // namespace

SearchIndex::PostingList::PostingList(PostingList&& other) noexcept
    : block_(std::exchange(other.block_, nullptr)),
      size_(std::exchange(other.size_, 0)),
      capacity_(std::exchange(other.capacity_, 0)),
      inline_doc_(other.inline_doc_),
      inline_mask_(other.inline_mask_) {}

SearchIndex::PostingList& SearchIndex::PostingList::operator=(
    PostingList&& other) noexcept {
  if (this != &other) {
    delete[] block_;
    block_ = std::exchange(other.block_, nullptr);
    size_ = std::exchange(other.size_, 0);
    capacity_ = std::exchange(other.capacity_, 0);
    inline_doc_ = other.inline_doc_;
    inline_mask_ = other.inline_mask_;
  }
  return *this;
}

void SearchIndex::PostingList::Reallocate(uint32_t capacity) {
  // capacity >= size_ >= 1 here.
  DocId* block = new DocId[BlockWords(capacity)];
  std::copy_n(docs(), size_, block);
  std::copy_n(masks(), size_, reinterpret_cast<uint8_t*>(block + capacity));
  delete[] block_;
  block_ = block;
  capacity_ = capacity;
}

void SearchIndex::PostingList::Insert(uint32_t pos, DocId doc, uint8_t mask) {
  if (size_ == 0 && block_ == nullptr) {
    inline_doc_ = doc;
    inline_mask_ = mask;
    size_ = 1;
    return;
  }
  if (size_ == capacity_ || block_ == nullptr)
    Reallocate(std::max<uint32_t>(4, size_ + size_ / 2 + 1));
  uint8_t* m = masks();
  std::copy_backward(block_ + pos, block_ + size_, block_ + size_ + 1);
  std::copy_backward(m + pos, m + size_, m + size_ + 1);
  block_[pos] = doc;
  m[pos] = mask;
  ++size_;
}

void SearchIndex::PostingList::Assign(const DocId* docs, const uint8_t* masks,
                                      uint32_t n) {
  delete[] block_;
  block_ = nullptr;
  capacity_ = 0;
  size_ = n;
  if (n == 1) {
    inline_doc_ = docs[0];
    inline_mask_ = masks[0];
  } else if (n > 1) {
    block_ = new DocId[BlockWords(n)];
    capacity_ = n;
    std::copy_n(docs, n, block_);
    std::copy_n(masks, n, reinterpret_cast<uint8_t*>(block_ + n));
  }
}

void SearchIndex::PostingList::Erase(uint32_t pos) {
  if (block_ != nullptr) {
    uint8_t* m = masks();
    std::copy(block_ + pos + 1, block_ + size_, block_ + pos);
    std::copy(m + pos + 1, m + size_, m + pos);
  }
  --size_;
}

void SearchIndex::PostingList::ShrinkToFit() {
  if (block_ == nullptr || size_ == capacity_) return;
  if (size_ <= 1) {
    inline_doc_ = block_[0];
    inline_mask_ = masks()[0];
    delete[] block_;
    block_ = nullptr;
    capacity_ = 0;
    return;
  }
  Reallocate(size_);
}

size_t SearchIndex::PostingList::HeapBytes() const {
  return block_ == nullptr ? 0
                           : BlockWords(capacity_) * sizeof(DocId) +
                                 internal::kMallocOverhead;
}

}  // namespace longtake::catalog
