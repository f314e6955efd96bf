// Every part of a CatalogState as snapshot sections (read_model_snapshot.h),
// in one fixed order. Flat arrays are saved as they are and read straight
// into their vectors; records' blocks go back to back into one section that
// becomes one arena chunk on load; hash maps are rebuilt, reserved first.
// Loading checks every index against the sizes already loaded, so that a
// damaged snapshot whose checksums still matched could not send a read out
// of bounds.

#include <cstring>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "catalog_service/domain/catalog_state.h"
#include "catalog_service/domain/json_codec.h"
#include "catalog_service/domain/read_model_snapshot_io.h"
#include "common/status/errors.h"

namespace longtake::catalog::internal {
namespace {

// The size of a free slot's record.
constexpr uint32_t kDead = 0xFFFFFFFFu;
// Postings are saved in sections of about this many, so that loading holds
// one section's worth at a time besides the index.
constexpr size_t kPostingsPerSection = size_t{1} << 20;

// A film record's plain members; its block is in the blocks' section.
struct FilmRow {
  uint32_t size;
  uint16_t key_size;
  uint16_t name_size;
  int32_t year;
  int32_t runtime_minutes;
  double rating;
};
static_assert(sizeof(FilmRow) == 24);

template <typename T>
std::string JsonOf(const T& v) {
  return ToJson(v).dump();
}

template <typename T>
absl::StatusOr<T> FromJsonText(std::string_view text) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded()) return Corrupt("a resource's JSON");
  absl::StatusOr<T> v = FromJson<T>(j, "snapshot");
  if (!v.ok()) return Corrupt(v.status().message());
  return v;
}

// A section of sets of films by key: [count] then [key][n][n indexes].
template <typename Map>
void SaveKeyedSets(const Map& sets, SnapshotWriter& w) {
  w.Begin();
  w.Pod(static_cast<uint64_t>(sets.size()));
  std::vector<FilmIndex> films;
  for (const auto& [key, set] : sets) {
    films.assign(set.begin(), set.end());
    w.Pod(static_cast<int64_t>(key));
    w.Pod(static_cast<uint64_t>(films.size()));
    w.Put(films.data(), films.size() * sizeof(FilmIndex));
  }
  w.End();
}

// Whether every index in `films` is below `slots`.
bool InRange(const std::vector<FilmIndex>& films, size_t slots) {
  for (FilmIndex f : films) {
    if (f >= slots) return false;
  }
  return true;
}

// Reads a SaveKeyedSets section; `put(key, films)` stores one set, false
// when the key is invalid.
template <typename Put>
absl::Status LoadKeyedSets(SnapshotReader& r, size_t slots, Put put) {
  std::string bytes;
  LONGTAKE_RETURN_IF_ERROR(r.Section(&bytes));
  SectionCursor c(bytes);
  uint64_t count = 0;
  if (!c.Get(&count) || count > c.left() / 16) return Corrupt("film sets");
  std::vector<FilmIndex> films;
  for (uint64_t k = 0; k < count; ++k) {
    int64_t key = 0;
    uint64_t n = 0;
    if (!c.Get(&key) || !c.Get(&n) || !c.Elements(n, &films) ||
        !InRange(films, slots) || !put(key, std::move(films))) {
      return Corrupt("film sets");
    }
  }
  if (!c.done()) return Corrupt("film sets (trailing bytes)");
  return absl::OkStatus();
}

absl::Status LoadList(SnapshotReader& r, size_t slots,
                      std::vector<FilmIndex>* out) {
  LONGTAKE_RETURN_IF_ERROR(r.Array(out));
  if (!InRange(*out, slots)) return Corrupt("a film index out of range");
  return absl::OkStatus();
}

// Whether `inner` lies within `outer`.
bool Within(std::string_view inner, std::string_view outer) {
  return inner.data() >= outer.data() &&
         inner.data() + inner.size() <= outer.data() + outer.size();
}

}  // namespace

uint64_t SnapshotCodec::FilmSlots(const CatalogState& s) {
  return s.films_.size();
}

