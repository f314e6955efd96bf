#include "catalog_service/store/doc_codec.h"

#include <bit>
#include <concepts>
#include <cstdint>
#include <cstring>
#include <type_traits>
#include <vector>

#include "absl/strings/str_cat.h"

namespace longtake::catalog {
namespace {

static_assert(std::endian::native == std::endian::little,
              "doubles are stored as their little-endian bytes");

// The layout follows the structs field by field; these catch a field added
// to model.h (a new field changes the size) before it is silently dropped
// from the store. Encode it in VisitFields below, then update the size.
static_assert(sizeof(Film) == 504, "Film changed: update VisitFields");
static_assert(sizeof(Credit) == 136, "Credit changed: update VisitFields");
static_assert(sizeof(Award) == 104, "Award changed: update VisitFields");
static_assert(sizeof(ExternalIds) == 72, "ExternalIds changed");
static_assert(sizeof(Rating) == 48, "Rating changed: update VisitFields");
static_assert(sizeof(Person) == 216, "Person changed: update VisitFields");
static_assert(sizeof(Timecode) == 104, "Timecode changed: update VisitFields");
static_assert(sizeof(Sequence) == 368, "Sequence changed: update VisitFields");
static_assert(sizeof(Era) == 152, "Era changed: update VisitFields");

template <typename R, typename T>
concept Is = std::is_same_v<std::remove_const_t<R>, T>;

// One field list per struct, shared by the encoder and the decoder (R is
// the struct, const when encoding), so the two cannot disagree.
template <typename V, Is<Credit> R>
void VisitFields(V& v, R& c) {
  v(c.person), v(c.display_name), v(c.role), v(c.character), v(c.note);
}
template <typename V, Is<Award> R>
void VisitFields(V& v, R& a) {
  v(a.name), v(a.event), v(a.year), v(a.category);
}
template <typename V, Is<ExternalIds> R>
void VisitFields(V& v, R& e) {
  v(e.imdb_id), v(e.tmdb_id), v(e.wikidata_id);
}
template <typename V, Is<Rating> R>
void VisitFields(V& v, R& r) {
  v(r.source), v(r.value), v(r.votes);
}
template <typename V, Is<Timecode> R>
void VisitFields(V& v, R& t) {
  v(t.precision), v(t.offset), v(t.fraction), v(t.relative_to), v(t.relation),
      v(t.description);
}
template <typename V, Is<Film> R>
void VisitFields(V& v, R& f) {
  v(f.name), v(f.title), v(f.original_titles), v(f.aliases), v(f.year),
      v(f.runtime_minutes), v(f.countries), v(f.languages), v(f.synopsis),
      v(f.credits), v(f.awards), v(f.eras), v(f.studios), v(f.notes), v(f.etag),
      v(f.create_time), v(f.update_time), v(f.external_ids), v(f.genres),
      v(f.ratings);
}
template <typename V, Is<Person> R>
void VisitFields(V& v, R& p) {
  v(p.name), v(p.display_name), v(p.aliases), v(p.birth_year), v(p.death_year),
      v(p.known_roles), v(p.biography), v(p.etag), v(p.create_time),
      v(p.update_time);
}
template <typename V, Is<Sequence> R>
void VisitFields(V& v, R& s) {
  v(s.name), v(s.title), v(s.description), v(s.start), v(s.duration),
      v(s.techniques), v(s.characters), v(s.filming_method), v(s.film_order),
      v(s.etag), v(s.create_time), v(s.update_time);
}
template <typename V, Is<Era> R>
void VisitFields(V& v, R& e) {
  v(e.name), v(e.display_name), v(e.start_year), v(e.end_year),
      v(e.description), v(e.films), v(e.notable_artists);
}

template <typename T>
concept Record = requires(T& r, int& v) {
  VisitFields(v, r);
};

// The tag byte of a time or duration.
enum Tag : uint8_t { kFinite = 0, kPlusInfinity = 1, kMinusInfinity = 2 };

uint64_t ZigZag(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}
int64_t UnZigZag(uint64_t v) {
  return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1);
}

class Writer {
 public:
  Writer() { out_.push_back(kDocFormatVersion); }
  std::string Take() && { return std::move(out_); }

  void operator()(const std::string& s) {
    Varint(s.size());
    out_.append(s);
  }
  void operator()(int v) { Varint(ZigZag(v)); }
  void operator()(int64_t v) { Varint(ZigZag(v)); }
  void operator()(double d) {
    char bytes[sizeof d];
    std::memcpy(bytes, &d, sizeof d);
    out_.append(bytes, sizeof d);
  }
  template <typename E>
  requires std::is_enum_v<E>
  void operator()(E e) { out_.push_back(static_cast<char>(e)); }
  void operator()(absl::Time t) {
    if (t == absl::InfinitePast() || t == absl::InfiniteFuture()) {
      out_.push_back(t == absl::InfiniteFuture() ? kPlusInfinity
                                                 : kMinusInfinity);
      return;
    }
    const int64_t seconds = absl::ToUnixSeconds(t);  // floor
    out_.push_back(kFinite);
    (*this)(seconds);
    (*this)(absl::ToInt64Nanoseconds(t - absl::FromUnixSeconds(seconds)));
  }
  void operator()(absl::Duration d) {
    if (d == absl::InfiniteDuration() || d == -absl::InfiniteDuration()) {
      out_.push_back(d > absl::ZeroDuration() ? kPlusInfinity : kMinusInfinity);
      return;
    }
    absl::Duration rest;
    const int64_t seconds = absl::IDivDuration(d, absl::Seconds(1), &rest);
    out_.push_back(kFinite);
    (*this)(seconds);
    (*this)(absl::ToInt64Nanoseconds(rest));
  }
  template <typename T>
  void operator()(const std::vector<T>& list) {
    Varint(list.size());
    for (const T& item : list) (*this)(item);
  }
  template <Record T>
  void operator()(const T& record) {
    VisitFields(*this, record);
  }

