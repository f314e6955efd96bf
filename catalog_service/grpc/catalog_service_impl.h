#pragma once

// The gRPC face of the catalogue (longtake.catalog.v1.CatalogService, callback
// API): converts requests to domain calls and results back, nothing more.
//
//   WorkQueue writes(1, "catalog-writer"), imports(1, "catalog-importer");
//   CatalogServiceImpl service(catalog.get(), &writes, &imports, verifier);
//   options.services = {&service};
//
// Reads are served inline on the gRPC callback thread: they only touch the
// in-memory read model. Writes first check the caller's curator token, then
// go to `writes` (they block on the store) and finish the call from there;
// ImportFilms goes to `imports`, so a long import never sits in front of
// other writes (it takes the domain's writer lock one entry at a time).
// With no TokenVerifier every write answers UNAUTHENTICATED (reason
// CURATOR_WRITES_DISABLED). Every error leaves through ToGrpcStatus with the
// catalogue's error domain.

#include <atomic>
#include <functional>
#include <memory>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "catalog_service/domain/catalog.h"
#include "catalog_service/grpc/film_bytes_cache.h"
#include "common/auth/token.h"
#include "common/concurrency/work_queue.h"
#include "common/grpc/call_limits.h"
#include "grpcpp/support/byte_buffer.h"
#include "grpcpp/support/slice.h"
#include "longtake/catalog/v1/catalog_service.grpc.pb.h"

namespace longtake::catalog {

// GetFilm, the hot path, is a raw method: it answers with the film's
// serialized bytes, cached per film version (name and etag) in a cache
// bounded by bytes, so a repeated read costs the etag's lookup and a
// reference count instead of decoding, converting and serializing.
class CatalogServiceImpl final
    : public ::longtake::catalog::v1::CatalogService::
          WithRawCallbackMethod_GetFilm<
              ::longtake::catalog::v1::CatalogService::CallbackService> {
 public:
  // `catalog`, `writes`, `imports` and `limits` must outlive the service.
  // `verifier` may be null (read-only service). Writes and searches are rate
  // limited by `limits`. `catalog` may be null while it loads: every call
  // then answers UNAVAILABLE (reason CATALOG_LOADING) until SetCatalog.
  // GetFilm keeps up to `film_cache_bytes` of serialized replies
  // (--film-cache-bytes).
  static constexpr size_t kDefaultFilmCacheBytes = 64 << 20;
  CatalogServiceImpl(Catalog* catalog, WorkQueue* writes, WorkQueue* imports,
                     const auth::TokenVerifier* verifier, CallLimits* limits,
                     size_t film_cache_bytes = kDefaultFilmCacheBytes);

  // Serves `catalog` from now on (once; it must outlive the service).
  void SetCatalog(Catalog* catalog);

  // For shutdown: from now on writes answer UNAVAILABLE (reason
  // SHUTTING_DOWN); waits up to `timeout` for accepted writes to finish their
  // calls. Returns whether they all did. Reads are unaffected (they finish
  // inside their callback, so they never linger).
  bool StopWritesAndWait(absl::Duration timeout);

  using Reactor = grpc::ServerUnaryReactor;
  using Context = grpc::CallbackServerContext;

  // Request: a GetFilmRequest; response: a Film (see the class comment).
  Reactor* GetFilm(Context* context, const grpc::ByteBuffer* request,
                   grpc::ByteBuffer* response) override;
  Reactor* ListFilms(Context* context, const v1::ListFilmsRequest* request,
                     v1::ListFilmsResponse* response) override;
  Reactor* BatchGetFilms(Context* context,
                         const v1::BatchGetFilmsRequest* request,
                         v1::BatchGetFilmsResponse* response) override;
  Reactor* SearchFilms(Context* context, const v1::SearchFilmsRequest* request,
                       v1::SearchFilmsResponse* response) override;
  Reactor* CreateFilm(Context* context, const v1::CreateFilmRequest* request,
                      v1::Film* response) override;
  Reactor* UpdateFilm(Context* context, const v1::UpdateFilmRequest* request,
                      v1::Film* response) override;
  Reactor* DeleteFilm(Context* context, const v1::DeleteFilmRequest* request,
                      google::protobuf::Empty* response) override;
  Reactor* ImportFilms(Context* context, const v1::ImportFilmsRequest* request,
                       v1::ImportFilmsResponse* response) override;

  Reactor* GetPerson(Context* context, const v1::GetPersonRequest* request,
                     v1::Person* response) override;
  Reactor* ListPeople(Context* context, const v1::ListPeopleRequest* request,
                      v1::ListPeopleResponse* response) override;
  Reactor* CreatePerson(Context* context,
                        const v1::CreatePersonRequest* request,
                        v1::Person* response) override;
  Reactor* UpdatePerson(Context* context,
                        const v1::UpdatePersonRequest* request,
                        v1::Person* response) override;
  Reactor* DeletePerson(Context* context,
                        const v1::DeletePersonRequest* request,
                        google::protobuf::Empty* response) override;
  Reactor* ListCollaborations(
      Context* context, const v1::ListCollaborationsRequest* request,
      v1::ListCollaborationsResponse* response) override;

  Reactor* GetSequence(Context* context, const v1::GetSequenceRequest* request,
                       v1::Sequence* response) override;
  Reactor* ListSequences(Context* context,
                         const v1::ListSequencesRequest* request,
                         v1::ListSequencesResponse* response) override;
  Reactor* CreateSequence(Context* context,
                          const v1::CreateSequenceRequest* request,
                          v1::Sequence* response) override;
  Reactor* UpdateSequence(Context* context,
                          const v1::UpdateSequenceRequest* request,
                          v1::Sequence* response) override;
  Reactor* DeleteSequence(Context* context,
                          const v1::DeleteSequenceRequest* request,
                          google::protobuf::Empty* response) override;

  Reactor* GetEra(Context* context, const v1::GetEraRequest* request,
                  v1::Era* response) override;
  Reactor* ListEras(Context* context, const v1::ListErasRequest* request,
                    v1::ListErasResponse* response) override;

 private:
  // Finishes `context`'s call with `status` (OK or converted error).
  static Reactor* Finish(Context* context, const absl::Status& status);
  // Authorises a write, then runs `write` (given the curator who asked) on
  // `queue` (the write queue unless given) and finishes the call with its
  // result. Never blocks the calling thread.
  using WriteTask = std::function<absl::Status(const auth::Principal& who)>;
  Reactor* Write(Context* context, WriteTask write, WorkQueue* queue = nullptr);
  absl::StatusOr<auth::Principal> AuthorizeWrite(const Context& context) const;
  // OK once there is a catalogue to serve; UNAVAILABLE CATALOG_LOADING
  // before.
  absl::Status CheckLoaded() const;

  // Written once (SetCatalog) before loaded_ is set, read after it is seen.
  Catalog* catalog_;
  WorkQueue* writes_;
  WorkQueue* imports_;
  const auth::TokenVerifier* verifier_;
  CallLimits* limits_;
  std::atomic<bool> loaded_{false};

  // The serialized v1.Film for `film`, made and cached.
  grpc::Slice SerializedFilm(const Film& film);

  // Serialized films by name and etag, bounded by bytes.
  FilmBytesCache film_cache_;

  absl::Mutex mu_;
  int pending_writes_ ABSL_GUARDED_BY(mu_) = 0;
  bool writes_stopped_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace longtake::catalog
