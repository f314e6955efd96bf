#include "catalog_service/grpc/catalog_service_impl.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "catalog_service/domain/catalog_errors.h"
#include "catalog_service/grpc/proto_conversion.h"
#include "common/grpc/call_auth.h"
#include "common/grpc/request_fingerprint.h"
#include "common/grpc/server_runner.h"
#include "common/grpc/status_adapter.h"
#include "common/grpc/well_known_types.h"
#include "common/status/errors.h"
#include "grpcpp/impl/serialization_traits.h"

namespace longtake::catalog {
namespace {

// The write options of a request: its id, scoped to the caller, and its
// fingerprint (common/domain/request_record.h).
template <typename Request>
WriteOptions OptionsOf(const auth::Principal& who, const Request& request) {
  WriteOptions options;
  options.request_id = request.request_id();
  if constexpr (requires { request.validate_only(); }) {
    options.validate_only = request.validate_only();
  }
  options.caller = who.user;
  options.request_hash = RequestFingerprint(request);
  return options;
}

// The create/update shape: convert the proto in, call the domain with it,
// convert the stored result out.
template <typename Proto, typename Call>
absl::Status ConvertCall(const Proto& in, absl::string_view field,
                         Proto* response, Call call) {
  LONGTAKE_ASSIGN_OR_RETURN(auto value, FromProto(in, field));
  LONGTAKE_ASSIGN_OR_RETURN(auto result, call(std::move(value)));
  ToProto(*result, response);
  return absl::OkStatus();
}

}  // namespace

CatalogServiceImpl::CatalogServiceImpl(Catalog* catalog, WorkQueue* writes,
                                       WorkQueue* imports,
                                       const auth::TokenVerifier* verifier,
                                       CallLimits* limits,
                                       size_t film_cache_bytes)
    : catalog_(catalog),
      writes_(writes),
      imports_(imports),
      verifier_(verifier),
      limits_(limits),
      loaded_(catalog != nullptr),
      film_cache_(film_cache_bytes) {}

void CatalogServiceImpl::SetCatalog(Catalog* catalog) {
  catalog_ = catalog;
  loaded_.store(true, std::memory_order_release);
}

absl::Status CatalogServiceImpl::CheckLoaded() const {
  if (loaded_.load(std::memory_order_acquire)) return absl::OkStatus();
  return ErrorWithReason(absl::StatusCode::kUnavailable, kCatalogLoading,
                         "the catalogue is still loading: retry in a few "
                         "seconds");
}

CatalogServiceImpl::Reactor* CatalogServiceImpl::Finish(
    Context* context, const absl::Status& status) {
  Reactor* reactor = context->DefaultReactor();
  reactor->Finish(status.ok() ? grpc::Status::OK
                              : ToGrpcStatus(status, kCatalogErrorDomain));
  return reactor;
}

absl::StatusOr<auth::Principal> CatalogServiceImpl::AuthorizeWrite(
    const Context& context) const {
  if (verifier_ == nullptr) {
    return ErrorWithReason(
        absl::StatusCode::kUnauthenticated, kCuratorWritesDisabled,
        "curator writes are disabled: no token secret or JWKS configured");
  }
  absl::StatusOr<auth::Principal> principal =
      AuthenticateCall(context, *verifier_);
  if (!principal.ok()) return principal.status();
  LONGTAKE_RETURN_IF_ERROR(RequireCurator(*principal));
  return principal;
}

CatalogServiceImpl::Reactor* CatalogServiceImpl::Write(Context* context,
                                                       WriteTask write,
                                                       WorkQueue* queue) {
  if (absl::Status s = CheckLoaded(); !s.ok()) return Finish(context, s);
  absl::StatusOr<auth::Principal> who = AuthorizeWrite(*context);
  if (!who.ok()) return Finish(context, who.status());
  if (absl::Status s = limits_->AdmitWrite(*context, who->user); !s.ok()) {
    return Finish(context, s);
  }
  const absl::Status shutting_down = ShuttingDownError("catalogue");
  {
    absl::MutexLock lock(&mu_);
    if (writes_stopped_) return Finish(context, shutting_down);
    ++pending_writes_;
  }
  Reactor* reactor = context->DefaultReactor();
  auto task = [this, reactor, who = *std::move(who), write = std::move(write)] {
    absl::Status status = write(who);
    reactor->Finish(status.ok() ? grpc::Status::OK
                                : ToGrpcStatus(status, kCatalogErrorDomain));
    absl::MutexLock lock(&mu_);
    --pending_writes_;
  };
  if ((queue != nullptr ? queue : writes_)->Submit(std::move(task)) !=
      WorkQueue::Admission::kQueued) {
    {
      absl::MutexLock lock(&mu_);
      --pending_writes_;
    }
    reactor->Finish(ToGrpcStatus(shutting_down, kCatalogErrorDomain));
  }
  return reactor;
}

bool CatalogServiceImpl::StopWritesAndWait(absl::Duration timeout) {
  absl::MutexLock lock(&mu_);
  writes_stopped_ = true;
  auto idle = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return pending_writes_ == 0;
  };
  return mu_.AwaitWithTimeout(absl::Condition(&idle), timeout);
}

