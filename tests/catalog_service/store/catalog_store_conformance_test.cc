// Conformance suite every CatalogStore implementation must pass. Add a URL to
// the INSTANTIATE list below to run it against another store. "postgres" runs
// it on a throwaway PostgreSQL server (one per test process, a fresh database
// per test: tests/support/postgres_server.h).

#include <unistd.h>

#include <filesystem>
#include <string>

#include "absl/time/time.h"
#include "catalog_service/domain/catalog_store.h"
#include "catalog_service/store/open_catalog_store.h"
#include "gtest/gtest.h"
#include "tests/support/postgres_server.h"
#include "tests/support/status_matchers.h"

namespace longtake::catalog {
namespace {

using ::longtake::testing::StatusIs;

std::string TempDbUrl(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() /
             ("longtake-store-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::string path = (dir / name).string();
  for (const char* suffix : {"", "-wal", "-shm"})
    std::filesystem::remove(path + suffix);
  return "sqlite://" + path;
}

Film FullFilm() {
  Film f;
  f.name = "films/i-am-cuba";
  f.title = "I Am Cuba";
  f.original_titles = {"Soy Cuba", "Я — Куба"};
  f.aliases = {"Ya - Kuba"};
  f.year = 1964;
  f.runtime_minutes = 141;
  f.countries = {"SU", "CU"};
  f.languages = {"es", "ru"};
  f.synopsis = "Four stories.";
  f.credits = {{"people/mikhail-kalatozov", "Mikhail Kalatozov",
                CreditRole::kDirector, "", ""},
               {"people/martin-scorsese", "Martin Scorsese",
                CreditRole::kPresenter, "", "1990s re-release"},
               {"people/x", "X", CreditRole::kCast, "Maria", ""}};
  f.awards = {{"Palme d'Or", "Cannes Film Festival", 1958, "Best Film"}};
  f.eras = {"eras/khrushchev-thaw"};
  f.studios = {"Mosfilm", "ICAIC"};
  f.notes = {"withdrawn", "rediscovered"};
  f.etag = "e1";
  f.create_time = absl::FromUnixMicros(1700000000123456);
  f.update_time = absl::FromUnixSeconds(1700000100);
  return f;
}

Person FullPerson() {
  Person p;
  p.name = "people/mikhail-kalatozov";
  p.display_name = "Mikhail Kalatozov";
  p.aliases = {"Kalatazov", "Mikheil Kalatozishvili"};
  p.birth_year = 1903;
  p.death_year = 1973;
  p.known_roles = {CreditRole::kDirector, CreditRole::kWriter};
  p.biography = "Georgian-born director.";
  p.etag = "p1";
  p.create_time = absl::FromUnixSeconds(1);
  p.update_time = absl::FromUnixSeconds(2);
  return p;
}

Sequence FullSequence() {
  Sequence s;
  s.name = "films/i-am-cuba/sequences/funeral";
  s.title = "Funeral procession";
  s.description = "The camera floats over the street.";
  s.start.precision = Timecode::Precision::kRelative;
  s.start.offset = absl::Seconds(1500) + absl::Milliseconds(250);
  s.start.fraction = 0.75;
  s.start.relative_to = "films/i-am-cuba/sequences/rooftop";
  s.start.relation = Timecode::Relation::kAfter;
  s.start.description = "about three quarters through";
  s.duration = absl::Seconds(90);
  s.techniques = {CameraTechnique::kAerialOverCrowd,
                  CameraTechnique::kSuspendedCableRig};
  s.characters = {"Enrique"};
  s.filming_method = "cable cars";
  s.film_order = 2;
  s.etag = "s1";
  s.create_time = absl::FromUnixSeconds(3);
  s.update_time = absl::FromUnixSeconds(4);
  return s;
}

Era FullEra() {
  Era e;
  e.name = "eras/khrushchev-thaw";
  e.display_name = "Khrushchev Thaw";
  e.start_year = 1954;
  e.end_year = 1964;
  e.description = "Relaxed censorship.";
  e.films = {"films/i-am-cuba"};
  e.notable_artists = {"Andrei Tarkovsky", "Larisa Shepitko"};
  return e;
}

void ExpectSameFilm(const Film& a, const Film& b) {
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(a.title, b.title);
  EXPECT_EQ(a.original_titles, b.original_titles);
  EXPECT_EQ(a.aliases, b.aliases);
  EXPECT_EQ(a.year, b.year);
  EXPECT_EQ(a.runtime_minutes, b.runtime_minutes);
  EXPECT_EQ(a.countries, b.countries);
  EXPECT_EQ(a.languages, b.languages);
  EXPECT_EQ(a.synopsis, b.synopsis);
  ASSERT_EQ(a.credits.size(), b.credits.size());
  for (size_t i = 0; i < a.credits.size(); ++i) {
    EXPECT_EQ(a.credits[i].person, b.credits[i].person);
    EXPECT_EQ(a.credits[i].display_name, b.credits[i].display_name);
    EXPECT_EQ(a.credits[i].role, b.credits[i].role);
    EXPECT_EQ(a.credits[i].character, b.credits[i].character);
    EXPECT_EQ(a.credits[i].note, b.credits[i].note);
  }
  ASSERT_EQ(a.awards.size(), b.awards.size());
  for (size_t i = 0; i < a.awards.size(); ++i) {
    EXPECT_EQ(a.awards[i].name, b.awards[i].name);
    EXPECT_EQ(a.awards[i].event, b.awards[i].event);
    EXPECT_EQ(a.awards[i].year, b.awards[i].year);
    EXPECT_EQ(a.awards[i].category, b.awards[i].category);
  }
  EXPECT_EQ(a.eras, b.eras);
  EXPECT_EQ(a.studios, b.studios);
  EXPECT_EQ(a.notes, b.notes);
  EXPECT_EQ(a.etag, b.etag);
  EXPECT_EQ(a.create_time, b.create_time);
  EXPECT_EQ(a.update_time, b.update_time);
}

class CatalogStoreConformanceTest
    : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    url_ = GetParam();
    if (url_ == "tempfile") {
      std::string name =
          ::testing::UnitTest::GetInstance()->current_test_info()->name();
      for (char& c : name) {
        if (c == '/') c = '_';
      }
      url_ = TempDbUrl(name + ".db");
    } else if (url_ == "postgres") {
      auto url = longtake::testing::FreshPostgresDatabaseUrl();
      ASSERT_OK(url);
      url_ = *url;
    }
    auto store = OpenCatalogStore(url_);
    ASSERT_OK(store);
    store_ = std::move(*store);
  }
  bool IsFile() const { return url_ != "sqlite::memory:"; }

