#include "common/sqlite/database.h"

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <string>

#include "gtest/gtest.h"
#include "tests/support/status_matchers.h"

namespace longtake::sqlite {
namespace {

std::string TempPath(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() /
             ("longtake-sqlite-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::string path = (dir / name).string();
  std::filesystem::remove(path);
  std::filesystem::remove(path + "-wal");
  std::filesystem::remove(path + "-shm");
  return path;
}

int CountRows(Database& db, const std::string& table) {
  auto st = db.Prepare("SELECT COUNT(*) FROM " + table);
  EXPECT_TRUE(st.ok()) << st.status();
  auto row = st->Step();
  EXPECT_TRUE(row.ok() && *row);
  return static_cast<int>(st->ColumnInt(0));
}

TEST(DatabaseTest, BindStepAndColumns) {
  auto db = Database::Open(":memory:");
  ASSERT_TRUE(db.ok()) << db.status();
  ASSERT_OK((*db)->Exec("CREATE TABLE t(i INTEGER, d REAL, s TEXT)"));
  auto ins = (*db)->Prepare("INSERT INTO t VALUES (?, ?, ?)");
  ASSERT_OK(ins);
  ASSERT_OK(ins->Bind(1, int64_t{1} << 40));
  ASSERT_OK(ins->Bind(2, 2.5));
  std::string with_nul("a\0b", 3);
  ASSERT_OK(ins->Bind(3, with_nul));
  ASSERT_OK(ins->Run());
  ASSERT_OK(ins->Reset());
  ASSERT_OK(ins->Bind(1, 7));
  ASSERT_OK(ins->BindNull(2));
  ASSERT_OK(ins->Bind(3, "Летят журавли"));
  ASSERT_OK(ins->Run());

  auto sel = (*db)->Prepare("SELECT i, d, s FROM t ORDER BY i DESC");
  ASSERT_OK(sel);
  auto row = sel->Step();
  ASSERT_TRUE(row.ok() && *row);
  EXPECT_EQ(sel->ColumnInt(0), int64_t{1} << 40);
  EXPECT_DOUBLE_EQ(sel->ColumnDouble(1), 2.5);
  EXPECT_EQ(sel->ColumnText(2), with_nul);
  row = sel->Step();
  ASSERT_TRUE(row.ok() && *row);
  EXPECT_EQ(sel->ColumnInt(0), 7);
  EXPECT_TRUE(sel->IsNull(1));
  EXPECT_EQ(sel->ColumnText(2), "Летят журавли");
  row = sel->Step();
  ASSERT_OK(row);
  EXPECT_FALSE(*row);
}

TEST(DatabaseTest, BadSqlIsAnErrorNotACrash) {
  auto db = Database::Open(":memory:");
  ASSERT_OK(db);
  EXPECT_FALSE((*db)->Exec("CREATE TABLE").ok());
  auto st = (*db)->Prepare("SELECT * FROM missing");
  EXPECT_FALSE(st.ok());
  EXPECT_NE(std::string(st.status().message()).find("missing"),
            std::string::npos);
}

TEST(DatabaseTest, OpenFailsForDirectoryPath) {
  auto db = Database::Open("/nonexistent-dir-for-longtake/x/y.db");
  EXPECT_FALSE(db.ok());
}

TEST(DatabaseTest, FileDatabaseUsesWal) {
  std::string path = TempPath("wal.db");
  auto db = Database::Open(path);
  ASSERT_TRUE(db.ok()) << db.status();
  auto st = (*db)->Prepare("PRAGMA journal_mode");
  ASSERT_OK(st);
  ASSERT_TRUE(*st->Step());
  EXPECT_EQ(st->ColumnText(0), "wal");
  auto fk = (*db)->Prepare("PRAGMA foreign_keys");
  ASSERT_OK(fk);
  ASSERT_TRUE(*fk->Step());
  EXPECT_EQ(fk->ColumnInt(0), 1);
}

// An in-memory database with one table, t(k).
class TransactionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(db_, Database::Open(":memory:"));
    ASSERT_OK(db_->Exec("CREATE TABLE t(k TEXT PRIMARY KEY)"));
  }
  absl::Status Insert(const std::string& key) {
    return db_->Exec("INSERT INTO t VALUES ('" + key + "')");
  }

  std::unique_ptr<Database> db_;
};

TEST_F(TransactionTest, RollsBackUnlessCommitted) {
  {
    auto tx = Transaction::Begin(*db_);
    ASSERT_OK(tx);
    ASSERT_OK(Insert("a"));
  }  // dropped: rolled back
  EXPECT_EQ(CountRows(*db_, "t"), 0);
  {
    auto tx = Transaction::Begin(*db_);
    ASSERT_OK(tx);
    ASSERT_OK(Insert("b"));
    ASSERT_OK(tx->Commit());
  }
  EXPECT_EQ(CountRows(*db_, "t"), 1);
}

TEST(MigrationsTest, AppliesEachOnceInOrder) {
  std::string path = TempPath("migrations.db");
  std::vector<Migration> v1 = {{1, "CREATE TABLE a(x INTEGER)"},
                               {2, "INSERT INTO a VALUES (1)"}};
  {
    auto db = Database::Open(path);
    ASSERT_OK(db);
    ASSERT_OK(RunMigrations(**db, v1));
    EXPECT_EQ(*SchemaVersion(**db), 2);
    ASSERT_OK(RunMigrations(**db, v1));  // no-op the second time
    EXPECT_EQ(CountRows(**db, "a"), 1);
  }
  auto v2 = v1;
  v2.push_back({3, "INSERT INTO a VALUES (2); INSERT INTO a VALUES (3)"});
  auto db = Database::Open(path);
  ASSERT_OK(db);
  ASSERT_OK(RunMigrations(**db, v2));
  EXPECT_EQ(*SchemaVersion(**db), 3);
  EXPECT_EQ(CountRows(**db, "a"), 3);
  // An older binary refuses the newer schema.
  EXPECT_EQ(RunMigrations(**db, v1).code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(MigrationsTest, FailingMigrationLeavesNothingOfItself) {
  auto db = Database::Open(":memory:");
  ASSERT_OK(db);
  std::vector<Migration> ms = {
      {1, "CREATE TABLE a(x INTEGER)"},
      {2, "INSERT INTO a VALUES (1); INSERT INTO nope VALUES (1)"}};
  absl::Status s = RunMigrations(**db, ms);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(std::string(s.message()).find("migration 2"), std::string::npos);
  EXPECT_EQ(*SchemaVersion(**db), 1);
  EXPECT_EQ(CountRows(**db, "a"), 0);
}

TEST(MigrationsTest, RejectsNonIncreasingVersions) {
  auto db = Database::Open(":memory:");
  ASSERT_OK(db);
  EXPECT_EQ(RunMigrations(**db, {{2, "SELECT 1"}, {1, "SELECT 1"}}).code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace longtake::sqlite