// ---- Films ----

grpc::Slice CatalogServiceImpl::SerializedFilm(const Film& film) {
  v1::Film proto;
  ToProto(film, &proto);
  grpc::Slice slice(proto.SerializeAsString());
  film_cache_.Put(film.name, film.etag, slice);
  return slice;
}

CatalogServiceImpl::Reactor* CatalogServiceImpl::GetFilm(
    Context* context, const grpc::ByteBuffer* request,
    grpc::ByteBuffer* response) {
  if (absl::Status s = CheckLoaded(); !s.ok()) return Finish(context, s);
  v1::GetFilmRequest parsed;
  grpc::ByteBuffer copy(*request);  // shares the slices
  if (!grpc::SerializationTraits<v1::GetFilmRequest>::Deserialize(&copy,
                                                                  &parsed)
           .ok()) {
    return Finish(context, InvalidRequest("request is not a GetFilmRequest"));
  }
  // The etag names the version: a cached one is answered without decoding.
  absl::StatusOr<std::string> etag = catalog_->GetFilmEtag(parsed.name());
  if (!etag.ok()) return Finish(context, etag.status());
  std::optional<grpc::Slice> cached = film_cache_.Find(parsed.name(), *etag);
  if (!cached) {
    auto film = catalog_->GetFilm(parsed.name());
    if (!film.ok()) return Finish(context, film.status());
    cached = SerializedFilm(**film);
  }
  grpc::Slice bytes = std::move(*cached);
  grpc::ByteBuffer out(&bytes, 1);
  response->Swap(&out);
  return Finish(context, absl::OkStatus());
}

CatalogServiceImpl::Reactor* CatalogServiceImpl::ListFilms(
    Context* context, const v1::ListFilmsRequest* request,
    v1::ListFilmsResponse* response) {
  if (absl::Status s = CheckLoaded(); !s.ok()) return Finish(context, s);
  ListFilmsQuery query;
  query.page_size = request->page_size();
  query.page_token = request->page_token();
  query.filter = request->filter();
  query.order_by = request->order_by();
  auto page = catalog_->ListFilms(query);
  if (!page.ok()) return Finish(context, page.status());
  response->mutable_films()->Reserve(static_cast<int>(page->films.size()));
  for (const auto& film : page->films) ToProto(*film, response->add_films());
  response->set_next_page_token(std::move(page->next_page_token));
  return Finish(context, absl::OkStatus());
}

