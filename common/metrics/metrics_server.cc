#include "common/metrics/metrics_server.h"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "common/metrics/metrics.h"

namespace longtake::metrics {
namespace {

struct Response {
  int code;
  const char* reason;
  std::string body;
  const char* content_type = "text/plain; charset=utf-8";
  bool head_only = false;
};

std::string Serialize(const Response& r) {
  std::string out = absl::StrCat(
      "HTTP/1.1 ", r.code, " ", r.reason, "\r\nContent-Type: ", r.content_type,
      "\r\nContent-Length: ", r.body.size(), "\r\nConnection: close\r\n");
  if (r.code == 405) out += "Allow: GET, HEAD\r\n";
  out += "\r\n";
  if (!r.head_only) out += r.body;
  return out;
}

// Milliseconds left until `deadline`, for poll() (at least 0).
int MillisLeft(absl::Time deadline) {
  const int64_t ms = absl::ToInt64Milliseconds(deadline - absl::Now());
  return ms < 0 ? 0 : static_cast<int>(std::min<int64_t>(ms, 60000));
}

// Waits until `fd` is ready for `events` or the deadline passes or the
// server is stopping (wake_fd readable). True when ready.
bool WaitFor(int fd, short events, int wake_fd, absl::Time deadline) {
  while (true) {
    pollfd fds[2] = {{fd, events, 0}, {wake_fd, POLLIN, 0}};
    const int timeout = MillisLeft(deadline);
    if (timeout == 0) return false;
    const int n = poll(fds, 2, timeout);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    if (fds[1].revents != 0) return false;
    return fds[0].revents != 0;
  }
}

absl::Status SplitHostPort(const std::string& address, std::string* host,
                           std::string* port) {
  const size_t colon = address.rfind(':');
  if (colon == std::string::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", address, "\" is not HOST:PORT"));
  }
  *host = address.substr(0, colon);
  *port = address.substr(colon + 1);
  if (host->size() >= 2 && host->front() == '[' && host->back() == ']') {
    *host = host->substr(1, host->size() - 2);
  }
  int number = 0;
  if (!absl::SimpleAtoi(*port, &number) || number < 0 || number > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", address, "\" has no valid port"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<MetricsServer>> MetricsServer::Start(
    const std::string& address, std::function<std::string()> render,
    MetricsServerOptions options) {
  std::string host, port;
  if (absl::Status s = SplitHostPort(address, &host, &port); !s.ok()) {
    return s;
  }
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE;
  addrinfo* found = nullptr;
  if (int rc = getaddrinfo(host.empty() ? nullptr : host.c_str(), port.c_str(),
                           &hints, &found);
      rc != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot resolve \"", address, "\": ", gai_strerror(rc)));
  }
  std::unique_ptr<MetricsServer> server(new MetricsServer());
  std::string last_error = "no address";
  for (addrinfo* ai = found; ai != nullptr; ai = ai->ai_next) {
    int fd =
        socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) continue;
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && listen(fd, 64) == 0) {
      server->listen_fd_ = fd;
      break;
    }
    last_error = std::strerror(errno);
    close(fd);
  }
  freeaddrinfo(found);
  if (server->listen_fd_ < 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", address, ": ", last_error));
  }
  sockaddr_storage bound{};
  socklen_t len = sizeof(bound);
  getsockname(server->listen_fd_, reinterpret_cast<sockaddr*>(&bound), &len);
  server->port_ = ntohs(bound.ss_family == AF_INET6
                            ? reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port
                            : reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC | O_NONBLOCK) != 0) {
    return absl::InternalError("cannot create the metrics server's pipe");
  }
  server->wake_read_fd_ = pipe_fds[0];
  server->wake_write_fd_ = pipe_fds[1];
  fcntl(server->listen_fd_, F_SETFL, O_NONBLOCK);
  server->render_ = std::move(render);
  server->options_ = options;
  MetricsServer* raw = server.get();
  server->thread_ = std::thread([raw] { raw->Serve(); });
  return server;
}

MetricsServer::~MetricsServer() {
  Stop();
  if (wake_read_fd_ >= 0) close(wake_read_fd_);
  if (wake_write_fd_ >= 0) close(wake_write_fd_);
  if (listen_fd_ >= 0) close(listen_fd_);
}

void MetricsServer::Stop() {
  if (!thread_.joinable()) return;
  const char byte = 1;
  while (write(wake_write_fd_, &byte, 1) < 0 && errno == EINTR) {
  }
  thread_.join();
  close(listen_fd_);
  listen_fd_ = -1;
}

void MetricsServer::Serve() {
  while (true) {
    pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {wake_read_fd_, POLLIN, 0}};
    const int n = poll(fds, 2, -1);
    if (n < 0) {
      if (errno == EINTR) continue;
      return;
    }
    if (fds[1].revents != 0) return;
    const int fd =
        accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (fd < 0) continue;  // EAGAIN, a connection reset before accept...
    HandleConnection(fd);
    close(fd);
  }
}

void MetricsServer::HandleConnection(int fd) {
  const absl::Time deadline = absl::Now() + options_.connection_deadline;
  std::string request;
  size_t head_end = std::string::npos;
  char buffer[2048];
  while (head_end == std::string::npos) {
    if (request.size() > options_.max_request_bytes) break;
    if (!WaitFor(fd, POLLIN, wake_read_fd_, deadline)) return;  // too slow
    const ssize_t n = read(fd, buffer, sizeof(buffer));
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n <= 0) return;  // closed before a whole request
    request.append(buffer, static_cast<size_t>(n));
    head_end = request.find("\r\n\r\n");
  }

  Response response{400, "Bad Request", "bad request\n"};
  if (head_end == std::string::npos || head_end > options_.max_request_bytes) {
    response = {431, "Request Header Fields Too Large",
                "request head too large\n"};
  } else {
    const std::string line = request.substr(0, request.find("\r\n"));
    std::vector<std::string> parts = absl::StrSplit(line, ' ');
    if (parts.size() == 3 && absl::StartsWith(parts[2], "HTTP/1.") &&
        !parts[1].empty() && parts[1][0] == '/') {
      std::string path = parts[1].substr(0, parts[1].find('?'));
      if (parts[0] != "GET" && parts[0] != "HEAD") {
        response = {405, "Method Not Allowed", "only GET and HEAD\n"};
      } else if (path != "/metrics") {
        response = {404, "Not Found", "not found; try /metrics\n"};
      } else {
        response = {200, "OK", render_(), kTextContentType};
      }
      response.head_only = parts[0] == "HEAD";
    }
  }

  const std::string out = Serialize(response);
  size_t sent = 0;
  while (sent < out.size()) {
    if (!WaitFor(fd, POLLOUT, wake_read_fd_, deadline)) return;
    const ssize_t n =
        send(fd, out.data() + sent, out.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n <= 0) return;
    sent += static_cast<size_t>(n);
  }
  // Read what the client still sends until it closes (briefly), so that
  // closing with unread bytes does not reset the connection before the
  // client has read the answer.
  shutdown(fd, SHUT_WR);
  const absl::Time linger =
      std::min(deadline, absl::Now() + absl::Milliseconds(200));
  while (WaitFor(fd, POLLIN, wake_read_fd_, linger)) {
    const ssize_t n = read(fd, buffer, sizeof(buffer));
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n <= 0) return;
  }
}

}  // namespace longtake::metrics
