#include "catalog_service/domain/read_model_snapshot.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <thread>
#include <utility>

#include "catalog_service/domain/read_model_snapshot_io.h"
#include "common/status/errors.h"

// Header-only: the hash functions inline into this file, no library to link.
#define XXH_INLINE_ALL
#include <xxhash.h>

namespace longtake::catalog::internal {
namespace {

constexpr char kMagic[8] = {'L', 'T', 'R', 'M', 'S', 'N', 'A', 'P'};
// Written as a native uint32: read back differently on a machine of the
// other byte order, whose snapshot this is not.
constexpr uint32_t kByteOrderMark = 0x01020304;
constexpr char kEndMark[] = "end of read model snapshot";
// The writer's buffer: big writes, few system calls.
constexpr size_t kWriteBuffer = 4 << 20;
// What the reader reads and hashes at a time.
constexpr uint64_t kReadPiece = 1 << 20;
// Blocks from this size are backed by huge pages where the kernel has them
// (a fault per 2 MiB instead of per 4 KiB: faults were a quarter of a load).
constexpr uint64_t kHugePageBlock = 8 << 20;
constexpr uintptr_t kHugePage = 2 << 20;

absl::Status Errno(absl::string_view what, const std::string& path) {
  return absl::InternalError(
      absl::StrCat(what, " ", path, ": ", std::strerror(errno)));
}

// Closes a file descriptor on scope exit.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  int Release() { return std::exchange(fd_, -1); }

 private:
  int fd_;
};

struct Head {
  char magic[8];
  uint32_t version;
  uint32_t byte_order;
};

// Reads the head and the first section; the reader is then at the second.
absl::StatusOr<SnapshotInfo> ReadInfo(SnapshotReader& r, uint64_t size) {
  Head head{};
  if (size < sizeof head) return Corrupt("shorter than its head");
  LONGTAKE_RETURN_IF_ERROR(r.Raw(&head, sizeof head));
  if (std::memcmp(head.magic, kMagic, sizeof kMagic) != 0)
    return Corrupt("not a read model snapshot (magic)");
  if (head.byte_order != kByteOrderMark)
    return Corrupt("made on a machine of another byte order");
  if (head.version != kSnapshotFormatVersion) {
    return absl::DataLossError(
        absl::StrCat("read model snapshot format version ", head.version,
                     ", not ", kSnapshotFormatVersion));
  }
  std::string meta;
  LONGTAKE_RETURN_IF_ERROR(r.Section(&meta));
  SectionCursor c(meta);
  SnapshotInfo info;
  std::string_view id;
  if (!c.String(&id) || !c.Get(&info.revision) || !c.Get(&info.film_slots) ||
      !c.done()) {
    return Corrupt("first section");
  }
  info.store_id = std::string(id);
  info.bytes = size;
  return info;
}

absl::StatusOr<uint64_t> FileSize(int fd, const std::string& path) {
  struct stat st {};
  if (fstat(fd, &st) != 0) return Errno("stat", path);
  return static_cast<uint64_t>(st.st_size);
}

absl::StatusOr<int> OpenForReading(const std::string& path) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) {
      return absl::NotFoundError(absl::StrCat("no snapshot file ", path));
    }
    return Errno("open", path);
  }
  return fd;
}

}  // namespace

absl::Status Corrupt(absl::string_view what) {
  return absl::DataLossError(
      absl::StrCat("read model snapshot is damaged: ", what));
}

// ---- SnapshotWriter ----

struct SnapshotWriter::Hash {
  XXH3_state_t state;
};

SnapshotWriter::SnapshotWriter(int fd)
    : fd_(fd), hash_(std::make_unique<Hash>()) {
  buffer_.reserve(kWriteBuffer);
}
SnapshotWriter::~SnapshotWriter() = default;

