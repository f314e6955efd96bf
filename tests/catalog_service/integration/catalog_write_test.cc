// Write RPCs against the real binary: auth, etags, request ids,
// validate_only, import. Each test gets its own server and store.

#include <thread>

#include "google/protobuf/util/time_util.h"
#include "tests/catalog_service/integration/catalog_test_support.h"

namespace longtake::catalog::testing {
namespace {

using ::testing::Contains;

class CatalogWriteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = StartCatalog(CatalogArgs(dir_.path()));
    ASSERT_NE(server_.process, nullptr);
  }
  void TearDown() override {
    if (server_.process != nullptr) {
      EXPECT_EQ(server_.process->Stop(), 0) << server_.process->StderrTail();
    }
  }
  pb::CatalogService::Stub& stub() { return *server_.stub; }

  static pb::Film NewFilm(const std::string& title, int year) {
    pb::Film film;
    film.set_title(title);
    film.set_year(year);
    film.set_runtime_minutes(90);
    film.add_countries("SU");
    film.add_languages("ru");
    return film;
  }

  grpc::Status Create(const pb::Film& film, const std::string& film_id,
                      pb::Film* out, const std::string& request_id = "",
                      bool validate_only = false,
                      const std::string& token = CuratorToken()) {
    pb::CreateFilmRequest request;
    *request.mutable_film() = film;
    request.set_film_id(film_id);
    request.set_request_id(request_id);
    request.set_validate_only(validate_only);
    return stub().CreateFilm(CallContext(token).get(), request, out);
  }

  grpc::Status Get(const std::string& name, pb::Film* out) {
    pb::GetFilmRequest request;
    request.set_name(name);
    return stub().GetFilm(CallContext().get(), request, out);
  }

  int FilmCount() {
    pb::ListFilmsRequest request;
    request.set_page_size(1000);
    pb::ListFilmsResponse response;
    EXPECT_TRUE(stub().ListFilms(CallContext().get(), request, &response).ok());
    return response.films_size();
  }

  ScopedTempDir dir_;
  CatalogServer server_;
};

TEST_F(CatalogWriteTest, WritesNeedACuratorToken) {
  pb::Film out;
  ExpectError(Create(NewFilm("Anon", 1960), "anon", &out, "", false, ""),
              {grpc::StatusCode::UNAUTHENTICATED, "TOKEN_MISSING", "", ""});
  ExpectError(Create(NewFilm("Anon", 1960), "anon", &out, "", false, "garbage"),
              {grpc::StatusCode::UNAUTHENTICATED, "TOKEN_INVALID", "", ""});
  ExpectError(
      Create(NewFilm("Anon", 1960), "anon", &out, "", false,
             MintToken(auth::Role::kCurator, "mallory", "another-secret")),
      {grpc::StatusCode::UNAUTHENTICATED, "TOKEN_INVALID", "", ""});
  std::string expired = auth::TokenMinter(kSecret).Mint(
      "curator", auth::Role::kCurator, absl::Minutes(1),
      absl::Now() - absl::Hours(1));
  ExpectError(Create(NewFilm("Anon", 1960), "anon", &out, "", false, expired),
              {grpc::StatusCode::UNAUTHENTICATED, "TOKEN_EXPIRED", "", ""});
  ExpectError(
      Create(NewFilm("Anon", 1960), "anon", &out, "", false, UserToken()),
      {grpc::StatusCode::PERMISSION_DENIED, "CURATOR_ROLE_REQUIRED", "", ""});

  // Every other write is guarded the same way.
  pb::DeleteFilmRequest del;
  del.set_name("films/anything");
  google::protobuf::Empty empty;
  ExpectError(
      stub().DeleteFilm(CallContext(UserToken()).get(), del, &empty),
      {grpc::StatusCode::PERMISSION_DENIED, "CURATOR_ROLE_REQUIRED", "", ""});
  pb::CreatePersonRequest person;
  person.mutable_person()->set_display_name("Nobody");
  pb::Person p;
  ExpectError(stub().CreatePerson(CallContext().get(), person, &p),
              {grpc::StatusCode::UNAUTHENTICATED, "TOKEN_MISSING", "", ""});
  pb::ImportFilmsRequest import;
  pb::ImportFilmsResponse imported;
  ExpectError(
      stub().ImportFilms(CallContext(UserToken()).get(), import, &imported),
      {grpc::StatusCode::PERMISSION_DENIED, "CURATOR_ROLE_REQUIRED", "", ""});
  EXPECT_EQ(FilmCount(), 4);
}

