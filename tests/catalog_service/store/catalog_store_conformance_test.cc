// Conformance suite every CatalogStore implementation must pass. Add a URL to
// the INSTANTIATE list below to run it against another store. "postgres" runs
// it on a throwaway PostgreSQL server (one per test process, a fresh database
// per test: tests/support/postgres_server.h).

#include <unistd.h>

#include <filesystem>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "catalog_service/domain/catalog_store.h"
#include "catalog_service/store/open_catalog_store.h"
#include "common/postgres/database.h"
#include "gtest/gtest.h"
#include "tests/catalog_service/sample_catalog.h"
#include "tests/support/scratch_store.h"
#include "tests/support/status_matchers.h"

namespace longtake::catalog {
namespace {

using ::longtake::testing::StatusIs;
using ::longtake::testing::WaitsSettle;
using testing::SampleEra;
using testing::SampleFilm;
using testing::SamplePerson;
using testing::SampleSequence;

constexpr char kFilm[] = "films/the-cranes-are-flying";
constexpr char kStaircase[] = "films/the-cranes-are-flying/sequences/staircase";
constexpr char kSendOff[] = "films/the-cranes-are-flying/sequences/send-off";

class CatalogStoreConformanceTest
    : public longtake::testing::StoreConformanceTest<CatalogStore,
                                                     OpenCatalogStore> {
 protected:
  // Seeds era + person + film + two sequences.
  void WriteAll() {
    WriteBatch b;
    b.upsert_eras.push_back(SampleEra());
    b.upsert_people.push_back(SamplePerson());
    b.upsert_films.push_back(SampleFilm());
    Sequence staircase = SampleSequence();
    staircase.name = kStaircase;
    b.upsert_sequences.push_back(staircase);
    b.upsert_sequences.push_back(SampleSequence());
    ASSERT_OK(store_->Apply(b));
  }

  absl::StatusOr<CatalogSnapshot> ApplyAndLoad(const WriteBatch& batch) {
    LONGTAKE_RETURN_IF_ERROR(store_->Apply(batch));
    return store_->LoadAll();
  }

  // No resource of any kind, as in a fresh store.
  void ExpectNothingStored() {
    ASSERT_OK_AND_ASSIGN(CatalogSnapshot snap, store_->LoadAll());
    EXPECT_TRUE(snap.films.empty());
    EXPECT_TRUE(snap.people.empty());
    EXPECT_TRUE(snap.sequences.empty());
    EXPECT_TRUE(snap.eras.empty());
  }
};

TEST_P(CatalogStoreConformanceTest, EmptyStoreLoadsNothing) {
  ExpectNothingStored();
}

TEST_P(CatalogStoreConformanceTest, RoundTripsEveryResourceWithAllFields) {
  WriteAll();
  auto snap = store_->LoadAll();
  ASSERT_OK(snap);
  ASSERT_EQ(snap->films.size(), 1u);
  EXPECT_EQ(snap->films[0], SampleFilm());
  ASSERT_EQ(snap->people.size(), 1u);
  EXPECT_EQ(snap->people[0], SamplePerson());
  ASSERT_EQ(snap->sequences.size(), 2u);
  const Sequence* s = nullptr;
  for (const Sequence& x : snap->sequences) {
    if (x.name == kSendOff) s = &x;
  }
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(*s, SampleSequence());
  ASSERT_EQ(snap->eras.size(), 1u);
  EXPECT_EQ(snap->eras[0], SampleEra());
}

TEST_P(CatalogStoreConformanceTest, UpdateReplacesTheDocument) {
  WriteAll();
  Film f = SampleFilm();
  f.title = "Letyat zhuravli";
  f.credits.pop_back();
  f.etag = "e2";
  WriteBatch b;
  b.upsert_films.push_back(f);
  ASSERT_OK_AND_ASSIGN(CatalogSnapshot snap, ApplyAndLoad(b));
  ASSERT_EQ(snap.films.size(), 1u);
  EXPECT_EQ(snap.films[0], f);
  // Updating a film keeps its sequences.
  EXPECT_EQ(snap.sequences.size(), 2u);
}

TEST_P(CatalogStoreConformanceTest, DeleteFilmDeletesItsSequences) {
  WriteAll();
  WriteBatch b;
  b.delete_films.push_back(kFilm);
  b.delete_people.push_back("people/mikhail-kalatozov");
  b.delete_eras.push_back("eras/khrushchev-thaw");
  ASSERT_OK(store_->Apply(b));
  ExpectNothingStored();
}

TEST_P(CatalogStoreConformanceTest, DeleteOneSequence) {
  WriteAll();
  WriteBatch b;
  b.delete_sequences.push_back(kStaircase);
  ASSERT_OK_AND_ASSIGN(CatalogSnapshot snap, ApplyAndLoad(b));
  ASSERT_EQ(snap.sequences.size(), 1u);
  EXPECT_EQ(snap.sequences[0].name, kSendOff);
}

TEST_P(CatalogStoreConformanceTest, RequestRecords) {
  auto missing = store_->LookupRequest("r-1");
  ASSERT_OK(missing);
  EXPECT_FALSE(missing->has_value());

  WriteBatch b;
  b.upsert_people.push_back(SamplePerson());
  b.request = RequestRecord{"r-1", "CreatePerson", "people/mikhail-kalatozov",
                            "{\"x\":1}", "hash-1"};
  ASSERT_OK(store_->Apply(b));
  auto found = store_->LookupRequest("r-1");
  ASSERT_OK(found);
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->method, "CreatePerson");
  EXPECT_EQ((*found)->resource, "people/mikhail-kalatozov");
  EXPECT_EQ((*found)->response, "{\"x\":1}");
  EXPECT_EQ((*found)->request_hash, "hash-1");
}

TEST_P(CatalogStoreConformanceTest, FailingBatchLeavesNothing) {
  WriteBatch first;
  first.request = RequestRecord{"dup", "CreateFilm", "films/a", "", ""};
  ASSERT_OK(store_->Apply(first));
  auto revision = store_->Revision();
  ASSERT_OK(revision);

  // Reusing a recorded request id fails the whole batch.
  WriteBatch b;
  b.upsert_eras.push_back(SampleEra());
  b.upsert_people.push_back(SamplePerson());
  b.upsert_films.push_back(SampleFilm());
  b.request = RequestRecord{"dup", "CreateFilm", kFilm, "", ""};
  absl::Status s = store_->Apply(b);
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kAlreadyExists)) << s;

  // A sequence of a film that does not exist fails the whole batch too.
  WriteBatch orphan;
  orphan.upsert_people.push_back(SamplePerson());
  Sequence seq = SampleSequence();
  seq.name = "films/nope/sequences/x";
  orphan.upsert_sequences.push_back(seq);
  EXPECT_FALSE(store_->Apply(orphan).ok());

  ExpectNothingStored();
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
  if (!scratch_.persistent()) GTEST_SKIP() << "in-memory store";
  WriteAll();
  WriteBatch b;
  b.request = RequestRecord{"r-9", "DeleteFilm", "films/x", "", ""};
  ASSERT_OK(store_->Apply(b));
  store_.reset();
  auto reopened = OpenCatalogStore(scratch_.url());
  ASSERT_OK(reopened);
  auto snap = (*reopened)->LoadAll();
  ASSERT_OK(snap);
  ASSERT_EQ(snap->films.size(), 1u);
  EXPECT_EQ(snap->films[0], SampleFilm());
  EXPECT_EQ(snap->sequences.size(), 2u);
  EXPECT_EQ(snap->people.size(), 1u);
  EXPECT_EQ(snap->eras.size(), 1u);
  auto rec = (*reopened)->LookupRequest("r-9");
  ASSERT_OK(rec);
  ASSERT_TRUE(rec->has_value());
  EXPECT_EQ((*rec)->resource, "films/x");
}