 private:
  void Varint(uint64_t v) {
    while (v >= 0x80) {
      out_.push_back(static_cast<char>(v | 0x80));
      v >>= 7;
    }
    out_.push_back(static_cast<char>(v));
  }

  std::string out_;
};

// Reads what Writer wrote. The first fault stops it (ok() turns false);
// every later read then leaves its field as it is.
class Reader {
 public:
  explicit Reader(absl::string_view doc) : rest_(doc) {
    ok_ = !rest_.empty() && rest_.front() == kDocFormatVersion;
    if (ok_) rest_.remove_prefix(1);
  }
  // Whether the whole document was read without a fault.
  bool done() const { return ok_ && rest_.empty(); }

  void operator()(std::string& s) {
    uint64_t size = Varint();
    if (!Need(size)) return;
    s.assign(rest_.data(), size);
    rest_.remove_prefix(size);
  }
  void operator()(int& v) { v = static_cast<int>(UnZigZag(Varint())); }
  void operator()(int64_t& v) { v = UnZigZag(Varint()); }
  void operator()(double& d) {
    if (!Need(sizeof d)) return;
    std::memcpy(&d, rest_.data(), sizeof d);
    rest_.remove_prefix(sizeof d);
  }
  template <typename E>
  requires std::is_enum_v<E>
  void operator()(E& e) { e = static_cast<E>(Byte()); }
  void operator()(absl::Time& t) {
    Instant(&t, absl::InfiniteFuture(), absl::InfinitePast(),
            absl::FromUnixSeconds(0));
  }
  void operator()(absl::Duration& d) {
    Instant(&d, absl::InfiniteDuration(), -absl::InfiniteDuration(),
            absl::ZeroDuration());
  }
  template <typename T>
  void operator()(std::vector<T>& list) {
    // Every element takes at least one byte: a corrupt count cannot make
    // it allocate more than the document's size.
    uint64_t size = Varint();
    if (!Need(size)) return;
    list.resize(size);
    for (T& item : list) (*this)(item);
  }
  template <Record T>
  void operator()(T& record) {
    VisitFields(*this, record);
  }

 private:
  // A time or duration: its tag, then (when finite) seconds and
  // nanoseconds after `zero`.
  template <typename T>
  void Instant(T* out, T plus_infinity, T minus_infinity, T zero) {
    const uint8_t tag = Byte();
    if (tag == kPlusInfinity || tag == kMinusInfinity) {
      *out = tag == kPlusInfinity ? plus_infinity : minus_infinity;
      return;
    }
    int64_t seconds = 0, nanos = 0;
    (*this)(seconds), (*this)(nanos);
    ok_ = ok_ && tag == kFinite;
    *out = zero + absl::Seconds(seconds) + absl::Nanoseconds(nanos);
  }

  bool Need(uint64_t bytes) {
    ok_ = ok_ && bytes <= rest_.size();
    return ok_;
  }
  uint8_t Byte() {
    if (!Need(1)) return 0;
    uint8_t b = static_cast<uint8_t>(rest_.front());
    rest_.remove_prefix(1);
    return b;
  }
  uint64_t Varint() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64 && ok_; shift += 7) {
      uint8_t b = Byte();
      v |= static_cast<uint64_t>(b & 0x7f) << shift;
      if ((b & 0x80) == 0) return v;
    }
    ok_ = false;
    return 0;
  }

  absl::string_view rest_;
  bool ok_ = false;
};

template <typename T>
std::string Encode(const T& value) {
  Writer writer;
  writer(value);
  return std::move(writer).Take();
}

template <typename T>
absl::Status Decode(absl::string_view doc, T* out) {
  Reader reader(doc);
  T value;
  reader(value);
  if (!reader.done()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "not a well-formed binary document (", doc.size(), " bytes, format ",
        static_cast<int>(kDocFormatVersion), ")"));
  }
  *out = std::move(value);
  return absl::OkStatus();
}

}  // namespace

std::string EncodeDoc(const Film& film) { return Encode(film); }
std::string EncodeDoc(const Person& person) { return Encode(person); }
std::string EncodeDoc(const Sequence& sequence) { return Encode(sequence); }
std::string EncodeDoc(const Era& era) { return Encode(era); }

absl::Status DecodeDoc(absl::string_view doc, Film* out) {
  return Decode(doc, out);
}
absl::Status DecodeDoc(absl::string_view doc, Person* out) {
  return Decode(doc, out);
}
absl::Status DecodeDoc(absl::string_view doc, Sequence* out) {
  return Decode(doc, out);
}
absl::Status DecodeDoc(absl::string_view doc, Era* out) {
  return Decode(doc, out);
}

}  // namespace longtake::catalog