TEST(CatalogNoSecretTest, WritesAreDisabledWithoutASecret) {
  ScopedTempDir dir;
  CatalogServer server =
      StartCatalog(CatalogArgs(dir.path(), /*with_secret=*/false));
  ASSERT_NE(server.process, nullptr);
  pb::CreateFilmRequest request;
  request.mutable_film()->set_title("Anything");
  pb::Film out;
  grpc::Status status =
      server.stub->CreateFilm(AsCurator().get(), request, &out);
  ExpectError(status, {grpc::StatusCode::UNAUTHENTICATED,
                       "CURATOR_WRITES_DISABLED", "", ""});
  EXPECT_NE(status.error_message().find("curator writes are disabled"),
            std::string::npos)
      << status.error_message();
  // Reads still work.
  EXPECT_EQ(ListedFilms(*server.stub), 4);
  EXPECT_EQ(server.process->Stop(), 0);
}

TEST_F(CatalogWriteTest, CreateUpdateDeleteWithEtags) {
  pb::Film created;
  grpc::Status status =
      Create(NewFilm("The Unfinished Test", 1961), "unfinished-test", &created);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(created.name(), "films/unfinished-test");
  EXPECT_FALSE(created.etag().empty());
  EXPECT_TRUE(created.has_create_time());
  pb::Film fetched;
  ASSERT_TRUE(Get(created.name(), &fetched).ok());
  EXPECT_EQ(fetched.title(), "The Unfinished Test");
  EXPECT_EQ(fetched.etag(), created.etag());
  EXPECT_EQ(FilmCount(), 5);

  // Creating the same id again.
  pb::Film dup;
  ExpectError(Create(NewFilm("Again", 1962), "unfinished-test", &dup),
              {grpc::StatusCode::ALREADY_EXISTS, "RESOURCE_ALREADY_EXISTS", "",
               "films/unfinished-test"});

  // Update the title only, conditional on the current etag.
  pb::UpdateFilmRequest update;
  update.mutable_film()->set_name(created.name());
  update.mutable_film()->set_title("The Finished Test");
  update.mutable_film()->set_year(1999);  // not in the mask: ignored
  update.mutable_film()->set_etag(created.etag());
  update.mutable_update_mask()->add_paths("title");
  pb::Film updated;
  status = stub().UpdateFilm(AsCurator().get(), update, &updated);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(updated.title(), "The Finished Test");
  EXPECT_EQ(updated.year(), 1961);
  EXPECT_NE(updated.etag(), created.etag());
  // Reads see the new version at once (GetFilm serves cached bytes per
  // version).
  ASSERT_TRUE(Get(created.name(), &fetched).ok());
  EXPECT_EQ(fetched.title(), "The Finished Test");
  EXPECT_EQ(fetched.etag(), updated.etag());

  // The old etag no longer matches, for update and for delete.
  update.mutable_film()->set_title("Stale");
  pb::Film stale;
  ExpectError(stub().UpdateFilm(AsCurator().get(), update, &stale),
              {grpc::StatusCode::ABORTED, "ETAG_MISMATCH", "", created.name()});
  pb::DeleteFilmRequest del;
  del.set_name(created.name());
  del.set_etag(created.etag());
  google::protobuf::Empty empty;
  ExpectError(stub().DeleteFilm(AsCurator().get(), del, &empty),
              {grpc::StatusCode::ABORTED, "ETAG_MISMATCH", "", created.name()});

  // An update without a mask is refused.
  pb::UpdateFilmRequest no_mask;
  no_mask.mutable_film()->set_name(created.name());
  no_mask.mutable_film()->set_title("No mask");
  ExpectError(stub().UpdateFilm(AsCurator().get(), no_mask, &stale),
              InvalidArgumentOn("update_mask"));

  del.set_etag(updated.etag());
  status = stub().DeleteFilm(AsCurator().get(), del, &empty);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ExpectError(
      Get(created.name(), &fetched),
      {grpc::StatusCode::NOT_FOUND, "RESOURCE_NOT_FOUND", "", created.name()});
  EXPECT_EQ(FilmCount(), 4);
}

