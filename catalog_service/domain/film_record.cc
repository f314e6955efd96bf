#include "catalog_service/domain/film_record.h"

#include <algorithm>
#include <cstring>
#include <limits>

#include "common/text/text_folding.h"

namespace longtake::catalog::internal {
namespace {

// The block after the title key and name: the etag, the name when too long
// for the head, the title and the ratings first (read without decoding the
// rest), then every other field in Film's order. Integers are
// varints (signed ones zigzag), strings a varint length and their bytes,
// interned strings a varint pool id, doubles their 8 bytes.
class Writer {
 public:
  void Varint(uint64_t v) {
    while (v >= 0x80) {
      out_.push_back(static_cast<char>(v | 0x80));
      v >>= 7;
    }
    out_.push_back(static_cast<char>(v));
  }
  void Signed(int64_t v) {
    Varint((static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63));
  }
  void Bytes(std::string_view s) {
    Varint(s.size());
    out_.append(s);
  }
  void Raw(std::string_view s) { out_.append(s); }
  void Byte(uint8_t b) { out_.push_back(static_cast<char>(b)); }
  void Double(double d) {
    char buf[sizeof d];
    std::memcpy(buf, &d, sizeof d);
    out_.append(buf, sizeof d);
  }
  void Strings(const std::vector<std::string>& v) {
    Varint(v.size());
    for (const std::string& s : v) Bytes(s);
  }
  void Interned(const std::vector<std::string>& v, StringPool* pool) {
    Varint(v.size());
    for (const std::string& s : v) Varint(pool->Intern(s));
  }
  // absl::Time: 0 infinite past, 1 infinite future, 2 then seconds and
  // nanoseconds since the epoch.
  void Time(absl::Time t) {
    if (t == absl::InfinitePast()) return Byte(0);
    if (t == absl::InfiniteFuture()) return Byte(1);
    Byte(2);
    const int64_t s = absl::ToUnixSeconds(t);
    Signed(s);
    Varint(static_cast<uint64_t>(
        absl::ToInt64Nanoseconds(t - absl::FromUnixSeconds(s))));
  }
  std::string& out() { return out_; }

 private:
  std::string out_;
};

class Reader {
 public:
  explicit Reader(std::string_view in) : p_(in.data()) {}
  uint64_t Varint() {
    uint64_t v = 0;
    for (int shift = 0;; shift += 7) {
      const auto b = static_cast<uint8_t>(*p_++);
      v |= static_cast<uint64_t>(b & 0x7f) << shift;
      if (b < 0x80) return v;
    }
  }
  int64_t Signed() {
    const uint64_t v = Varint();
    return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1);
  }
  std::string_view Bytes() {
    const size_t n = Varint();
    std::string_view s(p_, n);
    p_ += n;
    return s;
  }
  uint8_t Byte() { return static_cast<uint8_t>(*p_++); }
  double Double() {
    double d;
    std::memcpy(&d, p_, sizeof d);
    p_ += sizeof d;
    return d;
  }
  void Strings(std::vector<std::string>* v) {
    v->resize(Varint());
    for (std::string& s : *v) s = Bytes();
  }
  // An interned string, by its pool id.
  std::string_view Pooled(const StringPool& pool) {
    return pool.Get(static_cast<uint32_t>(Varint()));
  }
  void Interned(std::vector<std::string>* v, const StringPool& pool) {
    v->resize(Varint());
    for (std::string& s : *v) s = Pooled(pool);
  }
  absl::Time Time() {
    switch (Byte()) {
      case 0:
        return absl::InfinitePast();
      case 1:
        return absl::InfiniteFuture();
      default: {
        const int64_t s = Signed();
        return absl::FromUnixSeconds(s) +
               absl::Nanoseconds(static_cast<int64_t>(Varint()));
      }
    }
  }

 private:
  const char* p_;
};

}  // namespace

uint32_t StringPool::Intern(std::string_view s) {
  if (auto it = ids_.find(s); it != ids_.end()) return it->second;
  std::string_view stored;
  if (s.size() > kBlockBytes / 4) {
    // Large strings get a block of their own.
    auto block = std::make_unique<char[]>(s.size());
    std::memcpy(block.get(), s.data(), s.size());
    stored = std::string_view(block.get(), s.size());
    blocks_.insert(blocks_.end() - (blocks_.empty() ? 0 : 1), std::move(block));
  } else {
    if (blocks_.empty() || block_used_ + s.size() > kBlockBytes) {
      blocks_.push_back(std::make_unique<char[]>(kBlockBytes));
      block_used_ = 0;
    }
    char* at = blocks_.back().get() + block_used_;
    if (!s.empty()) std::memcpy(at, s.data(), s.size());
    block_used_ += s.size();
    stored = std::string_view(at, s.size());
  }
  const auto id = static_cast<uint32_t>(views_.size());
  views_.push_back(stored);
  ids_.emplace(stored, id);
  return id;
}

std::optional<uint32_t> StringPool::Find(std::string_view s) const {
  auto it = ids_.find(s);
  if (it == ids_.end()) return std::nullopt;
  return it->second;
}

size_t StringPool::MemoryBytes() const {
  size_t bytes = views_.capacity() * sizeof(std::string_view) +
                 ids_.capacity() * (sizeof(std::string_view) + 5);
  for (size_t i = 0; i < blocks_.size(); ++i) bytes += kBlockBytes;
  return bytes;
}

std::string_view FilmRecord::Rest() const {
  const size_t head = key_size_ + (name_size_ == kLongName ? 0 : name_size_);
  return std::string_view(bytes_.get() + head, size_ - head);
}

