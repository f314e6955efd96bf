#include "common/postgres/commit_listener.h"

#include <algorithm>
#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/log/logger.h"
#include "common/postgres/database.h"

namespace longtake::postgres {

// A connection that LISTENs on the channel; `woken_` is set by each
// notification it receives.
class CommitListener::Connection {
 public:
  static absl::StatusOr<std::unique_ptr<Connection>> Open(
      const std::string& url, const std::string& channel) {
    try {
      auto conn = std::make_unique<pqxx::connection>(url);
      return std::unique_ptr<Connection>(
          new Connection(std::move(conn), channel));
    } catch (const std::exception& e) {
      return StatusFromException(e, "listen for commits");
    }
  }

  absl::StatusOr<bool> Wait(absl::Duration timeout) {
    try {
      const absl::Time deadline = absl::Now() + timeout;
      woken_ = false;
      conn_->get_notifs();
      // The socket also wakes for other messages (e.g. the server's notice
      // that it is closing the connection, ahead of the close itself): wait
      // again until a notification, the deadline or a closed connection.
      while (!woken_) {
        if (!conn_->is_open()) break;
        const int64_t us = absl::ToInt64Microseconds(deadline - absl::Now());
        if (us <= 0) break;
        conn_->await_notification(us / 1000000, us % 1000000);
      }
      if (!conn_->is_open()) {
        return absl::UnavailableError("postgres: notification connection lost");
      }
      return woken_;
    } catch (const std::exception& e) {
      return StatusFromException(e, "wait for commits");
    }
  }

 private:
  class Receiver : public pqxx::notification_receiver {
   public:
    Receiver(pqxx::connection_base& c, const std::string& channel, bool* woken)
        : pqxx::notification_receiver(c, channel), woken_(woken) {}
    void operator()(const std::string&, int) override { *woken_ = true; }

   private:
    bool* woken_;
  };

  // The receiver's constructor runs LISTEN.
  Connection(std::unique_ptr<pqxx::connection> conn, const std::string& channel)
      : conn_(std::move(conn)),
        receiver_(std::make_unique<Receiver>(*conn_, channel, &woken_)) {}

  bool woken_ = false;
  std::unique_ptr<pqxx::connection> conn_;
  std::unique_ptr<Receiver> receiver_;
};

CommitListener::CommitListener(std::string url, std::string channel)
    : url_(std::move(url)), channel_(std::move(channel)) {}

CommitListener::~CommitListener() = default;

absl::StatusOr<bool> CommitListener::WaitForCommit(absl::Duration timeout) {
  std::lock_guard<std::mutex> lock(mu_);
  if (connection_ == nullptr) {
    absl::StatusOr<std::unique_ptr<Connection>> opened =
        Connection::Open(url_, channel_);
    if (!opened.ok()) {
      if (!failing_) {
        Log(LogLevel::kWarning,
            absl::StrCat("commit notifications unavailable (polling "
                         "meanwhile): ",
                         opened.status().message()));
      }
      failing_ = true;
      std::this_thread::sleep_for(absl::ToChronoNanoseconds(timeout));
      return opened.status();
    }
    connection_ = *std::move(opened);
    Log(LogLevel::kInfo, listened_before_
                             ? "commit notifications re-established"
                             : "listening for commit notifications");
    failing_ = false;
    // Commits made while nobody listened went unnoticed.
    if (listened_before_) return true;
    listened_before_ = true;
  }
  absl::StatusOr<bool> woken = connection_->Wait(timeout);
  if (!woken.ok()) {
    Log(LogLevel::kWarning,
        absl::StrCat("commit notifications lost (polling until they are "
                     "back): ",
                     woken.status().message()));
    connection_.reset();
    failing_ = true;
  }
  return woken;
}

void CommitListener::Notify(pqxx::transaction_base& tx,
                            absl::string_view channel,
                            absl::string_view payload) {
  tx.exec_params("SELECT pg_notify($1, $2)", std::string(channel),
                 std::string(payload));
}

}  // namespace longtake::postgres
