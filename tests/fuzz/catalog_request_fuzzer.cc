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
  return fuzz::ValidateOnlyOptions<WriteOptions>(request, "fuzz-curator");
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

// Create{Film,Person}: the resource from the request, its id, the options.
template <typename Proto, typename Request, typename Create>
void CreateCall(Catalog& c, const Proto& in, absl::string_view field,
                const std::string& id, const Request& r, Create create) {
  ConvertCall(in, field, [&](auto value) {
    return (c.*create)(std::move(value), id, OptionsOf(r));
  });
}

// Update{Film,Person,Sequence}: the resource, the request's mask, options.
template <typename Proto, typename Request, typename Update>
void UpdateCall(Catalog& c, const Proto& in, absl::string_view field,
                const Request& r, Update update) {
  ConvertCall(in, field, [&](auto value) {
    return (c.*update)(std::move(value), FieldMaskFromProto(r.update_mask()),
                       OptionsOf(r));
  });
}

using fuzz::ListTwice;

// Get{Person,Sequence,Era}: a read by name.
template <typename Request, auto kGet>
void GetByName(Catalog& c, const Request& r) {
  (void)(c.*kGet)(r.name());
}

// Delete{Film,Person,Sequence}: the name, its etag, the options.
template <typename Request, auto kDelete>
void DeleteByName(Catalog& c, const Request& r) {
  (void)(c.*kDelete)(r.name(), r.etag(), OptionsOf(r));
}