TEST_F(CatalogWriteTest, InvalidFilmNamesTheField) {
  pb::Film out;
  ExpectError(Create(NewFilm("", 1961), "no-title", &out),
              InvalidArgumentOn("film.title"));
  ExpectError(Create(NewFilm("Too Early", 1700), "too-early", &out),
              InvalidArgumentOn("film.year"));
  ExpectError(Create(NewFilm("Bad Id", 1961), "Bad Id!", &out),
              InvalidArgumentOn("film_id"));
  pb::Film bad_role = NewFilm("Bad Role", 1961);
  bad_role.add_credits()->set_person("people/mikhail-kalatozov");
  bad_role.mutable_credits(0)->set_role(static_cast<pb::CreditRole>(77));
  ExpectError(Create(bad_role, "bad-role", &out),
              InvalidArgumentOn("film.credits[0].role"));
  EXPECT_EQ(FilmCount(), 4);
}

TEST_F(CatalogWriteTest, RequestIdReplayCreatesOneFilm) {
  pb::Film first, second;
  grpc::Status status =
      Create(NewFilm("Replayed", 1962), "replayed", &first, "req-0001");
  ASSERT_TRUE(status.ok()) << status.error_message();
  status = Create(NewFilm("Replayed", 1962), "replayed", &second, "req-0001");
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(second.name(), first.name());
  EXPECT_EQ(second.etag(), first.etag());
  EXPECT_EQ(FilmCount(), 5);
}

TEST_F(CatalogWriteTest, ValidateOnlyWritesNothing) {
  pb::Film out;
  grpc::Status status =
      Create(NewFilm("Only Checked", 1963), "only-checked", &out, "", true);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(out.title(), "Only Checked");
  pb::Film fetched;
  ExpectError(Get("films/only-checked", &fetched),
              NotFoundNamed("films/only-checked"));
  ExpectError(Create(NewFilm("", 1963), "only-checked", &out, "", true),
              InvalidArgumentOn("film.title"));
  EXPECT_EQ(FilmCount(), 4);
}

