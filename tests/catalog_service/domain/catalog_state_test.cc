// The read model: indexes follow puts and removes, sequences are ordered by
// their positions, eras list their films oldest first.

#include "catalog_service/domain/catalog_state.h"

#include <memory>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/catalog_service/sample_catalog.h"

namespace longtake::catalog::internal {
namespace {

using ::testing::ElementsAre;

std::shared_ptr<const Film> MakeFilm(const std::string& id,
                                     const std::string& title, int year,
                                     const std::string& person) {
  auto f = std::make_shared<Film>();
  f->name = "films/" + id;
  f->title = title;
  f->year = year;
  f->runtime_minutes = 100;
  f->credits = {{person, "", CreditRole::kDirector, "", ""}};
  f->eras = {"eras/thaw"};
  return f;
}

std::shared_ptr<const Sequence> MakeSequence(const std::string& film,
                                             const std::string& id,
                                             absl::Duration offset) {
  auto s = std::make_shared<Sequence>();
  s->name = "films/" + film + "/sequences/" + id;
  s->title = id;
  s->start.precision = Timecode::Precision::kExact;
  s->start.offset = offset;
  s->techniques = {CameraTechnique::kLongTake};
  return s;
}

std::vector<std::string> Order(const CatalogState& s, FilmOrder order) {
  std::vector<std::string> out;
  for (FilmIndex r : s.orders[static_cast<size_t>(order)]) {
    out.emplace_back(s.film(r).name());
  }
  return out;
}

// The films crediting `person` (an empty set when none).
const FilmSet& PersonFilms(const CatalogState& s, const std::string& person) {
  static const FilmSet kNone;
  const FilmSet* set = s.PersonFilms(person);
  return set != nullptr ? *set : kNone;
}

FilmIndex IndexOf(const CatalogState& s, const std::string& film) {
  return s.IndexOf(*s.FindFilm(film));
}

class CatalogStateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto era = std::make_shared<Era>();
    era->name = "eras/thaw";
    era->display_name = "Thaw";
    state_.PutEra(era);
    state_.PutFilm(*MakeFilm("b", "Beta", 1957, "people/x"));
    state_.PutFilm(*MakeFilm("a", "Alpha", 1964, "people/y"));
  }

  CatalogState state_;
};

TEST_F(CatalogStateTest, PutFilmKeepsOrdersAndIndexes) {
  EXPECT_THAT(Order(state_, FilmOrder::kTitle),
              ElementsAre("films/a", "films/b"));
  EXPECT_THAT(Order(state_, FilmOrder::kYear),
              ElementsAre("films/b", "films/a"));
  EXPECT_THAT(Order(state_, FilmOrder::kYearDesc),
              ElementsAre("films/a", "films/b"));
  ASSERT_NE(state_.FindFilm("films/a"), nullptr);
  EXPECT_EQ(state_.FindFilm("films/a")->title_key(), TitleKey("Alpha"));
  EXPECT_EQ(PersonFilms(state_, "people/x").size(), 1u);
  EXPECT_TRUE(
      PersonFilms(state_, "people/x").contains(IndexOf(state_, "films/b")));
  EXPECT_EQ(
      state_.role_films[static_cast<size_t>(CreditRole::kDirector)].size(), 2u);
  EXPECT_EQ(state_.year_films[1957].size(), 1u);
  EXPECT_THAT(state_.eras["eras/thaw"]->films,
              ElementsAre("films/b", "films/a"));

  // Replacing a film by name moves it in every index.
  state_.PutFilm(*MakeFilm("b", "Gamma", 1970, "people/y"));
  EXPECT_EQ(state_.film_count(), 2u);
  EXPECT_THAT(Order(state_, FilmOrder::kTitle),
              ElementsAre("films/a", "films/b"));
  EXPECT_THAT(Order(state_, FilmOrder::kYear),
              ElementsAre("films/a", "films/b"));
  EXPECT_TRUE(PersonFilms(state_, "people/x").empty());
  EXPECT_EQ(PersonFilms(state_, "people/y").size(), 2u);
  EXPECT_TRUE(state_.year_films[1957].empty());
  EXPECT_THAT(state_.eras["eras/thaw"]->films,
              ElementsAre("films/a", "films/b"));
}

