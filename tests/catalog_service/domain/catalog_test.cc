#include "catalog_service/domain/catalog.h"

#include <unistd.h>

#include <filesystem>
#include <set>
#include <string>

#include "catalog_service/domain/catalog_store.h"
#include "common/status/errors.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace longtake::catalog {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kSeed[] = LONGTAKE_SOURCE_DIR "/data/seed/catalog.json";

std::vector<std::string> Fields(const absl::Status& s) {
  std::vector<std::string> out;
  for (const FieldViolation& v : ErrorFieldViolations(s)) out.push_back(v.field);
  return out;
}

std::vector<std::string> Names(const std::vector<std::shared_ptr<const Film>>& films) {
  std::vector<std::string> out;
  for (const auto& f : films) out.push_back(f->name);
  return out;
}

std::unique_ptr<Catalog> OpenSeeded(const std::string& url = "sqlite::memory:") {
  auto store = OpenCatalogStore(url);
  EXPECT_TRUE(store.ok()) << store.status();
  auto catalog = Catalog::Open(std::move(*store));
  EXPECT_TRUE(catalog.ok()) << catalog.status();
  absl::Status seeded = (*catalog)->LoadSeedIfEmpty(kSeed);
  EXPECT_TRUE(seeded.ok()) << seeded;
  return std::move(*catalog);
}

class CatalogTest : public ::testing::Test {
 protected:
  void SetUp() override { catalog_ = OpenSeeded(); }

  std::vector<std::string> List(const std::string& filter, const std::string& order = "") {
    ListFilmsQuery q;
    q.filter = filter;
    q.order_by = order;
    auto page = catalog_->ListFilms(q);
    EXPECT_TRUE(page.ok()) << page.status();
    if (!page.ok()) return {};
    EXPECT_EQ(page->next_page_token, "");
    return Names(page->films);
  }

  std::unique_ptr<Catalog> catalog_;
};

TEST_F(CatalogTest, SeedLoadsEverything) {
  EXPECT_EQ(catalog_->film_count(), 4u);
  auto cranes = catalog_->GetFilm("films/the-cranes-are-flying");
  ASSERT_TRUE(cranes.ok()) << cranes.status();
  EXPECT_EQ((*cranes)->year, 1957);
  EXPECT_EQ((*cranes)->runtime_minutes, 97);
  ASSERT_EQ((*cranes)->awards.size(), 1u);
  EXPECT_EQ((*cranes)->awards[0].name, "Palme d'Or");
  EXPECT_EQ((*cranes)->awards[0].year, 1958);
  EXPECT_FALSE((*cranes)->etag.empty());
  EXPECT_NE((*cranes)->create_time, absl::InfinitePast());
  bool veronika = false;
  for (const Credit& c : (*cranes)->credits) {
    if (c.person == "people/tatiana-samoilova") {
      EXPECT_EQ(c.display_name, "Tatiana Samoilova");  // filled from the person
      EXPECT_EQ(c.character, "Veronika");
      veronika = true;
    }
  }
  EXPECT_TRUE(veronika);
  auto era = catalog_->GetEra("eras/khrushchev-thaw");
  ASSERT_TRUE(era.ok());
  EXPECT_THAT((*era)->films, ElementsAre("films/the-first-echelon", "films/the-cranes-are-flying",
                                         "films/letter-never-sent", "films/i-am-cuba"));
  auto kalatozov = catalog_->GetPerson("people/mikhail-kalatozov");
  ASSERT_TRUE(kalatozov.ok());
  EXPECT_EQ((*kalatozov)->birth_year, 1903);
  // Loading again is a no-op: the store is no longer empty.
  EXPECT_TRUE(catalog_->LoadSeedIfEmpty(kSeed).ok());
  EXPECT_EQ(catalog_->film_count(), 4u);
}

