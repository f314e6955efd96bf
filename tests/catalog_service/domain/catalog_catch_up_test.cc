// Replicas catching up through the store's change log (Catalog::Refresh):
// after a random mix of writes on one Catalog, another Catalog on the same
// store that applied only the deltas serves exactly what a Catalog freshly
// loaded from the store serves, without a full reload; a log trimmed past a
// replica forces one. Runs on a SQLite file and on PostgreSQL (two
// connections to one store, as two replicas have).

#include <algorithm>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "catalog_service/domain/catalog.h"
#include "catalog_service/domain/json_codec.h"
#include "catalog_service/store/open_catalog_store.h"
#include "gtest/gtest.h"
#include "tests/catalog_service/domain/catalog_fixture.h"
#include "tests/catalog_service/domain/served_catalog.h"
#include "tests/catalog_service/sample_catalog.h"
#include "tests/support/scratch_store.h"
#include "tests/support/status_matchers.h"

namespace longtake::catalog {
namespace {

using served::ExpectSame;
using served::OpenOn;
using served::RandomWriter;
using served::Served;

class CatalogCatchUpTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(scratch_,
                         longtake::testing::ScratchStore::Make(GetParam()));
    writer_ = OpenSeeded(scratch_.url());
    replica_ = OpenOn(scratch_.url());
    ASSERT_NE(replica_, nullptr);
    ASSERT_EQ(replica_->film_count(), writer_->film_count());
  }

  // What a replica started now would serve.
  std::vector<std::string> Fresh() {
    std::unique_ptr<Catalog> fresh = OpenOn(scratch_.url());
    return fresh == nullptr ? std::vector<std::string>{} : Served(*fresh);
  }

  longtake::testing::ScratchStore
      scratch_;  // declared first: outlives the catalogues
  std::unique_ptr<Catalog> writer_;
  std::unique_ptr<Catalog> replica_;
};

TEST_P(CatalogCatchUpTest, DeltasServeWhatAFreshLoadServes) {
  RandomWriter random(20261204);
  int written = 0;
  for (int i = 0; i < 240; ++i) {
    written += random.Step(*writer_) ? 1 : 0;
    // The replica catches up now and then, several writes at a time.
    if (i % 17 == 16) {
      ASSERT_OK(replica_->Refresh());
    }
  }
  ASSERT_OK_AND_ASSIGN(bool changed, replica_->Refresh());
  EXPECT_TRUE(changed);
  ASSERT_OK_AND_ASSIGN(changed, replica_->Refresh());
  EXPECT_FALSE(changed);
  EXPECT_GT(written, 120);

  const std::vector<std::string> fresh = Fresh();
  ExpectSame(Served(*replica_), fresh);
  // The writer's own model (its writes applied locally) agrees too.
  ExpectSame(Served(*writer_), fresh);
  EXPECT_EQ(replica_->revision(), writer_->revision());
  const Catalog::RefreshStats stats = replica_->refresh_stats();
  EXPECT_EQ(stats.full_reloads, 0);
  EXPECT_EQ(stats.applied_batches, written);
  EXPECT_GE(stats.applied_changes, written);
}

TEST_P(CatalogCatchUpTest, TwoWritingReplicasStayEqual) {
  // Each write lands on either replica; a write on one that the other has
  // not seen yet is caught up by the other's next write (or refresh).
  RandomWriter random(7);
  std::mt19937 which(11);
  for (int i = 0; i < 120; ++i) {
    Catalog& c = which() % 2 == 0 ? *writer_ : *replica_;
    random.Step(c);
  }
  ASSERT_OK(writer_->Refresh());
  ASSERT_OK(replica_->Refresh());
  const std::vector<std::string> fresh = Fresh();
  ExpectSame(Served(*writer_), fresh);
  ExpectSame(Served(*replica_), fresh);
  EXPECT_EQ(writer_->refresh_stats().full_reloads, 0);
  EXPECT_EQ(replica_->refresh_stats().full_reloads, 0);
}

TEST_P(CatalogCatchUpTest, TrimmedLogForcesAFullReload) {
  RandomWriter random(99);
  for (int i = 0; i < 40; ++i) random.Step(*writer_);
  ASSERT_OK(writer_->TrimChangeLog(3));
  ASSERT_OK_AND_ASSIGN(bool changed, replica_->Refresh());
  EXPECT_TRUE(changed);
  EXPECT_EQ(replica_->refresh_stats().full_reloads, 1);
  EXPECT_EQ(replica_->refresh_stats().applied_batches, 0);
  ExpectSame(Served(*replica_), Fresh());

  // Within the retention, deltas again.
  Person p;
  p.display_name = "Sergei Urusevsky Junior";
  ASSERT_OK(writer_->CreatePerson(p, "", {}));
  ASSERT_OK(writer_->TrimChangeLog(3));
  ASSERT_OK(replica_->Refresh());
  EXPECT_EQ(replica_->refresh_stats().full_reloads, 1);
  ExpectSame(Served(*replica_), Fresh());
}

INSTANTIATE_TEST_SUITE_P(Stores, CatalogCatchUpTest,
                         ::testing::Values(std::string("file"),
                                           std::string("postgres")),
                         longtake::testing::StoreKindName);

}  // namespace
}  // namespace longtake::catalog