CatalogServiceImpl::Reactor* CatalogServiceImpl::BatchGetFilms(
    Context* context, const v1::BatchGetFilmsRequest* request,
    v1::BatchGetFilmsResponse* response) {
  if (absl::Status s = CheckLoaded(); !s.ok()) return Finish(context, s);
  std::vector<std::string> names(request->names().begin(),
                                 request->names().end());
  auto films = catalog_->BatchGetFilms(names);
  if (!films.ok()) return Finish(context, films.status());
  response->mutable_films()->Reserve(static_cast<int>(films->size()));
  for (const auto& film : *films) ToProto(*film, response->add_films());
  return Finish(context, absl::OkStatus());
}

CatalogServiceImpl::Reactor* CatalogServiceImpl::SearchFilms(
    Context* context, const v1::SearchFilmsRequest* request,
    v1::SearchFilmsResponse* response) {
  if (absl::Status s = CheckLoaded(); !s.ok()) return Finish(context, s);
  // Search is open to anonymous callers: a valid token puts the caller's own
  // limit first, any other call counts against its address only.
  std::string user;
  if (verifier_ != nullptr &&
      context->client_metadata().count("authorization") > 0) {
    if (auto who = AuthenticateCall(*context, *verifier_); who.ok()) {
      user = who->user;
    }
  }
  if (absl::Status s = limits_->AdmitSearch(*context, user); !s.ok()) {
    return Finish(context, s);
  }
  SearchQuery query;
  query.query = request->query();
  query.page_size = request->page_size();
  query.page_token = request->page_token();
  auto page = catalog_->SearchFilms(query);
  if (!page.ok()) return Finish(context, page.status());
  for (const SearchResult& result : page->results) {
    v1::SearchFilmsResult* out = response->add_results();
    ToProto(*result.film, out->mutable_film());
    out->set_score(result.score);
    for (const std::string& field : result.matched_fields) {
      out->add_matched_fields(field);
    }
  }
  response->set_next_page_token(std::move(page->next_page_token));
  return Finish(context, absl::OkStatus());
}

CatalogServiceImpl::Reactor* CatalogServiceImpl::CreateFilm(
    Context* context, const v1::CreateFilmRequest* request,
    v1::Film* response) {
  return Write(context, [this, request, response](const auth::Principal& who) {
    return ConvertCall(request->film(), "film", response, [&](Film film) {
      return catalog_->CreateFilm(std::move(film), request->film_id(),
                                  OptionsOf(who, *request));
    });
  });
}

CatalogServiceImpl::Reactor* CatalogServiceImpl::UpdateFilm(
    Context* context, const v1::UpdateFilmRequest* request,
    v1::Film* response) {
  return Write(context, [this, request, response](const auth::Principal& who) {
    return ConvertCall(request->film(), "film", response, [&](Film film) {
      return catalog_->UpdateFilm(std::move(film),
                                  FieldMaskFromProto(request->update_mask()),
                                  OptionsOf(who, *request));
    });
  });
}

CatalogServiceImpl::Reactor* CatalogServiceImpl::DeleteFilm(
    Context* context, const v1::DeleteFilmRequest* request,
    google::protobuf::Empty* /*response*/) {
  return Write(context, [this, request](const auth::Principal& who) {
    return catalog_->DeleteFilm(request->name(), request->etag(),
                                OptionsOf(who, *request));
  });
}

