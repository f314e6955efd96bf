// Schema migration 4 (JSON docs -> the binary form of store/doc_codec.h) on
// both stores: a store as a binary before it left it (JSON docs; in
// PostgreSQL TEXT columns) is converted when opened, its resources and
// change log reading back the same; a fresh store gets the binary form from
// the start.

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "catalog_service/domain/catalog_store.h"
#include "catalog_service/domain/json_codec.h"
#include "catalog_service/store/catalog_rows.h"
#include "catalog_service/store/doc_codec.h"
#include "catalog_service/store/open_catalog_store.h"
#include "common/postgres/database.h"
#include "common/sqlite/database.h"
#include "gtest/gtest.h"
#include "tests/catalog_service/sample_catalog.h"
#include "tests/support/scratch_store.h"
#include "tests/support/status_matchers.h"

namespace longtake::catalog {
namespace {

using testing::SampleEra;
using testing::SampleFilm;
using testing::SamplePerson;
using testing::SampleSequence;

// The JSON doc of a stored (binary) doc of `kind`, as before migration 4.
absl::StatusOr<std::string> JsonDocOf(const std::string& kind,
                                      const std::string& name,
                                      absl::string_view doc) {
  WriteBatch b;
  LONGTAKE_RETURN_IF_ERROR(rows::AddChange(kind, "upsert", name, doc, &b));
  if (!b.upsert_eras.empty()) return ToJson(b.upsert_eras[0]).dump();
  if (!b.upsert_people.empty()) return ToJson(b.upsert_people[0]).dump();
  if (!b.upsert_films.empty()) return ToJson(b.upsert_films[0]).dump();
  return ToJson(b.upsert_sequences.at(0)).dump();
}

// One stored doc: where it is (table, key columns) and what it holds.
struct StoredDoc {
  std::string update_sql;  // doc = ?1 by the key in ?2 (and ?3)
  std::vector<std::string> key;
  std::string kind, name, doc;
};

// Every doc, with the UPDATE that rewrites it.
template <typename ForEachRow>
std::vector<StoredDoc> AllDocs(ForEachRow for_each_row, rows::Placeholders p) {
  std::vector<StoredDoc> docs;
  for (const rows::DocTable& t : rows::DocTables()) {
    for_each_row(rows::SelectDocsSql(*t.table), [&](const rows::Row& r) {
      docs.push_back(
          {rows::UpdateDocSql(*t.table, p), {r[0]}, t.kind, r[0], r[1]});
    });
  }
  for_each_row(rows::SelectLoggedDocsSql(), [&](const rows::Row& r) {
    docs.push_back(
        {rows::UpdateLoggedDocSql(p), {r[0], r[1]}, r[2], r[3], r[4]});
  });
  return docs;
}

bool IsSqlite(const std::string& url) {
  return absl::StartsWith(url, "sqlite://");
}

// Every doc in the store at `url`.
absl::StatusOr<std::vector<StoredDoc>> ReadDocs(const std::string& url) {
  std::vector<StoredDoc> docs;
  if (IsSqlite(url)) {
    LONGTAKE_ASSIGN_OR_RETURN(auto db, sqlite::Database::Open(url.substr(9)));
    absl::Status read = absl::OkStatus();
    auto for_each_row = [&](const std::string& sql, auto fn) {
      absl::StatusOr<sqlite::Statement> st = db->Prepare(sql);
      if (!st.ok()) {
        read = st.status();
        return;
      }
      while (true) {
        absl::StatusOr<bool> row = st->Step();
        if (!row.ok() || !*row) break;
        rows::Row values;
        for (int i = 0; i < st->column_count(); ++i) {
          values.push_back(st->ColumnText(i));
        }
        fn(values);
      }
    };
    docs = AllDocs(for_each_row, rows::Placeholders::kQuestionMark);
    LONGTAKE_RETURN_IF_ERROR(read);
    return docs;
  }
  LONGTAKE_ASSIGN_OR_RETURN(auto db, postgres::Database::Open(url));
  LONGTAKE_RETURN_IF_ERROR(db->Query([&](pqxx::transaction_base& tx) {
    auto for_each_row = [&](const std::string& sql, auto fn) {
      for (const pqxx::row& r : tx.exec(sql)) {
        rows::Row values;
        for (const pqxx::field& f : r) values.push_back(f.as<std::string>());
        // BYTEA as text: "\x" and hex digits; TEXT before migration 4.
        std::string& doc = values.back();
        if (absl::StartsWith(doc, "\\x")) {
          doc = absl::HexStringToBytes(doc.substr(2));
        }
        fn(values);
      }
    };
    docs = AllDocs(for_each_row, rows::Placeholders::kDollar);
    return absl::OkStatus();
  }));
  return docs;
}

// Puts the store back where a binary before migration 4 left it: JSON docs
// (in TEXT columns in PostgreSQL), schema version 3 and no store id (the
// later migration 5 sets it).
absl::Status RewindToJson(const std::string& url) {
  LONGTAKE_ASSIGN_OR_RETURN(std::vector<StoredDoc> docs, ReadDocs(url));
  std::vector<std::vector<std::string>> updates;  // sql, json, key...
  for (const StoredDoc& d : docs) {
    LONGTAKE_ASSIGN_OR_RETURN(std::string json,
                              JsonDocOf(d.kind, d.name, d.doc));
    updates.push_back({d.update_sql, json});
    updates.back().insert(updates.back().end(), d.key.begin(), d.key.end());
  }
  if (IsSqlite(url)) {
    LONGTAKE_ASSIGN_OR_RETURN(auto db, sqlite::Database::Open(url.substr(9)));
    for (const std::vector<std::string>& u : updates) {
      LONGTAKE_ASSIGN_OR_RETURN(sqlite::Statement st, db->Prepare(u[0]));
      for (size_t i = 1; i < u.size(); ++i) {
        LONGTAKE_RETURN_IF_ERROR(st.Bind(static_cast<int>(i), u[i]));
      }
      LONGTAKE_RETURN_IF_ERROR(st.Run());
    }
    return db->Exec(
        "DELETE FROM schema_migrations WHERE version >= 4; "
        "DELETE FROM store_meta WHERE key = 'store_id'");
  }
  LONGTAKE_ASSIGN_OR_RETURN(auto db, postgres::Database::Open(url));
  return db->InTransaction([&](pqxx::work& tx) -> absl::Status {
    for (const char* table :
         {"eras", "people", "films", "sequences", "change_log"}) {
      tx.exec(absl::StrCat("ALTER TABLE ", table,
                           " ALTER COLUMN doc TYPE TEXT USING ''"));
    }
    for (const std::vector<std::string>& u : updates) {
      std::vector<std::string> params(u.begin() + 1, u.end());
      tx.exec_params(u[0], pqxx::prepare::make_dynamic_params(params));
    }
    tx.exec("DELETE FROM schema_migrations WHERE version >= 4");
    tx.exec("DELETE FROM store_meta WHERE key = 'store_id'");
    return absl::OkStatus();
  });
}

// How many of the store's docs are in the binary form, and how many not.
struct DocForms {
  int binary = 0;
  int json = 0;
};
DocForms CountForms(const std::vector<StoredDoc>& docs) {
  DocForms forms;
  for (const StoredDoc& d : docs) {
    ++(IsBinaryDoc(d.doc) ? forms.binary : forms.json);
  }
  return forms;
}

class DocMigrationTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(scratch_,
                         longtake::testing::ScratchStore::Make(GetParam()));
    ASSERT_OK_AND_ASSIGN(store_, OpenCatalogStore(scratch_.url()));
  }