void SnapshotCodec::Save(const CatalogState& s, SnapshotWriter& w) {
  // Films: their blocks back to back, then a row per slot.
  w.Begin();
  for (const FilmRecord& rec : s.films_) {
    if (rec.live()) w.Put(rec.data(), rec.size());
  }
  w.End();
  {
    std::vector<FilmRow> rows(s.films_.size());
    for (size_t i = 0; i < rows.size(); ++i) {
      const FilmRecord& rec = s.films_[i];
      rows[i] = rec.live() ? FilmRow{static_cast<uint32_t>(rec.size()),
                                     rec.key_size_,
                                     rec.name_size_,
                                     rec.year_,
                                     rec.runtime_minutes_,
                                     rec.rating_}
                           : FilmRow{kDead, 0, 0, 0, 0, 0};
    }
    w.Array(rows);
  }
  w.Array(s.free_slots_);

  // People: blocks, sizes, free slots, the name order.
  w.Begin();
  for (const PersonRecord& rec : s.people_) {
    if (rec.live()) w.Put(rec.data(), rec.size());
  }
  w.End();
  {
    std::vector<uint32_t> sizes(s.people_.size());
    for (size_t i = 0; i < sizes.size(); ++i) {
      const PersonRecord& rec = s.people_[i];
      sizes[i] = rec.live() ? static_cast<uint32_t>(rec.size()) : kDead;
    }
    w.Array(sizes);
  }
  w.Array(s.free_people_);
  w.Array(s.person_order_);

  // Interned strings: texts back to back, then their lengths.
  w.Begin();
  for (std::string_view v : s.pool_.views_) w.Put(v.data(), v.size());
  w.End();
  {
    std::vector<uint32_t> lengths;
    lengths.reserve(s.pool_.views_.size());
    for (std::string_view v : s.pool_.views_)
      lengths.push_back(static_cast<uint32_t>(v.size()));
    w.Array(lengths);
  }

  // Orders and film indexes.
  for (const ChunkedList& order : s.orders) w.Array(order.ToVector());
  for (const FilmSet& set : s.role_films)
    w.Array(std::vector<FilmIndex>(set.begin(), set.end()));
  SaveKeyedSets(s.year_films, w);
  SaveKeyedSets(s.person_films_, w);
  SaveKeyedSets(s.era_films_, w);
  SaveKeyedSets(s.genre_films_, w);
  w.Begin();
  w.Pod(static_cast<uint64_t>(s.external_id_films_.size()));
  for (const auto& [key, film] : s.external_id_films_) {
    w.String(key);
    w.Pod(film);
  }
  w.End();
  w.Begin();
  for (const auto& counts : s.technique_films_) {
    w.Pod(static_cast<uint64_t>(counts.size()));
    for (const auto& [film, n] : counts) {
      w.Pod(film);
      w.Pod(static_cast<int32_t>(n));
    }
  }
  w.End();

  // Sequences and eras (few: their JSON form).
  w.Begin();
  w.Pod(static_cast<uint64_t>(s.sequences.size()));
  for (const auto& [name, seq] : s.sequences) w.String(JsonOf(*seq));
  w.Pod(static_cast<uint64_t>(s.film_sequences.size()));
  for (const auto& [film, names] : s.film_sequences) {
    w.String(film);
    w.Pod(static_cast<uint64_t>(names.size()));
    for (const std::string& n : names) w.String(n);
  }
  w.Pod(static_cast<uint64_t>(s.eras.size()));
  for (const auto& [name, era] : s.eras) w.String(JsonOf(*era));
  w.End();
}

