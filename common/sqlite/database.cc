#include "common/sqlite/database.h"

#include <sqlite3.h>

#include <utility>

#include "absl/strings/str_cat.h"

namespace longtake::sqlite {
namespace {

absl::StatusCode CodeFor(int rc) {
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return absl::StatusCode::kUnavailable;
    case SQLITE_CONSTRAINT:
      return rc == SQLITE_CONSTRAINT_FOREIGNKEY
                 ? absl::StatusCode::kFailedPrecondition
                 : absl::StatusCode::kAlreadyExists;
    case SQLITE_FULL:
    case SQLITE_NOMEM:
      return absl::StatusCode::kResourceExhausted;
    case SQLITE_CANTOPEN:
    case SQLITE_IOERR:
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return absl::StatusCode::kUnavailable;
    default:
      return absl::StatusCode::kInternal;
  }
}

absl::Status Error(sqlite3* db, int rc, absl::string_view what) {
  const char* msg = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  return absl::Status(CodeFor(rc), absl::StrCat("sqlite: ", what, ": ", msg));
}

}  // namespace

absl::StatusOr<std::unique_ptr<Database>> Database::Open(
    const std::string& path) {
  return Open(path, Options{});
}

absl::StatusOr<std::unique_ptr<Database>> Database::Open(
    const std::string& path, const Options& options) {
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(
      path.c_str(), &raw,
      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
      nullptr);
  if (rc != SQLITE_OK) {
    absl::Status status = Error(raw, rc, absl::StrCat("open ", path));
    sqlite3_close(raw);
    return status;
  }
  std::unique_ptr<Database> db(new Database(raw, path));
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, options.busy_timeout_ms);
  if (path != ":memory:" && !path.empty()) {
    // journal_mode returns a row; Exec ignores it.
    if (absl::Status s = db->Exec("PRAGMA journal_mode=WAL"); !s.ok()) return s;
  }
  if (absl::Status s =
          db->Exec("PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON");
      !s.ok()) {
    return s;
  }
  return db;
}

Database::~Database() {
  if (db_ != nullptr) sqlite3_close_v2(db_);
}

absl::Status Database::Exec(absl::string_view sql) {
  std::string text(sql);
  char* err = nullptr;
  int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string message = err != nullptr ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    return absl::Status(CodeFor(rc), absl::StrCat("sqlite: exec: ", message));
  }
  return absl::OkStatus();
}

absl::StatusOr<Statement> Database::Prepare(absl::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()),
                              &stmt, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(stmt);
    return Error(db_, rc, absl::StrCat("prepare \"", sql, "\""));
  }
  return Statement(db_, stmt);
}

int64_t Database::last_insert_rowid() const {
  return sqlite3_last_insert_rowid(db_);
}
int Database::changes() const { return sqlite3_changes(db_); }

// ---- Statement ----

Statement::Statement(Statement&& other) noexcept
    : db_(other.db_), stmt_(std::exchange(other.stmt_, nullptr)) {}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    if (stmt_ != nullptr) sqlite3_finalize(stmt_);
    db_ = other.db_;
    stmt_ = std::exchange(other.stmt_, nullptr);
  }
  return *this;
}

Statement::~Statement() {
  if (stmt_ != nullptr) sqlite3_finalize(stmt_);
}

absl::Status Statement::Check(int rc, const char* what) const {
  if (rc == SQLITE_OK) return absl::OkStatus();
  return Error(db_, rc, what);
}

absl::Status Statement::Bind(int index, int64_t value) {
  return Check(sqlite3_bind_int64(stmt_, index, value), "bind");
}
absl::Status Statement::Bind(int index, double value) {
  return Check(sqlite3_bind_double(stmt_, index, value), "bind");
}
absl::Status Statement::Bind(int index, absl::string_view text) {
  return Check(sqlite3_bind_text64(stmt_, index, text.data(), text.size(),
                                   SQLITE_TRANSIENT, SQLITE_UTF8),
               "bind");
}
absl::Status Statement::BindBlob(int index, absl::string_view bytes) {
  return Check(sqlite3_bind_blob64(stmt_, index, bytes.data(), bytes.size(),
                                   SQLITE_TRANSIENT),
               "bind");
}
absl::Status Statement::BindNull(int index) {
  return Check(sqlite3_bind_null(stmt_, index), "bind");
}

