#pragma once

// Commit notifications over PostgreSQL's LISTEN/NOTIFY, for replicas that
// share one database: a writer calls Notify inside its transaction (the
// notification goes out when, and only if, it commits); a replica waits on
// a CommitListener, which keeps a connection of its own so that waiting
// blocks no query. A lost connection is reported once and re-opened on the
// next Wait; meanwhile callers fall back to polling.
//
//   postgres::CommitListener commits(url, "longtake_catalog_commits");
//   absl::StatusOr<bool> woken = commits.WaitForCommit(absl::Seconds(1));
//   // in a writer's transaction:
//   postgres::CommitListener::Notify(tx, "longtake_catalog_commits", "42");

#include <memory>
#include <mutex>
#include <pqxx/pqxx>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/domain/store_commits.h"

namespace longtake::postgres {

class CommitListener final : public StoreCommits {
 public:
  // `url`: the database's libpq URL; `channel`: the NOTIFY channel.
  CommitListener(std::string url, std::string channel);
  ~CommitListener() override;
  CommitListener(const CommitListener&) = delete;
  CommitListener& operator=(const CommitListener&) = delete;

  bool NotifiesCommits() const override { return true; }
  // True when a notification arrived within `timeout`, or when the
  // connection was just re-established (commits may have gone unnoticed
  // meanwhile).
  absl::StatusOr<bool> WaitForCommit(absl::Duration timeout) override;

  // Queues a notification on `channel`, sent when `tx` commits.
  static void Notify(pqxx::transaction_base& tx, absl::string_view channel,
                     absl::string_view payload);

 private:
  class Connection;

  const std::string url_;
  const std::string channel_;
  std::mutex mu_;
  std::unique_ptr<Connection> connection_;
  bool listened_before_ = false;
  bool failing_ = false;
};

}  // namespace longtake::postgres