void SnapshotWriter::Flush() {
  const char* p = buffer_.data();
  size_t left = buffer_.size();
  while (left > 0 && status_.ok()) {
    const ssize_t n = write(fd_, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      status_ = absl::InternalError(
          absl::StrCat("writing the snapshot: ", std::strerror(errno)));
      break;
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
  offset_ += buffer_.size();
  buffer_.clear();
}

void SnapshotWriter::Raw(const void* data, size_t n) {
  const char* p = static_cast<const char*>(data);
  while (n > 0) {
    const size_t room = kWriteBuffer - buffer_.size();
    const size_t take = std::min(room, n);
    buffer_.append(p, take);
    p += take;
    n -= take;
    if (buffer_.size() == kWriteBuffer) Flush();
  }
}

void SnapshotWriter::Begin() {
  section_start_ = bytes();
  const uint64_t placeholder = 0;
  Raw(&placeholder, sizeof placeholder);
  XXH3_64bits_reset(&hash_->state);
}

void SnapshotWriter::Put(const void* data, size_t n) {
  if (n == 0) return;
  XXH3_64bits_update(&hash_->state, data, n);
  Raw(data, n);
}

void SnapshotWriter::End() {
  const uint64_t len = bytes() - section_start_ - sizeof(uint64_t);
  if (section_start_ >= offset_) {
    std::memcpy(buffer_.data() + (section_start_ - offset_), &len, sizeof len);
  } else if (status_.ok() && pwrite(fd_, &len, sizeof len,
                                    static_cast<off_t>(section_start_)) !=
                                 static_cast<ssize_t>(sizeof len)) {
    status_ = absl::InternalError(
        absl::StrCat("writing the snapshot: ", std::strerror(errno)));
  }
  const uint64_t digest = XXH3_64bits_digest(&hash_->state);
  Raw(&digest, sizeof digest);
}

absl::Status SnapshotWriter::Finish() {
  Flush();
  return status_;
}

// ---- SnapshotReader ----

absl::Status SnapshotReader::ReadExact(void* out, uint64_t n) {
  char* p = static_cast<char*>(out);
  while (n > 0) {
    // At most 1 GiB a call (read's limit is a little below 2 GiB).
    const ssize_t got = pread(fd_, p, std::min<uint64_t>(n, uint64_t{1} << 30),
                              static_cast<off_t>(pos_));
    if (got < 0) {
      if (errno == EINTR) continue;
      return absl::InternalError(
          absl::StrCat("reading the snapshot: ", std::strerror(errno)));
    }
    if (got == 0) return Corrupt("truncated");
    p += got;
    n -= static_cast<uint64_t>(got);
    pos_ += static_cast<uint64_t>(got);
  }
  return absl::OkStatus();
}

absl::Status SnapshotReader::Raw(void* out, size_t n) {
  if (n > size_ - std::min(size_, pos_)) return Corrupt("truncated");
  return ReadExact(out, n);
}

absl::Status SnapshotReader::Open(uint64_t* len) {
  LONGTAKE_RETURN_IF_ERROR(Raw(len, sizeof *len));
  const uint64_t left = size_ - pos_;
  if (left < sizeof(uint64_t) || *len > left - sizeof(uint64_t))
    return Corrupt("truncated (a section is longer than what is left)");
  return absl::OkStatus();
}

absl::Status SnapshotReader::ReadChecked(void* out, uint64_t len) {
  // Hashed a piece at a time while the piece is in the CPU's cache.
  XXH3_state_t state;
  XXH3_64bits_reset(&state);
  char* p = static_cast<char*>(out);
  for (uint64_t left = len; left > 0;) {
    const uint64_t n = std::min<uint64_t>(left, kReadPiece);
    LONGTAKE_RETURN_IF_ERROR(ReadExact(p, n));
    XXH3_64bits_update(&state, p, n);
    p += n;
    left -= n;
  }
  uint64_t digest = 0;
  LONGTAKE_RETURN_IF_ERROR(ReadExact(&digest, sizeof digest));
  if (digest != XXH3_64bits_digest(&state))
    return Corrupt(absl::StrCat("checksum of the section ending at ", pos_));
  return absl::OkStatus();
}

absl::Status SnapshotReader::Section(std::string* out) {
  uint64_t len = 0;
  LONGTAKE_RETURN_IF_ERROR(Open(&len));
  out->resize(len);
  return ReadChecked(out->data(), len);
}

absl::Status SnapshotReader::Block(std::unique_ptr<char[]>* out,
                                   size_t* bytes) {
  uint64_t len = 0;
  LONGTAKE_RETURN_IF_ERROR(Open(&len));
  *out = std::make_unique_for_overwrite<char[]>(len == 0 ? 1 : len);
  *bytes = len;
  if (len >= kHugePageBlock) {
    const auto start = reinterpret_cast<uintptr_t>(out->get());
    const uintptr_t from = (start + kHugePage - 1) & ~(kHugePage - 1);
    const uintptr_t to = (start + len) & ~(kHugePage - 1);
    if (to > from) {
      madvise(reinterpret_cast<void*>(from), to - from, MADV_HUGEPAGE);
    }
  }
  return ReadChecked(out->get(), len);
}

// ---- The file ----

absl::StatusOr<SnapshotWriteStats> WriteReadModelSnapshot(
    const CatalogState& state, const std::string& store_id,
    const std::string& path, const std::function<void()>& serialized) {
  const absl::Time start = absl::Now();
  // Of this writer alone: replicas on one SQLite file share the snapshot.
  static std::atomic<uint64_t> writes{0};
  const std::string temp =
      absl::StrCat(path, ".tmp.", getpid(), ".", writes.fetch_add(1));
  Fd fd(open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (fd.get() < 0) return Errno("creating", temp);
  SnapshotWriter w(fd.get());
  Head h{{}, kSnapshotFormatVersion, kByteOrderMark};
  std::memcpy(h.magic, kMagic, sizeof kMagic);
  w.Raw(&h, sizeof h);
  w.Begin();
  w.String(store_id);
  w.Pod(state.revision);
  w.Pod(SnapshotCodec::FilmSlots(state));
  w.End();
  SnapshotCodec::Save(state, w);
  // The search index last, where the end section says: a load reads it on
  // a thread of its own while another reads the rest.
  const uint64_t search_at = w.bytes();
  SnapshotCodec::SaveSearch(state.search, w);
  w.Begin();
  w.Put(kEndMark, sizeof kEndMark - 1);
  w.Pod(search_at);
  w.End();
  absl::Status written = w.Finish();
  SnapshotWriteStats stats;
  stats.bytes = w.bytes();
  stats.serialize = absl::Now() - start;
  if (serialized) serialized();
  if (written.ok() && fsync(fd.get()) != 0) written = Errno("fsync", temp);
  if (close(fd.Release()) != 0 && written.ok()) written = Errno("close", temp);
  if (written.ok() && rename(temp.c_str(), path.c_str()) != 0)
    written = Errno("renaming to", path);
  if (!written.ok()) {
    unlink(temp.c_str());
    return written;
  }
  // The rename is durable once the folder is synced.
  const size_t slash = path.rfind('/');
  const std::string dir =
      slash == std::string::npos ? "." : path.substr(0, slash + 1);
  if (Fd d(open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)); d.get() >= 0)
    fsync(d.get());
  stats.sync = absl::Now() - start - stats.serialize;
  return stats;
}

absl::StatusOr<SnapshotInfo> ReadSnapshotInfo(const std::string& path) {
  LONGTAKE_ASSIGN_OR_RETURN(int raw, OpenForReading(path));
  Fd fd(raw);
  LONGTAKE_ASSIGN_OR_RETURN(uint64_t size, FileSize(fd.get(), path));
  SnapshotReader r(fd.get(), size);
  return ReadInfo(r, size);
}

absl::Status ReadReadModelSnapshot(const std::string& path,
                                   const std::string& store_id,
                                   CatalogState& state) {
  LONGTAKE_ASSIGN_OR_RETURN(int raw, OpenForReading(path));
  Fd fd(raw);
  LONGTAKE_ASSIGN_OR_RETURN(uint64_t size, FileSize(fd.get(), path));
  // Read once, front to back: tell the kernel to read ahead generously.
  posix_fadvise(fd.get(), 0, 0, POSIX_FADV_SEQUENTIAL);
  SnapshotReader r(fd.get(), size);
  LONGTAKE_ASSIGN_OR_RETURN(SnapshotInfo info, ReadInfo(r, size));
  if (info.store_id != store_id) {
    return absl::FailedPreconditionError(
        absl::StrCat("made from store ", info.store_id, ", not ", store_id));
  }
  // The end section (a fixed size): the mark and where the search index is.
  constexpr uint64_t kEndBytes =
      2 * sizeof(uint64_t) + (sizeof kEndMark - 1) + sizeof(uint64_t);
  if (size - r.position() < kEndBytes) return Corrupt("no end section");
  const uint64_t end_at = size - kEndBytes;
  SnapshotReader tail(fd.get(), size);
  tail.Seek(end_at);
  std::string end;
  LONGTAKE_RETURN_IF_ERROR(tail.Section(&end));
  uint64_t search_at = 0;
  if (end.size() != kEndBytes - 2 * sizeof(uint64_t) ||
      end.compare(0, sizeof kEndMark - 1, kEndMark) != 0) {
    return Corrupt("no end mark where the file ends");
  }
  std::memcpy(&search_at, end.data() + sizeof kEndMark - 1, sizeof search_at);
  if (search_at < r.position() || search_at > end_at)
    return Corrupt("the search index's offset");
  // Two readers of the one file: the search index on a helper thread, the
  // rest here; each must end exactly where the next part starts.
  absl::Status search_status;
  std::thread search([&] {
    SnapshotReader s(fd.get(), end_at);
    s.Seek(search_at);
    search_status = SnapshotCodec::LoadSearch(
        s, static_cast<size_t>(info.film_slots), state.search);
    if (search_status.ok() && s.position() != end_at)
      search_status = Corrupt("bytes after the search index");
  });
  SnapshotReader rest(fd.get(), search_at);
  rest.Seek(r.position());
  absl::Status status = SnapshotCodec::Load(rest, state);
  if (status.ok() && rest.position() != search_at)
    status = Corrupt("bytes before the search index");
  search.join();
  LONGTAKE_RETURN_IF_ERROR(status);
  LONGTAKE_RETURN_IF_ERROR(search_status);
  if (SnapshotCodec::FilmSlots(state) != info.film_slots)
    return Corrupt("film count differs from the first section's");
  state.revision = info.revision;
  return absl::OkStatus();
}

}  // namespace longtake::catalog::internal