void SnapshotCodec::SaveSearch(const SearchIndex& x, SnapshotWriter& w) {
  const size_t terms = x.terms_.size();
  std::vector<uint32_t> texts(terms), sizes(terms);
  std::vector<uint8_t> fields(terms);
  for (size_t t = 0; t < terms; ++t) {
    texts[t] = x.terms_[t].text;
    sizes[t] = x.terms_[t].postings.size();
    fields[t] = x.terms_[t].fields;
  }
  w.Array(texts);
  w.Array(sizes);
  w.Array(fields);
  w.Begin();
  w.Put(x.texts_.data(), x.texts_.size());
  w.End();
  // Postings: sections of whole terms, DocIds then field bytes.
  for (size_t from = 0; from < terms;) {
    size_t to = from;
    size_t postings = 0;
    while (to < terms && postings < kPostingsPerSection)
      postings += sizes[to++];
    w.Begin();
    for (size_t t = from; t < to; ++t) {
      const auto& p = x.terms_[t].postings;
      w.Put(p.docs(), p.size() * sizeof(SearchIndex::DocId));
    }
    for (size_t t = from; t < to; ++t) {
      const auto& p = x.terms_[t].postings;
      w.Put(p.masks(), p.size());
    }
    w.End();
    from = to;
  }
  w.Array(
      std::vector<uint32_t>(x.ordered_terms_.begin(), x.ordered_terms_.end()));
  w.Array(x.deletions_);
  w.Begin();
  w.Pod(static_cast<uint64_t>(x.recent_deletions_.size()));
  for (const auto& [hash, v] : x.recent_deletions_) {
    w.Pod(hash);
    w.Pod(v);
  }
  w.Pod(static_cast<uint64_t>(x.multi_.size()));
  for (const std::vector<uint32_t>& list : x.multi_) {
    w.Pod(static_cast<uint64_t>(list.size()));
    w.Put(list.data(), list.size() * sizeof(uint32_t));
  }
  w.Pod(static_cast<uint64_t>(x.doc_count_));
  w.Pod(static_cast<uint64_t>(x.removal_scans_));
  w.End();
  w.Array(x.doc_postings_);
}

absl::Status SnapshotCodec::Load(SnapshotReader& r, CatalogState& s) {
  // Films.
  std::unique_ptr<char[]> block;
  size_t block_bytes = 0;
  LONGTAKE_RETURN_IF_ERROR(r.Block(&block, &block_bytes));
  const std::string_view film_bytes(block.get(), block_bytes);
  s.film_arena_.Adopt(std::move(block), block_bytes);
  size_t live = 0;
  {
    std::vector<FilmRow> rows;
    LONGTAKE_RETURN_IF_ERROR(r.Array(&rows));
    if (rows.size() >= kDead) return Corrupt("film count");
    s.films_.resize(rows.size());
    size_t at = 0;
    for (size_t i = 0; i < rows.size(); ++i) {
      const FilmRow& row = rows[i];
      if (row.size == kDead) continue;
      if (row.size > block_bytes - at || row.size >= (1u << 31))
        return Corrupt("film records overrun their block");
      if (row.name_size != FilmRecord::kLongName &&
          size_t{row.key_size} + row.name_size > row.size) {
        return Corrupt("a film record's head");
      }
      FilmRecord& rec = s.films_[i];
      RecordBlock& b = rec;
      b.data_ = film_bytes.data() + at;
      b.size_ = row.size;
      b.owned_ = 0;
      rec.key_size_ = row.key_size;
      rec.name_size_ = row.name_size;
      rec.year_ = row.year;
      rec.runtime_minutes_ = row.runtime_minutes;
      rec.rating_ = row.rating;
      if (!Within(rec.name(), film_bytes))
        return Corrupt("a film record's name");
      at += row.size;
      ++live;
    }
    if (at != block_bytes) return Corrupt("film blocks left over");
  }
  const size_t slots = s.films_.size();
  s.film_names_.reserve(live);
  for (size_t i = 0; i < slots; ++i) {
    if (s.films_[i].live() &&
        !s.film_names_.insert(static_cast<FilmIndex>(i)).second) {
      return Corrupt("two films of one name");
    }
  }
  LONGTAKE_RETURN_IF_ERROR(LoadList(r, slots, &s.free_slots_));
  for (FilmIndex f : s.free_slots_) {
    if (s.films_[f].live()) return Corrupt("a free film slot in use");
  }
  if (live + s.free_slots_.size() != slots) return Corrupt("film slots");

  LONGTAKE_RETURN_IF_ERROR(LoadPeople(r, s));
  LONGTAKE_RETURN_IF_ERROR(LoadPool(r, s.pool_));

  // Orders and film indexes.
  std::vector<FilmIndex> films;
  for (ChunkedList& order : s.orders) {
    LONGTAKE_RETURN_IF_ERROR(LoadList(r, slots, &films));
    if (films.size() != live) return Corrupt("an order's size");
    order.Assign(std::move(films));
  }
  for (FilmSet& set : s.role_films) {
    LONGTAKE_RETURN_IF_ERROR(LoadList(r, slots, &films));
    set.Assign(std::move(films));
  }
  LONGTAKE_RETURN_IF_ERROR(
      LoadKeyedSets(r, slots, [&](int64_t year, std::vector<FilmIndex> v) {
        s.year_films[static_cast<int>(year)].Assign(std::move(v));
        return true;
      }));
  for (auto* index : {&s.person_films_, &s.era_films_, &s.genre_films_}) {
    LONGTAKE_RETURN_IF_ERROR(
        LoadKeyedSets(r, slots, [&](int64_t key, std::vector<FilmIndex> v) {
          if (key < 0 || static_cast<uint64_t>(key) >= s.pool_.size())
            return false;
          (*index)[static_cast<uint32_t>(key)].Assign(std::move(v));
          return true;
        }));
  }
  std::string bytes;
  LONGTAKE_RETURN_IF_ERROR(r.Section(&bytes));
  {
    SectionCursor c(bytes);
    uint64_t n = 0;
    if (!c.Get(&n) || n > c.left() / 8) return Corrupt("external ids");
    s.external_id_films_.reserve(n);
    for (uint64_t k = 0; k < n; ++k) {
      std::string_view key;
      FilmIndex film = 0;
      if (!c.String(&key) || !c.Get(&film) || film >= slots)
        return Corrupt("external ids");
      s.external_id_films_.emplace(key, film);
    }
    if (!c.done()) return Corrupt("external ids (trailing bytes)");
  }
  LONGTAKE_RETURN_IF_ERROR(r.Section(&bytes));
  {
    SectionCursor c(bytes);
    for (auto& counts : s.technique_films_) {
      uint64_t n = 0;
      if (!c.Get(&n) || n > c.left() / 8) return Corrupt("technique counts");
      counts.reserve(n);
      for (uint64_t k = 0; k < n; ++k) {
        FilmIndex film = 0;
        int32_t count = 0;
        if (!c.Get(&film) || !c.Get(&count) || film >= slots)
          return Corrupt("technique counts");
        counts.emplace(film, count);
      }
    }
    if (!c.done()) return Corrupt("technique counts (trailing bytes)");
  }
  return LoadSequencesAndEras(r, s);
}