void GetFilm(Catalog& c, const v1::GetFilmRequest& r) {
  auto film = c.GetFilm(r.name());
  if (film.ok()) {
    v1::Film out;
    ToProto(**film, &out);
  }
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

void ListPeople(Catalog& c, const v1::ListPeopleRequest& r) {
  ListPeopleQuery q{r.page_size(), r.page_token(), r.filter()};
  ListTwice(q, [&](const ListPeopleQuery& q) { return c.ListPeople(q); });
}

void ListCollaborations(Catalog& c, const v1::ListCollaborationsRequest& r) {
  ListCollaborationsQuery q{r.person(), r.page_size(), r.page_token()};
  ListTwice(q, [&](const ListCollaborationsQuery& q) {
    return c.ListCollaborations(q);
  });
}

void ListSequences(Catalog& c, const v1::ListSequencesRequest& r) {
  ListSequencesQuery q{r.parent(), r.page_size(), r.page_token(), r.filter()};
  ListTwice(q, [&](const ListSequencesQuery& q) { return c.ListSequences(q); });
}

void ListEras(Catalog& c, const v1::ListErasRequest& r) {
  ListTwice(fuzz::PageQuery{r.page_size(), r.page_token()},
            [&](const fuzz::PageQuery& q) {
              return c.ListEras(q.page_size, q.page_token);
            });
}

// Writes, by verb.

void CreateFilm(Catalog& c, const v1::CreateFilmRequest& r) {
  CreateCall(c, r.film(), "film", r.film_id(), r, &Catalog::CreateFilm);
}

void CreatePerson(Catalog& c, const v1::CreatePersonRequest& r) {
  CreateCall(c, r.person(), "person", r.person_id(), r, &Catalog::CreatePerson);
}

void CreateSequence(Catalog& c, const v1::CreateSequenceRequest& r) {
  ConvertCall(r.sequence(), "sequence", [&](Sequence sequence) {
    return c.CreateSequence(r.parent(), std::move(sequence), r.sequence_id(),
                            OptionsOf(r));
  });
}

void UpdateFilm(Catalog& c, const v1::UpdateFilmRequest& r) {
  UpdateCall(c, r.film(), "film", r, &Catalog::UpdateFilm);
}

void UpdatePerson(Catalog& c, const v1::UpdatePersonRequest& r) {
  UpdateCall(c, r.person(), "person", r, &Catalog::UpdatePerson);
}

void UpdateSequence(Catalog& c, const v1::UpdateSequenceRequest& r) {
  UpdateCall(c, r.sequence(), "sequence", r, &Catalog::UpdateSequence);
}

// The reads by name and the deletes, for the table below.
constexpr auto GetPerson =
    &GetByName<v1::GetPersonRequest, &Catalog::GetPerson>;
constexpr auto GetSequence =
    &GetByName<v1::GetSequenceRequest, &Catalog::GetSequence>;
constexpr auto GetEra = &GetByName<v1::GetEraRequest, &Catalog::GetEra>;
constexpr auto DeleteFilm =
    &DeleteByName<v1::DeleteFilmRequest, &Catalog::DeleteFilm>;
constexpr auto DeletePerson =
    &DeleteByName<v1::DeletePersonRequest, &Catalog::DeletePerson>;
constexpr auto DeleteSequence =
    &DeleteByName<v1::DeleteSequenceRequest, &Catalog::DeleteSequence>;

// The selector byte modulo the size picks the method. Append only: the
// order is the corpus' meaning.
const std::vector<fuzz::RequestMethod<Catalog>>& Methods() {
  static const std::vector<fuzz::RequestMethod<Catalog>> methods = {
      // 0
      fuzz::Method<GetFilm>({R"pb(name: "films/the-cranes-are-flying")pb"}),
      // 1
      fuzz::Method<ListFilms>(
          {R"pb(filter: "year >= 1955 AND (genre = \"war\" OR NOT country = \"SU\")"
                order_by: "year desc"
                page_size: 2)pb",
           R"pb(filter: "person = \"people/sergei-urusevsky\" AND technique = \"CAMERA_TECHNIQUE_CRANE_SHOT\""
                page_size: 1)pb",
           R"pb(filter: "title : \"cuba\" OR imdb_id = \"tt0050634\""
                order_by: "title")pb"}),
      // 2
      fuzz::Method<BatchGetFilms>({R"pb(names: "films/i-am-cuba"
                                        names: "films/letter-never-sent")pb"}),
      // 3
      fuzz::Method<SearchFilms>({R"pb(query: "Kalatazov" page_size: 1)pb",
                                 R"pb(query: "летят журавли")pb"}),
      // 4
      fuzz::Method<CreateFilm>(
          {R"pb(film_id: "new-film"
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
                })pb"}),
      // 5
      fuzz::Method<UpdateFilm>(
          {R"pb(film { name: "films/i-am-cuba" title: "Soy Cuba" }
                update_mask { paths: "title" paths: "original_titles" })pb"}),
      // 6
      fuzz::Method<DeleteFilm>(
          {R"pb(name: "films/i-am-cuba" etag: "W/\"x\"")pb"}),
      // 7
      fuzz::Method<ImportFilms>(
          {R"pb(entries {
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
                entries { film { title: "" year: -5 } })pb"}),
      // 8
      fuzz::Method<GetPerson>({R"pb(name: "people/mikhail-kalatozov")pb"}),
      // 9
      fuzz::Method<
          ListPeople>({R"pb(filter: "role = \"CREDIT_ROLE_CINEMATOGRAPHER\""
                            page_size: 1)pb"}),
      // 10
      fuzz::Method<CreatePerson>({R"pb(person_id: "new-person"
                                       person {
                                         display_name: "New Person"
                                         aliases: "NP"
                                         birth_year: 1900
                                         death_year: 1990
                                         known_roles: CREDIT_ROLE_EDITOR
                                         biography: "bio"
                                       })pb"}),
      // 11
      fuzz::Method<UpdatePerson>(
          {R"pb(person { name: "people/sergei-urusevsky" biography: "x" }
                update_mask { paths: "*" })pb"}),
      // 12
      fuzz::Method<DeletePerson>({R"pb(name: "people/sergei-urusevsky")pb"}),
      // 13
      fuzz::Method<ListCollaborations>({R"pb(person: "people/mikhail-kalatozov"
                                             page_size: 1)pb"}),
      // 14
      fuzz::Method<GetSequence>(
          {R"pb(name: "films/the-cranes-are-flying/sequences/send-off")pb"}),
      // 15
      fuzz::Method<ListSequences>(
          {R"pb(parent: "films/-"
                filter: "technique = \"CAMERA_TECHNIQUE_HAND_HELD\""
                page_size: 1)pb"}),
      // 16
      fuzz::Method<CreateSequence>(
          {R"pb(parent: "films/the-cranes-are-flying"
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
                })pb",
           R"pb(parent: "films/the-cranes-are-flying"
                sequence_id: "fraction"
                sequence {
                  title: "Late"
                  start {
                    precision: PRECISION_FRACTION_OF_RUNTIME
                    fraction: 0.75
                  }
                })pb"}),
      // 17
      fuzz::Method<UpdateSequence>(
          {R"pb(sequence {
                  name: "films/the-cranes-are-flying/sequences/staircase"
                  title: "Stairs"
                  start {
                    precision: PRECISION_EXACT
                    offset { seconds: 100 nanos: 5 }
                  }
                }
                update_mask { paths: "title" paths: "start" })pb"}),
      // 18
      fuzz::Method<DeleteSequence>(
          {R"pb(name: "films/the-cranes-are-flying/sequences/staircase")pb"}),
      // 19
      fuzz::Method<GetEra>({R"pb(name: "eras/khrushchev-thaw")pb"}),
      // 20
      fuzz::Method<ListEras>({R"pb(page_size: 1)pb"}),
  };
  return methods;
}

}  // namespace
}  // namespace longtake::catalog

LONGTAKE_REQUEST_FUZZER(longtake::catalog::Methods(),
                        *longtake::catalog::TheCatalog())