CatalogServiceImpl::Reactor* CatalogServiceImpl::ImportFilms(
    Context* context, const v1::ImportFilmsRequest* request,
    v1::ImportFilmsResponse* response) {
  return Write(
      context,
      [this, request, response](const auth::Principal& who) -> absl::Status {
        // An entry the domain types cannot even hold (an undefined enum number)
        // is reported in place; the others go to the domain.
        const int n = request->entries_size();
        std::vector<ImportEntry> entries;
        std::vector<int> domain_index;  // request index of each domain entry
        std::vector<ImportEntryResult> results(n);
        std::vector<bool> converted(n, false);
        entries.reserve(n);
        for (int i = 0; i < n; ++i) {
          auto entry =
              FromProto(request->entries(i), absl::StrCat("entries[", i, "]"));
          if (!entry.ok()) {
            results[i].source_line = request->entries(i).source_line();
            results[i].status = entry.status();
            continue;
          }
          converted[i] = true;
          domain_index.push_back(i);
          entries.push_back(*std::move(entry));
        }
        LONGTAKE_ASSIGN_OR_RETURN(
            std::vector<ImportEntryResult> done,
            catalog_->ImportFilms(std::move(entries),
                                  OptionsOf(who, *request)));
        if (done.size() != domain_index.size()) {
          return absl::InternalError(
              absl::StrCat("import returned ", done.size(), " results for ",
                           domain_index.size(), " entries"));
        }
        for (size_t k = 0; k < done.size(); ++k) {
          results[domain_index[k]] = std::move(done[k]);
        }
        int created = 0, failed = 0;
        for (const ImportEntryResult& result : results) {
          ToProto(result, response->add_results());
          (result.status.ok() ? created : failed)++;
        }
        response->set_created_count(created);
        response->set_failed_count(failed);
        return absl::OkStatus();
      },
      imports_);
}

// ---- People ----

CatalogServiceImpl::Reactor* CatalogServiceImpl::GetPerson(
    Context* context, const v1::GetPersonRequest* request,
    v1::Person* response) {
  if (absl::Status s = CheckLoaded(); !s.ok()) return Finish(context, s);
  auto person = catalog_->GetPerson(request->name());
  if (!person.ok()) return Finish(context, person.status());
  ToProto(**person, response);
  return Finish(context, absl::OkStatus());
}

CatalogServiceImpl::Reactor* CatalogServiceImpl::ListPeople(
    Context* context, const v1::ListPeopleRequest* request,
    v1::ListPeopleResponse* response) {
  if (absl::Status s = CheckLoaded(); !s.ok()) return Finish(context, s);
  ListPeopleQuery query;
  query.page_size = request->page_size();
  query.page_token = request->page_token();
  query.filter = request->filter();
  auto page = catalog_->ListPeople(query);
  if (!page.ok()) return Finish(context, page.status());
  for (const auto& person : page->people)
    ToProto(*person, response->add_people());
  response->set_next_page_token(std::move(page->next_page_token));
  return Finish(context, absl::OkStatus());
}

CatalogServiceImpl::Reactor* CatalogServiceImpl::CreatePerson(
    Context* context, const v1::CreatePersonRequest* request,
    v1::Person* response) {
  return Write(context, [this, request, response](const auth::Principal& who) {
    return ConvertCall(
        request->person(), "person", response, [&](Person person) {
          return catalog_->CreatePerson(std::move(person), request->person_id(),
                                        OptionsOf(who, *request));
        });
  });
}

CatalogServiceImpl::Reactor* CatalogServiceImpl::UpdatePerson(
    Context* context, const v1::UpdatePersonRequest* request,
    v1::Person* response) {
  return Write(context, [this, request, response](const auth::Principal& who) {
    return ConvertCall(
        request->person(), "person", response, [&](Person person) {
          return catalog_->UpdatePerson(
              std::move(person), FieldMaskFromProto(request->update_mask()),
              OptionsOf(who, *request));
        });
  });
}

CatalogServiceImpl::Reactor* CatalogServiceImpl::DeletePerson(
    Context* context, const v1::DeletePersonRequest* request,
    google::protobuf::Empty* /*response*/) {
  return Write(context, [this, request](const auth::Principal& who) {
    return catalog_->DeletePerson(request->name(), request->etag(),
                                  OptionsOf(who, *request));
  });
}

CatalogServiceImpl::Reactor* CatalogServiceImpl::ListCollaborations(
    Context* context, const v1::ListCollaborationsRequest* request,
    v1::ListCollaborationsResponse* response) {
  if (absl::Status s = CheckLoaded(); !s.ok()) return Finish(context, s);
  ListCollaborationsQuery query;
  query.person = request->person();
  query.page_size = request->page_size();
  query.page_token = request->page_token();
  auto page = catalog_->ListCollaborations(query);
  if (!page.ok()) return Finish(context, page.status());
  for (const Collaboration& c : page->collaborations) {
    ToProto(c, response->add_collaborations());
  }
  response->set_next_page_token(std::move(page->next_page_token));
  return Finish(context, absl::OkStatus());
}

