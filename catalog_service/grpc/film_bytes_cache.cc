#include "catalog_service/grpc/film_bytes_cache.h"

#include <algorithm>
#include <utility>
#include <vector>

namespace longtake::catalog {
namespace {

// Map slot, entry and allocation overhead beside the strings and bytes.
constexpr size_t kEntryOverhead = 96;

}  // namespace

size_t FilmBytesCache::Cost(absl::string_view name, const Entry& e) {
  return name.size() + e.etag.size() + e.bytes.size() + kEntryOverhead;
}

std::optional<grpc::Slice> FilmBytesCache::Find(absl::string_view name,
                                                absl::string_view etag) const {
  absl::ReaderMutexLock lock(&mu_);
  auto it = entries_.find(name);
  if (it == entries_.end() || it->second->etag != etag) return std::nullopt;
  it->second->used.store(clock_.fetch_add(1, std::memory_order_relaxed) + 1,
                         std::memory_order_relaxed);
  return it->second->bytes;
}

void FilmBytesCache::Put(absl::string_view name, absl::string_view etag,
                         grpc::Slice bytes) {
  auto entry = std::make_unique<Entry>();
  entry->etag = std::string(etag);
  entry->bytes = std::move(bytes);
  entry->used = clock_.fetch_add(1, std::memory_order_relaxed) + 1;
  const size_t cost = Cost(name, *entry);
  if (cost > max_bytes_) return;
  absl::MutexLock lock(&mu_);
  auto [it, inserted] = entries_.try_emplace(name);
  if (!inserted) bytes_ -= Cost(name, *it->second);
  it->second = std::move(entry);
  bytes_ += cost;
  if (bytes_ > max_bytes_) EvictLocked();
}

void FilmBytesCache::EvictLocked() {
  // The stalest entries first, until 3/4 of the bound is left.
  std::vector<std::pair<uint64_t, const std::string*>> by_use;
  by_use.reserve(entries_.size());
  for (const auto& [name, e] : entries_) {
    by_use.emplace_back(e->used.load(std::memory_order_relaxed), &name);
  }
  std::sort(by_use.begin(), by_use.end());
  const size_t target = max_bytes_ / 4 * 3;
  std::vector<std::string> drop;
  size_t left = bytes_;
  for (const auto& [used, name] : by_use) {
    if (left <= target) break;
    left -= Cost(*name, *entries_.find(*name)->second);
    drop.push_back(*name);
  }
  for (const std::string& name : drop) entries_.erase(name);
  bytes_ = left;
}

size_t FilmBytesCache::bytes() const {
  absl::ReaderMutexLock lock(&mu_);
  return bytes_;
}

size_t FilmBytesCache::size() const {
  absl::ReaderMutexLock lock(&mu_);
  return entries_.size();
}

}  // namespace longtake::catalog
