// The read model snapshot (read_model_snapshot.h, Catalog's snapshot_path):
// a catalogue opened from a snapshot, current or behind and caught up
// through the change log, serves exactly what one freshly loaded from the
// store serves, and goes on doing so through further writes; a damaged,
// truncated, foreign, other-version or trimmed-past snapshot is ignored
// (with its reason) and the full load happens. Runs on a SQLite file and on
// PostgreSQL, as the catch-up test does.

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "catalog_service/domain/catalog.h"
#include "catalog_service/domain/catalog_store.h"
#include "catalog_service/store/open_catalog_store.h"
#include "gtest/gtest.h"
#include "tests/catalog_service/domain/catalog_fixture.h"
#include "tests/catalog_service/domain/served_catalog.h"
#include "tests/support/scratch_store.h"
#include "tests/support/status_matchers.h"

namespace longtake::catalog {
namespace {

using served::ExpectSame;
using served::OpenOn;
using served::RandomWriter;
using served::Served;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

class ReadModelSnapshotTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(scratch_,
                         longtake::testing::ScratchStore::Make(GetParam()));
    char dir[] = "/tmp/longtake-snapshot-XXXXXX";
    ASSERT_NE(mkdtemp(dir), nullptr);
    dir_ = dir;
    path_ = dir_ + "/catalog.snapshot";
    writer_ = OpenSeeded(scratch_.url());
    ASSERT_NE(writer_, nullptr);
  }
  void TearDown() override {
    std::remove(path_.c_str());
    std::remove((path_ + ".tmp").c_str());
    rmdir(dir_.c_str());
  }

  // A catalogue on the store with the snapshot; it is destroyed before this
  // returns the stats, so its snapshot thread has finished.
  Catalog::LoadStats OpenWithSnapshot(std::vector<std::string>* served) {
    std::unique_ptr<Catalog> c = OpenOn(scratch_.url(), {path_});
    if (c == nullptr) return {};
    if (served != nullptr) *served = Served(*c);
    EXPECT_OK(c->WriteSnapshot());
    return c->load_stats();
  }
  std::vector<std::string> Fresh() {
    std::unique_ptr<Catalog> fresh = OpenOn(scratch_.url());
    return fresh == nullptr ? std::vector<std::string>{} : Served(*fresh);
  }
  void Write(uint32_t seed, int steps) {
    RandomWriter random(seed);
    for (int i = 0; i < steps; ++i) random.Step(*writer_);
  }
  // Opens with the snapshot file holding `bytes`: expects it ignored, with
  // `reason` in the log's reason, and the full load's model.
  void ExpectIgnored(const std::string& bytes, const std::string& reason) {
    WriteFile(path_, bytes);
    std::vector<std::string> served;
    Catalog::LoadStats stats = OpenWithSnapshot(&served);
    EXPECT_FALSE(stats.from_snapshot) << reason;
    EXPECT_NE(stats.snapshot_ignored.find(reason), std::string::npos)
        << "ignored because: " << stats.snapshot_ignored
        << "\nexpected: " << reason;
    ExpectSame(served, Fresh());
  }

  longtake::testing::ScratchStore scratch_;  // outlives the catalogues
  std::string dir_;
  std::string path_;
  std::unique_ptr<Catalog> writer_;
};

TEST_P(ReadModelSnapshotTest, CurrentSnapshotServesWhatAFreshLoadServes) {
  Write(20261204, 150);
  // No file yet: a full load, which writes one.
  Catalog::LoadStats first = OpenWithSnapshot(nullptr);
  EXPECT_FALSE(first.from_snapshot);
  EXPECT_NE(first.snapshot_ignored.find("no snapshot file"), std::string::npos)
      << first.snapshot_ignored;

  std::unique_ptr<Catalog> loaded = OpenOn(scratch_.url(), {path_});
  ASSERT_NE(loaded, nullptr);
  EXPECT_TRUE(loaded->load_stats().from_snapshot)
      << loaded->load_stats().snapshot_ignored;
  EXPECT_EQ(loaded->load_stats().snapshot_revision, writer_->revision());
  EXPECT_EQ(loaded->revision(), writer_->revision());
  ExpectSame(Served(*loaded), Fresh());

  // The loaded model takes writes as a built one does (its records in the
  // snapshot's block, its indexes rebuilt from arrays).
  RandomWriter random(99);
  for (int i = 0; i < 80; ++i) random.Step(*loaded);
  ASSERT_OK(writer_->Refresh());
  const std::vector<std::string> fresh = Fresh();
  ExpectSame(Served(*loaded), fresh);
  ExpectSame(Served(*writer_), fresh);
  EXPECT_EQ(loaded->refresh_stats().full_reloads, 0);
}