  // Seeds era + person + film + sequence.
  void WriteAll() {
    WriteBatch b;
    b.upsert_eras.push_back(FullEra());
    b.upsert_people.push_back(FullPerson());
    b.upsert_films.push_back(FullFilm());
    Sequence rooftop = FullSequence();
    rooftop.name = "films/i-am-cuba/sequences/rooftop";
    b.upsert_sequences.push_back(rooftop);
    b.upsert_sequences.push_back(FullSequence());
    ASSERT_OK(store_->Apply(b));
  }

  std::string url_;
  std::unique_ptr<CatalogStore> store_;
};

TEST_P(CatalogStoreConformanceTest, EmptyStoreLoadsNothing) {
  auto snap = store_->LoadAll();
  ASSERT_OK(snap);
  EXPECT_TRUE(snap->films.empty());
  EXPECT_TRUE(snap->people.empty());
  EXPECT_TRUE(snap->sequences.empty());
  EXPECT_TRUE(snap->eras.empty());
}

TEST_P(CatalogStoreConformanceTest, RoundTripsEveryResourceWithAllFields) {
  WriteAll();
  auto snap = store_->LoadAll();
  ASSERT_OK(snap);
  ASSERT_EQ(snap->films.size(), 1u);
  ExpectSameFilm(snap->films[0], FullFilm());

  ASSERT_EQ(snap->people.size(), 1u);
  const Person& p = snap->people[0];
  Person want = FullPerson();
  EXPECT_EQ(p.name, want.name);
  EXPECT_EQ(p.display_name, want.display_name);
  EXPECT_EQ(p.aliases, want.aliases);
  EXPECT_EQ(p.birth_year, want.birth_year);
  EXPECT_EQ(p.death_year, want.death_year);
  EXPECT_EQ(p.known_roles, want.known_roles);
  EXPECT_EQ(p.biography, want.biography);
  EXPECT_EQ(p.etag, want.etag);
  EXPECT_EQ(p.create_time, want.create_time);
  EXPECT_EQ(p.update_time, want.update_time);

  ASSERT_EQ(snap->sequences.size(), 2u);
  const Sequence* s = nullptr;
  for (const Sequence& x : snap->sequences) {
    if (x.name == "films/i-am-cuba/sequences/funeral") s = &x;
  }
  ASSERT_NE(s, nullptr);
  Sequence ws = FullSequence();
  EXPECT_EQ(s->title, ws.title);
  EXPECT_EQ(s->description, ws.description);
  EXPECT_EQ(s->start.precision, ws.start.precision);
  EXPECT_EQ(s->start.offset, ws.start.offset);
  EXPECT_DOUBLE_EQ(s->start.fraction, ws.start.fraction);
  EXPECT_EQ(s->start.relative_to, ws.start.relative_to);
  EXPECT_EQ(s->start.relation, ws.start.relation);
  EXPECT_EQ(s->start.description, ws.start.description);
  EXPECT_EQ(s->duration, ws.duration);
  EXPECT_EQ(s->techniques, ws.techniques);
  EXPECT_EQ(s->characters, ws.characters);
  EXPECT_EQ(s->filming_method, ws.filming_method);
  EXPECT_EQ(s->film_order, ws.film_order);
  EXPECT_EQ(s->etag, ws.etag);
  EXPECT_EQ(s->create_time, ws.create_time);
  EXPECT_EQ(s->update_time, ws.update_time);

  ASSERT_EQ(snap->eras.size(), 1u);
  const Era& e = snap->eras[0];
  Era we = FullEra();
  EXPECT_EQ(e.name, we.name);
  EXPECT_EQ(e.display_name, we.display_name);
  EXPECT_EQ(e.start_year, we.start_year);
  EXPECT_EQ(e.end_year, we.end_year);
  EXPECT_EQ(e.description, we.description);
  EXPECT_EQ(e.films, we.films);
  EXPECT_EQ(e.notable_artists, we.notable_artists);
}

TEST_P(CatalogStoreConformanceTest, UpdateReplacesTheDocument) {
  WriteAll();
  Film f = FullFilm();
  f.title = "Soy Cuba";
  f.credits.pop_back();
  f.etag = "e2";
  WriteBatch b;
  b.upsert_films.push_back(f);
  ASSERT_OK(store_->Apply(b));
  auto snap = store_->LoadAll();
  ASSERT_OK(snap);
  ASSERT_EQ(snap->films.size(), 1u);
  ExpectSameFilm(snap->films[0], f);
  // Updating a film keeps its sequences.
  EXPECT_EQ(snap->sequences.size(), 2u);
}

TEST_P(CatalogStoreConformanceTest, DeleteFilmDeletesItsSequences) {
  WriteAll();
  WriteBatch b;
  b.delete_films.push_back("films/i-am-cuba");
  b.delete_people.push_back("people/mikhail-kalatozov");
  b.delete_eras.push_back("eras/khrushchev-thaw");
  ASSERT_OK(store_->Apply(b));
  auto snap = store_->LoadAll();
  ASSERT_OK(snap);
  EXPECT_TRUE(snap->films.empty());
  EXPECT_TRUE(snap->sequences.empty());
  EXPECT_TRUE(snap->people.empty());
  EXPECT_TRUE(snap->eras.empty());
}

TEST_P(CatalogStoreConformanceTest, DeleteOneSequence) {
  WriteAll();
  WriteBatch b;
  b.delete_sequences.push_back("films/i-am-cuba/sequences/rooftop");
  ASSERT_OK(store_->Apply(b));
  auto snap = store_->LoadAll();
  ASSERT_OK(snap);
  ASSERT_EQ(snap->sequences.size(), 1u);
  EXPECT_EQ(snap->sequences[0].name, "films/i-am-cuba/sequences/funeral");
}

TEST_P(CatalogStoreConformanceTest, RequestRecords) {
  auto missing = store_->LookupRequest("r-1");
  ASSERT_OK(missing);
  EXPECT_FALSE(missing->has_value());

  WriteBatch b;
  b.upsert_people.push_back(FullPerson());
  b.request = RequestRecord{"r-1", "CreatePerson", "people/mikhail-kalatozov",
                            "{\"x\":1}"};
  ASSERT_OK(store_->Apply(b));
  auto found = store_->LookupRequest("r-1");
  ASSERT_OK(found);
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->method, "CreatePerson");
  EXPECT_EQ((*found)->resource, "people/mikhail-kalatozov");
  EXPECT_EQ((*found)->response, "{\"x\":1}");
}