TEST_F(CatalogStateTest, SequencesAreOrderedAndIndexedByTechnique) {
  state_.PutSequence(MakeSequence("a", "late", absl::Minutes(50)));
  state_.PutSequence(MakeSequence("a", "early", absl::Minutes(5)));
  auto relative = std::make_shared<Sequence>();
  relative->name = "films/a/sequences/before-late";
  relative->start.precision = Timecode::Precision::kRelative;
  relative->start.relation = Timecode::Relation::kBefore;
  relative->start.relative_to = "films/a/sequences/late";
  state_.PutSequence(relative);
  EXPECT_THAT(
      state_.film_sequences["films/a"],
      ElementsAre("films/a/sequences/early", "films/a/sequences/before-late",
                  "films/a/sequences/late"));
  EXPECT_EQ(state_.FindSequence("films/a/sequences/late")->film_order, 3);
  const auto& long_takes = state_.TechniqueFilms(CameraTechnique::kLongTake);
  ASSERT_TRUE(long_takes.contains(IndexOf(state_, "films/a")));
  EXPECT_EQ(long_takes.at(IndexOf(state_, "films/a")), 2);

  state_.RemoveSequence("films/a/sequences/early");
  EXPECT_EQ(long_takes.at(IndexOf(state_, "films/a")), 1);
  EXPECT_EQ(state_.FindSequence("films/a/sequences/late")->film_order, 2);
}

TEST_F(CatalogStateTest, RemoveFilmRemovesItsSequencesAndIndexEntries) {
  state_.PutSequence(MakeSequence("a", "only", absl::Minutes(1)));
  state_.RemoveFilm("films/a");
  EXPECT_EQ(state_.FindFilm("films/a"), nullptr);
  EXPECT_EQ(state_.FindSequence("films/a/sequences/only"), nullptr);
  EXPECT_EQ(state_.TechniqueCount(CameraTechnique::kLongTake, "films/a"), 0);
  EXPECT_THAT(Order(state_, FilmOrder::kTitle), ElementsAre("films/b"));
  EXPECT_THAT(state_.eras["eras/thaw"]->films, ElementsAre("films/b"));
  state_.RemoveFilm("films/a");  // removing again is a no-op
  EXPECT_EQ(state_.film_count(), 1u);
}

// Films found by a search of the read model's index, by name.
std::vector<std::string> Search(const CatalogState& s,
                                const std::string& query) {
  std::vector<std::string> out;
  for (const SearchIndex::Hit& hit : s.search.Search(query, 10))
    out.emplace_back(s.film(hit.doc).name());
  return out;
}

// The index keeps no term lists per film: removals recompute the film's keys,
// including its people's names as they were when the film was indexed.
TEST_F(CatalogStateTest, SearchForgetsRemovedFilmsAndRenamedPeople) {
  Person x;
  x.name = "people/x";
  x.display_name = "Vadim Yusov";
  x.aliases = {"Vadim Ivanovich"};
  WriteBatch create;
  create.upsert_people = {x};
  state_.ApplyBatch(create);
  // Indexed with the person's name and aliases.
  state_.PutFilm(*MakeFilm("b", "Beta Sunrise", 1957, "people/x"));
  EXPECT_THAT(Search(state_, "Yusov"), ElementsAre("films/b"));
  EXPECT_THAT(Search(state_, "Ivanovich"), ElementsAre("films/b"));

  x.display_name = "Georgy Rerberg";
  x.aliases = {};
  WriteBatch rename;
  rename.upsert_people = {x};
  state_.ApplyBatch(rename);
  EXPECT_THAT(Search(state_, "Yusov"), ElementsAre());
  EXPECT_THAT(Search(state_, "Ivanovich"), ElementsAre());
  EXPECT_THAT(Search(state_, "Rerberg"), ElementsAre("films/b"));
  EXPECT_THAT(Search(state_, "Sunrise"), ElementsAre("films/b"));

  state_.RemoveFilm("films/b");
  EXPECT_THAT(Search(state_, "Sunrise"), ElementsAre());
  EXPECT_THAT(Search(state_, "Rerberg"), ElementsAre());
  EXPECT_THAT(Search(state_, "Alpha"), ElementsAre("films/a"));
  // Every removal found the film's postings by its keys, with no scan.
  EXPECT_EQ(state_.search.RemovalScans(), 0u);
  // A slot re-used by another film is found by that film's texts only.
  state_.PutFilm(*MakeFilm("c", "Gamma", 1970, "people/y"));
  EXPECT_THAT(Search(state_, "Rerberg"), ElementsAre());
  EXPECT_THAT(Search(state_, "Gamma"), ElementsAre("films/c"));
}