absl::Status SnapshotCodec::LoadPeople(SnapshotReader& r, CatalogState& s) {
  std::unique_ptr<char[]> block;
  size_t block_bytes = 0;
  LONGTAKE_RETURN_IF_ERROR(r.Block(&block, &block_bytes));
  const std::string_view person_bytes(block.get(), block_bytes);
  s.person_arena_.Adopt(std::move(block), block_bytes);
  std::vector<uint32_t> sizes;
  LONGTAKE_RETURN_IF_ERROR(r.Array(&sizes));
  if (sizes.size() >= kDead) return Corrupt("person count");
  s.people_.resize(sizes.size());
  size_t at = 0;
  size_t live = 0;
  for (size_t i = 0; i < sizes.size(); ++i) {
    if (sizes[i] == kDead) continue;
    // A name's length is at least a byte of the block.
    if (sizes[i] == 0 || sizes[i] > block_bytes - at || sizes[i] >= (1u << 31))
      return Corrupt("person records overrun their block");
    RecordBlock& b = s.people_[i];
    b.data_ = person_bytes.data() + at;
    b.size_ = sizes[i];
    b.owned_ = 0;
    if (!Within(s.people_[i].name(), person_bytes))
      return Corrupt("a person record's name");
    at += sizes[i];
    ++live;
  }
  if (at != block_bytes) return Corrupt("person blocks left over");
  s.person_names_.reserve(live);
  for (size_t i = 0; i < sizes.size(); ++i) {
    if (s.people_[i].live() &&
        !s.person_names_.insert(static_cast<PersonIndex>(i)).second) {
      return Corrupt("two people of one name");
    }
  }
  LONGTAKE_RETURN_IF_ERROR(LoadList(r, sizes.size(), &s.free_people_));
  for (PersonIndex p : s.free_people_) {
    if (s.people_[p].live()) return Corrupt("a free person slot in use");
  }
  LONGTAKE_RETURN_IF_ERROR(LoadList(r, sizes.size(), &s.person_order_));
  if (s.person_order_.size() != live) return Corrupt("the person order");
  for (PersonIndex p : s.person_order_) {
    if (!s.people_[p].live()) return Corrupt("the person order");
  }
  return absl::OkStatus();
}