TEST_F(CatalogTest, GetErrorsNameTheFieldOrResource) {
  auto bad = catalog_->GetFilm("nope");
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Fields(bad.status()), ElementsAre("name"));
  auto missing = catalog_->GetFilm("films/nope");
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(ErrorResource(missing.status()), "films/nope");
  EXPECT_EQ(catalog_->GetPerson("films/x").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(catalog_->GetSequence("films/x").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(catalog_->GetEra("eras/none").status().code(), absl::StatusCode::kNotFound);
}

TEST_F(CatalogTest, BatchGetIsAllOrNothingInOrder) {
  auto got = catalog_->BatchGetFilms({"films/i-am-cuba", "films/the-first-echelon"});
  ASSERT_TRUE(got.ok());
  EXPECT_THAT(Names(*got), ElementsAre("films/i-am-cuba", "films/the-first-echelon"));
  auto missing = catalog_->BatchGetFilms({"films/i-am-cuba", "films/nope"});
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  auto bad = catalog_->BatchGetFilms({"films/i-am-cuba", "nope"});
  EXPECT_THAT(Fields(bad.status()), ElementsAre("names[1]"));
}

TEST_F(CatalogTest, ListOrders) {
  EXPECT_THAT(List(""), ElementsAre("films/i-am-cuba", "films/letter-never-sent",
                                    "films/the-cranes-are-flying", "films/the-first-echelon"));
  EXPECT_THAT(List("", "year"), ElementsAre("films/the-first-echelon", "films/the-cranes-are-flying",
                                            "films/letter-never-sent", "films/i-am-cuba"));
  EXPECT_THAT(List("", "year desc"),
              ElementsAre("films/i-am-cuba", "films/letter-never-sent",
                          "films/the-cranes-are-flying", "films/the-first-echelon"));
}

TEST_F(CatalogTest, PaginatesToTheEndWithoutDuplicates) {
  for (const char* order : {"title", "year", "year desc"}) {
    ListFilmsQuery q;
    q.page_size = 1;
    q.order_by = order;
    std::set<std::string> seen;
    int pages = 0;
    while (true) {
      auto page = catalog_->ListFilms(q);
      ASSERT_TRUE(page.ok()) << page.status();
      ASSERT_EQ(page->films.size(), 1u);
      EXPECT_TRUE(seen.insert(page->films[0]->name).second) << page->films[0]->name;
      ++pages;
      if (page->next_page_token.empty()) break;
      q.page_token = page->next_page_token;
      ASSERT_LE(pages, 10);
    }
    EXPECT_EQ(pages, 4) << order;
    EXPECT_EQ(seen.size(), 4u);
  }
  // Filtered pagination: two films in 1955..1959 with page size 1.
  ListFilmsQuery q;
  q.page_size = 1;
  q.filter = "year >= 1955 AND year <= 1959 AND role = \"CREDIT_ROLE_CAST\"";
  auto first = catalog_->ListFilms(q);
  ASSERT_TRUE(first.ok());
  EXPECT_THAT(Names(first->films), ElementsAre("films/letter-never-sent"));
  ASSERT_FALSE(first->next_page_token.empty());
  q.page_token = first->next_page_token;
  auto second = catalog_->ListFilms(q);
  ASSERT_TRUE(second.ok());
  EXPECT_THAT(Names(second->films), ElementsAre("films/the-cranes-are-flying"));
  EXPECT_EQ(second->next_page_token, "");
}

TEST_F(CatalogTest, Filters) {
  EXPECT_THAT(List("year = 1957"), ElementsAre("films/the-cranes-are-flying"));
  EXPECT_THAT(List("year >= 1959", "year"), ElementsAre("films/letter-never-sent", "films/i-am-cuba"));
  EXPECT_THAT(List("year < 1957"), ElementsAre("films/the-first-echelon"));
  EXPECT_THAT(List("year > 1955 AND year <= 1959", "year"),
              ElementsAre("films/the-cranes-are-flying", "films/letter-never-sent"));
  EXPECT_EQ(List("person = \"people/mikhail-kalatozov\"").size(), 4u);
  EXPECT_THAT(List("person = \"people/tatiana-samoilova\"", "year"),
              ElementsAre("films/the-cranes-are-flying", "films/letter-never-sent"));
  EXPECT_THAT(List("person = \"people/martin-scorsese\" AND role = \"CREDIT_ROLE_PRESENTER\""),
              ElementsAre("films/i-am-cuba"));
  EXPECT_THAT(List("person = \"people/mikhail-kalatozov\" AND role = \"CREDIT_ROLE_CAST\""),
              ElementsAre());
  EXPECT_THAT(List("role = CREDIT_ROLE_PRESENTER"), ElementsAre("films/i-am-cuba"));
  EXPECT_EQ(List("era = \"eras/khrushchev-thaw\"").size(), 4u);
  EXPECT_THAT(List("era = \"eras/french-new-wave\""), ElementsAre());
  EXPECT_THAT(List("technique = \"CAMERA_TECHNIQUE_CRANE_SHOT\""),
              ElementsAre("films/i-am-cuba", "films/the-cranes-are-flying"));
  EXPECT_THAT(List("technique = \"CAMERA_TECHNIQUE_SUSPENDED_CABLE_RIG\""),
              ElementsAre("films/i-am-cuba"));
  EXPECT_THAT(List("technique = \"CAMERA_TECHNIQUE_STATIC_RESTRICTED\" AND year = 1959"),
              ElementsAre("films/letter-never-sent"));
  EXPECT_THAT(List("year >= 1960 AND year <= 1950"), ElementsAre());
  EXPECT_THAT(List("person = \"people/nobody\""), ElementsAre());
}

TEST_F(CatalogTest, BadListArgumentsNameTheField) {
  for (const char* filter :
       {"year >= abc", "title = \"x\"", "year >=", "person = \"mikhail\"", "role = \"DIRECTOR\"",
        "technique = \"CAMERA_TECHNIQUE_NOPE\"", "year = 1957 OR year = 1959", "year = 1957 AND",
        "person = \"people/x", "era != \"eras/khrushchev-thaw\"", "(year = 1957)"}) {
    ListFilmsQuery q;
    q.filter = filter;
    auto page = catalog_->ListFilms(q);
    ASSERT_FALSE(page.ok()) << filter;
    EXPECT_EQ(page.status().code(), absl::StatusCode::kInvalidArgument) << filter;
    EXPECT_THAT(Fields(page.status()), ElementsAre("filter")) << filter;
  }
  ListFilmsQuery q;
  q.order_by = "rating";
  EXPECT_THAT(Fields(catalog_->ListFilms(q).status()), ElementsAre("order_by"));
  q = {};
  q.page_size = -1;
  EXPECT_THAT(Fields(catalog_->ListFilms(q).status()), ElementsAre("page_size"));
  q = {};
  q.page_token = "garbage!";
  EXPECT_THAT(Fields(catalog_->ListFilms(q).status()), ElementsAre("page_token"));
  // A token minted for another filter is rejected.
  q = {};
  q.page_size = 1;
  auto page = catalog_->ListFilms(q);
  ASSERT_TRUE(page.ok());
  q.page_token = page->next_page_token;
  q.filter = "year = 1957";
  EXPECT_THAT(Fields(catalog_->ListFilms(q).status()), ElementsAre("page_token"));
  // Huge page sizes are coerced.
  q = {};
  q.page_size = 1 << 30;
  auto all = catalog_->ListFilms(q);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->films.size(), 4u);
}

