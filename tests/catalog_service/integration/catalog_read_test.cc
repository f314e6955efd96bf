// Read RPCs against the real binary with the seed catalogue. One server for
// the whole suite: nothing here writes.

#include <algorithm>
#include <map>
#include <set>

#include "google/protobuf/unknown_field_set.h"
#include "google/protobuf/wrappers.pb.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/impl/client_unary_call.h"
#include "grpcpp/impl/rpc_method.h"
#include "grpcpp/support/byte_buffer.h"
#include "grpcpp/support/sync_stream.h"
#include "tests/catalog_service/integration/catalog_test_support.h"
#include "tests/support/seed_films.h"

namespace longtake::catalog::testing {
namespace {
namespace seed = ::longtake::testing::seed;

using ::testing::ElementsAre;
using ::testing::UnorderedElementsAre;

class CatalogReadTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new ScopedTempDir();
    server_ = new CatalogServer(StartCatalog(CatalogArgs(dir_->path())));
  }
  static void TearDownTestSuite() {
    if (server_->process != nullptr) {
      EXPECT_EQ(server_->process->Stop(), 0);
    }
    delete server_;
    delete dir_;
  }
  void SetUp() override {
    ASSERT_NE(server_->process, nullptr) << "server did not start";
  }

  pb::CatalogService::Stub& stub() { return *server_->stub; }

  // Every film matching `filter`, following page tokens.
  std::vector<pb::Film> ListAll(const std::string& filter, int page_size = 0) {
    std::vector<pb::Film> films;
    std::string token;
    for (int pages = 0; pages < 100; ++pages) {
      pb::ListFilmsRequest request;
      request.set_filter(filter);
      request.set_page_size(page_size);
      request.set_page_token(token);
      pb::ListFilmsResponse response;
      grpc::Status status =
          stub().ListFilms(CallContext().get(), request, &response);
      EXPECT_TRUE(status.ok()) << filter << ": " << status.error_message();
      if (!status.ok()) break;
      films.insert(films.end(), response.films().begin(),
                   response.films().end());
      token = response.next_page_token();
      if (token.empty()) break;
    }
    return films;
  }

  std::vector<std::string> Titles(const std::string& filter) {
    std::vector<std::string> titles;
    for (const pb::Film& f : ListAll(filter)) titles.push_back(f.title());
    return titles;
  }

  std::string FilmName(const std::string& title) {
    for (const pb::Film& f : ListAll("")) {
      if (f.title() == title) return f.name();
    }
    ADD_FAILURE() << "no film titled " << title;
    return "films/missing";
  }

  std::string PersonName(const std::string& display_name) {
    std::string token;
    for (int pages = 0; pages < 100; ++pages) {
      pb::ListPeopleRequest request;
      request.set_page_token(token);
      pb::ListPeopleResponse response;
      grpc::Status status =
          stub().ListPeople(CallContext().get(), request, &response);
      EXPECT_TRUE(status.ok()) << status.error_message();
      if (!status.ok()) break;
      for (const pb::Person& p : response.people()) {
        if (p.display_name() == display_name) return p.name();
      }
      token = response.next_page_token();
      if (token.empty()) break;
    }
    ADD_FAILURE() << "no person named " << display_name;
    return "people/missing";
  }

  static ScopedTempDir* dir_;
  static CatalogServer* server_;
};

ScopedTempDir* CatalogReadTest::dir_ = nullptr;
CatalogServer* CatalogReadTest::server_ = nullptr;

TEST_F(CatalogReadTest, ListFilmsReturnsTheFourSeedFilms) {
  std::vector<pb::Film> films = ListAll("");
  std::vector<std::string> titles;
  for (const pb::Film& f : films) {
    titles.push_back(f.title());
    EXPECT_TRUE(absl::StartsWith(f.name(), "films/")) << f.name();
    EXPECT_FALSE(f.etag().empty()) << f.name();
  }
  EXPECT_THAT(titles,
              UnorderedElementsAre(seed::kEchelonTitle, seed::kCranesTitle,
                                   seed::kLetterTitle, seed::kCubaTitle));
}

