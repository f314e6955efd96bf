#include "common/grpc/status_adapter.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/status/errors.h"
#include "google/rpc/error_details.pb.h"

namespace longtake {
namespace {

// "films/x/sequences/y" -> "sequences"; the collection names the type.
std::string ResourceType(absl::string_view name) {
  std::vector<absl::string_view> parts = absl::StrSplit(name, '/');
  if (parts.size() < 2) return std::string(name);
  return std::string(parts[parts.size() - 2]);
}

// Error text often quotes the caller's input; a client that sends a 1 MB
// name must not get 2 MB of trailers back. Cuts at a UTF-8 boundary.
std::string Capped(absl::string_view text, size_t max_bytes) {
  if (text.size() <= max_bytes) return std::string(text);
  size_t end = max_bytes;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) {
    --end;
  }
  return absl::StrCat(text.substr(0, end), "...(", text.size() - end,
                      " more bytes)");
}

}  // namespace

grpc::Status ToGrpcStatus(const absl::Status& status,
                          absl::string_view domain) {
  if (status.ok()) return grpc::Status::OK;
  google::rpc::Status rpc_status;
  rpc_status.set_code(static_cast<int>(status.code()));
  const std::string message = Capped(status.message(), kMaxErrorMessageBytes);
  rpc_status.set_message(message);

  google::rpc::ErrorInfo info;
  std::string reason = ErrorReason(status);
  if (reason.empty()) reason = absl::StatusCodeToString(status.code());
  for (char& c : reason) {
    if (c == ' ') c = '_';
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  info.set_reason(reason);
  info.set_domain(std::string(domain));
  const std::string resource =
      Capped(ErrorResource(status), kMaxErrorFieldBytes);
  if (!resource.empty()) (*info.mutable_metadata())["resource"] = resource;
  rpc_status.add_details()->PackFrom(info);

  std::vector<FieldViolation> violations = ErrorFieldViolations(status);
  if (!violations.empty()) {
    google::rpc::BadRequest bad_request;
    for (const FieldViolation& v : violations) {
      auto* fv = bad_request.add_field_violations();
      fv->set_field(Capped(v.field, kMaxErrorFieldBytes));
      fv->set_description(Capped(v.description, kMaxErrorFieldBytes));
    }
    rpc_status.add_details()->PackFrom(bad_request);
  }
  if (!resource.empty()) {
    google::rpc::ResourceInfo resource_info;
    resource_info.set_resource_type(ResourceType(resource));
    resource_info.set_resource_name(resource);
    resource_info.set_description(message);
    rpc_status.add_details()->PackFrom(resource_info);
  }
  if (std::optional<absl::Duration> delay = ErrorRetryDelay(status)) {
    google::rpc::RetryInfo retry;
    const int64_t ms = absl::ToInt64Milliseconds(*delay);
    retry.mutable_retry_delay()->set_seconds(ms / 1000);
    retry.mutable_retry_delay()->set_nanos(static_cast<int32_t>(ms % 1000) *
                                           1000000);
    rpc_status.add_details()->PackFrom(retry);
  }
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()), message,
                      rpc_status.SerializeAsString());
}

google::rpc::Status DecodeStatusDetails(const grpc::Status& status) {
  google::rpc::Status rpc_status;
  if (!status.error_details().empty()) {
    rpc_status.ParseFromString(status.error_details());
  }
  return rpc_status;
}

absl::Status FromGrpcStatus(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  const auto code = static_cast<absl::StatusCode>(status.error_code());
  google::rpc::Status details = DecodeStatusDetails(status);
  std::string reason;
  std::string resource;
  std::vector<FieldViolation> violations;
  for (const auto& any : details.details()) {
    google::rpc::ErrorInfo info;
    google::rpc::BadRequest bad_request;
    if (any.UnpackTo(&info)) {
      reason = info.reason();
      auto it = info.metadata().find("resource");
      if (it != info.metadata().end()) resource = it->second;
    } else if (any.UnpackTo(&bad_request)) {
      for (const auto& fv : bad_request.field_violations()) {
        violations.push_back({fv.field(), fv.description()});
      }
    }
  }
  // Rebuild with the same payloads the domain helpers use, keeping the code
  // and message the server sent.
  absl::Status template_status =
      violations.empty() ? ErrorWithReason(code, reason, "", resource)
                         : InvalidArguments(std::move(violations), reason);
  absl::Status out(code, status.error_message());
  template_status.ForEachPayload(
      [&](absl::string_view url, const absl::Cord& payload) {
        out.SetPayload(url, payload);
      });
  return out;
}

}  // namespace longtake