TEST_F(CatalogTest, Search) {
  auto search = [&](const std::string& text) {
    SearchQuery q;
    q.query = text;
    auto page = catalog_->SearchFilms(q);
    EXPECT_TRUE(page.ok()) << page.status();
    return page.ok() ? page->results : std::vector<SearchResult>{};
  };
  auto kalatazov = search("Kalatazov");
  EXPECT_EQ(kalatazov.size(), 4u);
  for (const auto& r : kalatazov) EXPECT_THAT(r.matched_fields, ElementsAre("people"));
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
  EXPECT_THAT(Fields(catalog_->SearchFilms(empty).status()), ElementsAre("query"));

  // Pagination by offset, bound to the query.
  SearchQuery q;
  q.query = "kalatozov";
  q.page_size = 3;
  auto first = catalog_->SearchFilms(q);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->results.size(), 3u);
  ASSERT_FALSE(first->next_page_token.empty());
  q.page_token = first->next_page_token;
  auto second = catalog_->SearchFilms(q);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->results.size(), 1u);
  EXPECT_EQ(second->next_page_token, "");
  q.query = "cuba";
  EXPECT_THAT(Fields(catalog_->SearchFilms(q).status()), ElementsAre("page_token"));
}

TEST_F(CatalogTest, Collaborations) {
  ListCollaborationsQuery q;
  q.person = "people/mikhail-kalatozov";
  auto page = catalog_->ListCollaborations(q);
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_GE(page->collaborations.size(), 2u);
  const Collaboration& first = page->collaborations[0];
  EXPECT_EQ(first.person, "people/sergei-urusevsky");
  EXPECT_EQ(first.display_name, "Sergei Urusevsky");
  EXPECT_THAT(first.films, ElementsAre("films/the-first-echelon", "films/the-cranes-are-flying",
                                       "films/letter-never-sent", "films/i-am-cuba"));
  EXPECT_THAT(first.roles, ElementsAre(CreditRole::kCinematographer));
  EXPECT_EQ(page->collaborations[1].person, "people/tatiana-samoilova");
  EXPECT_EQ(page->collaborations[1].films.size(), 2u);
  EXPECT_EQ(page->collaborations.size(), 8u);

  q.person = "people/nobody";
  EXPECT_EQ(catalog_->ListCollaborations(q).status().code(), absl::StatusCode::kNotFound);
  q.person = "nobody";
  EXPECT_THAT(Fields(catalog_->ListCollaborations(q).status()), ElementsAre("person"));
}

