#pragma once

// The read model's compact form of a person: one block (record_block.h) in
// the small binary encoding of record_codec.h instead of a `Person` struct in
// a map of shared pointers (about 500 bytes a person before; a tenth of that
// now). The name, display name and known roles read without decoding; the
// whole person decodes back to an equal `Person`.
//
//   PersonRecord rec = EncodePerson(person);
//   rec.name();                               // "people/mikhail-kalatozov"
//   rec.HasKnownRole(CreditRole::kDirector);  // no decoding
//   Person copy = DecodePerson(rec);          // copy == person

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "catalog_service/domain/model.h"
#include "catalog_service/domain/record_block.h"

namespace longtake::catalog::internal {

class SnapshotCodec;  // read_model_snapshot_codec.cc

// Position of a person in the read model's person records.
using PersonIndex = uint32_t;

// One person in compact form (16 bytes plus its block).
// Movable, not copyable (as its block).
class PersonRecord : private RecordBlock {
 public:
  using RecordBlock::heap_bytes;
  using RecordBlock::live;
  std::string_view name() const;
  std::string_view display_name() const;
  bool HasKnownRole(CreditRole role) const;
  std::string etag() const;
  // Bytes of the encoded block.
  size_t block_bytes() const { return size(); }

 private:
  friend class SnapshotCodec;  // read_model_snapshot_codec.cc
  friend PersonRecord EncodePerson(const Person& person, BlockArena* arena);
  friend Person DecodePerson(const PersonRecord& rec);
  using RecordBlock::RecordBlock;
};

// The person in compact form: a slice of `arena`, or a heap block of its
// own when null.
PersonRecord EncodePerson(const Person& person, BlockArena* arena = nullptr);
// The person `rec` holds, equal to the one encoded.
Person DecodePerson(const PersonRecord& rec);

}  // namespace longtake::catalog::internal