std::vector<std::string> PeopleAfter(const CatalogState& s,
                                     const std::string& name) {
  std::vector<std::string> out;
  for (PersonIndex i : s.PeopleAfter(name))
    out.emplace_back(s.person(i).name());
  return out;
}

Person MakePerson(const std::string& id, const std::string& display) {
  Person p;
  p.name = "people/" + id;
  p.display_name = display;
  p.aliases = {display + " alias"};
  p.known_roles = {CreditRole::kCast};
  p.etag = "00000000000000ff";
  return p;
}

TEST_F(CatalogStateTest, PeopleAreFoundAndListedInNameOrder) {
  state_.PutPerson(MakePerson("x", "Икс"));
  state_.PutPerson(MakePerson("c", "Ce"));
  state_.PutPerson(MakePerson("a", "A"));
  EXPECT_THAT(PeopleAfter(state_, ""),
              ElementsAre("people/a", "people/c", "people/x"));
  EXPECT_THAT(PeopleAfter(state_, "people/a"),
              ElementsAre("people/c", "people/x"));
  EXPECT_THAT(PeopleAfter(state_, "people/b"),
              ElementsAre("people/c", "people/x"));
  EXPECT_THAT(PeopleAfter(state_, "people/x"), ElementsAre());

  Person renamed = MakePerson("c", "Сэ");
  renamed.biography = "новая";
  state_.PutPerson(renamed);
  ASSERT_NE(state_.FindPerson("people/c"), nullptr);
  EXPECT_EQ(DecodePerson(*state_.FindPerson("people/c")), renamed);
  EXPECT_EQ(state_.person_count(), 3u);

  state_.RemovePerson("people/a");
  state_.RemovePerson("people/nobody");
  EXPECT_EQ(state_.FindPerson("people/a"), nullptr);
  EXPECT_EQ(state_.person_count(), 2u);
  state_.PutPerson(MakePerson("b", "Be"));  // takes the free slot
  EXPECT_THAT(PeopleAfter(state_, ""),
              ElementsAre("people/b", "people/c", "people/x"));
  EXPECT_EQ(DecodePerson(*state_.FindPerson("people/x")),
            MakePerson("x", "Икс"));
  EXPECT_GT(state_.MemoryUsage().people, 0u);
}

TEST(CatalogStateBuildTest, BuildsPeopleInNameOrderAndTakesLaterWrites) {
  CatalogSnapshot snap;
  snap.people = {MakePerson("z", "Zed"), MakePerson("m", "Эм"),
                 MakePerson("b", "Bee"), MakePerson("m", "Эм again")};
  Film film = *MakeFilm("f", "Film", 1960, "people/m");
  film.credits[0].display_name = "Эм again";
  snap.films = {film};
  CatalogState state;
  state.Build(std::move(snap));
  EXPECT_THAT(PeopleAfter(state, ""),
              ElementsAre("people/b", "people/m", "people/z"));
  EXPECT_EQ(DecodePerson(*state.FindPerson("people/m")),
            MakePerson("m", "Эм again"));
  EXPECT_EQ(state.person_count(), 3u);
  // Search finds the film by its person's alias.
  EXPECT_FALSE(state.search.Search("again alias", 10).empty());

  // Built records live in the arena; later writes replace and add.
  state.PutPerson(MakePerson("b", "Bea"));
  state.PutPerson(MakePerson("a", "Ay"));
  state.RemovePerson("people/z");
  EXPECT_THAT(PeopleAfter(state, ""),
              ElementsAre("people/a", "people/b", "people/m"));
  EXPECT_EQ(DecodePerson(*state.FindPerson("people/b")),
            MakePerson("b", "Bea"));
}

TEST(OrderSequencesTest, FractionsUseTheRuntimeAndDanglingRelativesGoLast) {
  using catalog::testing::After;
  using catalog::testing::SequenceAt;
  Sequence at_ten =
      SequenceAt("s/ten-minutes", catalog::testing::Exact(absl::Minutes(10)));
  // 5 minutes of a 10-minute film.
  Sequence half =
      SequenceAt("s/half", catalog::testing::FractionOfRuntime(0.5));
  Sequence dangling = SequenceAt("s/dangling", After("s/missing"));
  Sequence after_half = SequenceAt("s/after-half", After("s/half"));
  EXPECT_THAT(
      OrderSequences({&dangling, &at_ten, &after_half, &half}, 10),
      ElementsAre("s/half", "s/after-half", "s/ten-minutes", "s/dangling"));
}

}  // namespace
}  // namespace longtake::catalog::internal