TEST_P(CatalogStoreConformanceTest, ChangeLogHoldsEachBatchUnderItsRevision) {
  WriteAll();  // revision 1
  Film updated = SampleFilm();
  updated.title = "Letyat zhuravli";
  WriteBatch update;
  update.upsert_films.push_back(updated);
  ASSERT_OK(store_->Apply(update));  // 2
  WriteBatch request_only;
  request_only.request = RequestRecord{"r-1", "ImportFilms", "", "[]", ""};
  ASSERT_OK(store_->Apply(request_only));  // 3: no resource changed
  WriteBatch remove;
  remove.delete_sequences.push_back(kStaircase);
  remove.delete_people.push_back(SamplePerson().name);
  ASSERT_OK(store_->Apply(remove));  // 4

  ASSERT_OK_AND_ASSIGN(ChangePage page, store_->ChangesAfter(0, 100));
  EXPECT_FALSE(page.trimmed);
  EXPECT_EQ(page.through, 4);
  EXPECT_EQ(page.revision, 4);
  ASSERT_EQ(page.batches.size(), 3u);
  EXPECT_EQ(page.batches[0].revision, 1);
  const WriteBatch& all = page.batches[0].changes;
  ASSERT_EQ(all.upsert_films.size(), 1u);
  EXPECT_EQ(all.upsert_films[0], SampleFilm());
  ASSERT_EQ(all.upsert_people.size(), 1u);
  EXPECT_EQ(all.upsert_people[0], SamplePerson());
  ASSERT_EQ(all.upsert_eras.size(), 1u);
  EXPECT_EQ(all.upsert_eras[0], SampleEra());
  ASSERT_EQ(all.upsert_sequences.size(), 2u);
  EXPECT_EQ(all.upsert_sequences[1], SampleSequence());
  EXPECT_FALSE(all.request.has_value());
  EXPECT_EQ(page.batches[1].revision, 2);
  ASSERT_EQ(page.batches[1].changes.upsert_films.size(), 1u);
  EXPECT_EQ(page.batches[1].changes.upsert_films[0].title, "Letyat zhuravli");
  EXPECT_EQ(page.batches[2].revision, 4);
  EXPECT_EQ(page.batches[2].changes.delete_sequences,
            std::vector<std::string>{kStaircase});
  EXPECT_EQ(page.batches[2].changes.delete_people,
            std::vector<std::string>{SamplePerson().name});

  // Bounded: one revision per page, resumed from `through`.
  ASSERT_OK_AND_ASSIGN(ChangePage second, store_->ChangesAfter(1, 1));
  EXPECT_EQ(second.through, 2);
  ASSERT_EQ(second.batches.size(), 1u);
  EXPECT_EQ(second.batches[0].revision, 2);
  ASSERT_OK_AND_ASSIGN(ChangePage empty, store_->ChangesAfter(2, 1));
  EXPECT_EQ(empty.through, 3);
  EXPECT_TRUE(empty.batches.empty());
  ASSERT_OK_AND_ASSIGN(ChangePage none, store_->ChangesAfter(4, 10));
  EXPECT_EQ(none.through, 4);
  EXPECT_TRUE(none.batches.empty());
  EXPECT_FALSE(none.trimmed);
}

