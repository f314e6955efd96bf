// Fuzzes the catalogue's requests as the server receives them: the input's
// first byte picks a request message, the rest is parsed as that message,
// and the request goes the adapter's way (catalog_service_impl.cc): the
// proto -> domain conversion (proto_conversion.h), then the Catalog method,
// over an in-memory SQLite store holding the seed. Writes run with
// validate_only, so every check runs but the catalogue stays as seeded and
// each input replays alone. A List answer with a next page is asked for
// again with its token.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "catalog_service/domain/catalog.h"
#include "catalog_service/grpc/proto_conversion.h"
#include "catalog_service/store/sqlite_catalog_store.h"
#include "common/grpc/request_fingerprint.h"
#include "common/grpc/well_known_types.h"
#include "longtake/catalog/v1/catalog_service.pb.h"
#include "tests/fuzz/fuzz_support.h"

namespace longtake::catalog {
namespace {

namespace v1 = ::longtake::catalog::v1;

Catalog* TheCatalog() {
  static Catalog* catalog = [] {
    auto store = OpenSqliteCatalogStore(":memory:");
    if (!store.ok()) std::abort();
    auto opened = Catalog::Open(*std::move(store));
    if (!opened.ok()) std::abort();
    absl::Status seeded = (*opened)->LoadSeedIfEmpty(
        absl::StrCat(LONGTAKE_SOURCE_DIR, "/data/seed/catalog.json"));
    if (!seeded.ok()) std::abort();
    return opened->release();
  }();
  return catalog;
}

template <typename Request>
WriteOptions OptionsOf(const Request& request) {
  WriteOptions options;
  options.request_id = request.request_id();
  options.validate_only = true;  // the catalogue stays as seeded
  options.caller = "fuzz-curator";
  options.request_hash = RequestFingerprint(request);
  return options;
}

// Proto in, domain call, proto out: ConvertCall of the adapter.
template <typename Proto, typename Call>
void ConvertCall(const Proto& in, absl::string_view field, Call call) {
  auto value = FromProto(in, field);
  if (!value.ok()) return;
  auto result = call(*std::move(value));
  if (!result.ok()) return;
  Proto out;
  ToProto(**result, &out);
}

// Calls `list` with `query`, then once more with the page token it gave.
template <typename Query, typename List>
void ListTwice(Query query, List list) {
  auto page = list(query);
  if (!page.ok() || page->next_page_token.empty()) return;
  query.page_token = page->next_page_token;
  (void)list(query);
}

void ListFilms(Catalog& c, const v1::ListFilmsRequest& r) {
  ListFilmsQuery q{r.page_size(), r.page_token(), r.filter(), r.order_by()};
  ListTwice(q, [&](const ListFilmsQuery& q) {
    auto page = c.ListFilms(q);
    if (page.ok()) {
      v1::ListFilmsResponse out;
      for (const auto& film : page->films) ToProto(*film, out.add_films());
    }
    return page;
  });
}

void BatchGetFilms(Catalog& c, const v1::BatchGetFilmsRequest& r) {
  (void)c.BatchGetFilms({r.names().begin(), r.names().end()});
}

void SearchFilms(Catalog& c, const v1::SearchFilmsRequest& r) {
  SearchQuery q{r.query(), r.page_size(), r.page_token()};
  ListTwice(q, [&](const SearchQuery& q) { return c.SearchFilms(q); });
}

void CreateFilm(Catalog& c, const v1::CreateFilmRequest& r) {
  ConvertCall(r.film(), "film", [&](Film film) {
    return c.CreateFilm(std::move(film), r.film_id(), OptionsOf(r));
  });
}

void UpdateFilm(Catalog& c, const v1::UpdateFilmRequest& r) {
  ConvertCall(r.film(), "film", [&](Film film) {
    return c.UpdateFilm(std::move(film), FieldMaskFromProto(r.update_mask()),
                        OptionsOf(r));
  });
}

void DeleteFilm(Catalog& c, const v1::DeleteFilmRequest& r) {
  (void)c.DeleteFilm(r.name(), r.etag(), OptionsOf(r));
}

void ImportFilms(Catalog& c, const v1::ImportFilmsRequest& r) {
  std::vector<ImportEntry> entries;
  for (int i = 0; i < r.entries_size(); ++i) {
    auto entry = FromProto(r.entries(i), absl::StrCat("entries[", i, "]"));
    if (entry.ok()) entries.push_back(*std::move(entry));
  }
  auto results = c.ImportFilms(std::move(entries), OptionsOf(r));
  if (!results.ok()) return;
  v1::ImportFilmsResponse out;
  for (const ImportEntryResult& result : *results) {
    ToProto(result, out.add_results());
  }
}

void GetPerson(Catalog& c, const v1::GetPersonRequest& r) {
  (void)c.GetPerson(r.name());
}

void ListPeople(Catalog& c, const v1::ListPeopleRequest& r) {
  ListPeopleQuery q{r.page_size(), r.page_token(), r.filter()};
  ListTwice(q, [&](const ListPeopleQuery& q) { return c.ListPeople(q); });
}

void CreatePerson(Catalog& c, const v1::CreatePersonRequest& r) {
  ConvertCall(r.person(), "person", [&](Person person) {
    return c.CreatePerson(std::move(person), r.person_id(), OptionsOf(r));
  });
}

void UpdatePerson(Catalog& c, const v1::UpdatePersonRequest& r) {
  ConvertCall(r.person(), "person", [&](Person person) {
    return c.UpdatePerson(std::move(person),
                          FieldMaskFromProto(r.update_mask()), OptionsOf(r));
  });
}

void DeletePerson(Catalog& c, const v1::DeletePersonRequest& r) {
  (void)c.DeletePerson(r.name(), r.etag(), OptionsOf(r));
}

void ListCollaborations(Catalog& c, const v1::ListCollaborationsRequest& r) {
  ListCollaborationsQuery q{r.person(), r.page_size(), r.page_token()};
  ListTwice(q, [&](const ListCollaborationsQuery& q) {
    return c.ListCollaborations(q);
  });
}

void GetSequence(Catalog& c, const v1::GetSequenceRequest& r) {
  (void)c.GetSequence(r.name());
}

void ListSequences(Catalog& c, const v1::ListSequencesRequest& r) {
  ListSequencesQuery q{r.parent(), r.page_size(), r.page_token(), r.filter()};
  ListTwice(q, [&](const ListSequencesQuery& q) { return c.ListSequences(q); });
}

void CreateSequence(Catalog& c, const v1::CreateSequenceRequest& r) {
  ConvertCall(r.sequence(), "sequence", [&](Sequence sequence) {
    return c.CreateSequence(r.parent(), std::move(sequence), r.sequence_id(),
                            OptionsOf(r));
  });
}

void UpdateSequence(Catalog& c, const v1::UpdateSequenceRequest& r) {
  ConvertCall(r.sequence(), "sequence", [&](Sequence sequence) {
    return c.UpdateSequence(std::move(sequence),
                            FieldMaskFromProto(r.update_mask()), OptionsOf(r));
  });
}

void DeleteSequence(Catalog& c, const v1::DeleteSequenceRequest& r) {
  (void)c.DeleteSequence(r.name(), r.etag(), OptionsOf(r));
}

void GetFilm(Catalog& c, const v1::GetFilmRequest& r) {
  auto film = c.GetFilm(r.name());
  if (film.ok()) {
    v1::Film out;
    ToProto(**film, &out);
  }
}

void GetEra(Catalog& c, const v1::GetEraRequest& r) {
  (void)c.GetEra(r.name());
}

void ListEras(Catalog& c, const v1::ListErasRequest& r) {
  struct Query {
    int page_size;
    std::string page_token;
  };
  ListTwice(Query{r.page_size(), r.page_token()}, [&](const Query& q) {
    return c.ListEras(q.page_size, q.page_token);
  });
}

// One request method: its message and its handler.
struct Method {
  const google::protobuf::Message* prototype;
  void (*call)(Catalog&, const google::protobuf::Message&);
};

template <typename Request, void (*kHandler)(Catalog&, const Request&)>
Method M() {
  return {&Request::default_instance(),
          [](Catalog& c, const google::protobuf::Message& m) {
            kHandler(c, static_cast<const Request&>(m));
          }};
}

// The selector byte modulo the size picks the method. Append only: the
// order is the corpus' meaning.
const std::vector<Method>& Methods() {
  static const std::vector<Method> methods = {
      M<v1::GetFilmRequest, GetFilm>(),
      M<v1::ListFilmsRequest, ListFilms>(),
      M<v1::BatchGetFilmsRequest, BatchGetFilms>(),
      M<v1::SearchFilmsRequest, SearchFilms>(),
      M<v1::CreateFilmRequest, CreateFilm>(),
      M<v1::UpdateFilmRequest, UpdateFilm>(),
      M<v1::DeleteFilmRequest, DeleteFilm>(),
      M<v1::ImportFilmsRequest, ImportFilms>(),
      M<v1::GetPersonRequest, GetPerson>(),
      M<v1::ListPeopleRequest, ListPeople>(),
      M<v1::CreatePersonRequest, CreatePerson>(),
      M<v1::UpdatePersonRequest, UpdatePerson>(),
      M<v1::DeletePersonRequest, DeletePerson>(),
      M<v1::ListCollaborationsRequest, ListCollaborations>(),
      M<v1::GetSequenceRequest, GetSequence>(),
      M<v1::ListSequencesRequest, ListSequences>(),
      M<v1::CreateSequenceRequest, CreateSequence>(),
      M<v1::UpdateSequenceRequest, UpdateSequence>(),
      M<v1::DeleteSequenceRequest, DeleteSequence>(),
      M<v1::GetEraRequest, GetEra>(),
      M<v1::ListErasRequest, ListEras>(),
  };
  return methods;
}

const google::protobuf::Message* P(uint8_t selector) {
  return Methods()[selector].prototype;
}

}  // namespace
}  // namespace longtake::catalog

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  using longtake::catalog::P;
  longtake::fuzz::WriteSeedsIfAsked({
      {0, P(0), R"pb(name: "films/the-cranes-are-flying")pb"},
      {1, P(1),
       R"pb(filter: "year >= 1955 AND (genre = \"war\" OR NOT country = \"SU\")"
            order_by: "year desc"
            page_size: 2)pb"},
      {1, P(1),
       R"pb(filter: "person = \"people/sergei-urusevsky\" AND technique = \"CAMERA_TECHNIQUE_CRANE_SHOT\""
            page_size: 1)pb"},
      {1, P(1), R"pb(filter: "title : \"cuba\" OR imdb_id = \"tt0050634\""
                     order_by: "title")pb"},
      {2, P(2),
       R"pb(names: "films/i-am-cuba" names: "films/letter-never-sent")pb"},
      {3, P(3), R"pb(query: "Kalatazov" page_size: 1)pb"},
      {3, P(3), R"pb(query: "летят журавли")pb"},
      {4, P(4), R"pb(film_id: "new-film"
                     request_id: "r1"
                     film {
                       title: "A New Film"
                       year: 1960
                       runtime_minutes: 90
                       countries: "SU"
                       languages: "ru"
                       genres: "drama"
                       credits {
                         person: "people/mikhail-kalatozov"
                         role: CREDIT_ROLE_DIRECTOR
                       }
                       awards { name: "Palme d'Or" event: "Cannes" year: 1958 }
                       ratings { source: "imdb" value: 8.1 votes: 100 }
                       external_ids { imdb_id: "tt0000001" tmdb_id: 5 }
                       create_time { seconds: 1 }
                     })pb"},
      {5, P(5),
       R"pb(film { name: "films/i-am-cuba" title: "Soy Cuba" }
            update_mask { paths: "title" paths: "original_titles" })pb"},
      {6, P(6), R"pb(name: "films/i-am-cuba" etag: "W/\"x\"")pb"},
      {7, P(7), R"pb(entries {
                       film {
                         title: "Imported"
                         year: 1970
                         credits {
                           display_name: "Someone New"
                           role: CREDIT_ROLE_CAST
                           character: "Hero"
                         }
                       }
                       people {
                         display_name: "Someone New"
                         birth_year: 1930
                         known_roles: CREDIT_ROLE_CAST
                       }
                       sequences {
                         title: "Opening"
                         start {
                           precision: PRECISION_APPROXIMATE
                           offset { seconds: 1500 }
                         }
                         techniques: CAMERA_TECHNIQUE_LONG_TAKE
                       }
                       source_line: 3
                     }
                     entries { film { title: "" year: -5 } })pb"},
      {8, P(8), R"pb(name: "people/mikhail-kalatozov")pb"},
      {9, P(9), R"pb(filter: "role = \"CREDIT_ROLE_CINEMATOGRAPHER\""
                     page_size: 1)pb"},
      {10, P(10), R"pb(person_id: "new-person"
                       person {
                         display_name: "New Person"
                         aliases: "NP"
                         birth_year: 1900
                         death_year: 1990
                         known_roles: CREDIT_ROLE_EDITOR
                         biography: "bio"
                       })pb"},
      {11, P(11), R"pb(person { name: "people/sergei-urusevsky" biography: "x" }
                       update_mask { paths: "*" })pb"},
      {12, P(12), R"pb(name: "people/sergei-urusevsky")pb"},
      {13, P(13), R"pb(person: "people/mikhail-kalatozov" page_size: 1)pb"},
      {14, P(14),
       R"pb(name: "films/the-cranes-are-flying/sequences/send-off")pb"},
      {15, P(15), R"pb(parent: "films/-"
                       filter: "technique = \"CAMERA_TECHNIQUE_HAND_HELD\""
                       page_size: 1)pb"},
      {16, P(16),
       R"pb(parent: "films/the-cranes-are-flying"
            sequence_id: "new-sequence"
            sequence {
              title: "New"
              description: "d"
              start {
                precision: PRECISION_RELATIVE
                relative_to: "films/the-cranes-are-flying/sequences/send-off"
                relation: RELATION_AFTER
              }
              duration { seconds: 60 }
              techniques: CAMERA_TECHNIQUE_CRANE_SHOT
              characters: "Veronika"
              filming_method: "crane"
            })pb"},
      {16, P(16),
       R"pb(parent: "films/the-cranes-are-flying"
            sequence_id: "fraction"
            sequence {
              title: "Late"
              start { precision: PRECISION_FRACTION_OF_RUNTIME fraction: 0.75 }
            })pb"},
      {17, P(17), R"pb(sequence {
                         name: "films/the-cranes-are-flying/sequences/staircase"
                         title: "Stairs"
                         start {
                           precision: PRECISION_EXACT
                           offset { seconds: 100 nanos: 5 }
                         }
                       }
                       update_mask { paths: "title" paths: "start" })pb"},
      {18, P(18),
       R"pb(name: "films/the-cranes-are-flying/sequences/staircase")pb"},
      {19, P(19), R"pb(name: "eras/khrushchev-thaw")pb"},
      {20, P(20), R"pb(page_size: 1)pb"},
  });
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace longtake::catalog;
  if (size == 0) return 0;
  const Method& method = Methods()[data[0] % Methods().size()];
  std::unique_ptr<google::protobuf::Message> request(method.prototype->New());
  if (!request->ParseFromArray(data + 1, static_cast<int>(size - 1))) return 0;
  method.call(*TheCatalog(), *request);
  return 0;
}