TEST_F(CatalogTest, SequencesInFilmOrder) {
  ListSequencesQuery q;
  q.parent = "films/the-cranes-are-flying";
  auto page = catalog_->ListSequences(q);
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->sequences.size(), 2u);
  EXPECT_EQ(page->sequences[0]->name, "films/the-cranes-are-flying/sequences/staircase");
  EXPECT_EQ(page->sequences[0]->film_order, 1);
  EXPECT_EQ(page->sequences[0]->start.precision, Timecode::Precision::kRelative);
  EXPECT_EQ(page->sequences[0]->start.description, "before Veronika searches the send-off crowd");
  EXPECT_EQ(page->sequences[1]->name, "films/the-cranes-are-flying/sequences/send-off");
  EXPECT_EQ(page->sequences[1]->film_order, 2);
  EXPECT_EQ(page->sequences[1]->start.precision, Timecode::Precision::kApproximate);
  EXPECT_EQ(page->sequences[1]->start.offset, absl::Minutes(25));
  EXPECT_EQ(page->sequences[1]->start.description, "around 25:00");

  auto funeral = catalog_->GetSequence("films/i-am-cuba/sequences/funeral-procession");
  ASSERT_TRUE(funeral.ok());
  EXPECT_EQ((*funeral)->start.description, "about three quarters through");
  EXPECT_EQ((*funeral)->film_order, 2);
  auto opening = catalog_->GetSequence("films/letter-never-sent/sequences/opening-farewell");
  ASSERT_TRUE(opening.ok());
  EXPECT_EQ((*opening)->start.description, "the opening");

  q.parent = "films/-";
  auto all = catalog_->ListSequences(q);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->sequences.size(), 5u);
  q.filter = "technique = \"CAMERA_TECHNIQUE_AERIAL_OVER_CROWD\"";
  auto aerial = catalog_->ListSequences(q);
  ASSERT_TRUE(aerial.ok());
  ASSERT_EQ(aerial->sequences.size(), 2u);
  EXPECT_EQ(aerial->sequences[0]->name, "films/i-am-cuba/sequences/funeral-procession");
  // Paging through everything with page size 2.
  q.filter = "";
  q.page_size = 2;
  int count = 0;
  while (true) {
    auto p = catalog_->ListSequences(q);
    ASSERT_TRUE(p.ok());
    count += static_cast<int>(p->sequences.size());
    if (p->next_page_token.empty()) break;
    q.page_token = p->next_page_token;
  }
  EXPECT_EQ(count, 5);
  q = {};
  q.parent = "films/nope";
  EXPECT_EQ(catalog_->ListSequences(q).status().code(), absl::StatusCode::kNotFound);
  q.parent = "films/-";
  q.filter = "technique = \"LONG\"";
  EXPECT_THAT(Fields(catalog_->ListSequences(q).status()), ElementsAre("filter"));
}

TEST_F(CatalogTest, PeopleAndEras) {
  ListPeopleQuery q;
  auto page = catalog_->ListPeople(q);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->people.size(), 9u);
  q.filter = "role = \"CREDIT_ROLE_CINEMATOGRAPHER\"";
  auto dops = catalog_->ListPeople(q);
  ASSERT_TRUE(dops.ok());
  ASSERT_EQ(dops->people.size(), 1u);
  EXPECT_EQ(dops->people[0]->name, "people/sergei-urusevsky");
  q.filter = "role = \"X\"";
  EXPECT_THAT(Fields(catalog_->ListPeople(q).status()), ElementsAre("filter"));
  q = {};
  q.page_size = 4;
  int total = 0;
  while (true) {
    auto p = catalog_->ListPeople(q);
    ASSERT_TRUE(p.ok());
    total += static_cast<int>(p->people.size());
    if (p->next_page_token.empty()) break;
    q.page_token = p->next_page_token;
  }
  EXPECT_EQ(total, 9);
  auto eras = catalog_->ListEras(0, "");
  ASSERT_TRUE(eras.ok());
  ASSERT_EQ(eras->eras.size(), 1u);
  EXPECT_EQ(eras->eras[0]->start_year, 1954);
}

Film NewFilm() {
  Film f;
  f.title = "The Unfinished Film";
  f.year = 1960;
  f.runtime_minutes = 90;
  f.credits = {{"people/mikhail-kalatozov", "", CreditRole::kDirector, "", ""}};
  f.eras = {"eras/khrushchev-thaw"};
  return f;
}