TEST_P(ReadModelSnapshotTest, SnapshotBehindCatchesUpThroughTheChangeLog) {
  Write(5, 60);
  OpenWithSnapshot(nullptr);
  const int64_t snapshot_revision = writer_->revision();
  Write(6, 150);
  ASSERT_GT(writer_->revision(), snapshot_revision);

  std::unique_ptr<Catalog> loaded = OpenOn(scratch_.url(), {path_});
  ASSERT_NE(loaded, nullptr);
  const Catalog::LoadStats& stats = loaded->load_stats();
  EXPECT_TRUE(stats.from_snapshot) << stats.snapshot_ignored;
  EXPECT_EQ(stats.snapshot_revision, snapshot_revision);
  EXPECT_EQ(loaded->revision(), writer_->revision());
  EXPECT_EQ(loaded->refresh_stats().full_reloads, 0);
  EXPECT_GT(loaded->refresh_stats().applied_batches, 0);
  ExpectSame(Served(*loaded), Fresh());
  // Caught up, it wrote a snapshot at the new revision.
  loaded.reset();
  std::unique_ptr<Catalog> again = OpenOn(scratch_.url(), {path_});
  ASSERT_NE(again, nullptr);
  EXPECT_TRUE(again->load_stats().from_snapshot);
  EXPECT_EQ(again->load_stats().snapshot_revision, writer_->revision());
}

TEST_P(ReadModelSnapshotTest, DamagedSnapshotsAreIgnored) {
  Write(11, 80);
  OpenWithSnapshot(nullptr);
  const std::string good = ReadFile(path_);
  ASSERT_GT(good.size(), 1000u);

  // A byte flipped anywhere: in the head, and in sections all along.
  for (size_t at : {size_t{3}, size_t{9}, size_t{20}, good.size() / 7,
                    good.size() / 3, good.size() / 2, good.size() * 4 / 5,
                    good.size() - 30, good.size() - 1}) {
    std::string bad = good;
    bad[at] = static_cast<char>(bad[at] ^ 0x20);
    SCOPED_TRACE(absl::StrCat("byte ", at, " of ", good.size(), " flipped"));
    ExpectIgnored(bad, at == 9 ? "format version" : "read model snapshot");
  }
  // Truncated: to nothing, mid-head, mid-file, one byte short.
  for (size_t size :
       {size_t{0}, size_t{10}, good.size() / 2, good.size() - 1}) {
    SCOPED_TRACE(absl::StrCat("truncated to ", size));
    ExpectIgnored(good.substr(0, size), "damaged");
  }
  // Bytes appended.
  ExpectIgnored(good + "x", "damaged");
  // Another format version (the head's version field).
  std::string other_version = good;
  other_version[8] = static_cast<char>(other_version[8] + 1);
  ExpectIgnored(other_version, "format version");
  // The intact file again: used.
  WriteFile(path_, good);
  EXPECT_TRUE(OpenWithSnapshot(nullptr).from_snapshot);
}

TEST_P(ReadModelSnapshotTest, SnapshotOfAnotherStoreIsIgnored) {
  // Another store with the same writes (so, likely, the same revision).
  ASSERT_OK_AND_ASSIGN(longtake::testing::ScratchStore other,
                       longtake::testing::ScratchStore::Make(GetParam()));
  {
    std::unique_ptr<Catalog> seeded = OpenSeeded(other.url());
    ASSERT_NE(seeded, nullptr);
    std::unique_ptr<Catalog> c = OpenOn(other.url(), {path_});
    ASSERT_NE(c, nullptr);
    ASSERT_OK(c->WriteSnapshot());
  }
  auto a = OpenCatalogStore(scratch_.url());
  auto b = OpenCatalogStore(other.url());
  ASSERT_OK(a);
  ASSERT_OK(b);
  ASSERT_OK_AND_ASSIGN(std::string id_a, (*a)->StoreId());
  ASSERT_OK_AND_ASSIGN(std::string id_b, (*b)->StoreId());
  EXPECT_NE(id_a, id_b);
  ASSERT_OK_AND_ASSIGN(std::string id_a_again, (*a)->StoreId());
  EXPECT_EQ(id_a, id_a_again);
  ExpectIgnored(ReadFile(path_), "made from store");
}

TEST_P(ReadModelSnapshotTest, SnapshotTrimmedPastIsIgnored) {
  Write(3, 20);
  OpenWithSnapshot(nullptr);
  const std::string snapshot = ReadFile(path_);
  Write(4, 30);
  ASSERT_OK(writer_->TrimChangeLog(2));
  ExpectIgnored(snapshot, "trimmed past");
}

INSTANTIATE_TEST_SUITE_P(Stores, ReadModelSnapshotTest,
                         ::testing::Values(std::string("file"),
                                           std::string("postgres")),
                         longtake::testing::StoreKindName);

}  // namespace
}  // namespace longtake::catalog
