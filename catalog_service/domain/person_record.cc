#include "catalog_service/domain/person_record.h"

#include "catalog_service/domain/record_codec.h"

namespace longtake::catalog::internal {

// The block: name, display name, known roles (a count and a byte each),
// etag, aliases, birth and death years, biography, create and update times.
static_assert(sizeof(PersonRecord) == 16);

std::string_view PersonRecord::name() const {
  return Reader({data(), size()}).Bytes();
}

std::string_view PersonRecord::display_name() const {
  Reader r({data(), size()});
  r.Bytes();  // name
  return r.Bytes();
}

bool PersonRecord::HasKnownRole(CreditRole role) const {
  Reader r({data(), size()});
  r.Bytes();  // name
  r.Bytes();  // display name
  for (uint64_t n = r.Varint(); n > 0; --n) {
    if (r.Byte() == static_cast<uint8_t>(role)) return true;
  }
  return false;
}

std::string PersonRecord::etag() const {
  Reader r({data(), size()});
  r.Bytes();  // name
  r.Bytes();  // display name
  for (uint64_t n = r.Varint(); n > 0; --n) r.Byte();
  return r.Etag();
}

PersonRecord EncodePerson(const Person& p, BlockArena* arena) {
  Writer w;
  w.out().reserve(p.name.size() + p.display_name.size() + p.biography.size() +
                  48);
  w.Bytes(p.name);
  w.Bytes(p.display_name);
  w.Varint(p.known_roles.size());
  for (CreditRole role : p.known_roles) w.Byte(static_cast<uint8_t>(role));
  w.Etag(p.etag);
  w.Strings(p.aliases);
  w.Signed(p.birth_year);
  w.Signed(p.death_year);
  w.Bytes(p.biography);
  w.Time(p.create_time);
  w.Time(p.update_time);
  return PersonRecord(w.out(), arena);
}

Person DecodePerson(const PersonRecord& rec) {
  Person p;
  Reader r({rec.data(), rec.size()});
  p.name = r.Bytes();
  p.display_name = r.Bytes();
  p.known_roles.resize(r.Varint());
  for (CreditRole& role : p.known_roles)
    role = static_cast<CreditRole>(r.Byte());
  p.etag = r.Etag();
  r.Strings(&p.aliases);
  p.birth_year = static_cast<int>(r.Signed());
  p.death_year = static_cast<int>(r.Signed());
  p.biography = r.Bytes();
  p.create_time = r.Time();
  p.update_time = r.Time();
  return p;
}

}  // namespace longtake::catalog::internal