TEST_F(CatalogTest, CreateUpdateDeleteFilm) {
  auto created = catalog_->CreateFilm(NewFilm(), "", {});
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_EQ((*created)->name, "films/the-unfinished-film");
  EXPECT_EQ((*created)->credits[0].display_name, "Mikhail Kalatozov");
  EXPECT_FALSE((*created)->etag.empty());
  EXPECT_EQ(catalog_->film_count(), 5u);
  auto era = catalog_->GetEra("eras/khrushchev-thaw");
  EXPECT_EQ((*era)->films.size(), 5u);
  EXPECT_EQ(catalog_->CreateFilm(NewFilm(), "", {}).status().code(),
            absl::StatusCode::kAlreadyExists);

  Film change;
  change.name = (*created)->name;
  change.title = "Renamed";
  change.year = 1999;  // not in the mask: ignored
  change.etag = (*created)->etag;
  auto updated = catalog_->UpdateFilm(change, {"title"}, {});
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_EQ((*updated)->title, "Renamed");
  EXPECT_EQ((*updated)->year, 1960);
  EXPECT_NE((*updated)->etag, (*created)->etag);
  EXPECT_EQ((*updated)->create_time, (*created)->create_time);
  // The old etag no longer matches.
  auto stale = catalog_->UpdateFilm(change, {"title"}, {});
  EXPECT_EQ(stale.status().code(), absl::StatusCode::kAborted);
  EXPECT_EQ(ErrorReason(stale.status()), "ETAG_MISMATCH");
  // Search sees the new title.
  SearchQuery sq;
  sq.query = "renamed";
  auto hits = catalog_->SearchFilms(sq);
  ASSERT_TRUE(hits.ok());
  ASSERT_EQ(hits->results.size(), 1u);
  EXPECT_EQ(hits->results[0].film->name, "films/the-unfinished-film");

  change.etag = "";
  EXPECT_THAT(Fields(catalog_->UpdateFilm(change, {}, {}).status()), ElementsAre("update_mask"));
  EXPECT_THAT(Fields(catalog_->UpdateFilm(change, {"etag"}, {}).status()),
              ElementsAre("update_mask.paths[0]"));
  change.name = "films/nope";
  EXPECT_EQ(catalog_->UpdateFilm(change, {"title"}, {}).status().code(), absl::StatusCode::kNotFound);

  EXPECT_EQ(catalog_->DeleteFilm("films/the-unfinished-film", "wrong", {}).code(),
            absl::StatusCode::kAborted);
  ASSERT_TRUE(catalog_->DeleteFilm("films/the-unfinished-film", (*updated)->etag, {}).ok());
  EXPECT_EQ(catalog_->GetFilm("films/the-unfinished-film").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(catalog_->film_count(), 4u);
  EXPECT_EQ((*catalog_->GetEra("eras/khrushchev-thaw"))->films.size(), 4u);
  EXPECT_EQ(catalog_->DeleteFilm("films/the-unfinished-film", "", {}).code(), absl::StatusCode::kNotFound);
}

TEST_F(CatalogTest, FilmValidationNamesEveryBadField) {
  Film f = NewFilm();
  f.title = "";
  f.year = 1800;
  f.runtime_minutes = -5;
  f.countries = {"su"};
  f.credits.push_back({"people/nobody", "", CreditRole::kCast, "", ""});
  f.credits.push_back({"people/sergei-urusevsky", "", CreditRole::kUnspecified, "", ""});
  f.eras = {"eras/nope"};
  auto s = catalog_->CreateFilm(f, "Bad Id", {});
  EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Fields(s.status()),
              ::testing::UnorderedElementsAre("film_id", "film.title", "film.year", "film.runtime_minutes",
                                              "film.countries[0]", "film.credits[1].person",
                                              "film.credits[2].role", "film.eras[0]"));
  EXPECT_EQ(catalog_->film_count(), 4u);
  Film unknown_year = NewFilm();
  unknown_year.year = 0;
  EXPECT_TRUE(catalog_->CreateFilm(unknown_year, "unknown-year", {.request_id = "", .validate_only = true}).ok());
}

TEST_F(CatalogTest, ValidateOnlyWritesNothing) {
  auto film = catalog_->CreateFilm(NewFilm(), "", {.request_id = "", .validate_only = true});
  ASSERT_TRUE(film.ok());
  EXPECT_EQ((*film)->name, "films/the-unfinished-film");
  EXPECT_EQ(catalog_->film_count(), 4u);
  Person p;
  p.display_name = "Someone";
  ASSERT_TRUE(catalog_->CreatePerson(p, "", {.request_id = "", .validate_only = true}).ok());
  EXPECT_EQ(catalog_->GetPerson("people/someone").status().code(), absl::StatusCode::kNotFound);
}

TEST_F(CatalogTest, RequestIdReplaysTheFirstResult) {
  WriteOptions o;
  o.request_id = "req-1";
  auto first = catalog_->CreateFilm(NewFilm(), "", o);
  ASSERT_TRUE(first.ok());
  // Same request again (even with a different body): the first result, no new film.
  Film other = NewFilm();
  other.title = "Something Else";
  auto again = catalog_->CreateFilm(other, "", o);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ((*again)->name, (*first)->name);
  EXPECT_EQ(catalog_->film_count(), 5u);
  // Reused for another method: rejected.
  EXPECT_THAT(Fields(catalog_->DeleteFilm("films/i-am-cuba", "", o)), ElementsAre("request_id"));
  WriteOptions d;
  d.request_id = "del-1";
  ASSERT_TRUE(catalog_->DeleteFilm((*first)->name, "", d).ok());
  EXPECT_TRUE(catalog_->DeleteFilm((*first)->name, "", d).ok());  // retry: still OK
}

TEST_F(CatalogTest, PeopleWrites) {
  Person p;
  p.display_name = "Ivan Ivanov";
  p.birth_year = 1950;
  auto created = catalog_->CreatePerson(p, "", {});
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_EQ((*created)->name, "people/ivan-ivanov");
  Person bad;
  bad.display_name = "";
  bad.birth_year = 1990;
  bad.death_year = 1980;
  EXPECT_THAT(Fields(catalog_->CreatePerson(bad, "x", {}).status()),
              ::testing::UnorderedElementsAre("person.display_name", "person.death_year"));

  // Credited people cannot be deleted.
  auto credited = catalog_->DeletePerson("people/sergei-urusevsky", "", {});
  EXPECT_EQ(credited.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ErrorReason(credited), "PERSON_STILL_CREDITED");
  ASSERT_TRUE(catalog_->DeletePerson("people/ivan-ivanov", (*created)->etag, {}).ok());

  // Renaming a person updates the credits and the search index.
  Person rename;
  rename.name = "people/sergei-urusevsky";
  rename.display_name = "Sergey Urusevskiy-Renamed";
  auto renamed = catalog_->UpdatePerson(rename, {"display_name"}, {});
  ASSERT_TRUE(renamed.ok()) << renamed.status();
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
  ASSERT_TRUE(hits.ok());
  EXPECT_EQ(hits->results.size(), 4u);
}