// A batch of more films than one statement writes (stores may write many
// rows a statement), naming one film twice: the later version wins, every
// film is stored, and the change log holds every upsert in batch order.
TEST_P(CatalogStoreConformanceTest, BigBatchKeepsEveryRowAndTheLastOfARepeat) {
  WriteBatch b;
  b.upsert_people.push_back(SamplePerson());
  constexpr int kFilms = 1203;
  for (int i = 0; i < kFilms; ++i) {
    Film f = SampleFilm();
    f.name = absl::StrCat("films/f", i);
    f.title = absl::StrCat("Film ", i);
    b.upsert_films.push_back(f);
  }
  Film again = b.upsert_films[7];
  again.title = "Film 7, revised";
  b.upsert_films.push_back(again);
  ASSERT_OK_AND_ASSIGN(CatalogSnapshot snap, ApplyAndLoad(b));
  ASSERT_EQ(snap.films.size(), static_cast<size_t>(kFilms));
  ASSERT_EQ(snap.people.size(), 1u);
  int revised = 0;
  for (const Film& f : snap.films) {
    if (f.name == "films/f7") {
      EXPECT_EQ(f.title, "Film 7, revised");
      ++revised;
    }
  }
  EXPECT_EQ(revised, 1);
  ASSERT_OK_AND_ASSIGN(ChangePage page, store_->ChangesAfter(0, 10));
  ASSERT_EQ(page.batches.size(), 1u);
  const WriteBatch& logged = page.batches[0].changes;
  ASSERT_EQ(logged.upsert_films.size(), b.upsert_films.size());
  for (size_t i = 0; i < logged.upsert_films.size(); ++i) {
    EXPECT_EQ(logged.upsert_films[i], b.upsert_films[i]) << i;
  }
  ASSERT_EQ(logged.upsert_people.size(), 1u);
}

