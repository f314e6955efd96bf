#include "common/postgres/database.h"

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace longtake::postgres {
namespace {

// pg_advisory_xact_lock key serialising schema migrations ("ltmigr").
constexpr int64_t kMigrationLockKey = 0x6c746d696772;

absl::StatusCode CodeForSqlState(const std::string& state) {
  if (state == "23505")
    return absl::StatusCode::kAlreadyExists;  // unique_violation
  if (state == "23503")
    return absl::StatusCode::kFailedPrecondition;  // foreign_key_violation
  if (state == "40001" || state == "40P01") return absl::StatusCode::kAborted;
  if (absl::StartsWith(state, "08") || absl::StartsWith(state, "57P")) {
    return absl::StatusCode::kUnavailable;  // connection lost, server shutting
                                            // down
  }
  if (absl::StartsWith(state, "53"))
    return absl::StatusCode::kResourceExhausted;
  return absl::StatusCode::kInternal;
}

std::string Trimmed(const char* what) {
  std::string s(what);
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

}  // namespace

bool IsPostgresUrl(absl::string_view url) {
  return absl::StartsWith(url, "postgres://") ||
         absl::StartsWith(url, "postgresql://");
}

std::string RedactUrl(absl::string_view url) {
  size_t scheme = url.find("://");
  if (scheme == absl::string_view::npos) return std::string(url);
  size_t start = scheme + 3;
  size_t end = url.find_first_of("/?", start);
  if (end == absl::string_view::npos) end = url.size();
  absl::string_view authority = url.substr(start, end - start);
  size_t at = authority.rfind('@');
  if (at == absl::string_view::npos) return std::string(url);
  size_t colon = authority.substr(0, at).find(':');
  if (colon == absl::string_view::npos) return std::string(url);
  return absl::StrCat(url.substr(0, start + colon + 1), "***",
                      url.substr(start + at));
}

std::string TextArrayLiteral(const std::vector<std::string>& values) {
  std::string out = "{";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ',';
    out += '"';
    for (char c : values[i]) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  out += '}';
  return out;
}

absl::Status StatusFromException(const std::exception& e,
                                 absl::string_view what) {
  std::string message =
      absl::StrCat("postgres: ", what, ": ", Trimmed(e.what()));
  if (const auto* sql = dynamic_cast<const pqxx::sql_error*>(&e)) {
    return absl::Status(CodeForSqlState(sql->sqlstate()), message);
  }
  if (dynamic_cast<const pqxx::broken_connection*>(&e) != nullptr ||
      dynamic_cast<const pqxx::in_doubt_error*>(&e) != nullptr) {
    return absl::UnavailableError(message);
  }
  if (dynamic_cast<const pqxx::transaction_rollback*>(&e) != nullptr) {
    return absl::AbortedError(message);
  }
  return absl::InternalError(message);
}

absl::StatusOr<std::unique_ptr<Database>> Database::Open(
    const std::string& url) {
  std::string redacted = RedactUrl(url);
  try {
    auto conn = std::make_unique<pqxx::connection>(url);
    // Keep NOTICEs ("... already exists, skipping") off stderr.
    pqxx::nontransaction(*conn).exec("SET client_min_messages TO WARNING");
    return std::unique_ptr<Database>(
        new Database(std::move(conn), std::move(redacted)));
  } catch (const std::exception& e) {
    return StatusFromException(e, absl::StrCat("connect to ", redacted));
  }
}

absl::Status Database::InTransaction(
    const std::function<absl::Status(pqxx::work&)>& fn) {
  try {
    pqxx::work tx(*conn_);
    absl::Status status = fn(tx);
    if (!status.ok()) return status;  // ~work rolls back
    tx.commit();
    return absl::OkStatus();
  } catch (const std::exception& e) {
    return StatusFromException(e, "transaction");
  }
}

absl::Status Database::Query(
    const std::function<absl::Status(pqxx::transaction_base&)>& fn) {
  try {
    pqxx::nontransaction tx(*conn_);
    return fn(tx);
  } catch (const std::exception& e) {
    return StatusFromException(e, "query");
  }
}

absl::Status Database::InReadTransaction(
    const std::function<absl::Status(pqxx::transaction_base&)>& fn) {
  try {
    pqxx::transaction<pqxx::repeatable_read, pqxx::read_only> tx(*conn_);
    absl::Status status = fn(tx);
    if (!status.ok()) return status;
    tx.commit();
    return absl::OkStatus();
  } catch (const std::exception& e) {
    return StatusFromException(e, "read");
  }
}

namespace {

// Inside a transaction: waits for the migration lock, makes sure the table
// exists, and returns the highest applied version.
int LockedSchemaVersion(pqxx::work& tx) {
  tx.exec_params("SELECT pg_advisory_xact_lock($1)", kMigrationLockKey);
  tx.exec(
      "CREATE TABLE IF NOT EXISTS schema_migrations ("
      " version INTEGER PRIMARY KEY,"
      " applied_at TIMESTAMPTZ NOT NULL DEFAULT now())");
  return tx
      .exec("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")[0][0]
      .as<int>();
}

}  // namespace

absl::StatusOr<int> SchemaVersion(Database& db) {
  int version = 0;
  absl::Status s = db.InTransaction([&](pqxx::work& tx) {
    version = LockedSchemaVersion(tx);
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return version;
}

absl::Status RunMigrations(Database& db,
                           const std::vector<Migration>& migrations) {
  absl::StatusOr<int> latest = LatestMigrationVersion("postgres", migrations);
  if (!latest.ok()) return latest.status();
  const int known = *latest;
  // One migration per transaction; the version is re-read under the lock
  // each time, since another replica may have moved it on meanwhile.
  while (true) {
    bool done = false;
    absl::Status s = db.InTransaction([&](pqxx::work& tx) -> absl::Status {
      int current = LockedSchemaVersion(tx);
      if (current > known) {
        return SchemaTooNewError("postgres", db.redacted_url(), current, known);
      }
      for (const Migration& m : migrations) {
        if (m.version <= current) continue;
        try {
          tx.exec(m.sql);
        } catch (const std::exception& e) {
          return StatusFromException(e, absl::StrCat("migration ", m.version));
        }
        tx.exec_params("INSERT INTO schema_migrations(version) VALUES ($1)",
                       m.version);
        return absl::OkStatus();
      }
      done = true;
      return absl::OkStatus();
    });
    if (!s.ok()) return s;
    if (done) return absl::OkStatus();
  }
}

}  // namespace longtake::postgres
