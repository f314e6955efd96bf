// The baseline for the GetFilm benchmark: a bare gRPC callback server that
// answers every call, whatever the method, with the same fixed response bytes
// (read from a file), doing no work at all. longtake-catalog's GetFilm is
// held to at least 90% of its requests per second (docs/benchmarks.md).
//
//   bench_bare_server --listen=127.0.0.1:0 --response=film.bin

#include <fstream>
#include <iostream>
#include <sstream>

#include "common/config/flags.h"
#include "common/grpc/server_runner.h"
#include "grpcpp/generic/async_generic_service.h"
#include "grpcpp/server_builder.h"
#include "grpcpp/support/byte_buffer.h"
#include "grpcpp/support/server_callback.h"
#include "tools/bench/bench_flags.h"

namespace {

class FixedReplyReactor : public grpc::ServerGenericBidiReactor {
 public:
  explicit FixedReplyReactor(const grpc::ByteBuffer* reply) : reply_(reply) {
    StartRead(&request_);
  }
  void OnReadDone(bool ok) override {
    if (!ok) return Finish(grpc::Status::OK);
    StartWriteAndFinish(reply_, grpc::WriteOptions(), grpc::Status::OK);
  }
  void OnDone() override { delete this; }

 private:
  grpc::ByteBuffer request_;
  const grpc::ByteBuffer* reply_;
};

class FixedReplyService : public grpc::CallbackGenericService {
 public:
  explicit FixedReplyService(const std::string& bytes) {
    grpc::Slice slice(bytes);
    reply_ = grpc::ByteBuffer(&slice, 1);
  }
  grpc::ServerGenericBidiReactor* CreateReactor(
      grpc::GenericCallbackServerContext*) override {
    return new FixedReplyReactor(&reply_);
  }

 private:
  grpc::ByteBuffer reply_;
};

}  // namespace

int main(int argc, char** argv) {
  longtake::BlockShutdownSignals();
  longtake::FlagSet flags("bench_bare_server",
                          "Answers every gRPC call with fixed bytes.");
  const longtake::Flag<std::string> listen =
      flags.AddString("listen", "", "127.0.0.1:0", "address to serve on");
  const longtake::Flag<std::string> response = flags.AddString(
      "response", "", "", "file with the response message bytes");
  if (auto exit_code = longtake::bench::ParseFlagsOrUsage(flags, argc, argv)) {
    return *exit_code;
  }
  std::ifstream in(*response, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();

  FixedReplyService service(bytes.str());
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(*listen, grpc::InsecureServerCredentials(), &port);
  builder.RegisterCallbackGenericService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server) {
    std::cerr << "could not listen on " << *listen << "\n";
    return 1;
  }
  std::cout << "listening on 127.0.0.1:" << port << std::endl;
  longtake::WaitForShutdownSignal();
  server->Shutdown();
  return 0;
}
