#include "common/grpc/server_runner.h"

#include <pthread.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <map>
#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/grpc/status_adapter.h"
#include "common/log/logger.h"
#include "common/status/errors.h"
#include "common/tracing/trace_context.h"
#include "google/protobuf/descriptor.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/resource_quota.h"
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

}  // namespace

const char* StatusCodeName(grpc::StatusCode code) {
  static constexpr const char* kNames[] = {"OK",
                                           "CANCELLED",
                                           "UNKNOWN",
                                           "INVALID_ARGUMENT",
                                           "DEADLINE_EXCEEDED",
                                           "NOT_FOUND",
                                           "ALREADY_EXISTS",
                                           "PERMISSION_DENIED",
                                           "RESOURCE_EXHAUSTED",
                                           "FAILED_PRECONDITION",
                                           "ABORTED",
                                           "OUT_OF_RANGE",
                                           "UNIMPLEMENTED",
                                           "INTERNAL",
                                           "UNAVAILABLE",
                                           "DATA_LOSS",
                                           "UNAUTHENTICATED"};
  const int index = static_cast<int>(code);
  return index >= 0 && index < 17 ? kNames[index] : "UNKNOWN";
}

namespace {

// The per-call metrics every server keeps (documented in deploy/README.md).
struct CallMetrics {
  explicit CallMetrics(metrics::Registry& registry)
      : calls(registry.AddCounterFamily(
            "longtake_grpc_server_calls_total",
            "gRPC calls answered, by service, method and status code.",
            {"service", "method", "code"})),
        latency(registry.AddHistogramFamily(
            "longtake_grpc_server_call_duration_seconds",
            "Time from a call's start to its status (a stream's whole "
            "life), by service, method and status code.",
            {"service", "method", "code"}, metrics::kLatencyBuckets)),
        in_flight(registry.AddGauge(
            "longtake_grpc_server_in_flight_calls",
            "gRPC calls (and open streams) started and not yet answered.")) {}

  metrics::Family<metrics::Counter>& calls;
  metrics::Family<metrics::Histogram>& latency;
  metrics::Gauge& in_flight;
};

// Sees every call's metadata and status: keeps or starts its traceparent,
// answers a request that did not parse (gRPC's callback API then sends
// UNIMPLEMENTED with no message and never runs the handler) with
// INVALID_ARGUMENT INVALID_REQUEST, records the call's metrics, and logs
// "call method=... code=... latency_ms=... trace_id=..." when asked.
class CallInterceptor : public grpc::experimental::Interceptor {
 public:
  CallInterceptor(grpc::experimental::ServerRpcInfo* info,
                  const std::string* error_domain, bool log_calls,
                  CallMetrics* metrics)
      : method_(info->method() != nullptr ? info->method() : ""),
        error_domain_(error_domain),
        log_calls_(log_calls),
        metrics_(metrics),
        start_(absl::Now()) {
    if (metrics_ != nullptr) metrics_->in_flight.Add(1);
  }

  ~CallInterceptor() override {
    // A call that ended without a status (its client went away first).
    if (!recorded_) Record(grpc::StatusCode::CANCELLED);
  }

  void Intercept(
      grpc::experimental::InterceptorBatchMethods* methods) override {
    using grpc::experimental::InterceptionHookPoints;
    if (methods->QueryInterceptionHookPoint(
            InterceptionHookPoints::POST_RECV_INITIAL_METADATA)) {
      KeepOrStartTrace(methods->GetRecvInitialMetadata());
    }
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
          status.error_message().empty()) {
        if (IsProtoMethod(method_)) {
          status = ToGrpcStatus(
              InvalidRequest(absl::StrCat(
                  "the request does not parse as the request message of ",
                  method_)),
              *error_domain_);
          methods->ModifySendStatus(status);
        } else {
          unknown_method_ = true;  // a made-up name: one label for all
        }
      }
      Record(status.error_code());
      const LogLevel level = CallLogLevel(status.error_code());
      if (log_calls_ && LogEnabled(level)) {
        Log(level,
            absl::StrCat(
                "call method=", method_,
                " code=", static_cast<int>(status.error_code()), " latency_ms=",
                absl::ToDoubleMilliseconds(absl::Now() - start_),
                " trace_id=", trace_id_, status.ok() ? "" : " message=\"",
                status.ok() ? "" : status.error_message(),
                status.ok() ? "" : "\""));
      }
    }
    methods->Proceed();
  }

 private:
  // A valid traceparent is kept; otherwise (none, several, malformed) the
  // call gets a new one in its metadata, so the handler's IncomingTrace and
  // this call's log line name the same trace.
  void KeepOrStartTrace(
      std::multimap<grpc::string_ref, grpc::string_ref>* metadata) {
    if (metadata == nullptr) return;
    if (metadata->count(kTraceparentHeader) == 1) {
      const grpc::string_ref value = metadata->find(kTraceparentHeader)->second;
      if (std::optional<TraceContext> trace =
              ParseTraceparent(absl::string_view(value.data(), value.size()))) {
        trace_id_ = trace->trace_id;
        return;
      }
    }
    metadata->erase(kTraceparentHeader);
    TraceContext trace = NewTrace();
    trace_id_ = trace.trace_id;
    traceparent_ = FormatTraceparent(trace);
    metadata->emplace(grpc::string_ref(kTraceparentHeader),
                      grpc::string_ref(traceparent_));
  }

  void Record(grpc::StatusCode code) {
    if (metrics_ == nullptr || recorded_) return;
    recorded_ = true;
    metrics_->in_flight.Add(-1);
    absl::string_view service = "unknown";
    absl::string_view method = "unknown";
    if (!unknown_method_) {
      // "/package.Service/Method"
      absl::string_view path = method_;
      const size_t slash = path.rfind('/');
      if (slash != absl::string_view::npos && slash > 0) {
        service = path.substr(1, slash - 1);
        method = path.substr(slash + 1);
      }
    }
    const std::vector<absl::string_view> labels = {service, method,
                                                   StatusCodeName(code)};
    metrics_->calls.WithLabels(labels).Increment();
    metrics_->latency.WithLabels(labels).Observe(
        absl::ToDoubleSeconds(absl::Now() - start_));
  }

  std::string method_;
  const std::string* error_domain_;
  bool log_calls_;
  CallMetrics* metrics_;
  absl::Time start_;
  bool parsed_request_ = false;
  bool unknown_method_ = false;
  bool recorded_ = false;
  std::string trace_id_;
  std::string traceparent_;  // the metadata added points into this
};

