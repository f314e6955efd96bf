#include "common/grpc/server_runner.h"

#include <pthread.h>

#include <algorithm>
#include <csignal>
#include <cstdio>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/grpc/status_adapter.h"
#include "common/log/logger.h"
#include "common/status/errors.h"
#include "google/protobuf/descriptor.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server_builder.h"
#include "grpcpp/support/server_interceptor.h"

namespace longtake {

LogLevel CallLogLevel(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::INTERNAL:
    case grpc::StatusCode::UNKNOWN:
    case grpc::StatusCode::DATA_LOSS:
      return LogLevel::kError;
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::DEADLINE_EXCEEDED:
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return LogLevel::kWarning;
    default:
      // OK, a client's own cancellation, and every answer about the
      // client's request (bad argument, not found, no permission...) are
      // the service working as designed.
      return LogLevel::kInfo;
  }
}

namespace {

// Whether "/package.Service/Method" is a method of a compiled-in proto
// service (not a name the client made up).
bool IsProtoMethod(absl::string_view path) {
  std::vector<std::string> parts = absl::StrSplit(path, '/', absl::SkipEmpty());
  if (parts.size() != 2) return false;
  const google::protobuf::ServiceDescriptor* service =
      google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
          parts[0]);
  return service != nullptr && service->FindMethodByName(parts[1]) != nullptr;
}

// Sees every call's status before it is sent: answers a request that did
// not parse (gRPC's callback API then sends UNIMPLEMENTED with no message and
// never runs the handler) with INVALID_ARGUMENT INVALID_REQUEST, and logs
// "call method=... code=... latency_ms=..." when asked.
class CallInterceptor : public grpc::experimental::Interceptor {
 public:
  CallInterceptor(grpc::experimental::ServerRpcInfo* info,
                  const std::string* error_domain, bool log_calls)
      : method_(info->method()),
        error_domain_(error_domain),
        log_calls_(log_calls),
        start_(absl::Now()) {}

  void Intercept(
      grpc::experimental::InterceptorBatchMethods* methods) override {
    using grpc::experimental::InterceptionHookPoints;
    if (methods->QueryInterceptionHookPoint(
            InterceptionHookPoints::POST_RECV_MESSAGE) &&
        methods->GetRecvMessage() != nullptr) {
      parsed_request_ = true;
    }
    if (methods->QueryInterceptionHookPoint(
            InterceptionHookPoints::PRE_SEND_STATUS)) {
      grpc::Status status = methods->GetSendStatus();
      if (!parsed_request_ &&
          status.error_code() == grpc::StatusCode::UNIMPLEMENTED &&
          status.error_message().empty() && IsProtoMethod(method_)) {
        status = ToGrpcStatus(
            InvalidRequest(absl::StrCat(
                "the request does not parse as the request message of ",
                method_)),
            *error_domain_);
        methods->ModifySendStatus(status);
      }
      const LogLevel level = CallLogLevel(status.error_code());
      if (log_calls_ && LogEnabled(level)) {
        Log(level,
            absl::StrCat("call method=", method_, " code=",
                         static_cast<int>(status.error_code()), " latency_ms=",
                         absl::ToDoubleMilliseconds(absl::Now() - start_),
                         status.ok() ? "" : " message=\"",
                         status.ok() ? "" : status.error_message(),
                         status.ok() ? "" : "\""));
      }
    }
    methods->Proceed();
  }

 private:
  std::string method_;
  const std::string* error_domain_;
  bool log_calls_;
  absl::Time start_;
  bool parsed_request_ = false;
};

class CallInterceptorFactory
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  CallInterceptorFactory(std::string error_domain, bool log_calls)
      : error_domain_(std::move(error_domain)), log_calls_(log_calls) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    return new CallInterceptor(info, &error_domain_, log_calls_);
  }

 private:
  const std::string error_domain_;
  const bool log_calls_;
};

}  // namespace

ServerRunner::~ServerRunner() { Shutdown(absl::ZeroDuration()); }

absl::Status ServerRunner::Start(const ServerRunnerOptions& options) {
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();

  grpc::ServerBuilder builder;
  builder.AddListeningPort(options.listen_address,
                           options.credentials != nullptr
                               ? options.credentials
                               : grpc::InsecureServerCredentials(),
                           &port_);
  builder.SetMaxReceiveMessageSize(options.max_receive_message_bytes);
  for (grpc::Service* service : options.services) {
    builder.RegisterService(service);
  }
  std::vector<
      std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>
      creators;
  creators.push_back(std::make_unique<CallInterceptorFactory>(
      options.error_domain, options.log_calls));
  builder.experimental().SetInterceptorCreators(std::move(creators));
  server_shutdown_cap_ = options.server_shutdown_cap;
  server_ = builder.BuildAndStart();
  if (server_ == nullptr || port_ == 0) {
    server_.reset();
    return absl::UnavailableError(absl::StrCat(
        "could not listen on ", options.listen_address,
        " (address in use, or not a HOST:PORT this machine has?)"));
  }
  std::string host =
      options.listen_address.substr(0, options.listen_address.rfind(':'));
  std::printf("listening on %s:%d\n", host.c_str(), port_);
  std::fflush(stdout);
  Log(LogLevel::kInfo, absl::StrCat("listening on ", host, ":", port_));
  return absl::OkStatus();
}

void ServerRunner::SetServing(const std::string& service_name, bool serving) {
  if (server_ == nullptr) return;
  if (auto* health = server_->GetHealthCheckService(); health != nullptr) {
    health->SetServingStatus(service_name, serving);
  }
}

void ServerRunner::AddDrainHook(std::function<void(absl::Time)> hook) {
  drain_hooks_.push_back(std::move(hook));
}

int ServerRunner::ServeUntilShutdownSignal(absl::Duration grace) {
  const int signal = WaitForShutdownSignal();
  Shutdown(grace);
  return signal;
}

void ServerRunner::Shutdown(absl::Duration grace) {
  if (server_ == nullptr || shut_down_) return;
  shut_down_ = true;
  if (auto* health = server_->GetHealthCheckService(); health != nullptr) {
    health->SetServingStatus(false);
  }
  Log(LogLevel::kInfo, absl::StrCat("shutting down; draining calls for up to ",
                                    absl::FormatDuration(grace)));
  const absl::Time deadline = absl::Now() + grace;
  for (auto& hook : drain_hooks_) hook(deadline);
  const absl::Time now = absl::Now();
  server_->Shutdown(absl::ToChronoTime(
      std::max(now, std::min(deadline, now + server_shutdown_cap_))));
  server_->Wait();
  Log(LogLevel::kInfo, "stopped");
}

void BlockShutdownSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

int WaitForShutdownSignal() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  int sig = 0;
  sigwait(&set, &sig);
  Log(LogLevel::kInfo, absl::StrCat("received signal ", sig));
  return sig;
}

}  // namespace longtake
