#pragma once

// The small binary encoding of the read model's compact records
// (film_record.h, person_record.h): integers are varints (signed ones
// zigzag), strings a varint length and their bytes, interned strings a varint
// pool id, doubles their 8 bytes, times a tag then seconds and nanoseconds,
// etags 8 bytes when they have the usual 16 hex digits (common/domain/etag.h)
// and their text otherwise. The reader trusts its input: it only ever reads
// what the writer wrote in the same process.
//
//   Writer w;
//   w.Bytes("films/i-am-cuba");
//   w.Etag("0123456789abcdef");
//   Reader r(w.out());
//   r.Bytes();  // "films/i-am-cuba"
//   r.Etag();   // "0123456789abcdef"

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/time.h"
#include "catalog_service/domain/film_record.h"

namespace longtake::catalog::internal {

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
  // 1 and the 8 bytes of 16 lower-case hex digits; 0 and the text of any
  // other etag.
  void Etag(std::string_view etag) {
    uint64_t v = 0;
    bool hex = etag.size() == 16;
    for (size_t i = 0; hex && i < etag.size(); ++i) {
      const char c = etag[i];
      const int d = c >= '0' && c <= '9'   ? c - '0'
                    : c >= 'a' && c <= 'f' ? c - 'a' + 10
                                           : -1;
      hex = d >= 0;
      v = (v << 4) | static_cast<uint64_t>(d & 0xf);
    }
    if (!hex) {
      Byte(0);
      return Bytes(etag);
    }
    Byte(1);
    char buf[sizeof v];
    std::memcpy(buf, &v, sizeof v);
    out_.append(buf, sizeof v);
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
  std::string Etag() {
    if (Byte() == 0) return std::string(Bytes());
    uint64_t v;
    std::memcpy(&v, p_, sizeof v);
    p_ += sizeof v;
    std::string etag(16, '0');
    for (int i = 15; i >= 0; --i, v >>= 4)
      etag[i] = "0123456789abcdef"[v & 0xf];
    return etag;
  }
  void SkipEtag() {
    if (Byte() == 0) {
      Bytes();
    } else {
      p_ += sizeof(uint64_t);
    }
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

}  // namespace longtake::catalog::internal