TEST_F(CatalogReadTest, OrderByYear) {
  pb::ListFilmsRequest request;
  request.set_order_by("year");
  pb::ListFilmsResponse response;
  ASSERT_TRUE(stub().ListFilms(CallContext().get(), request, &response).ok());
  std::vector<int> years;
  for (const auto& f : response.films()) years.push_back(f.year());
  EXPECT_THAT(years, ElementsAre(1955, 1957, 1959, 1964));
  request.set_order_by("year desc");
  response.Clear();
  ASSERT_TRUE(stub().ListFilms(CallContext().get(), request, &response).ok());
  years.clear();
  for (const auto& f : response.films()) years.push_back(f.year());
  EXPECT_THAT(years, ElementsAre(1964, 1959, 1957, 1955));
}

TEST_F(CatalogReadTest, PaginatesOneFilmPerPageToTheEnd) {
  std::vector<std::string> names;
  std::string token;
  int pages = 0;
  while (true) {
    pb::ListFilmsRequest request;
    request.set_page_size(1);
    request.set_page_token(token);
    pb::ListFilmsResponse response;
    grpc::Status status =
        stub().ListFilms(CallContext().get(), request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    ++pages;
    ASSERT_EQ(response.films_size(), 1) << "page " << pages;
    names.push_back(response.films(0).name());
    token = response.next_page_token();
    if (token.empty()) break;
    ASSERT_LT(pages, 10) << "pagination does not end";
  }
  EXPECT_EQ(pages, 4);
  EXPECT_EQ(std::set<std::string>(names.begin(), names.end()).size(), 4u);
}

TEST_F(CatalogReadTest, FilterByYearRange) {
  EXPECT_THAT(Titles("year >= 1957 AND year <= 1959"),
              UnorderedElementsAre(seed::kCranesTitle, seed::kLetterTitle));
  EXPECT_THAT(Titles("year = 1964"), ElementsAre(seed::kCubaTitle));
  EXPECT_THAT(Titles("year < 1957"), ElementsAre(seed::kEchelonTitle));
  EXPECT_TRUE(Titles("year > 1964").empty());
}

TEST_F(CatalogReadTest, FilterByPersonAndRole) {
  std::string kalatozov = PersonName("Mikhail Kalatozov");
  std::string urusevsky = PersonName("Sergei Urusevsky");
  std::string samoilova = PersonName("Tatiana Samoilova");
  EXPECT_THAT(Titles(absl::StrCat("person = \"", kalatozov, "\"")),
              UnorderedElementsAre(seed::kEchelonTitle, seed::kCranesTitle,
                                   seed::kLetterTitle, seed::kCubaTitle));
  EXPECT_THAT(Titles(absl::StrCat("person = \"", samoilova, "\"")),
              UnorderedElementsAre(seed::kCranesTitle, seed::kLetterTitle));
  EXPECT_THAT(Titles(absl::StrCat("person = \"", kalatozov,
                                  "\" AND role = \"CREDIT_ROLE_DIRECTOR\"")),
              UnorderedElementsAre(seed::kEchelonTitle, seed::kCranesTitle,
                                   seed::kLetterTitle, seed::kCubaTitle));
  EXPECT_THAT(
      Titles(absl::StrCat("person = \"", urusevsky,
                          "\" AND role = \"CREDIT_ROLE_CINEMATOGRAPHER\"")),
      UnorderedElementsAre(seed::kEchelonTitle, seed::kCranesTitle,
                           seed::kLetterTitle, seed::kCubaTitle));
  EXPECT_TRUE(Titles(absl::StrCat("person = \"", kalatozov,
                                  "\" AND role = \"CREDIT_ROLE_CAST\""))
                  .empty());
  EXPECT_THAT(
      Titles(absl::StrCat("person = \"", samoilova, "\" AND year = 1957")),
      ElementsAre(seed::kCranesTitle));
}

TEST_F(CatalogReadTest, FilterByEraMatchesTheEra) {
  EXPECT_THAT(Titles("era = \"eras/khrushchev-thaw\""),
              UnorderedElementsAre(seed::kEchelonTitle, seed::kCranesTitle,
                                   seed::kLetterTitle, seed::kCubaTitle));
  pb::GetEraRequest request;
  request.set_name("eras/khrushchev-thaw");
  pb::Era era;
  grpc::Status status = stub().GetEra(CallContext().get(), request, &era);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(era.films_size(), 4);
  EXPECT_LE(era.start_year(), 1955);
  EXPECT_GE(era.end_year(), 1964);
}

TEST_F(CatalogReadTest, FilterByTechniqueMatchesTheSequences) {
  // The films a technique filter returns are exactly the films with a
  // sequence using it.
  pb::ListSequencesRequest request;
  request.set_parent("films/-");
  request.set_page_size(1000);
  pb::ListSequencesResponse response;
  ASSERT_TRUE(
      stub().ListSequences(CallContext().get(), request, &response).ok());
  ASSERT_GE(response.sequences_size(), 5);
  std::map<int, std::set<std::string>> films_by_technique;
  for (const pb::Sequence& s : response.sequences()) {
    std::string film = s.name().substr(0, s.name().find("/sequences/"));
    for (int t : s.techniques()) films_by_technique[t].insert(film);
  }
  for (int t = 1; t <= 7; ++t) {
    std::string filter = absl::StrCat(
        "technique = \"",
        pb::CameraTechnique_Name(static_cast<pb::CameraTechnique>(t)), "\"");
    std::set<std::string> got;
    for (const pb::Film& f : ListAll(filter)) got.insert(f.name());
    EXPECT_EQ(got, films_by_technique[t]) << filter;
  }
  EXPECT_THAT(Titles("technique = \"CAMERA_TECHNIQUE_CRANE_SHOT\""),
              ::testing::Contains(seed::kCranesTitle));
  EXPECT_THAT(Titles("technique = \"CAMERA_TECHNIQUE_SUSPENDED_CABLE_RIG\""),
              ElementsAre(seed::kCubaTitle));
  EXPECT_THAT(Titles("technique = \"CAMERA_TECHNIQUE_STATIC_RESTRICTED\""),
              ElementsAre(seed::kLetterTitle));
}

TEST_F(CatalogReadTest, BadFilterNamesTheFilterField) {
  for (const char* filter : {"year >>= 3", "colour = \"red\"", "year = \"abc\"",
                             "technique = \"CAMERA_TECHNIQUE_NOPE\""}) {
    pb::ListFilmsRequest request;
    request.set_filter(filter);
    pb::ListFilmsResponse response;
    ExpectError(
        stub().ListFilms(CallContext().get(), request, &response),
        {grpc::StatusCode::INVALID_ARGUMENT, "INVALID_FILTER", "filter", ""});
  }
}

TEST_F(CatalogReadTest, SearchToleratesMisspellingAndTransliteration) {
  auto search = [&](const std::string& query) {
    pb::SearchFilmsRequest request;
    request.set_query(query);
    pb::SearchFilmsResponse response;
    grpc::Status status =
        stub().SearchFilms(CallContext().get(), request, &response);
    EXPECT_TRUE(status.ok()) << query << ": " << status.error_message();
    return response;
  };
  pb::SearchFilmsResponse k = search("Kalatazov");
  std::vector<std::string> titles;
  for (const auto& r : k.results()) {
    titles.push_back(r.film().title());
    EXPECT_THAT(r.matched_fields(), ::testing::Contains("people"));
  }
  EXPECT_THAT(titles,
              UnorderedElementsAre(seed::kEchelonTitle, seed::kCranesTitle,
                                   seed::kLetterTitle, seed::kCubaTitle));

  pb::SearchFilmsResponse cuba = search("soy cuba");
  ASSERT_GE(cuba.results_size(), 1);
  EXPECT_EQ(cuba.results(0).film().title(), seed::kCubaTitle);
  for (int i = 1; i < cuba.results_size(); ++i) {
    EXPECT_LE(cuba.results(i).score(), cuba.results(0).score());
  }

  pb::SearchFilmsResponse cranes = search("Letyat zhuravli");
  ASSERT_GE(cranes.results_size(), 1);
  EXPECT_EQ(cranes.results(0).film().title(), seed::kCranesTitle);
  EXPECT_THAT(cranes.results(0).matched_fields(),
              ::testing::Contains("original_titles"));
}

TEST_F(CatalogReadTest, CranesSequencesInFilmOrder) {
  pb::ListSequencesRequest request;
  request.set_parent(FilmName(seed::kCranesTitle));
  pb::ListSequencesResponse response;
  grpc::Status status =
      stub().ListSequences(CallContext().get(), request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_GE(response.sequences_size(), 2);
  int around_25 = -1;
  for (int i = 0; i < response.sequences_size(); ++i) {
    const pb::Sequence& s = response.sequences(i);
    EXPECT_EQ(s.film_order(), i + 1) << s.name();
    EXPECT_TRUE(absl::StartsWith(s.name(), request.parent() + "/sequences/"));
    if (s.start().precision() == pb::Timecode::PRECISION_APPROXIMATE &&
        s.start().offset().seconds() == 25 * 60) {
      around_25 = i;
    }
  }
  ASSERT_GE(around_25, 0) << "no sequence around 25:00";
  const pb::Sequence& send_off = response.sequences(around_25);
  EXPECT_THAT(send_off.techniques(),
              ::testing::Contains(pb::CAMERA_TECHNIQUE_CRANE_SHOT));
  EXPECT_THAT(send_off.techniques(),
              ::testing::Contains(pb::CAMERA_TECHNIQUE_HAND_HELD));
  EXPECT_FALSE(send_off.start().description().empty());
  // The staircase goodbye is known only to come before the send-off.
  bool saw_relative_before = false;
  for (int i = 0; i < around_25; ++i) {
    const pb::Timecode& t = response.sequences(i).start();
    if (t.precision() == pb::Timecode::PRECISION_RELATIVE &&
        t.relation() == pb::Timecode::RELATION_BEFORE &&
        t.relative_to() == send_off.name()) {
      saw_relative_before = true;
    }
  }
  EXPECT_TRUE(saw_relative_before);

  pb::GetSequenceRequest get;
  get.set_name(send_off.name());
  pb::Sequence fetched;
  ASSERT_TRUE(stub().GetSequence(CallContext().get(), get, &fetched).ok());
  EXPECT_EQ(fetched.title(), send_off.title());
  EXPECT_EQ(fetched.etag(), send_off.etag());
}

TEST_F(CatalogReadTest, KalatozovWorkedMostWithUrusevsky) {
  pb::ListCollaborationsRequest request;
  request.set_person(PersonName("Mikhail Kalatozov"));
  pb::ListCollaborationsResponse response;
  grpc::Status status =
      stub().ListCollaborations(CallContext().get(), request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_GE(response.collaborations_size(), 1);
  const pb::Collaboration& first = response.collaborations(0);
  EXPECT_EQ(first.person(), PersonName("Sergei Urusevsky"));
  EXPECT_EQ(first.display_name(), "Sergei Urusevsky");
  ASSERT_EQ(first.films_size(), 4);
  EXPECT_EQ(first.films(0), FilmName(seed::kEchelonTitle));  // oldest first
  EXPECT_EQ(first.films(3), FilmName(seed::kCubaTitle));
  EXPECT_THAT(first.roles(),
              ::testing::Contains(pb::CREDIT_ROLE_CINEMATOGRAPHER));
  for (const auto& c : response.collaborations()) {
    EXPECT_LE(c.films_size(), first.films_size());
  }
}

TEST_F(CatalogReadTest, GetAndBatchGetFilms) {
  std::string cranes = FilmName(seed::kCranesTitle),
              cuba = FilmName(seed::kCubaTitle);
  pb::GetFilmRequest get;
  get.set_name(cranes);
  pb::Film film;
  ASSERT_TRUE(stub().GetFilm(CallContext().get(), get, &film).ok());
  EXPECT_EQ(film.year(), 1957);
  EXPECT_THAT(film.original_titles(), ::testing::Contains("Letyat zhuravli"));
  bool has_director = false;
  for (const auto& c : film.credits()) {
    if (c.role() == pb::CREDIT_ROLE_DIRECTOR) {
      has_director = true;
      EXPECT_EQ(c.display_name(), "Mikhail Kalatozov");
    }
  }
  EXPECT_TRUE(has_director);
  EXPECT_TRUE(film.has_create_time());

  pb::BatchGetFilmsRequest batch;
  batch.add_names(cuba);
  batch.add_names(cranes);
  pb::BatchGetFilmsResponse films;
  ASSERT_TRUE(stub().BatchGetFilms(CallContext().get(), batch, &films).ok());
  ASSERT_EQ(films.films_size(), 2);
  EXPECT_EQ(films.films(0).name(), cuba);
  EXPECT_EQ(films.films(1).name(), cranes);

  batch.add_names("films/no-such-film");
  films.Clear();
  ExpectError(stub().BatchGetFilms(CallContext().get(), batch, &films),
              NotFoundNamed("films/no-such-film"));
}

TEST_F(CatalogReadTest, PeopleAndEras) {
  std::string urusevsky = PersonName("Sergei Urusevsky");
  pb::GetPersonRequest get;
  get.set_name(urusevsky);
  pb::Person person;
  ASSERT_TRUE(stub().GetPerson(CallContext().get(), get, &person).ok());
  EXPECT_EQ(person.birth_year(), 1908);
  EXPECT_EQ(person.death_year(), 1974);

  pb::ListPeopleRequest list;
  list.set_filter("role = \"CREDIT_ROLE_CINEMATOGRAPHER\"");
  pb::ListPeopleResponse people;
  ASSERT_TRUE(stub().ListPeople(CallContext().get(), list, &people).ok());
  std::vector<std::string> names;
  for (const auto& p : people.people()) names.push_back(p.name());
  EXPECT_THAT(names, ::testing::Contains(urusevsky));
  EXPECT_THAT(names, ::testing::Not(
                         ::testing::Contains(PersonName("Mikhail Kalatozov"))));

  pb::ListErasRequest eras_request;
  pb::ListErasResponse eras;
  ASSERT_TRUE(stub().ListEras(CallContext().get(), eras_request, &eras).ok());
  std::vector<std::string> era_names;
  for (const auto& e : eras.eras()) era_names.push_back(e.name());
  EXPECT_THAT(era_names, ::testing::Contains("eras/khrushchev-thaw"));
}

TEST_F(CatalogReadTest, BadPageTokens) {
  pb::ListFilmsRequest request;
  request.set_page_token("this-is-not-a-token");
  pb::ListFilmsResponse response;
  ExpectError(stub().ListFilms(CallContext().get(), request, &response),
              {grpc::StatusCode::INVALID_ARGUMENT, "INVALID_PAGE_TOKEN",
               "page_token", ""});

  // A real token, reused with another filter.
  pb::ListFilmsRequest first;
  first.set_page_size(1);
  first.set_filter("year >= 1900");
  ASSERT_TRUE(stub().ListFilms(CallContext().get(), first, &response).ok());
  ASSERT_FALSE(response.next_page_token().empty());
  pb::ListFilmsRequest reuse;
  reuse.set_page_size(1);
  reuse.set_filter("year >= 1956");
  reuse.set_page_token(response.next_page_token());
  pb::ListFilmsResponse ignored;
  ExpectError(stub().ListFilms(CallContext().get(), reuse, &ignored),
              {grpc::StatusCode::INVALID_ARGUMENT, "PAGE_TOKEN_MISMATCH",
               "page_token", ""});
}

TEST_F(CatalogReadTest, NegativePageSize) {
  pb::ListFilmsRequest request;
  request.set_page_size(-1);
  pb::ListFilmsResponse response;
  ExpectError(stub().ListFilms(CallContext().get(), request, &response),
              InvalidArgumentOn("page_size"));
  pb::ListSequencesRequest seq;
  seq.set_parent("films/-");
  seq.set_page_size(-5);
  pb::ListSequencesResponse seq_response;
  ExpectError(stub().ListSequences(CallContext().get(), seq, &seq_response),
              InvalidArgumentOn("page_size"));
}

TEST_F(CatalogReadTest, MalformedNames) {
  for (const char* name :
       {"", "cranes", "films/", "films/Bad Name", "people/x"}) {
    pb::GetFilmRequest request;
    request.set_name(name);
    pb::Film film;
    ExpectError(stub().GetFilm(CallContext().get(), request, &film),
                InvalidArgumentOn("name"));
  }
  pb::GetPersonRequest person;
  person.set_name("films/the-cranes-are-flying");
  pb::Person p;
  ExpectError(stub().GetPerson(CallContext().get(), person, &p),
              InvalidArgumentOn("name"));
  pb::ListCollaborationsRequest collab;
  collab.set_person("nobody");
  pb::ListCollaborationsResponse c;
  ExpectError(stub().ListCollaborations(CallContext().get(), collab, &c),
              InvalidArgumentOn("person"));
}

TEST_F(CatalogReadTest, UnknownResourcesAreNotFoundByName) {
  pb::GetFilmRequest film_request;
  film_request.set_name("films/no-such-film");
  pb::Film film;
  grpc::Status status =
      stub().GetFilm(CallContext().get(), film_request, &film);
  ExpectError(status, NotFoundNamed("films/no-such-film"));
  EXPECT_NE(status.error_message().find("films/no-such-film"),
            std::string::npos);

  // Each call names a resource that is not there; the error names it back.
  pb::GetPersonRequest person_request;
  person_request.set_name("people/nobody-at-all");
  pb::Person person;
  ExpectError(stub().GetPerson(CallContext().get(), person_request, &person),
              NotFoundNamed(person_request.name()));
  pb::ListSequencesRequest seq_request;
  seq_request.set_parent("films/no-such-film");
  pb::ListSequencesResponse seqs;
  ExpectError(stub().ListSequences(CallContext().get(), seq_request, &seqs),
              NotFoundNamed(seq_request.parent()));
  pb::GetEraRequest era_request;
  era_request.set_name("eras/no-such-era");
  pb::Era era;
  ExpectError(stub().GetEra(CallContext().get(), era_request, &era),
              NotFoundNamed(era_request.name()));
}

TEST_F(CatalogReadTest, HealthReportsServing) {
  constexpr int kServing = 1;
  int serving = 0;
  grpc::Status status = HealthCheck(server_->channel.get(), "", &serving);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(serving, kServing);
  serving = 0;
  status = HealthCheck(server_->channel.get(), kServiceName, &serving);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(serving, kServing);
  status = HealthCheck(server_->channel.get(), "no.such.Service", &serving);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_F(CatalogReadTest, ReflectionListsTheService) {
  // grpc.reflection.v1alpha: ServerReflectionRequest.list_services is field 7;
  // the response's list_services_response is field 6, holding repeated
  // ServiceResponse (field 1) with name (field 1).
  grpc::internal::RpcMethod method(
      "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
      grpc::internal::RpcMethod::BIDI_STREAMING);
  auto context = CallContext();
  std::unique_ptr<grpc::ClientReaderWriter<grpc::ByteBuffer, grpc::ByteBuffer>>
      stream(grpc::internal::ClientReaderWriterFactory<
             grpc::ByteBuffer, grpc::ByteBuffer>::Create(server_->channel.get(),
                                                         method,
                                                         context.get()));
  const std::string request_bytes = std::string("\x3a\x01*", 3);
  grpc::Slice slice(request_bytes);
  grpc::ByteBuffer request(&slice, 1);
  ASSERT_TRUE(stream->Write(request));
  stream->WritesDone();
  grpc::ByteBuffer response;
  ASSERT_TRUE(stream->Read(&response));
  std::vector<grpc::Slice> slices;
  ASSERT_TRUE(response.Dump(&slices).ok());
  std::string bytes;
  for (const auto& s : slices)
    bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
  ASSERT_TRUE(stream->Finish().ok());

  google::protobuf::UnknownFieldSet top;
  ASSERT_TRUE(top.ParseFromString(bytes));
  std::vector<std::string> services;
  for (int i = 0; i < top.field_count(); ++i) {
    if (top.field(i).number() != 6) continue;
    google::protobuf::UnknownFieldSet list;
    ASSERT_TRUE(list.ParseFromString(top.field(i).length_delimited()));
    for (int j = 0; j < list.field_count(); ++j) {
      google::protobuf::UnknownFieldSet service;
      ASSERT_TRUE(service.ParseFromString(list.field(j).length_delimited()));
      for (int k = 0; k < service.field_count(); ++k) {
        if (service.field(k).number() == 1) {
          services.push_back(service.field(k).length_delimited());
        }
      }
    }
  }
  EXPECT_THAT(services, ::testing::Contains(kServiceName));
}

}  // namespace
}  // namespace longtake::catalog::testing