TEST_P(CatalogStoreConformanceTest, FailedBatchLeavesNoChangeLogEntry) {
  WriteAll();
  WriteBatch orphan;
  Sequence seq = SampleSequence();
  seq.name = "films/nope/sequences/x";
  orphan.upsert_sequences.push_back(seq);
  EXPECT_FALSE(store_->Apply(orphan).ok());
  ASSERT_OK_AND_ASSIGN(ChangePage page, store_->ChangesAfter(0, 100));
  EXPECT_EQ(page.through, 1);
  EXPECT_EQ(page.batches.size(), 1u);
}

TEST_P(CatalogStoreConformanceTest, TrimmedLogSaysSoToReadersBehindIt) {
  for (int i = 0; i < 5; ++i) {
    Person p = SamplePerson();
    p.biography = absl::StrCat("take ", i);
    WriteBatch b;
    b.upsert_people.push_back(p);
    ASSERT_OK(store_->Apply(b));
  }
  ASSERT_OK_AND_ASSIGN(int64_t through, store_->TrimChangeLog(2));
  EXPECT_EQ(through, 3);
  // Trimming again to a longer retention keeps what is gone gone.
  ASSERT_OK_AND_ASSIGN(through, store_->TrimChangeLog(4));
  EXPECT_EQ(through, 3);
  EXPECT_FALSE(store_->TrimChangeLog(0).ok());

  ASSERT_OK_AND_ASSIGN(ChangePage behind, store_->ChangesAfter(2, 100));
  EXPECT_TRUE(behind.trimmed);
  EXPECT_TRUE(behind.batches.empty());
  ASSERT_OK_AND_ASSIGN(ChangePage kept, store_->ChangesAfter(3, 100));
  EXPECT_FALSE(kept.trimmed);
  ASSERT_EQ(kept.batches.size(), 2u);
  EXPECT_EQ(kept.batches[0].revision, 4);
  EXPECT_EQ(kept.batches[1].changes.upsert_people[0].biography, "take 4");
  // A position ahead of the store belongs to another history.
  ASSERT_OK_AND_ASSIGN(ChangePage ahead, store_->ChangesAfter(9, 100));
  EXPECT_TRUE(ahead.trimmed);
}

TEST_P(CatalogStoreConformanceTest, CommitsWakeWaitersWhereSupported) {
  if (!store_->NotifiesCommits()) {
    EXPECT_FALSE(store_->WaitForCommit(absl::Milliseconds(1)).ok());
    GTEST_SKIP() << "this store does not notify commits";
  }
  ASSERT_OK_AND_ASSIGN(auto writer, OpenCatalogStore(scratch_.url()));
  // The first wait starts listening; opening the writer committed nothing
  // (a SQLite file's watcher may report its opening's writes).
  EXPECT_TRUE(WaitsSettle(*store_));
  WriteBatch b;
  b.upsert_people.push_back(SamplePerson());
  ASSERT_OK(writer->Apply(b));
  ASSERT_OK_AND_ASSIGN(bool woken, store_->WaitForCommit(absl::Seconds(5)));
  EXPECT_TRUE(woken);
  // With nothing more committed, waits soon time out (a store may wake
  // its waiter once more as the commit settles: sqlite/commit_watcher.h).
  EXPECT_TRUE(WaitsSettle(*store_));
  if (GetParam() != "postgres") return;

  // The listening connection dies: the next wait says so, a later one
  // re-establishes it (and reports a possible missed commit), and commits
  // wake it again.
  ASSERT_OK_AND_ASSIGN(auto admin, postgres::Database::Open(scratch_.url()));
  ASSERT_OK(admin->Query([](pqxx::transaction_base& tx) {
    pqxx::result r = tx.exec(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE "
        "datname = current_database() AND pid <> pg_backend_pid() AND "
        "query LIKE 'LISTEN%'");
    EXPECT_EQ(r.size(), 1u);
    return absl::OkStatus();
  }));
  absl::StatusOr<bool> lost = store_->WaitForCommit(absl::Seconds(2));
  EXPECT_FALSE(lost.ok());
  ASSERT_OK_AND_ASSIGN(woken, store_->WaitForCommit(absl::Seconds(1)));
  EXPECT_TRUE(woken);
  ASSERT_OK(writer->Apply(b));
  ASSERT_OK_AND_ASSIGN(woken, store_->WaitForCommit(absl::Seconds(5)));
  EXPECT_TRUE(woken);
}

INSTANTIATE_TEST_SUITE_P(Stores, CatalogStoreConformanceTest,
                         longtake::testing::StoreKinds(),
                         longtake::testing::StoreKindName);

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