  // Every kind of resource, an update and deletes: revisions 1 to 3.
  void WriteHistory() {
    WriteBatch all;
    all.upsert_eras.push_back(SampleEra());
    all.upsert_people.push_back(SamplePerson());
    all.upsert_films.push_back(SampleFilm());
    all.upsert_sequences.push_back(SampleSequence());
    ASSERT_OK(store_->Apply(all));
    WriteBatch update;
    Film film = SampleFilm();
    film.title = "Letyat zhuravli";
    film.create_time = absl::InfinitePast();
    update.upsert_films.push_back(film);
    ASSERT_OK(store_->Apply(update));
    WriteBatch remove;
    remove.delete_sequences.push_back(SampleSequence().name);
    ASSERT_OK(store_->Apply(remove));
  }

  longtake::testing::ScratchStore scratch_;
  std::unique_ptr<CatalogStore> store_;
};

void ExpectSameSnapshot(const CatalogSnapshot& a, const CatalogSnapshot& b) {
  EXPECT_EQ(a.films, b.films);
  EXPECT_EQ(a.people, b.people);
  EXPECT_EQ(a.sequences, b.sequences);
  EXPECT_EQ(a.eras, b.eras);
  EXPECT_EQ(a.revision, b.revision);
}

void ExpectSameLog(const ChangePage& a, const ChangePage& b) {
  EXPECT_EQ(a.through, b.through);
  ASSERT_EQ(a.batches.size(), b.batches.size());
  for (size_t i = 0; i < a.batches.size(); ++i) {
    const WriteBatch& x = a.batches[i].changes;
    const WriteBatch& y = b.batches[i].changes;
    EXPECT_EQ(a.batches[i].revision, b.batches[i].revision);
    EXPECT_EQ(x.upsert_films, y.upsert_films);
    EXPECT_EQ(x.upsert_people, y.upsert_people);
    EXPECT_EQ(x.upsert_sequences, y.upsert_sequences);
    EXPECT_EQ(x.upsert_eras, y.upsert_eras);
    EXPECT_EQ(x.delete_sequences, y.delete_sequences);
  }
}