TEST_F(CatalogTest, SequenceWrites) {
  Sequence s;
  s.title = "Late scene";
  s.start.precision = Timecode::Precision::kExact;
  s.start.offset = absl::Seconds(3730);
  s.techniques = {CameraTechnique::kLongTake};
  auto created = catalog_->CreateSequence("films/the-cranes-are-flying", s, "", {});
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_EQ((*created)->name, "films/the-cranes-are-flying/sequences/late-scene");
  EXPECT_EQ((*created)->start.description, "at 1:02:10");
  EXPECT_EQ((*created)->film_order, 3);
  // Technique filter on films follows the new sequence.
  ListFilmsQuery fq;
  fq.filter = "technique = \"CAMERA_TECHNIQUE_LONG_TAKE\"";
  auto films = catalog_->ListFilms(fq);
  ASSERT_TRUE(films.ok());
  EXPECT_EQ(films->films.size(), 2u);

  Sequence move;
  move.name = (*created)->name;
  move.start.precision = Timecode::Precision::kFractionOfRuntime;
  move.start.fraction = 0.0;
  auto moved = catalog_->UpdateSequence(move, {"start"}, {});
  ASSERT_TRUE(moved.ok()) << moved.status();
  EXPECT_EQ((*moved)->film_order, 1);
  EXPECT_EQ((*moved)->start.description, "the opening");

  Sequence bad;
  bad.title = "x";
  bad.start.precision = Timecode::Precision::kFractionOfRuntime;
  bad.start.fraction = 1.5;
  EXPECT_THAT(Fields(catalog_->CreateSequence("films/i-am-cuba", bad, "", {}).status()),
              ElementsAre("sequence.start.fraction"));
  bad.start.precision = Timecode::Precision::kRelative;
  bad.start.relation = Timecode::Relation::kAfter;
  bad.start.relative_to = "films/the-cranes-are-flying/sequences/send-off";
  EXPECT_THAT(Fields(catalog_->CreateSequence("films/i-am-cuba", bad, "", {}).status()),
              ElementsAre("sequence.start.relative_to"));
  bad.start.relative_to = "";
  EXPECT_THAT(Fields(catalog_->CreateSequence("films/i-am-cuba", bad, "", {}).status()),
              ElementsAre("sequence.start.relative_to"));
  bad.start.precision = Timecode::Precision::kUnspecified;
  EXPECT_THAT(Fields(catalog_->CreateSequence("films/i-am-cuba", bad, "", {}).status()),
              ElementsAre("sequence.start.precision"));
  EXPECT_EQ(catalog_->CreateSequence("films/nope", s, "", {}).status().code(),
            absl::StatusCode::kNotFound);

  // A sequence others are placed relative to cannot be deleted.
  EXPECT_EQ(catalog_->DeleteSequence("films/the-cranes-are-flying/sequences/send-off", "", {}).code(),
            absl::StatusCode::kFailedPrecondition);
  ASSERT_TRUE(catalog_->DeleteSequence((*moved)->name, (*moved)->etag, {}).ok());
  // Deleting a film deletes its sequences.
  ASSERT_TRUE(catalog_->DeleteFilm("films/i-am-cuba", "", {}).ok());
  EXPECT_EQ(catalog_->GetSequence("films/i-am-cuba/sequences/funeral-procession").status().code(),
            absl::StatusCode::kNotFound);
  ListSequencesQuery lq;
  lq.parent = "films/-";
  EXPECT_EQ(catalog_->ListSequences(lq)->sequences.size(), 3u);
}

