// The compact person record: every field survives encode and decode, with
// Cyrillic text, an empty person and maximal sizes, in a block of its own or
// in an arena; the name, display name, known roles and etag read without
// decoding.

#include "catalog_service/domain/person_record.h"

#include <climits>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace longtake::catalog::internal {
namespace {

Person FullPerson() {
  return Person{
      .name = "people/mikhail-kalatozov",
      .display_name = "Михаил Калатозов",
      .aliases = {"Mikheil Kalatozishvili", "", "Калатозишвили"},
      .birth_year = 1903,
      .death_year = 1973,
      .known_roles = {CreditRole::kDirector, CreditRole::kWriter},
      .biography = "Режиссёр «Летят журавли».\nDirector of I Am Cuba.",
      .etag = "0123456789abcdef",
      .create_time = absl::FromUnixNanos(1700000000123456789),
      .update_time = absl::FromUnixSeconds(-86400 * 365) + absl::Nanoseconds(7),
  };
}

void ExpectEveryField(const PersonRecord& rec, const Person& person) {
  EXPECT_EQ(DecodePerson(rec), person);
  EXPECT_EQ(rec.name(), "people/mikhail-kalatozov");
  EXPECT_EQ(rec.display_name(), "Михаил Калатозов");
  EXPECT_EQ(rec.etag(), "0123456789abcdef");
  EXPECT_TRUE(rec.HasKnownRole(CreditRole::kDirector));
  EXPECT_TRUE(rec.HasKnownRole(CreditRole::kWriter));
  EXPECT_FALSE(rec.HasKnownRole(CreditRole::kCast));
}

TEST(PersonRecordTest, EveryFieldRoundTrips) {
  const Person person = FullPerson();
  PersonRecord own = EncodePerson(person);
  ExpectEveryField(own, person);
  EXPECT_GT(own.heap_bytes(), own.block_bytes());
  BlockArena arena;
  PersonRecord bulk = EncodePerson(person, &arena);
  ExpectEveryField(bulk, person);
  EXPECT_EQ(bulk.heap_bytes(), 0u);
  EXPECT_EQ(bulk.block_bytes(), own.block_bytes());
}

TEST(PersonRecordTest, AnEmptyPersonRoundTrips) {
  const Person person;
  PersonRecord rec = EncodePerson(person);
  EXPECT_TRUE(rec.live());
  EXPECT_EQ(DecodePerson(rec), person);
  EXPECT_EQ(rec.name(), "");
  EXPECT_EQ(rec.display_name(), "");
  EXPECT_EQ(rec.etag(), "");
  EXPECT_FALSE(rec.HasKnownRole(CreditRole::kDirector));
  EXPECT_EQ(DecodePerson(rec).create_time, absl::InfinitePast());
  EXPECT_FALSE(PersonRecord().live());
}

TEST(PersonRecordTest, MaximalSizesRoundTrip) {
  Person person = FullPerson();
  person.name = "people/" + std::string(70000, 'n');
  person.display_name = std::string(70000, 'd');
  person.biography = std::string(300000, 'b');
  for (int i = 0; i < 1000; ++i) person.aliases.push_back(std::string(i, 'a'));
  for (int r = 0; r <= 255; ++r)
    person.known_roles.push_back(static_cast<CreditRole>(r));
  person.birth_year = INT_MIN;
  person.death_year = INT_MAX;
  person.etag = "W/\"not hex\"";
  person.create_time = absl::InfiniteFuture();
  BlockArena arena(4096);  // the block is larger than a chunk
  PersonRecord rec = EncodePerson(person, &arena);
  EXPECT_EQ(DecodePerson(rec), person);
  EXPECT_EQ(rec.name(), person.name);
  EXPECT_EQ(rec.display_name(), person.display_name);
  EXPECT_EQ(rec.etag(), person.etag);
  EXPECT_TRUE(rec.HasKnownRole(CreditRole::kPresenter));
}

TEST(PersonRecordTest, MovesKeepTheBlock) {
  PersonRecord a = EncodePerson(FullPerson());
  PersonRecord b = std::move(a);
  EXPECT_FALSE(
      a.live());  // NOLINT(bugprone-use-after-move): moved-from is empty
  EXPECT_EQ(DecodePerson(b), FullPerson());
  a = std::move(b);
  EXPECT_EQ(DecodePerson(a), FullPerson());
}

TEST(BlockArenaTest, ACopyLargerThanTheFirstChunksFits) {
  BlockArena arena(1 << 16);
  const std::string small(10, 's');
  const std::string mid(12000, 'm');  // under a quarter of 64 KiB, over 4 KiB
  const std::string_view a = arena.Copy(small);
  const std::string_view b = arena.Copy(mid);
  const std::string_view c = arena.Copy(small);
  EXPECT_EQ(a, small);
  EXPECT_EQ(b, mid);
  EXPECT_EQ(c, small);
}

TEST(BlockArenaTest, SlicesStayValidAsItGrows) {
  BlockArena arena(64);
  std::vector<std::string_view> slices;
  std::vector<std::string> texts;
  for (int i = 0; i < 200; ++i)
    texts.push_back(std::string(i % 40, 'a' + i % 26));
  texts.push_back(std::string(1000, 'L'));  // a chunk of its own
  for (const std::string& t : texts) slices.push_back(arena.Copy(t));
  for (size_t i = 0; i < texts.size(); ++i) EXPECT_EQ(slices[i], texts[i]);
  EXPECT_GE(arena.MemoryBytes(), 1000u + 64u);
}

}  // namespace
}  // namespace longtake::catalog::internal