TEST_P(DocMigrationTest, JsonStoreIsConvertedWhenOpened) {
  WriteHistory();
  ASSERT_OK_AND_ASSIGN(CatalogSnapshot before, store_->LoadAll());
  ASSERT_OK_AND_ASSIGN(ChangePage log_before, store_->ChangesAfter(0, 100));
  ASSERT_EQ(log_before.batches.size(), 3u);
  store_.reset();

  ASSERT_OK_AND_ASSIGN(std::vector<StoredDoc> docs, ReadDocs(scratch_.url()));
  EXPECT_EQ(CountForms(docs).json, 0);
  const int stored = CountForms(docs).binary;
  EXPECT_EQ(stored, 3 + 5);  // the resources left, the log.s upserts

  ASSERT_OK(RewindToJson(scratch_.url()));
  ASSERT_OK_AND_ASSIGN(docs, ReadDocs(scratch_.url()));
  EXPECT_EQ(CountForms(docs).json, stored);

  ASSERT_OK_AND_ASSIGN(store_, OpenCatalogStore(scratch_.url()));
  ASSERT_OK_AND_ASSIGN(CatalogSnapshot after, store_->LoadAll());
  ExpectSameSnapshot(after, before);
  ASSERT_OK_AND_ASSIGN(ChangePage log_after, store_->ChangesAfter(0, 100));
  ExpectSameLog(log_after, log_before);
  store_.reset();
  ASSERT_OK_AND_ASSIGN(docs, ReadDocs(scratch_.url()));
  EXPECT_EQ(CountForms(docs).binary, stored);
  EXPECT_EQ(CountForms(docs).json, 0);
}

TEST_P(DocMigrationTest, ConvertedStoreKeepsWorking) {
  WriteHistory();
  store_.reset();
  ASSERT_OK(RewindToJson(scratch_.url()));
  ASSERT_OK_AND_ASSIGN(store_, OpenCatalogStore(scratch_.url()));
  WriteBatch more;
  Person person = SamplePerson();
  person.name = "people/sergei-urusevsky";
  more.upsert_people.push_back(person);
  ASSERT_OK(store_->Apply(more));
  ASSERT_OK_AND_ASSIGN(CatalogSnapshot snap, store_->LoadAll());
  EXPECT_EQ(snap.people.size(), 2u);
  EXPECT_EQ(snap.revision, 4);
  ASSERT_OK_AND_ASSIGN(ChangePage page, store_->ChangesAfter(3, 10));
  ASSERT_EQ(page.batches.size(), 1u);
  EXPECT_EQ(page.batches[0].changes.upsert_people, std::vector<Person>{person});
}

INSTANTIATE_TEST_SUITE_P(Stores, DocMigrationTest,
                         ::testing::Values(std::string("file"),
                                           std::string("postgres")),
                         longtake::testing::StoreKindName);

}  // namespace
}  // namespace longtake::catalog