absl::Status SnapshotCodec::LoadPool(SnapshotReader& r, StringPool& pool) {
  std::unique_ptr<char[]> block;
  size_t block_bytes = 0;
  LONGTAKE_RETURN_IF_ERROR(r.Block(&block, &block_bytes));
  const char* base = block.get();
  pool.arena_.Adopt(std::move(block), block_bytes);
  std::vector<uint32_t> lengths;
  LONGTAKE_RETURN_IF_ERROR(r.Array(&lengths));
  pool.views_.reserve(lengths.size());
  pool.ids_.reserve(lengths.size());
  size_t at = 0;
  for (uint32_t n : lengths) {
    if (n > block_bytes - at) return Corrupt("interned strings");
    const std::string_view v(base + at, n);
    at += n;
    const auto id = static_cast<uint32_t>(pool.views_.size());
    pool.views_.push_back(v);
    if (!pool.ids_.emplace(v, id).second)
      return Corrupt("a string interned twice");
  }
  if (at != block_bytes) return Corrupt("interned strings left over");
  return absl::OkStatus();
}

absl::Status SnapshotCodec::LoadSequencesAndEras(SnapshotReader& r,
                                                 CatalogState& s) {
  std::string bytes;
  LONGTAKE_RETURN_IF_ERROR(r.Section(&bytes));
  SectionCursor c(bytes);
  uint64_t n = 0;
  std::string_view text;
  if (!c.Get(&n) || n > c.left() / 4) return Corrupt("sequences");
  s.sequences.reserve(n);
  for (uint64_t k = 0; k < n; ++k) {
    if (!c.String(&text)) return Corrupt("sequences");
    LONGTAKE_ASSIGN_OR_RETURN(Sequence seq, FromJsonText<Sequence>(text));
    std::string name = seq.name;
    s.sequences[std::move(name)] =
        std::make_shared<const Sequence>(std::move(seq));
  }
  if (!c.Get(&n) || n > c.left() / 12) return Corrupt("film sequences");
  for (uint64_t k = 0; k < n; ++k) {
    uint64_t count = 0;
    if (!c.String(&text) || !c.Get(&count) || count > c.left() / 4)
      return Corrupt("film sequences");
    std::vector<std::string>& names = s.film_sequences[std::string(text)];
    names.reserve(count);
    for (uint64_t i = 0; i < count; ++i) {
      if (!c.String(&text) || !s.sequences.contains(std::string(text)))
        return Corrupt("film sequences");
      names.emplace_back(text);
    }
  }
  if (!c.Get(&n) || n > c.left() / 4) return Corrupt("eras");
  for (uint64_t k = 0; k < n; ++k) {
    if (!c.String(&text)) return Corrupt("eras");
    LONGTAKE_ASSIGN_OR_RETURN(Era era, FromJsonText<Era>(text));
    std::string name = era.name;
    s.eras.emplace(std::move(name),
                   std::make_shared<const Era>(std::move(era)));
  }
  if (!c.done()) return Corrupt("sequences and eras (trailing bytes)");
  return absl::OkStatus();
}

