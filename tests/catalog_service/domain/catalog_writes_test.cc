// Create/Update/Delete, validate_only, request ids, and writes surviving a
// restart.

#include "catalog_service/domain/catalog.h"
#include "tests/catalog_service/domain/catalog_fixture.h"
#include "tests/support/request_options.h"

namespace longtake::catalog {
namespace {

using ::longtake::testing::StatusIs;
using ::testing::ElementsAre;

TEST_F(CatalogTest, CreateUpdateDeleteFilm) {
  auto created = catalog_->CreateFilm(NewFilm(), "", {});
  ASSERT_OK(created);
  EXPECT_EQ((*created)->name, "films/the-unfinished-film");
  EXPECT_EQ((*created)->credits[0].display_name, "Mikhail Kalatozov");
  EXPECT_FALSE((*created)->etag.empty());
  EXPECT_EQ(catalog_->film_count(), 5u);
  auto era = catalog_->GetEra("eras/khrushchev-thaw");
  EXPECT_EQ((*era)->films.size(), 5u);
  EXPECT_THAT(catalog_->CreateFilm(NewFilm(), "", {}),
              StatusIs(absl::StatusCode::kAlreadyExists));

  Film change;
  change.name = (*created)->name;
  change.title = "Renamed";
  change.year = 1999;  // not in the mask: ignored
  change.etag = (*created)->etag;
  auto updated = catalog_->UpdateFilm(change, {"title"}, {});
  ASSERT_OK(updated);
  EXPECT_EQ((*updated)->title, "Renamed");
  EXPECT_EQ((*updated)->year, 1960);
  EXPECT_NE((*updated)->etag, (*created)->etag);
  EXPECT_EQ((*updated)->create_time, (*created)->create_time);
  // The old etag no longer matches.
  auto stale = catalog_->UpdateFilm(change, {"title"}, {});
  EXPECT_THAT(stale, StatusIs(absl::StatusCode::kAborted));
  EXPECT_EQ(ErrorReason(stale.status()), "ETAG_MISMATCH");
  // Search sees the new title.
  SearchQuery sq;
  sq.query = "renamed";
  auto hits = catalog_->SearchFilms(sq);
  ASSERT_OK(hits);
  ASSERT_EQ(hits->results.size(), 1u);
  EXPECT_EQ(hits->results[0].film->name, "films/the-unfinished-film");

  change.etag = "";
  EXPECT_THAT(ViolatedFields(catalog_->UpdateFilm(change, {}, {}).status()),
              ElementsAre("update_mask"));
  EXPECT_THAT(
      ViolatedFields(catalog_->UpdateFilm(change, {"etag"}, {}).status()),
      ElementsAre("update_mask.paths[0]"));
  change.name = "films/nope";
  EXPECT_THAT(catalog_->UpdateFilm(change, {"title"}, {}),
              StatusIs(absl::StatusCode::kNotFound));

  EXPECT_THAT(catalog_->DeleteFilm("films/the-unfinished-film", "wrong", {}),
              StatusIs(absl::StatusCode::kAborted));
  ASSERT_OK(
      catalog_->DeleteFilm("films/the-unfinished-film", (*updated)->etag, {}));
  EXPECT_THAT(catalog_->GetFilm("films/the-unfinished-film"),
              StatusIs(absl::StatusCode::kNotFound));
  EXPECT_EQ(catalog_->film_count(), 4u);
  EXPECT_EQ((*catalog_->GetEra("eras/khrushchev-thaw"))->films.size(), 4u);
  EXPECT_THAT(catalog_->DeleteFilm("films/the-unfinished-film", "", {}),
              StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(CatalogTest, ValidateOnlyWritesNothing) {
  auto film = catalog_->CreateFilm(NewFilm(), "",
                                   {.request_id = "", .validate_only = true});
  ASSERT_OK(film);
  EXPECT_EQ((*film)->name, "films/the-unfinished-film");
  EXPECT_EQ(catalog_->film_count(), 4u);
  Person p;
  p.display_name = "Someone";
  ASSERT_OK(
      catalog_->CreatePerson(p, "", {.request_id = "", .validate_only = true}));
  EXPECT_THAT(catalog_->GetPerson("people/someone"),
              StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(CatalogTest, RequestIdReplaysTheFirstResult) {
  WriteOptions o;
  o.request_id = "req-1";
  auto first = catalog_->CreateFilm(NewFilm(), "", o);
  ASSERT_OK(first);
  // Same request again (even with a different body): the first result, no new
  // film.
  Film other = NewFilm();
  other.title = "Something Else";
  auto again = catalog_->CreateFilm(other, "", o);
  ASSERT_OK(again);
  EXPECT_EQ((*again)->name, (*first)->name);
  EXPECT_EQ(catalog_->film_count(), 5u);
  // Reused for another method: rejected.
  EXPECT_THAT(ViolatedFields(catalog_->DeleteFilm("films/i-am-cuba", "", o)),
              ElementsAre("request_id"));
  WriteOptions d;
  d.request_id = "del-1";
  ASSERT_OK(catalog_->DeleteFilm((*first)->name, "", d));
  EXPECT_OK(catalog_->DeleteFilm((*first)->name, "", d));  // retry: still OK
}

// Records belong to their caller and to their request: a second curator's
// request id never replays the first's film, and a request id reused on a
// different request (another fingerprint) is refused.
TEST_F(CatalogTest, RequestIdsArePerCallerAndPerRequest) {
  auto as = [](std::string caller, std::string hash) {
    return longtake::testing::RequestAs<WriteOptions>("shared", caller, hash);
  };

  Film ann_film = NewFilm();
  ASSERT_OK_AND_ASSIGN(auto anns,
                       catalog_->CreateFilm(ann_film, "", as("ann", "h1")));
  Film ben_film = NewFilm();
  ben_film.title = "Ben's Film";
  ASSERT_OK_AND_ASSIGN(auto bens,
                       catalog_->CreateFilm(ben_film, "", as("ben", "h2")));
  EXPECT_NE(bens->name, anns->name);
  EXPECT_EQ(bens->title, "Ben's Film");
  ASSERT_OK_AND_ASSIGN(auto retry,
                       catalog_->CreateFilm(ann_film, "", as("ann", "h1")));
  EXPECT_EQ(retry->name, anns->name);
  EXPECT_THAT(ViolatedFields(
                  catalog_->CreateFilm(ben_film, "", as("ann", "h3")).status()),
              ElementsAre("request_id"));
}

TEST_F(CatalogTest, PeopleWrites) {
  Person p;
  p.display_name = "Ivan Ivanov";
  p.birth_year = 1950;
  auto created = catalog_->CreatePerson(p, "", {});
  ASSERT_OK(created);
  EXPECT_EQ((*created)->name, "people/ivan-ivanov");
  Person bad;
  bad.display_name = "";
  bad.birth_year = 1990;
  bad.death_year = 1980;
  EXPECT_THAT(ViolatedFields(catalog_->CreatePerson(bad, "x", {}).status()),
              ::testing::UnorderedElementsAre("person.display_name",
                                              "person.death_year"));

  // Credited people cannot be deleted.
  auto credited = catalog_->DeletePerson("people/sergei-urusevsky", "", {});
  EXPECT_THAT(credited, StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_EQ(ErrorReason(credited), "PERSON_STILL_CREDITED");
  ASSERT_OK(catalog_->DeletePerson("people/ivan-ivanov", (*created)->etag, {}));

  // Renaming a person updates the credits and the search index.
  Person rename;
  rename.name = "people/sergei-urusevsky";
  rename.display_name = "Sergey Urusevskiy-Renamed";
  auto renamed = catalog_->UpdatePerson(rename, {"display_name"}, {});
  ASSERT_OK(renamed);
  auto cuba = catalog_->GetFilm("films/i-am-cuba");
  bool found = false;
  for (const Credit& c : (*cuba)->credits) {
    if (c.person == rename.name) {
      EXPECT_EQ(c.display_name, "Sergey Urusevskiy-Renamed");
      found = true;
    }
  }
  EXPECT_TRUE(found);
  SearchQuery sq;
  sq.query = "renamed";
  auto hits = catalog_->SearchFilms(sq);
  ASSERT_OK(hits);
  EXPECT_EQ(hits->results.size(), 4u);
}

TEST_F(CatalogTest, SequenceWrites) {
  Sequence s;
  s.title = "Late scene";
  s.start.precision = Timecode::Precision::kExact;
  s.start.offset = absl::Seconds(3730);
  s.techniques = {CameraTechnique::kLongTake};
  auto created =
      catalog_->CreateSequence("films/the-cranes-are-flying", s, "", {});
  ASSERT_OK(created);
  EXPECT_EQ((*created)->name,
            "films/the-cranes-are-flying/sequences/late-scene");
  EXPECT_EQ((*created)->start.description, "at 1:02:10");
  EXPECT_EQ((*created)->film_order, 3);
  // Technique filter on films follows the new sequence.
  ListFilmsQuery fq;
  fq.filter = "technique = \"CAMERA_TECHNIQUE_LONG_TAKE\"";
  auto films = catalog_->ListFilms(fq);
  ASSERT_OK(films);
  EXPECT_EQ(films->films.size(), 2u);

  Sequence move;
  move.name = (*created)->name;
  move.start.precision = Timecode::Precision::kFractionOfRuntime;
  move.start.fraction = 0.0;
  auto moved = catalog_->UpdateSequence(move, {"start"}, {});
  ASSERT_OK(moved);
  EXPECT_EQ((*moved)->film_order, 1);
  EXPECT_EQ((*moved)->start.description, "the opening");

  Sequence bad;
  bad.title = "x";
  bad.start.precision = Timecode::Precision::kFractionOfRuntime;
  bad.start.fraction = 1.5;
  EXPECT_THAT(
      ViolatedFields(
          catalog_->CreateSequence("films/i-am-cuba", bad, "", {}).status()),
      ElementsAre("sequence.start.fraction"));
  bad.start.precision = Timecode::Precision::kRelative;
  bad.start.relation = Timecode::Relation::kAfter;
  bad.start.relative_to = "films/the-cranes-are-flying/sequences/send-off";
  EXPECT_THAT(
      ViolatedFields(
          catalog_->CreateSequence("films/i-am-cuba", bad, "", {}).status()),
      ElementsAre("sequence.start.relative_to"));
  bad.start.relative_to = "";
  EXPECT_THAT(
      ViolatedFields(
          catalog_->CreateSequence("films/i-am-cuba", bad, "", {}).status()),
      ElementsAre("sequence.start.relative_to"));
  bad.start.precision = Timecode::Precision::kUnspecified;
  EXPECT_THAT(
      ViolatedFields(
          catalog_->CreateSequence("films/i-am-cuba", bad, "", {}).status()),
      ElementsAre("sequence.start.precision"));
  EXPECT_THAT(catalog_->CreateSequence("films/nope", s, "", {}),
              StatusIs(absl::StatusCode::kNotFound));

  // A sequence others are placed relative to cannot be deleted.
  EXPECT_THAT(catalog_->DeleteSequence(
                  "films/the-cranes-are-flying/sequences/send-off", "", {}),
              StatusIs(absl::StatusCode::kFailedPrecondition));
  ASSERT_OK(catalog_->DeleteSequence((*moved)->name, (*moved)->etag, {}));
  // Deleting a film deletes its sequences.
  ASSERT_OK(catalog_->DeleteFilm("films/i-am-cuba", "", {}));
  EXPECT_THAT(
      catalog_->GetSequence("films/i-am-cuba/sequences/funeral-procession"),
      StatusIs(absl::StatusCode::kNotFound));
  ListSequencesQuery lq;
  lq.parent = "films/-";
  EXPECT_EQ(catalog_->ListSequences(lq)->sequences.size(), 3u);
}

TEST(CatalogRestartTest, FileStoreKeepsWritesAndRequestIds) {
  std::string url = TempUrl("restart.db");
  std::string etag;
  {
    auto catalog = OpenSeeded(url);
    WriteOptions o;
    o.request_id = "create-once";
    auto film = catalog->CreateFilm(NewFilm(), "kept", o);
    ASSERT_OK(film);
    etag = (*film)->etag;
    ASSERT_OK(catalog->DeleteFilm("films/the-first-echelon", "", {}));
  }
  auto store = OpenCatalogStore(url);
  ASSERT_OK(store);
  auto catalog = Catalog::Open(std::move(*store));
  ASSERT_OK(catalog);
  ASSERT_OK((*catalog)->LoadSeedIfEmpty(kSeed));  // not empty: no reseed
  EXPECT_EQ((*catalog)->film_count(), 4u);
  auto kept = (*catalog)->GetFilm("films/kept");
  ASSERT_OK(kept);
  EXPECT_EQ((*kept)->etag, etag);
  EXPECT_THAT((*catalog)->GetFilm("films/the-first-echelon"),
              StatusIs(absl::StatusCode::kNotFound));
  // Sequence order is derived again after the restart.
  auto staircase = (*catalog)->GetSequence(
      "films/the-cranes-are-flying/sequences/staircase");
  ASSERT_OK(staircase);
  EXPECT_EQ((*staircase)->film_order, 1);
  // The request id survived the restart.
  WriteOptions o;
  o.request_id = "create-once";
  auto replay = (*catalog)->CreateFilm(NewFilm(), "another", o);
  ASSERT_OK(replay);
  EXPECT_EQ((*replay)->name, "films/kept");
  EXPECT_EQ((*catalog)->film_count(), 4u);
}

}  // namespace
}  // namespace longtake::catalog