TEST_P(CatalogStoreConformanceTest, FailingBatchLeavesNothing) {
  WriteBatch first;
  first.request = RequestRecord{"dup", "CreateFilm", "films/a", ""};
  ASSERT_OK(store_->Apply(first));
  auto revision = store_->Revision();
  ASSERT_OK(revision);

  // Reusing a recorded request id fails the whole batch.
  WriteBatch b;
  b.upsert_eras.push_back(FullEra());
  b.upsert_people.push_back(FullPerson());
  b.upsert_films.push_back(FullFilm());
  b.request = RequestRecord{"dup", "CreateFilm", "films/i-am-cuba", ""};
  absl::Status s = store_->Apply(b);
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kAlreadyExists)) << s;

  // A sequence of a film that does not exist fails the whole batch too.
  WriteBatch orphan;
  orphan.upsert_people.push_back(FullPerson());
  Sequence seq = FullSequence();
  seq.name = "films/nope/sequences/x";
  orphan.upsert_sequences.push_back(seq);
  EXPECT_FALSE(store_->Apply(orphan).ok());

  auto snap = store_->LoadAll();
  ASSERT_OK(snap);
  EXPECT_TRUE(snap->films.empty());
  EXPECT_TRUE(snap->people.empty());
  EXPECT_TRUE(snap->eras.empty());
  EXPECT_TRUE(snap->sequences.empty());
  EXPECT_EQ(*store_->Revision(), *revision);
}

