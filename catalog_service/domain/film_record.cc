#include "catalog_service/domain/film_record.h"

#include <algorithm>
#include <cstring>
#include <limits>

#include "catalog_service/domain/record_codec.h"
#include "common/text/text_folding.h"

namespace longtake::catalog::internal {

uint32_t StringPool::Intern(std::string_view s) {
  if (auto it = ids_.find(s); it != ids_.end()) return it->second;
  const std::string_view stored = arena_.Copy(s);
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
  return views_.capacity() * sizeof(std::string_view) +
         ids_.capacity() * (sizeof(std::string_view) + 5) +
         arena_.MemoryBytes();
}

std::string_view FilmRecord::Rest() const {
  const size_t head = key_size_ + (name_size_ == kLongName ? 0 : name_size_);
  return std::string_view(data() + head, size() - head);
}

std::string_view FilmRecord::LongName() const {
  Reader r(Rest());
  r.SkipEtag();
  return r.Bytes();
}

std::string FilmRecord::etag() const { return Reader(Rest()).Etag(); }

std::string_view FilmRecord::title() const {
  Reader r(Rest());
  r.SkipEtag();
  r.Bytes();  // long name
  return r.Bytes();
}

int64_t FilmRecord::total_votes() const {
  Reader r(Rest());
  r.SkipEtag();
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

static_assert(sizeof(FilmRecord) == 32);

FilmRecord EncodeFilm(const Film& f, StringPool* pool, BlockArena* arena) {
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
  w.Etag(f.etag);
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
  static_cast<RecordBlock&>(rec) = RecordBlock(w.out(), arena);
  return rec;
}

Film DecodeFilm(const FilmRecord& rec, const StringPool& pool) {
  Film f;
  Reader r(rec.Rest());
  f.etag = r.Etag();
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