std::string_view FilmRecord::LongName() const {
  Reader r(Rest());
  r.Bytes();  // etag
  return r.Bytes();
}

std::string_view FilmRecord::etag() const { return Reader(Rest()).Bytes(); }

std::string_view FilmRecord::title() const {
  Reader r(Rest());
  r.Bytes();  // etag
  r.Bytes();  // long name
  return r.Bytes();
}

int64_t FilmRecord::total_votes() const {
  Reader r(Rest());
  r.Bytes();  // etag
  r.Bytes();  // long name
  r.Bytes();  // title
  int64_t votes = 0;
  for (uint64_t n = r.Varint(); n > 0; --n) {
    r.Varint();  // source
    r.Double();  // value
    votes += r.Signed();
  }
  return votes;
}

FilmRecord EncodeFilm(const Film& f, StringPool* pool) {
  FilmRecord rec;
  std::string key = TitleKey(f.title);
  if (key.size() > std::numeric_limits<uint16_t>::max()) {
    key.resize(std::numeric_limits<uint16_t>::max());
  }
  rec.key_size_ = static_cast<uint16_t>(key.size());
  // Film names are slugs of at most a few dozen bytes (validation); a
  // longer one goes in the rest of the block.
  const bool long_name = f.name.size() >= FilmRecord::kLongName;
  rec.name_size_ =
      long_name ? FilmRecord::kLongName : static_cast<uint16_t>(f.name.size());
  rec.year_ = f.year;
  rec.runtime_minutes_ = f.runtime_minutes;
  rec.rating_ = SortRating(f);

  Writer w;
  w.out().reserve(key.size() + f.name.size() + 128);
  w.Raw(key);
  if (!long_name) w.Raw(f.name);
  w.Bytes(f.etag);
  w.Bytes(long_name ? std::string_view(f.name) : std::string_view());
  w.Bytes(f.title);
  w.Varint(f.ratings.size());
  for (const Rating& r : f.ratings) {
    w.Varint(pool->Intern(r.source));
    w.Double(r.value);
    w.Signed(r.votes);
  }
  w.Strings(f.original_titles);
  w.Strings(f.aliases);
  w.Interned(f.countries, pool);
  w.Interned(f.languages, pool);
  w.Bytes(f.synopsis);
  w.Varint(f.credits.size());
  for (const Credit& c : f.credits) {
    w.Varint(pool->Intern(c.person));
    w.Varint(pool->Intern(c.display_name));
    w.Byte(static_cast<uint8_t>(c.role));
    w.Bytes(c.character);
    w.Bytes(c.note);
  }
  w.Varint(f.awards.size());
  for (const Award& a : f.awards) {
    w.Varint(pool->Intern(a.name));
    w.Varint(pool->Intern(a.event));
    w.Signed(a.year);
    w.Varint(pool->Intern(a.category));
  }
  w.Interned(f.eras, pool);
  w.Interned(f.studios, pool);
  w.Strings(f.notes);
  w.Time(f.create_time);
  w.Time(f.update_time);
  w.Bytes(f.external_ids.imdb_id);
  w.Signed(f.external_ids.tmdb_id);
  w.Bytes(f.external_ids.wikidata_id);
  w.Interned(f.genres, pool);
  const std::string& out = w.out();
  rec.size_ = static_cast<uint32_t>(out.size());
  rec.bytes_ = std::make_unique_for_overwrite<char[]>(out.size());
  std::memcpy(rec.bytes_.get(), out.data(), out.size());
  return rec;
}

Film DecodeFilm(const FilmRecord& rec, const StringPool& pool) {
  Film f;
  Reader r(rec.Rest());
  f.etag = r.Bytes();
  const std::string_view long_name = r.Bytes();
  f.name = long_name.empty() ? rec.name() : long_name;
  f.title = r.Bytes();
  f.ratings.resize(r.Varint());
  for (Rating& x : f.ratings) {
    x.source = r.Pooled(pool);
    x.value = r.Double();
    x.votes = r.Signed();
  }
  r.Strings(&f.original_titles);
  r.Strings(&f.aliases);
  f.year = rec.year_;
  f.runtime_minutes = rec.runtime_minutes_;
  r.Interned(&f.countries, pool);
  r.Interned(&f.languages, pool);
  f.synopsis = r.Bytes();
  f.credits.resize(r.Varint());
  for (Credit& c : f.credits) {
    c.person = r.Pooled(pool);
    c.display_name = r.Pooled(pool);
    c.role = static_cast<CreditRole>(r.Byte());
    c.character = r.Bytes();
    c.note = r.Bytes();
  }
  for (uint64_t awards = r.Varint(); awards > 0; --awards) {
    // Braced initialisers run left to right: the fields' order.
    f.awards.push_back(
        Award{std::string(r.Pooled(pool)), std::string(r.Pooled(pool)),
              static_cast<int>(r.Signed()), std::string(r.Pooled(pool))});
  }
  r.Interned(&f.eras, pool);
  r.Interned(&f.studios, pool);
  r.Strings(&f.notes);
  f.create_time = r.Time();
  f.update_time = r.Time();
  f.external_ids.imdb_id = r.Bytes();
  f.external_ids.tmdb_id = r.Signed();
  f.external_ids.wikidata_id = r.Bytes();
  r.Interned(&f.genres, pool);
  return f;
}

double SortRating(const Film& film) {
  const Rating* best = nullptr;
  for (const Rating& r : film.ratings) {
    if (best == nullptr || r.votes > best->votes) best = &r;
  }
  return best == nullptr ? -1 : best->value;
}

std::string TitleKey(const std::string& title) {
  std::string key = FoldText(title);
  return key.empty() ? title : key;
}

}  // namespace longtake::catalog::internal