TEST_F(CatalogTest, ImportGoodAndBadEntries) {
  std::vector<ImportEntry> entries(4);
  // 0: a good film with a new person and two sequences, one relative.
  entries[0].source_line = 10;
  entries[0].film.title = "Soy Cuba 2";
  entries[0].film.year = 1970;
  entries[0].film.credits = {{"people/new-director", "", CreditRole::kDirector, "", ""},
                             {"people/sergei-urusevsky", "", CreditRole::kCinematographer, "", ""}};
  Person np;
  np.name = "people/new-director";
  np.display_name = "New Director";
  Person existing;
  existing.name = "people/sergei-urusevsky";
  existing.display_name = "Should Not Overwrite";
  entries[0].people = {np, existing};
  Sequence a;
  a.title = "Opening shot";
  a.start.precision = Timecode::Precision::kExact;
  a.start.offset = absl::Seconds(10);
  Sequence b;
  b.title = "Just after";
  b.start.precision = Timecode::Precision::kRelative;
  b.start.relation = Timecode::Relation::kAfter;
  b.start.relative_to = "opening-shot";
  entries[0].sequences = {b, a};
  // 1: bad fields.
  entries[1].source_line = 11;
  entries[1].film.title = "Broken";
  entries[1].film.year = 99999;
  Person nameless;
  entries[1].people = {nameless};
  Sequence bs;
  bs.title = "x";
  entries[1].sequences = {a, bs};
  // 2: a duplicate of a seeded film (same title and year).
  entries[2].source_line = 12;
  entries[2].film.title = "The Cranes Are Flying";
  entries[2].film.year = 1957;
  // 3: same title as a seeded film, other year: gets a year suffix.
  entries[3].source_line = 13;
  entries[3].film.title = "The Cranes Are Flying";
  entries[3].film.year = 2030;

  auto results = catalog_->ImportFilms(entries, {});
  ASSERT_TRUE(results.ok()) << results.status();
  ASSERT_EQ(results->size(), 4u);
  const auto& r = *results;
  EXPECT_TRUE(r[0].status.ok()) << r[0].status;
  EXPECT_EQ(r[0].source_line, 10);
  EXPECT_EQ(r[0].film, "films/soy-cuba-2");
  EXPECT_EQ(r[1].status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Fields(r[1].status), ::testing::UnorderedElementsAre(
                                       "people[0].display_name", "film.year", "sequences[1].start.precision"));
  EXPECT_EQ(r[1].film, "");
  EXPECT_EQ(r[2].status.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_TRUE(r[3].status.ok()) << r[3].status;
  EXPECT_EQ(r[3].film, "films/the-cranes-are-flying-2030");

  EXPECT_EQ(catalog_->film_count(), 6u);
  auto person = catalog_->GetPerson("people/new-director");
  ASSERT_TRUE(person.ok());
  EXPECT_EQ((*catalog_->GetPerson("people/sergei-urusevsky"))->display_name, "Sergei Urusevsky");
  ListSequencesQuery lq;
  lq.parent = "films/soy-cuba-2";
  auto seqs = catalog_->ListSequences(lq);
  ASSERT_TRUE(seqs.ok());
  ASSERT_EQ(seqs->sequences.size(), 2u);
  EXPECT_EQ(seqs->sequences[0]->name, "films/soy-cuba-2/sequences/opening-shot");
  EXPECT_EQ(seqs->sequences[1]->name, "films/soy-cuba-2/sequences/just-after");
  EXPECT_EQ(seqs->sequences[1]->start.description, "after Opening shot");

  // Odd input never crashes.
  std::vector<ImportEntry> odd(3);
  odd[0].film.title = "";
  odd[1].film.title = "Ж";
  odd[1].film.year = 2147483647;
  odd[1].film.runtime_minutes = -2147483647 - 1;
  odd[2].film.title = std::string(5000, 'x');
  Sequence weird;
  weird.title = "\xff\xfe";
  weird.start.precision = Timecode::Precision::kFractionOfRuntime;
  weird.start.fraction = std::nan("");
  odd[2].sequences = {weird};
  auto odd_results = catalog_->ImportFilms(odd, {});
  ASSERT_TRUE(odd_results.ok());
  for (const auto& res : *odd_results) EXPECT_EQ(res.status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Fields((*odd_results)[0].status), ElementsAre("film.title"));

  std::vector<ImportEntry> too_many(1001);
  EXPECT_THAT(Fields(catalog_->ImportFilms(too_many, {}).status()), ElementsAre("entries"));
}

TEST_F(CatalogTest, ImportReplaysByRequestId) {
  std::vector<ImportEntry> entries(1);
  entries[0].film.title = "Replayed";
  entries[0].source_line = 7;
  WriteOptions o;
  o.request_id = "import-1";
  auto first = catalog_->ImportFilms(entries, o);
  ASSERT_TRUE(first.ok());
  auto second = catalog_->ImportFilms(entries, o);
  ASSERT_TRUE(second.ok());
  ASSERT_EQ(second->size(), 1u);
  EXPECT_TRUE((*second)[0].status.ok());
  EXPECT_EQ((*second)[0].film, "films/replayed");
  EXPECT_EQ((*second)[0].source_line, 7);
  EXPECT_EQ(catalog_->film_count(), 5u);
}

std::string TempUrl(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() /
             ("longtake-catalog-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::string path = (dir / name).string();
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
  return "sqlite://" + path;
}

TEST(CatalogRestartTest, FileStoreKeepsWritesAndRequestIds) {
  std::string url = TempUrl("restart.db");
  std::string etag;
  {
    auto catalog = OpenSeeded(url);
    WriteOptions o;
    o.request_id = "create-once";
    auto film = catalog->CreateFilm(NewFilm(), "kept", o);
    ASSERT_TRUE(film.ok()) << film.status();
    etag = (*film)->etag;
    ASSERT_TRUE(catalog->DeleteFilm("films/the-first-echelon", "", {}).ok());
  }
  auto store = OpenCatalogStore(url);
  ASSERT_TRUE(store.ok());
  auto catalog = Catalog::Open(std::move(*store));
  ASSERT_TRUE(catalog.ok());
  ASSERT_TRUE((*catalog)->LoadSeedIfEmpty(kSeed).ok());  // not empty: no reseed
  EXPECT_EQ((*catalog)->film_count(), 4u);
  auto kept = (*catalog)->GetFilm("films/kept");
  ASSERT_TRUE(kept.ok());
  EXPECT_EQ((*kept)->etag, etag);
  EXPECT_EQ((*catalog)->GetFilm("films/the-first-echelon").status().code(), absl::StatusCode::kNotFound);
  // Sequence order is derived again after the restart.
  auto staircase = (*catalog)->GetSequence("films/the-cranes-are-flying/sequences/staircase");
  ASSERT_TRUE(staircase.ok());
  EXPECT_EQ((*staircase)->film_order, 1);
  // The request id survived the restart.
  WriteOptions o;
  o.request_id = "create-once";
  auto replay = (*catalog)->CreateFilm(NewFilm(), "another", o);
  ASSERT_TRUE(replay.ok());
  EXPECT_EQ((*replay)->name, "films/kept");
  EXPECT_EQ((*catalog)->film_count(), 4u);
}

TEST(CatalogRefreshTest, SeesWritesOfAnotherInstance) {
  std::string url = TempUrl("refresh.db");
  auto a = OpenSeeded(url);
  auto store_b = OpenCatalogStore(url);
  ASSERT_TRUE(store_b.ok());
  auto b = Catalog::Open(std::move(*store_b));
  ASSERT_TRUE(b.ok());
  EXPECT_EQ((*b)->film_count(), 4u);
  auto unchanged = (*b)->Refresh();
  ASSERT_TRUE(unchanged.ok());
  EXPECT_FALSE(*unchanged);
  ASSERT_TRUE(a->CreateFilm(NewFilm(), "", {}).ok());
  auto changed = (*b)->Refresh();
  ASSERT_TRUE(changed.ok());
  EXPECT_TRUE(*changed);
  EXPECT_EQ((*b)->film_count(), 5u);
}

TEST(CatalogSeedTest, BadSeedFileIsAnError) {
  auto store = OpenCatalogStore("sqlite::memory:");
  ASSERT_TRUE(store.ok());
  auto catalog = Catalog::Open(std::move(*store));
  ASSERT_TRUE(catalog.ok());
  EXPECT_EQ((*catalog)->LoadSeedIfEmpty("/nonexistent/seed.json").code(), absl::StatusCode::kNotFound);
  EXPECT_EQ((*catalog)->film_count(), 0u);
}

}  // namespace
}  // namespace longtake::catalog