absl::StatusOr<bool> Statement::Step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return Error(db_, rc, "step");
}

absl::Status Statement::Run() {
  while (true) {
    absl::StatusOr<bool> row = Step();
    if (!row.ok()) return row.status();
    if (!*row) return absl::OkStatus();
  }
}

absl::Status Statement::Reset() {
  sqlite3_clear_bindings(stmt_);
  return Check(sqlite3_reset(stmt_), "reset");
}

int Statement::column_count() const { return sqlite3_column_count(stmt_); }
bool Statement::IsNull(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}
int64_t Statement::ColumnInt(int column) const {
  return sqlite3_column_int64(stmt_, column);
}
double Statement::ColumnDouble(int column) const {
  return sqlite3_column_double(stmt_, column);
}
std::string Statement::ColumnText(int column) const {
  return std::string(ColumnBytes(column));
}

absl::string_view Statement::ColumnBytes(int column) const {
  const void* data = sqlite3_column_blob(stmt_, column);
  int size = sqlite3_column_bytes(stmt_, column);
  if (data == nullptr || size <= 0) return absl::string_view();
  return absl::string_view(static_cast<const char*>(data),
                           static_cast<size_t>(size));
}

// ---- Transaction ----

absl::StatusOr<Transaction> Transaction::Begin(Database& db) {
  if (absl::Status s = db.Exec("BEGIN IMMEDIATE"); !s.ok()) return s;
  return Transaction(&db);
}

Transaction::Transaction(Transaction&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)) {}

Transaction::~Transaction() {
  if (db_ != nullptr) (void)db_->Exec("ROLLBACK");
}

absl::Status Transaction::Commit() {
  if (db_ == nullptr) {
    return absl::FailedPreconditionError(
        "sqlite: transaction already finished");
  }
  absl::Status s = db_->Exec("COMMIT");
  if (!s.ok()) {
    (void)db_->Exec("ROLLBACK");
  }
  db_ = nullptr;
  return s;
}

absl::Status Transaction::Rollback() {
  if (db_ == nullptr) return absl::OkStatus();
  absl::Status s = db_->Exec("ROLLBACK");
  db_ = nullptr;
  return s;
}

// ---- Migrations ----

absl::StatusOr<int> SchemaVersion(Database& db) {
  if (absl::Status s = db.Exec("CREATE TABLE IF NOT EXISTS schema_migrations ("
                               " version INTEGER PRIMARY KEY,"
                               " applied_at TEXT NOT NULL DEFAULT "
                               "(strftime('%Y-%m-%dT%H:%M:%fZ','now')))");
      !s.ok()) {
    return s;
  }
  absl::StatusOr<Statement> st =
      db.Prepare("SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
  if (!st.ok()) return st.status();
  absl::StatusOr<bool> row = st->Step();
  if (!row.ok()) return row.status();
  return static_cast<int>(st->ColumnInt(0));
}

absl::Status RunMigrations(Database& db,
                           const std::vector<Migration>& migrations) {
  absl::StatusOr<int> latest = LatestMigrationVersion("sqlite", migrations);
  if (!latest.ok()) return latest.status();
  absl::StatusOr<int> current = SchemaVersion(db);
  if (!current.ok()) return current.status();
  if (*current > *latest) {
    return SchemaTooNewError("sqlite", db.path(), *current, *latest);
  }
  for (const Migration& m : migrations) {
    if (m.version <= *current) continue;
    absl::StatusOr<Transaction> tx = Transaction::Begin(db);
    if (!tx.ok()) return tx.status();
    if (absl::Status s = db.Exec(m.sql); !s.ok()) {
      return absl::Status(
          s.code(), absl::StrCat("migration ", m.version, ": ", s.message()));
    }
    absl::StatusOr<Statement> st =
        db.Prepare("INSERT INTO schema_migrations(version) VALUES (?)");
    if (!st.ok()) return st.status();
    if (absl::Status s = st->Bind(1, m.version); !s.ok()) return s;
    if (absl::Status s = st->Run(); !s.ok()) return s;
    if (absl::Status s = tx->Commit(); !s.ok()) return s;
  }
  return absl::OkStatus();
}

}  // namespace longtake::sqlite