// ---- Sequences ----

CatalogServiceImpl::Reactor* CatalogServiceImpl::GetSequence(
    Context* context, const v1::GetSequenceRequest* request,
    v1::Sequence* response) {
  if (absl::Status s = CheckLoaded(); !s.ok()) return Finish(context, s);
  auto sequence = catalog_->GetSequence(request->name());
  if (!sequence.ok()) return Finish(context, sequence.status());
  ToProto(**sequence, response);
  return Finish(context, absl::OkStatus());
}

CatalogServiceImpl::Reactor* CatalogServiceImpl::ListSequences(
    Context* context, const v1::ListSequencesRequest* request,
    v1::ListSequencesResponse* response) {
  if (absl::Status s = CheckLoaded(); !s.ok()) return Finish(context, s);
  ListSequencesQuery query;
  query.parent = request->parent();
  query.page_size = request->page_size();
  query.page_token = request->page_token();
  query.filter = request->filter();
  auto page = catalog_->ListSequences(query);
  if (!page.ok()) return Finish(context, page.status());
  for (const auto& s : page->sequences) ToProto(*s, response->add_sequences());
  response->set_next_page_token(std::move(page->next_page_token));
  return Finish(context, absl::OkStatus());
}

CatalogServiceImpl::Reactor* CatalogServiceImpl::CreateSequence(
    Context* context, const v1::CreateSequenceRequest* request,
    v1::Sequence* response) {
  return Write(context, [this, request, response](const auth::Principal& who) {
    return ConvertCall(request->sequence(), "sequence", response,
                       [&](Sequence sequence) {
                         return catalog_->CreateSequence(
                             request->parent(), std::move(sequence),
                             request->sequence_id(), OptionsOf(who, *request));
                       });
  });
}

CatalogServiceImpl::Reactor* CatalogServiceImpl::UpdateSequence(
    Context* context, const v1::UpdateSequenceRequest* request,
    v1::Sequence* response) {
  return Write(context, [this, request, response](const auth::Principal& who) {
    return ConvertCall(
        request->sequence(), "sequence", response, [&](Sequence sequence) {
          return catalog_->UpdateSequence(
              std::move(sequence), FieldMaskFromProto(request->update_mask()),
              OptionsOf(who, *request));
        });
  });
}

CatalogServiceImpl::Reactor* CatalogServiceImpl::DeleteSequence(
    Context* context, const v1::DeleteSequenceRequest* request,
    google::protobuf::Empty* /*response*/) {
  return Write(context, [this, request](const auth::Principal& who) {
    return catalog_->DeleteSequence(request->name(), request->etag(),
                                    OptionsOf(who, *request));
  });
}

// ---- Eras ----

CatalogServiceImpl::Reactor* CatalogServiceImpl::GetEra(
    Context* context, const v1::GetEraRequest* request, v1::Era* response) {
  if (absl::Status s = CheckLoaded(); !s.ok()) return Finish(context, s);
  auto era = catalog_->GetEra(request->name());
  if (!era.ok()) return Finish(context, era.status());
  ToProto(**era, response);
  return Finish(context, absl::OkStatus());
}

CatalogServiceImpl::Reactor* CatalogServiceImpl::ListEras(
    Context* context, const v1::ListErasRequest* request,
    v1::ListErasResponse* response) {
  if (absl::Status s = CheckLoaded(); !s.ok()) return Finish(context, s);
  auto page = catalog_->ListEras(request->page_size(), request->page_token());
  if (!page.ok()) return Finish(context, page.status());
  for (const auto& era : page->eras) ToProto(*era, response->add_eras());
  response->set_next_page_token(std::move(page->next_page_token));
  return Finish(context, absl::OkStatus());
}

}  // namespace longtake::catalog