TEST_P(CatalogStoreConformanceTest, RevisionIncreasesPerBatch) {
  auto r0 = store_->Revision();
  ASSERT_OK(r0);
  WriteAll();
  auto r1 = store_->Revision();
  ASSERT_OK(r1);
  EXPECT_GT(*r1, *r0);
  auto snap = store_->LoadAll();
  ASSERT_OK(snap);
  EXPECT_EQ(snap->revision, *r1);
}

TEST_P(CatalogStoreConformanceTest, ReopenKeepsData) {
  if (!IsFile()) GTEST_SKIP() << "in-memory store does not persist";
  WriteAll();
  WriteBatch b;
  b.request = RequestRecord{"r-9", "DeleteFilm", "films/x", ""};
  ASSERT_OK(store_->Apply(b));
  store_.reset();
  auto reopened = OpenCatalogStore(url_);
  ASSERT_OK(reopened);
  auto snap = (*reopened)->LoadAll();
  ASSERT_OK(snap);
  ASSERT_EQ(snap->films.size(), 1u);
  ExpectSameFilm(snap->films[0], FullFilm());
  EXPECT_EQ(snap->sequences.size(), 2u);
  EXPECT_EQ(snap->people.size(), 1u);
  EXPECT_EQ(snap->eras.size(), 1u);
  auto rec = (*reopened)->LookupRequest("r-9");
  ASSERT_OK(rec);
  ASSERT_TRUE(rec->has_value());
  EXPECT_EQ((*rec)->resource, "films/x");
}

INSTANTIATE_TEST_SUITE_P(Stores, CatalogStoreConformanceTest,
                         ::testing::Values("sqlite::memory:", "tempfile",
                                           "postgres"),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           return info.param == "tempfile"
                                      ? std::string("SqliteFile")
                                  : info.param == "postgres"
                                      ? std::string("Postgres")
                                      : std::string("SqliteMemory");
                         });

TEST(OpenCatalogStoreTest, RejectsUnknownSchemesNamingStore) {
  for (const char* url :
       {"", "mysql://x", "sqlite:", "sqlite://", "/tmp/x.db"}) {
    auto store = OpenCatalogStore(url);
    ASSERT_FALSE(store.ok()) << url;
    EXPECT_THAT(store, StatusIs(absl::StatusCode::kInvalidArgument)) << url;
    EXPECT_NE(std::string(store.status().message()).find("store"),
              std::string::npos);
    EXPECT_NE(std::string(store.status().message()).find("sqlite::memory:"),
              std::string::npos);
  }
}

TEST(OpenCatalogStoreTest, UnreachablePostgresIsUnavailable) {
  // Nothing listens on port 1 of the loopback.
  auto store = OpenCatalogStore("postgresql://postgres@127.0.0.1:1/db");
  ASSERT_FALSE(store.ok());
  EXPECT_THAT(store, StatusIs(absl::StatusCode::kUnavailable))
      << store.status();
}

TEST(OpenCatalogStoreTest, RelativeSqlitePath) {
  auto dir = std::filesystem::temp_directory_path() /
             ("longtake-store-rel-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto old = std::filesystem::current_path();
  std::filesystem::current_path(dir);
  auto store = OpenCatalogStore("sqlite://rel.db");
  std::filesystem::current_path(old);
  ASSERT_OK(store);
  EXPECT_TRUE(std::filesystem::exists(dir / "rel.db"));
}

}  // namespace
}  // namespace longtake::catalog