absl::Status SnapshotCodec::LoadSearch(SnapshotReader& r, size_t slots,
                                       SearchIndex& x) {
  std::vector<uint32_t> texts, sizes;
  std::vector<uint8_t> fields;
  LONGTAKE_RETURN_IF_ERROR(r.Array(&texts));
  LONGTAKE_RETURN_IF_ERROR(r.Array(&sizes));
  LONGTAKE_RETURN_IF_ERROR(r.Array(&fields));
  LONGTAKE_RETURN_IF_ERROR(r.Section(&x.texts_));
  const size_t terms = texts.size();
  if (sizes.size() != terms || fields.size() != terms ||
      x.texts_.size() >= (uint64_t{1} << 32)) {
    return Corrupt("search terms");
  }
  for (size_t t = 0; t < terms; ++t) {
    const uint32_t end =
        t + 1 < terms ? texts[t + 1] : static_cast<uint32_t>(x.texts_.size());
    if (texts[t] > end) return Corrupt("search term texts");
  }
  std::vector<uint32_t> doc_postings;
  x.terms_.resize(terms);
  std::string bytes;
  for (size_t from = 0; from < terms;) {
    size_t to = from;
    size_t postings = 0;
    while (to < terms && postings < kPostingsPerSection)
      postings += sizes[to++];
    LONGTAKE_RETURN_IF_ERROR(r.Section(&bytes));
    if (bytes.size() != postings * (sizeof(SearchIndex::DocId) + 1))
      return Corrupt("search postings");
    std::vector<SearchIndex::DocId> docs(postings);
    if (postings > 0)
      std::memcpy(docs.data(), bytes.data(), postings * sizeof(docs[0]));
    const auto* masks = reinterpret_cast<const uint8_t*>(bytes.data()) +
                        postings * sizeof(SearchIndex::DocId);
    size_t at = 0;
    for (size_t t = from; t < to; ++t) {
      for (size_t k = at; k < at + sizes[t]; ++k) {
        if (docs[k] >= slots) return Corrupt("a search posting's film");
      }
      SearchIndex::Term& term = x.terms_[t];
      term.postings.Assign(docs.data() + at, masks + at, sizes[t]);
      term.text = texts[t];
      term.fields = fields[t];
      at += sizes[t];
    }
    from = to;
  }
  x.term_ids_.reserve(terms);
  for (size_t t = 0; t < terms; ++t) {
    if (!x.term_ids_.insert(static_cast<uint32_t>(t)).second)
      return Corrupt("a search term twice");
  }
  std::vector<uint32_t> ordered;
  LONGTAKE_RETURN_IF_ERROR(r.Array(&ordered));
  if (ordered.size() != terms) return Corrupt("the ordered search terms");
  for (uint32_t t : ordered) {
    if (t >= terms) return Corrupt("the ordered search terms");
    x.ordered_terms_.insert(x.ordered_terms_.end(), t);
  }
  if (x.ordered_terms_.size() != terms)
    return Corrupt("the ordered search terms");
  LONGTAKE_RETURN_IF_ERROR(r.Array(&x.deletions_));
  for (uint64_t d : x.deletions_) {
    if ((d & 0xFFFFFFFFu) >= terms) return Corrupt("the fuzzy index");
  }
  LONGTAKE_RETURN_IF_ERROR(r.Section(&bytes));
  SectionCursor c(bytes);
  uint64_t n = 0;
  if (!c.Get(&n) || n > c.left() / 8) return Corrupt("the fuzzy index");
  x.recent_deletions_.reserve(n);
  std::vector<std::pair<uint32_t, uint32_t>> recent(n);
  for (auto& [hash, v] : recent) {
    if (!c.Get(&hash) || !c.Get(&v)) return Corrupt("the fuzzy index");
  }
  if (!c.Get(&n) || n > c.left() / 8) return Corrupt("the fuzzy index");
  x.multi_.resize(n);
  for (std::vector<uint32_t>& list : x.multi_) {
    uint64_t count = 0;
    if (!c.Get(&count) || !c.Elements(count, &list))
      return Corrupt("the fuzzy index");
    for (uint32_t t : list) {
      if (t >= terms) return Corrupt("the fuzzy index");
    }
  }
  for (const auto& [hash, v] : recent) {
    if ((v & SearchIndex::kMultiBit)
            ? (v & ~SearchIndex::kMultiBit) >= x.multi_.size()
            : v >= terms) {
      return Corrupt("the fuzzy index");
    }
    x.recent_deletions_.emplace(hash, v);
  }
  uint64_t doc_count = 0, removal_scans = 0;
  if (!c.Get(&doc_count) || !c.Get(&removal_scans) || !c.done())
    return Corrupt("the search index's counts");
  x.doc_count_ = doc_count;
  x.removal_scans_ = removal_scans;
  LONGTAKE_RETURN_IF_ERROR(r.Array(&x.doc_postings_));
  if (x.doc_postings_.size() > slots) return Corrupt("search documents");
  return absl::OkStatus();
}

}  // namespace longtake::catalog::internal
