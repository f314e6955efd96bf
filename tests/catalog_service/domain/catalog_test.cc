// Catalog reads, and opening a store that already holds data.

#include "catalog_service/domain/catalog.h"

#include "tests/catalog_service/domain/catalog_fixture.h"

namespace longtake::catalog {
namespace {

using ::longtake::testing::StatusIs;
using ::testing::ElementsAre;

TEST_F(CatalogTest, GetErrorsNameTheFieldOrResource) {
  auto bad = catalog_->GetFilm("nope");
  EXPECT_THAT(bad, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ViolatedFields(bad.status()), ElementsAre("name"));
  auto missing = catalog_->GetFilm("films/nope");
  EXPECT_THAT(missing, StatusIs(absl::StatusCode::kNotFound));
  EXPECT_EQ(ErrorResource(missing.status()), "films/nope");
  EXPECT_THAT(catalog_->GetPerson("films/x"),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(catalog_->GetSequence("films/x"),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(catalog_->GetEra("eras/none"),
              StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(CatalogTest, BatchGetIsAllOrNothingInOrder) {
  auto got =
      catalog_->BatchGetFilms({"films/i-am-cuba", "films/the-first-echelon"});
  ASSERT_OK(got);
  EXPECT_THAT(Names(*got),
              ElementsAre("films/i-am-cuba", "films/the-first-echelon"));
  auto missing = catalog_->BatchGetFilms({"films/i-am-cuba", "films/nope"});
  EXPECT_THAT(missing, StatusIs(absl::StatusCode::kNotFound));
  auto bad = catalog_->BatchGetFilms({"films/i-am-cuba", "nope"});
  EXPECT_THAT(ViolatedFields(bad.status()), ElementsAre("names[1]"));
}

TEST_F(CatalogTest, Search) {
  auto search = [&](const std::string& text) {
    SearchQuery q;
    q.query = text;
    auto page = catalog_->SearchFilms(q);
    EXPECT_OK(page);
    return page.ok() ? page->results : std::vector<SearchResult>{};
  };
  auto kalatazov = search("Kalatazov");
  EXPECT_EQ(kalatazov.size(), 4u);
  for (const auto& r : kalatazov)
    EXPECT_THAT(r.matched_fields, ElementsAre("people"));
  auto cuba = search("soy cuba");
  ASSERT_FALSE(cuba.empty());
  EXPECT_EQ(cuba[0].film->name, "films/i-am-cuba");
  auto cranes = search("Letyat zhuravli");
  ASSERT_FALSE(cranes.empty());
  EXPECT_EQ(cranes[0].film->name, "films/the-cranes-are-flying");
  EXPECT_THAT(cranes[0].matched_fields, ElementsAre("original_titles"));
  auto cyrillic = search("журавли");
  ASSERT_FALSE(cyrillic.empty());
  EXPECT_EQ(cyrillic[0].film->name, "films/the-cranes-are-flying");
  auto samoilova = search("Tatyana Samoylova");
  EXPECT_EQ(samoilova.size(), 2u);
  EXPECT_TRUE(search("zzzzqqqq").empty());

  SearchQuery empty;
  empty.query = "  ";
  EXPECT_THAT(ViolatedFields(catalog_->SearchFilms(empty).status()),
              ElementsAre("query"));

  // Pagination by offset, bound to the query.
  SearchQuery q;
  q.query = "kalatozov";
  q.page_size = 3;
  auto first = catalog_->SearchFilms(q);
  ASSERT_OK(first);
  EXPECT_EQ(first->results.size(), 3u);
  ASSERT_FALSE(first->next_page_token.empty());
  q.page_token = first->next_page_token;
  auto second = catalog_->SearchFilms(q);
  ASSERT_OK(second);
  EXPECT_EQ(second->results.size(), 1u);
  EXPECT_EQ(second->next_page_token, "");
  q.query = "cuba";
  EXPECT_THAT(ViolatedFields(catalog_->SearchFilms(q).status()),
              ElementsAre("page_token"));
}

TEST_F(CatalogTest, Collaborations) {
  ListCollaborationsQuery q;
  q.person = "people/mikhail-kalatozov";
  auto page = catalog_->ListCollaborations(q);
  ASSERT_OK(page);
  ASSERT_GE(page->collaborations.size(), 2u);
  const Collaboration& first = page->collaborations[0];
  EXPECT_EQ(first.person, "people/sergei-urusevsky");
  EXPECT_EQ(first.display_name, "Sergei Urusevsky");
  EXPECT_THAT(
      first.films,
      ElementsAre("films/the-first-echelon", "films/the-cranes-are-flying",
                  "films/letter-never-sent", "films/i-am-cuba"));
  EXPECT_THAT(first.roles, ElementsAre(CreditRole::kCinematographer));
  EXPECT_EQ(page->collaborations[1].person, "people/tatiana-samoilova");
  EXPECT_EQ(page->collaborations[1].films.size(), 2u);
  EXPECT_EQ(page->collaborations.size(), 8u);

  q.person = "people/nobody";
  EXPECT_THAT(catalog_->ListCollaborations(q),
              StatusIs(absl::StatusCode::kNotFound));
  q.person = "nobody";
  EXPECT_THAT(ViolatedFields(catalog_->ListCollaborations(q).status()),
              ElementsAre("person"));
}

TEST_F(CatalogTest, SequencesInFilmOrder) {
  auto sequences = Sequences("films/the-cranes-are-flying");
  ASSERT_EQ(sequences.size(), 2u);
  EXPECT_EQ(sequences[0]->name,
            "films/the-cranes-are-flying/sequences/staircase");
  EXPECT_EQ(sequences[0]->film_order, 1);
  EXPECT_EQ(sequences[0]->start.precision, Timecode::Precision::kRelative);
  EXPECT_EQ(sequences[0]->start.description,
            "before Veronika searches the send-off crowd");
  EXPECT_EQ(sequences[1]->name,
            "films/the-cranes-are-flying/sequences/send-off");
  EXPECT_EQ(sequences[1]->film_order, 2);
  EXPECT_EQ(sequences[1]->start.precision, Timecode::Precision::kApproximate);
  EXPECT_EQ(sequences[1]->start.offset, absl::Minutes(25));
  EXPECT_EQ(sequences[1]->start.description, "around 25:00");

  auto funeral =
      catalog_->GetSequence("films/i-am-cuba/sequences/funeral-procession");
  ASSERT_OK(funeral);
  EXPECT_EQ((*funeral)->start.description, "about three quarters through");
  EXPECT_EQ((*funeral)->film_order, 2);
  auto opening = catalog_->GetSequence(
      "films/letter-never-sent/sequences/opening-farewell");
  ASSERT_OK(opening);
  EXPECT_EQ((*opening)->start.description, "the opening");

  ListSequencesQuery q;
  q.parent = "films/-";
  ASSERT_OK_AND_ASSIGN(SequencePage all, catalog_->ListSequences(q));
  EXPECT_EQ(all.sequences.size(), 5u);
  q.filter = "technique = \"CAMERA_TECHNIQUE_AERIAL_OVER_CROWD\"";
  ASSERT_OK_AND_ASSIGN(SequencePage aerial, catalog_->ListSequences(q));
  ASSERT_EQ(aerial.sequences.size(), 2u);
  EXPECT_EQ(aerial.sequences[0]->name,
            "films/i-am-cuba/sequences/funeral-procession");
  // Paging through everything with page size 2.
  q.filter = "";
  q.page_size = 2;
  EXPECT_EQ(
      CountAcrossPages(q, &Catalog::ListSequences, &SequencePage::sequences),
      5);
  q = {};
  q.parent = "films/nope";
  EXPECT_THAT(catalog_->ListSequences(q),
              StatusIs(absl::StatusCode::kNotFound));
  q.parent = "films/-";
  q.filter = "technique = \"LONG\"";
  EXPECT_THAT(ViolatedFields(catalog_->ListSequences(q).status()),
              ElementsAre("filter"));
}

TEST_F(CatalogTest, PeopleAndEras) {
  ListPeopleQuery q;
  ASSERT_OK_AND_ASSIGN(PersonPage everyone, catalog_->ListPeople(q));
  EXPECT_EQ(everyone.people.size(), 9u);
  q.filter = "role = \"CREDIT_ROLE_CINEMATOGRAPHER\"";
  ASSERT_OK_AND_ASSIGN(PersonPage dops, catalog_->ListPeople(q));
  ASSERT_EQ(dops.people.size(), 1u);
  EXPECT_EQ(dops.people[0]->name, "people/sergei-urusevsky");
  q.filter = "role = \"X\"";
  EXPECT_THAT(ViolatedFields(catalog_->ListPeople(q).status()),
              ElementsAre("filter"));
  q = {};
  q.page_size = 4;
  EXPECT_EQ(CountAcrossPages(q, &Catalog::ListPeople, &PersonPage::people), 9);
  auto eras = catalog_->ListEras(0, "");
  ASSERT_OK(eras);
  ASSERT_EQ(eras->eras.size(), 1u);
  EXPECT_EQ(eras->eras[0]->start_year, 1954);
}

TEST(CatalogRefreshTest, SeesWritesOfAnotherInstance) {
  std::string url = TempUrl("refresh.db");
  auto a = OpenSeeded(url);
  auto store_b = OpenCatalogStore(url);
  ASSERT_OK(store_b);
  auto b = Catalog::Open(std::move(*store_b));
  ASSERT_OK(b);
  EXPECT_EQ((*b)->film_count(), 4u);
  auto unchanged = (*b)->Refresh();
  ASSERT_OK(unchanged);
  EXPECT_FALSE(*unchanged);
  ASSERT_OK(a->CreateFilm(NewFilm(), "", {}));
  auto changed = (*b)->Refresh();
  ASSERT_OK(changed);
  EXPECT_TRUE(*changed);
  EXPECT_EQ((*b)->film_count(), 5u);
}

}  // namespace
}  // namespace longtake::catalog