TEST_F(CatalogWriteTest, ImportKeepsGoodEntriesAndReportsBadOnes) {
  pb::ImportFilmsRequest request;
  pb::ImportFilmsEntry* good = request.add_entries();
  *good->mutable_film() = NewFilm("Imported One", 1960);
  good->set_film_id("imported-one");
  good->set_source_line(1);
  pb::Person* person = good->add_people();
  person->set_name("people/test-imported-person");
  person->set_display_name("Test Imported Person");
  pb::Credit* credit = good->mutable_film()->add_credits();
  credit->set_person("people/test-imported-person");
  credit->set_role(pb::CREDIT_ROLE_DIRECTOR);
  pb::Sequence* seq = good->add_sequences();
  seq->set_title("Opening shot");
  seq->mutable_start()->set_precision(pb::Timecode::PRECISION_EXACT);
  seq->mutable_start()->mutable_offset()->set_seconds(30);
  seq->add_techniques(pb::CAMERA_TECHNIQUE_LONG_TAKE);

  pb::ImportFilmsEntry* bad = request.add_entries();
  *bad->mutable_film() = NewFilm("", 1960);  // no title
  bad->set_film_id("imported-bad");
  bad->set_source_line(2);

  pb::ImportFilmsEntry* exists = request.add_entries();
  *exists->mutable_film() = NewFilm("Imported One Again", 1960);
  exists->set_film_id("imported-one");  // the first entry took it
  exists->set_source_line(3);

  pb::ImportFilmsEntry* bad_enum = request.add_entries();
  *bad_enum->mutable_film() = NewFilm("Bad Enum", 1960);
  bad_enum->set_film_id("imported-bad-enum");
  bad_enum->add_sequences()->add_techniques(
      static_cast<pb::CameraTechnique>(50));
  bad_enum->set_source_line(4);

  pb::ImportFilmsEntry* good2 = request.add_entries();
  *good2->mutable_film() = NewFilm("Imported Two", 1961);
  good2->set_film_id("imported-two");
  good2->set_source_line(5);

  pb::ImportFilmsResponse response;
  grpc::Status status =
      stub().ImportFilms(AsCurator().get(), request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(response.results_size(), 5);
  EXPECT_EQ(response.created_count(), 2);
  EXPECT_EQ(response.failed_count(), 3);
  for (int i = 0; i < 5; ++i)
    EXPECT_EQ(response.results(i).source_line(), i + 1);
  EXPECT_EQ(response.results(0).code(), google::rpc::OK);
  EXPECT_EQ(response.results(0).film(), "films/imported-one");
  EXPECT_EQ(response.results(1).code(), google::rpc::INVALID_ARGUMENT);
  ASSERT_GE(response.results(1).field_violations_size(), 1);
  EXPECT_EQ(response.results(2).code(), google::rpc::ALREADY_EXISTS);
  EXPECT_EQ(response.results(3).code(), google::rpc::INVALID_ARGUMENT);
  ASSERT_GE(response.results(3).field_violations_size(), 1);
  EXPECT_EQ(response.results(3).field_violations(0).field(),
            "entries[3].sequences[0].techniques[0]");
  EXPECT_EQ(response.results(4).code(), google::rpc::OK);
  EXPECT_TRUE(response.results(1).film().empty());

  pb::Film fetched;
  ASSERT_TRUE(Get("films/imported-one", &fetched).ok());
  EXPECT_EQ(fetched.title(), "Imported One");
  ASSERT_EQ(fetched.credits_size(), 1);
  EXPECT_EQ(fetched.credits(0).display_name(), "Test Imported Person");
  pb::ListSequencesRequest seqs;
  seqs.set_parent("films/imported-one");
  pb::ListSequencesResponse seq_response;
  ASSERT_TRUE(
      stub().ListSequences(CallContext().get(), seqs, &seq_response).ok());
  ASSERT_EQ(seq_response.sequences_size(), 1);
  EXPECT_EQ(seq_response.sequences(0).title(), "Opening shot");
  EXPECT_EQ(FilmCount(), 6);
}

// A long import runs beside the other writes (its own queue, the writer
// lock one entry at a time): a film created meanwhile is committed after a
// few imported entries, not after all of them.
TEST_F(CatalogWriteTest, WritesDoNotQueueBehindAnImport) {
  const int seeded = FilmCount();
  pb::ImportFilmsRequest import;
  for (int i = 0; i < 1000; ++i) {
    *import.add_entries()->mutable_film() =
        NewFilm(absl::StrCat("Bulk Film ", i), 1965);
  }
  pb::ImportFilmsResponse imported;
  grpc::Status import_status;
  std::thread importer([&] {
    import_status = stub().ImportFilms(AsCurator().get(), import, &imported);
  });
  while (FilmCount() == seeded) std::this_thread::yield();
  pb::Film created;
  grpc::Status status =
      Create(NewFilm("Beside The Import", 1965), "beside-the-import", &created);
  importer.join();
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_TRUE(import_status.ok()) << import_status.error_message();
  ASSERT_EQ(imported.created_count(), 1000);

  using google::protobuf::util::TimeUtil;
  int imported_before = 0;
  for (const pb::ImportFilmsResult& result : imported.results()) {
    pb::Film film;
    ASSERT_TRUE(Get(result.film(), &film).ok()) << result.film();
    if (TimeUtil::TimestampToNanoseconds(film.create_time()) <
        TimeUtil::TimestampToNanoseconds(created.create_time())) {
      ++imported_before;
    }
  }
  EXPECT_LT(imported_before, 500) << "the write waited behind the import";
}

TEST_F(CatalogWriteTest, PeopleAndSequencesRoundTrip) {
  pb::CreatePersonRequest create_person;
  create_person.mutable_person()->set_display_name("Test Operator");
  create_person.mutable_person()->set_birth_year(1920);
  create_person.mutable_person()->add_known_roles(
      pb::CREDIT_ROLE_CINEMATOGRAPHER);
  create_person.set_person_id("test-operator");
  pb::Person person;
  grpc::Status status =
      stub().CreatePerson(AsCurator().get(), create_person, &person);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(person.name(), "people/test-operator");

  pb::UpdatePersonRequest update_person;
  update_person.mutable_person()->set_name(person.name());
  update_person.mutable_person()->set_death_year(1990);
  update_person.mutable_person()->set_etag(person.etag());
  update_person.mutable_update_mask()->add_paths("death_year");
  pb::Person updated_person;
  status =
      stub().UpdatePerson(AsCurator().get(), update_person, &updated_person);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(updated_person.death_year(), 1990);
  EXPECT_EQ(updated_person.birth_year(), 1920);

  // Credit the person on a new film, then try to delete them.
  pb::Film film = NewFilm("Credits Test", 1962);
  pb::Credit* credit = film.add_credits();
  credit->set_person(person.name());
  credit->set_role(pb::CREDIT_ROLE_CINEMATOGRAPHER);
  pb::Film created;
  status = Create(film, "credits-test", &created);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(created.credits(0).display_name(), "Test Operator");
  pb::DeletePersonRequest delete_person;
  delete_person.set_name(person.name());
  google::protobuf::Empty empty;
  status = stub().DeletePerson(AsCurator().get(), delete_person, &empty);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION)
      << status.error_message();

  // Sequences on the new film.
  pb::CreateSequenceRequest create_seq;
  create_seq.set_parent(created.name());
  create_seq.set_sequence_id("late-one");
  create_seq.mutable_sequence()->set_title("Late one");
  create_seq.mutable_sequence()->mutable_start()->set_precision(
      pb::Timecode::PRECISION_FRACTION_OF_RUNTIME);
  create_seq.mutable_sequence()->mutable_start()->set_fraction(0.75);
  create_seq.mutable_sequence()->add_techniques(
      pb::CAMERA_TECHNIQUE_AERIAL_OVER_CROWD);
  pb::Sequence late;
  status = stub().CreateSequence(AsCurator().get(), create_seq, &late);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(late.name(), created.name() + "/sequences/late-one");
  EXPECT_FALSE(late.start().description().empty());  // filled in by the service

  create_seq.set_sequence_id("early-one");
  create_seq.mutable_sequence()->set_title("Early one");
  create_seq.mutable_sequence()->mutable_start()->set_precision(
      pb::Timecode::PRECISION_EXACT);
  create_seq.mutable_sequence()->mutable_start()->mutable_offset()->set_seconds(
      60);
  pb::Sequence early;
  status = stub().CreateSequence(AsCurator().get(), create_seq, &early);
  ASSERT_TRUE(status.ok()) << status.error_message();

  pb::ListSequencesRequest list;
  list.set_parent(created.name());
  pb::ListSequencesResponse seqs;
  ASSERT_TRUE(stub().ListSequences(CallContext().get(), list, &seqs).ok());
  ASSERT_EQ(seqs.sequences_size(), 2);
  EXPECT_EQ(seqs.sequences(0).name(), early.name());
  EXPECT_EQ(seqs.sequences(0).film_order(), 1);
  EXPECT_EQ(seqs.sequences(1).name(), late.name());
  EXPECT_EQ(seqs.sequences(1).film_order(), 2);

  pb::UpdateSequenceRequest update_seq;
  update_seq.mutable_sequence()->set_name(late.name());
  update_seq.mutable_sequence()->set_filming_method("cable cars");
  update_seq.mutable_update_mask()->add_paths("filming_method");
  pb::Sequence updated_seq;
  status = stub().UpdateSequence(AsCurator().get(), update_seq, &updated_seq);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(updated_seq.filming_method(), "cable cars");
  EXPECT_EQ(updated_seq.title(), "Late one");

  pb::DeleteSequenceRequest delete_seq;
  delete_seq.set_name(late.name());
  delete_seq.set_etag(late.etag());  // stale after the update
  ExpectError(stub().DeleteSequence(AsCurator().get(), delete_seq, &empty),
              {grpc::StatusCode::ABORTED, "ETAG_MISMATCH", "", late.name()});
  delete_seq.set_etag(updated_seq.etag());
  status = stub().DeleteSequence(AsCurator().get(), delete_seq, &empty);
  ASSERT_TRUE(status.ok()) << status.error_message();
  pb::GetSequenceRequest get_seq;
  get_seq.set_name(late.name());
  pb::Sequence gone;
  ExpectError(stub().GetSequence(CallContext().get(), get_seq, &gone),
              NotFoundNamed(late.name()));

  // Deleting the film frees the person for deletion.
  pb::DeleteFilmRequest delete_film;
  delete_film.set_name(created.name());
  ASSERT_TRUE(stub().DeleteFilm(AsCurator().get(), delete_film, &empty).ok());
  EXPECT_TRUE(
      stub().DeletePerson(AsCurator().get(), delete_person, &empty).ok());
  pb::GetPersonRequest get_person;
  get_person.set_name(person.name());
  pb::Person missing;
  ExpectError(stub().GetPerson(CallContext().get(), get_person, &missing),
              NotFoundNamed(person.name()));
}

}  // namespace
}  // namespace longtake::catalog::testing
