// ImportFilms: good and bad entries side by side, replays by request id.

#include "catalog_service/domain/film_importer.h"

#include <cmath>
#include <thread>

#include "absl/strings/str_cat.h"
#include "catalog_service/domain/catalog_validation.h"
#include "tests/catalog_service/domain/catalog_fixture.h"
#include "tests/catalog_service/sample_catalog.h"

namespace longtake::catalog {
namespace {

using ::longtake::testing::StatusIs;
using ::testing::ElementsAre;

TEST_F(CatalogTest, ImportGoodAndBadEntries) {
  std::vector<ImportEntry> entries(4);
  // 0: a good film with a new person and two sequences, one relative.
  entries[0].source_line = 10;
  entries[0].film.title = "Soy Cuba 2";
  entries[0].film.year = 1970;
  entries[0].film.credits = {
      {"people/new-director", "", CreditRole::kDirector, "", ""},
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
  a.start = testing::Exact(absl::Seconds(10));
  Sequence b;
  b.title = "Just after";
  b.start = testing::After("opening-shot");
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
  ASSERT_OK(results);
  ASSERT_EQ(results->size(), 4u);
  const auto& r = *results;
  EXPECT_OK(r[0].status);
  EXPECT_EQ(r[0].source_line, 10);
  EXPECT_EQ(r[0].film, "films/soy-cuba-2");
  EXPECT_THAT(r[1].status, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(
      ViolatedFields(r[1].status),
      ::testing::UnorderedElementsAre("people[0].display_name", "film.year",
                                      "sequences[1].start.precision"));
  EXPECT_EQ(r[1].film, "");
  EXPECT_THAT(r[2].status, StatusIs(absl::StatusCode::kAlreadyExists));
  EXPECT_OK(r[3].status);
  EXPECT_EQ(r[3].film, "films/the-cranes-are-flying-2030");

  EXPECT_EQ(catalog_->film_count(), 6u);
  auto person = catalog_->GetPerson("people/new-director");
  ASSERT_OK(person);
  EXPECT_EQ((*catalog_->GetPerson("people/sergei-urusevsky"))->display_name,
            "Sergei Urusevsky");
  auto sequences = Sequences("films/soy-cuba-2");
  ASSERT_EQ(sequences.size(), 2u);
  EXPECT_EQ(sequences[0]->name, "films/soy-cuba-2/sequences/opening-shot");
  EXPECT_EQ(sequences[1]->name, "films/soy-cuba-2/sequences/just-after");
  EXPECT_EQ(sequences[1]->start.description, "after Opening shot");

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
  ASSERT_OK(odd_results);
  for (const auto& res : *odd_results)
    EXPECT_THAT(res.status, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ViolatedFields((*odd_results)[0].status),
              ElementsAre("film.title"));

  std::vector<ImportEntry> too_many(1001);
  EXPECT_THAT(ViolatedFields(catalog_->ImportFilms(too_many, {}).status()),
              ElementsAre("entries"));
}

TEST_F(CatalogTest, ImportReplaysByRequestId) {
  std::vector<ImportEntry> entries(1);
  entries[0].film.title = "Replayed";
  entries[0].source_line = 7;
  WriteOptions o;
  o.request_id = "import-1";
  auto first = catalog_->ImportFilms(entries, o);
  ASSERT_OK(first);
  auto second = catalog_->ImportFilms(entries, o);
  ASSERT_OK(second);
  ASSERT_EQ(second->size(), 1u);
  EXPECT_OK((*second)[0].status);
  EXPECT_EQ((*second)[0].film, "films/replayed");
  EXPECT_EQ((*second)[0].source_line, 7);
  EXPECT_EQ(catalog_->film_count(), 5u);
}

// A batch of kMaxBatchSize new films titled "<title> 0", "<title> 1", ...
// (of `year`), entry i from source line i + 1.
std::vector<ImportEntry> FullBatch(const std::string& title, int year = 0) {
  std::vector<ImportEntry> entries(kMaxBatchSize);
  for (size_t i = 0; i < entries.size(); ++i) {
    entries[i].film.title = absl::StrCat(title, " ", i);
    entries[i].film.year = year;
    entries[i].source_line = static_cast<int64_t>(i) + 1;
  }
  return entries;
}

// A write that arrives while an import runs waits for one entry at most,
// not for the whole import (the import releases the writer lock between
// entries). On a file store, so that each entry costs a real commit.
TEST(ImportConcurrencyTest, WritesDoNotWaitForTheWholeImport) {
  std::unique_ptr<Catalog> catalog = OpenSeeded(TempUrl("import-beside.db"));
  const size_t seeded = catalog->film_count();
  std::vector<ImportEntry> entries = FullBatch("Imported Film", 1960);
  std::thread importer([&] { EXPECT_OK(catalog->ImportFilms(entries, {})); });
  while (catalog->film_count() == seeded) std::this_thread::yield();

  ASSERT_OK_AND_ASSIGN(std::shared_ptr<const Film> created,
                       catalog->CreateFilm(NewFilm(), "", {}));
  importer.join();
  // Imported films committed before the write: one or a few entries, not
  // the whole import.
  size_t imported_before = 0;
  for (size_t i = 0; i < entries.size(); ++i) {
    ASSERT_OK_AND_ASSIGN(
        std::shared_ptr<const Film> film,
        catalog->GetFilm(absl::StrCat("films/imported-film-", i)));
    if (film->create_time < created->create_time) ++imported_before;
  }
  EXPECT_LT(imported_before, entries.size() / 2)
      << "the write waited behind most of the import";
  EXPECT_EQ(catalog->film_count(), seeded + kMaxBatchSize + 1);
}

// Shutdown stops an import between entries: the entries it did not reach
// answer UNAVAILABLE SHUTTING_DOWN, nothing of them is written, and no
// request record is kept (a retry after the restart imports them).
TEST(ImportConcurrencyTest, StopImportsLeavesTheRestUnwritten) {
  std::unique_ptr<Catalog> catalog = OpenSeeded(TempUrl("import-stop.db"));
  const size_t seeded = catalog->film_count();
  std::vector<ImportEntry> entries = FullBatch("Stopped Film");
  WriteOptions o;
  o.request_id = "import-stopped";
  absl::StatusOr<std::vector<ImportEntryResult>> results;
  std::thread importer([&] { results = catalog->ImportFilms(entries, o); });
  while (catalog->film_count() == seeded) std::this_thread::yield();
  catalog->StopImports();
  importer.join();

  ASSERT_OK(results);
  ASSERT_EQ(results->size(), entries.size());
  size_t written = 0;
  size_t stopped = 0;
  for (const ImportEntryResult& r : *results) {
    if (r.status.ok()) {
      ++written;
      EXPECT_EQ(stopped, 0u) << "an entry after a stopped one was written";
    } else {
      EXPECT_THAT(r.status,
                  StatusIs(absl::StatusCode::kUnavailable, "SHUTTING_DOWN"));
      EXPECT_EQ(r.film, "");
      ++stopped;
    }
  }
  EXPECT_GT(written, 0u);
  EXPECT_GT(stopped, 0u) << "the import ran to its end";
  EXPECT_EQ(catalog->film_count(), seeded + written);
  // Later imports are refused outright.
  auto later = catalog->ImportFilms({entries.back()}, {});
  ASSERT_OK(later);
  EXPECT_THAT((*later)[0].status,
              StatusIs(absl::StatusCode::kUnavailable, "SHUTTING_DOWN"));
}

}  // namespace
}  // namespace longtake::catalog