namespace longtake::catalog {
namespace {

// Many films: selective filters use the indexes, keyset pagination stays exact.
TEST(CatalogScaleTest, ThousandsOfFilmsPaginateAndFilter) {
  auto catalog = OpenSeeded();
  for (int batch = 0; batch < 3; ++batch) {
    std::vector<ImportEntry> entries(1000);
    for (int i = 0; i < 1000; ++i) {
      int n = batch * 1000 + i;
      entries[i].film.title = "Generated film " + std::to_string(n);
      entries[i].film.year = 1900 + n % 100;
      entries[i].film.credits = {{n % 500 == 0 ? "people/sergei-urusevsky" : "people/vasily-livanov",
                                  "", CreditRole::kCast, "", ""}};
    }
    auto results = catalog->ImportFilms(std::move(entries), {});
    ASSERT_TRUE(results.ok());
    for (const auto& r : *results) ASSERT_TRUE(r.status.ok()) << r.status;
  }
  EXPECT_EQ(catalog->film_count(), 3004u);
  ListFilmsQuery q;
  q.filter = "person = \"people/sergei-urusevsky\" AND role = \"CREDIT_ROLE_CAST\"";
  auto page = catalog->ListFilms(q);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->films.size(), 6u);
  q = {};
  q.order_by = "year desc";
  q.page_size = 1000;
  std::set<std::string> seen;
  int last_year = 1 << 30;
  while (true) {
    auto p = catalog->ListFilms(q);
    ASSERT_TRUE(p.ok());
    for (const auto& f : p->films) {
      EXPECT_TRUE(seen.insert(f->name).second);
      EXPECT_LE(f->year, last_year);
      last_year = f->year;
    }
    if (p->next_page_token.empty()) break;
    q.page_token = p->next_page_token;
  }
  EXPECT_EQ(seen.size(), 3004u);
  q = {};
  q.filter = "year = 1950";
  auto y = catalog->ListFilms(q);
  ASSERT_TRUE(y.ok());
  EXPECT_EQ(y->films.size(), 30u);
}

}  // namespace
}  // namespace longtake::catalog
