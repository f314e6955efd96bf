#include "common/grpc/trace_metadata.h"

#include <string>

namespace longtake {

std::optional<TraceContext> IncomingTrace(
    const grpc::ServerContextBase& context) {
  const auto& metadata = context.client_metadata();
  if (metadata.count(kTraceparentHeader) != 1) return std::nullopt;
  const grpc::string_ref value = metadata.find(kTraceparentHeader)->second;
  return ParseTraceparent(absl::string_view(value.data(), value.size()));
}

void ForwardTrace(grpc::ClientContext* context) {
  if (const TraceContext* trace = CurrentTrace(); trace != nullptr) {
    context->AddMetadata(kTraceparentHeader,
                         FormatTraceparent(ChildOf(*trace)));
  }
}

}  // namespace longtake