class CallInterceptorFactory
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  // Registers the call metrics in `registry` when it is not null.
  CallInterceptorFactory(std::string error_domain, bool log_calls,
                         metrics::Registry* registry)
      : error_domain_(std::move(error_domain)),
        log_calls_(log_calls),
        metrics_(registry != nullptr ? std::make_unique<CallMetrics>(*registry)
                                     : nullptr) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    return new CallInterceptor(info, &error_domain_, log_calls_,
                               metrics_.get());
  }

 private:
  const std::string error_domain_;
  const bool log_calls_;
  const std::unique_ptr<CallMetrics> metrics_;
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
  const ConnectionLimits& limits = options.connection_limits;
  builder.SetMaxReceiveMessageSize(static_cast<int>(limits.max_request_bytes));
  // A fixed receive window per stream: with the bandwidth probe on, gRPC
  // grows windows to megabytes, and 2,000 connections each sending a large
  // message made the server buffer gigabytes before any size check.
  builder.AddChannelArgument(GRPC_ARG_HTTP2_BDP_PROBE, 0);
  builder.AddChannelArgument(GRPC_ARG_HTTP2_STREAM_LOOKAHEAD_BYTES,
                             static_cast<int>(limits.stream_window_bytes));
  grpc::ResourceQuota quota("longtake-server");
  quota.Resize(static_cast<size_t>(limits.memory_quota_bytes));
  builder.SetResourceQuota(quota);
  auto ms = [](absl::Duration d) {
    return static_cast<int>(
        std::min<int64_t>(absl::ToInt64Milliseconds(d), INT32_MAX));
  };
  builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_IDLE_MS,
                             ms(limits.max_connection_idle));
  builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_MS,
                             ms(limits.max_connection_age));
  // In-flight calls get this long to finish after the GOAWAY of max age.
  builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_GRACE_MS,
                             ms(absl::Minutes(1)));
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS,
                             ms(limits.keepalive_time));
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS,
                             ms(absl::Seconds(20)));
  // Clients may ping as often as every 10 s without being told off.
  builder.AddChannelArgument(
      GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS, 10000);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  for (grpc::Service* service : options.services) {
    builder.RegisterService(service);
  }
  std::vector<
      std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>
      creators;
  creators.push_back(std::make_unique<CallInterceptorFactory>(
      options.error_domain, options.log_calls, options.metrics));
  builder.experimental().SetInterceptorCreators(std::move(creators));
  server_shutdown_cap_ = options.server_shutdown_cap;
  if (options.metrics != nullptr && !options.metrics_listen.empty()) {
    metrics::Registry* registry = options.metrics;
    auto metrics_server = metrics::MetricsServer::Start(
        options.metrics_listen, [registry] { return registry->Render(); });
    if (!metrics_server.ok()) {
      return absl::UnavailableError(absl::StrCat(
          "--metrics-listen: ", metrics_server.status().message()));
    }
    metrics_server_ = *std::move(metrics_server);
    std::string host =
        options.metrics_listen.substr(0, options.metrics_listen.rfind(':'));
    std::printf("metrics on %s:%d\n", host.c_str(), metrics_server_->port());
    std::fflush(stdout);
    Log(LogLevel::kInfo, absl::StrCat("serving /metrics on ", host, ":",
                                      metrics_server_->port()));
  }
  memory_trimmer_ = std::make_unique<MemoryTrimmer>(
      MemoryTrimmer::Options{.interval = options.memory_trim_interval});
  server_ = builder.BuildAndStart();
  if (server_ == nullptr || port_ == 0) {
    server_.reset();
    return absl::UnavailableError(absl::StrCat(
        "could not listen on ", options.listen_address,
        " (address in use, or not a HOST:PORT this machine has?)"));
  }
  host_ = options.listen_address.substr(0, options.listen_address.rfind(':'));
  if (options.ready_at_start) {
    MarkReady();
    return absl::OkStatus();
  }
  if (auto* health = server_->GetHealthCheckService(); health != nullptr) {
    health->SetServingStatus(false);
  }
  std::printf("started on %s:%d\n", host_.c_str(), port_);
  std::fflush(stdout);
  Log(LogLevel::kInfo, absl::StrCat("started on ", host_, ":", port_,
                                    ": health NOT_SERVING until ready"));
  return absl::OkStatus();
}

void ServerRunner::MarkReady() {
  if (server_ == nullptr || shut_down_ || ready_) return;
  ready_ = true;
  SetServing("", true);
  std::printf("listening on %s:%d\n", host_.c_str(), port_);
  std::fflush(stdout);
  Log(LogLevel::kInfo, absl::StrCat("listening on ", host_, ":", port_));
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
  if (metrics_server_ != nullptr) metrics_server_->Stop();
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
