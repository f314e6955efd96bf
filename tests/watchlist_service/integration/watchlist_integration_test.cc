// End-to-end tests of longtake-watchlist with a real longtake-catalog behind
// it: both binaries run on loopback with temporary stores and a shared token
// secret; tokens are minted here with TokenMinter.

#include <signal.h>

#include <atomic>
#include <future>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/auth/token.h"
#include "common/domain/field_limits.h"
#include "common/grpc/status_adapter.h"
#include "gmock/gmock.h"
#include "google/rpc/error_details.pb.h"
#include "grpcpp/client_context.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/byte_buffer.h"
#include "gtest/gtest.h"
#include "longtake/catalog/v1/catalog_service.grpc.pb.h"
#include "longtake/watchlist/v1/watchlist_service.grpc.pb.h"
#include "tests/support/call_context.h"
#include "tests/support/running_service.h"
#include "tests/support/seed_films.h"
#include "tests/support/server_process.h"
#include "tests/support/watchlist_requests.h"

namespace longtake::watchlist {
namespace {

namespace wlv1 = ::longtake::watchlist::v1;
namespace catalogv1 = ::longtake::catalog::v1;
namespace seed = ::longtake::testing::seed;
using ::longtake::testing::CallContext;
using ::testing::Contains;
using ::testing::HasSubstr;

constexpr char kSecret[] = "watchlist-integration-secret";
constexpr char kServiceName[] = "longtake.watchlist.v1.WatchlistService";
constexpr char kBatchGetLine[] =
    "method=/longtake.catalog.v1.CatalogService/BatchGetFilms";
constexpr char kGetFilmLine[] =
    "method=/longtake.catalog.v1.CatalogService/GetFilm ";

int CountOccurrences(const std::string& text, const std::string& needle) {
  int count = 0;
  for (size_t pos = text.find(needle); pos != std::string::npos;
       pos = text.find(needle, pos + needle.size())) {
    ++count;
  }
  return count;
}

std::string Reason(const grpc::Status& status) {
  google::rpc::Status details = DecodeStatusDetails(status);
  for (const auto& any : details.details()) {
    google::rpc::ErrorInfo info;
    if (any.UnpackTo(&info)) return info.reason();
  }
  return "";
}

// The fields the BadRequest detail of `status` names, in order.
std::vector<std::string> BadRequestFields(const grpc::Status& status) {
  std::vector<std::string> fields;
  google::rpc::Status details = DecodeStatusDetails(status);
  for (const auto& any : details.details()) {
    google::rpc::BadRequest bad;
    if (!any.UnpackTo(&bad)) continue;
    for (const auto& v : bad.field_violations()) fields.push_back(v.field());
  }
  return fields;
}

// grpc.health.v1.Health/Check without generated stubs: the request is one
// string field (1), the answer one enum field (1); SERVING is 1.
int HealthStatus(const std::shared_ptr<grpc::Channel>& channel,
                 const std::string& service) {
  std::string request;
  request.push_back(0x0a);
  request.push_back(static_cast<char>(service.size()));
  request += service;
  grpc::Slice slice(request);
  grpc::ByteBuffer in(&slice, 1);
  grpc::ByteBuffer out;
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  grpc::GenericStub stub(channel);
  std::promise<grpc::Status> done;
  stub.UnaryCall(&ctx, "/grpc.health.v1.Health/Check", grpc::StubOptions(), &in,
                 &out,
                 [&done](grpc::Status s) { done.set_value(std::move(s)); });
  grpc::Status status = done.get_future().get();
  if (!status.ok()) return -static_cast<int>(status.error_code());
  std::vector<grpc::Slice> slices;
  if (!out.Dump(&slices).ok()) return -100;
  std::string bytes;
  for (const grpc::Slice& s : slices) {
    bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
  }
  if (bytes.size() == 2 && bytes[0] == 0x08) return bytes[1];
  return bytes.empty() ? 0 : -101;
}

class WatchlistIntegrationTest : public ::testing::Test {
 protected:
  WatchlistIntegrationTest() : minter_(kSecret) {
    alice_ = minter_.Mint("alice", auth::Role::kUser, absl::Hours(1));
    bob_ = minter_.Mint("bob", auth::Role::kUser, absl::Hours(1));
    curator_ = minter_.Mint("cora", auth::Role::kCurator, absl::Hours(1));
  }

  std::string CatalogStore() const {
    return "sqlite:///" + dir_.path() + "/catalog.db";
  }
  std::string WatchlistStore() const {
    return "sqlite:///" + dir_.path() + "/watchlist.db";
  }

  // Port 0 picks a free port; restarts pass the old one.
  void StartCatalog(int port = 0) {
    auto catalog = ::longtake::testing::StartService<catalogv1::CatalogService>(
        "longtake-catalog",
        {absl::StrCat("--listen=127.0.0.1:", port), "--store=" + CatalogStore(),
         "--seed=" + ::longtake::testing::CatalogSeedPath(),
         absl::StrCat("--token-secret=", kSecret), "--log-level=info",
         "--log-calls"});
    ASSERT_TRUE(catalog.ok()) << catalog.status();
    catalog_ = std::move(catalog->process);
    catalog_channel_ = std::move(catalog->channel);
    catalog_stub_ = std::move(catalog->stub);
  }

  void StartWatchlist(const std::string& catalog_address = "",
                      const std::vector<std::string>& extra_args = {}) {
    std::vector<std::string> args = {
        "--listen=127.0.0.1:0",
        "--store=" + WatchlistStore(),
        "--catalog=" +
            (catalog_address.empty() ? catalog_->address() : catalog_address),
        "--seed=" + ::longtake::testing::OffersSeedPath(),
        absl::StrCat("--token-secret=", kSecret),
        "--catalog-deadline=500ms",
        "--shutdown-grace=20s",
        "--log-level=info"};
    args.insert(args.end(), extra_args.begin(), extra_args.end());
    auto watchlist = ::longtake::testing::StartService<wlv1::WatchlistService>(
        "longtake-watchlist", args);
    ASSERT_TRUE(watchlist.ok()) << watchlist.status();
    watchlist_ = std::move(watchlist->process);
    channel_ = std::move(watchlist->channel);
    stub_ = std::move(watchlist->stub);
  }

  void StartBoth() {
    StartCatalog();
    if (HasFatalFailure()) return;
    StartWatchlist();
  }

  // Both servers (the watchlist with `watchlist_args` too), with `film` on
  // alice's list.
  void StartWithFilmOnAlicesList(
      const std::string& film,
      const std::vector<std::string>& watchlist_args = {}) {
    StartCatalog();
    if (HasFatalFailure()) return;
    StartWatchlist("", watchlist_args);
    if (HasFatalFailure()) return;
    wlv1::WatchlistItem item;
    ASSERT_TRUE(AddFilm(alice_, "alice", film, &item).ok());
  }
  void StartWithCubaOnAlicesList() { StartWithFilmOnAlicesList(seed::kCuba); }

  // An availability stream, open (the server has subscribed) on return.
  struct Watch {
    std::unique_ptr<grpc::ClientContext> ctx;
    std::unique_ptr<grpc::ClientReader<wlv1::WatchAvailabilityResponse>> reader;
  };
  Watch OpenWatch(const std::string& token,
                  const wlv1::WatchAvailabilityRequest& request,
                  absl::Duration timeout) {
    Watch watch{CallContext(token, timeout), nullptr};
    watch.reader = stub_->WatchAvailability(watch.ctx.get(), request);
    watch.reader->WaitForInitialMetadata();
    return watch;
  }

  // Cancels the stream, reads what is left; its final status.
  static grpc::Status CancelWatch(Watch& watch) {
    watch.ctx->TryCancel();
    wlv1::WatchAvailabilityResponse response;
    while (watch.reader->Read(&response)) {
    }
    return watch.reader->Finish();
  }

  grpc::Status AddFilm(const std::string& token, const std::string& user,
                       const std::string& film, wlv1::WatchlistItem* out,
                       const std::string& request_id = "") {
    wlv1::CreateWatchlistItemRequest request;
    request.set_parent("users/" + user);
    request.mutable_item()->set_film(film);
    request.set_request_id(request_id);
    return stub_->CreateWatchlistItem(CallContext(token).get(), request, out);
  }

  grpc::Status List(const std::string& token, const std::string& user,
                    wlv1::ListWatchlistItemsResponse* out, int page_size = 0) {
    wlv1::ListWatchlistItemsRequest request;
    request.set_parent("users/" + user);
    request.set_page_size(page_size);
    return stub_->ListWatchlistItems(CallContext(token).get(), request, out);
  }

  // Lists alice's items every `poll` until her one item comes back enriched
  // (the watchlist reaches the catalogue again), for 15 s at most; whether
  // it did. `list` holds the last answer.
  bool AlicesOneItemComesBackEnriched(wlv1::ListWatchlistItemsResponse* list,
                                      absl::Duration poll) {
    const absl::Time deadline = absl::Now() + absl::Seconds(15);
    while (absl::Now() < deadline) {
      list->Clear();
      grpc::Status s = List(alice_, "alice", list);
      if (s.ok() && list->items_size() == 1 && list->items(0).enriched()) {
        return true;
      }
      absl::SleepFor(poll);
    }
    return false;
  }

  grpc::Status WhereToWatch(const std::string& film, const std::string& region,
                            wlv1::WhereToWatchResponse* out) {
    wlv1::WhereToWatchRequest request;
    request.set_film(film);
    request.set_region(region);
    return stub_->WhereToWatch(CallContext(alice_).get(), request, out);
  }

  // A streaming rental offer for `film` in `region` from a test provider.
  grpc::Status CreateRentalOffer(const std::string& film,
                                 const std::string& region, int64_t units,
                                 wlv1::Offer* out) {
    if (!provider_created_) {
      wlv1::Provider created;
      grpc::Status s =
          stub_->CreateProvider(CallContext(curator_).get(),
                                ::longtake::testing::StreamingProviderRequest(
                                    "test-stream", "Test Stream", {"GB", "US"},
                                    "https://stream.example.com"),
                                &created);
      if (!s.ok()) return s;
      provider_created_ = true;
    }
    wlv1::CreateOfferRequest request =
        ::longtake::testing::StreamingRentalRequest(
            film, "providers/test-stream", region, {"GBP", units, 490000000},
            "https://stream.example.com/watch");
    return stub_->CreateOffer(CallContext(curator_).get(), request, out);
  }

  auth::TokenMinter minter_;
  std::string alice_, bob_, curator_;
  ::longtake::testing::ScopedTempDir dir_;
  std::unique_ptr<::longtake::testing::ServerProcess> catalog_;
  std::shared_ptr<grpc::Channel> catalog_channel_;
  std::unique_ptr<catalogv1::CatalogService::Stub> catalog_stub_;
  std::unique_ptr<::longtake::testing::ServerProcess> watchlist_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<wlv1::WatchlistService::Stub> stub_;
  bool provider_created_ = false;
};

TEST_F(WatchlistIntegrationTest, RefusesToStartWithoutATokenSecret) {
  auto run = ::longtake::testing::RunToCompletion(
      ::longtake::testing::BinaryPath("longtake-watchlist"),
      {"--listen=127.0.0.1:0", "--store=" + WatchlistStore()});
  ASSERT_TRUE(run.ok()) << run.status();
  EXPECT_EQ(run->exit_code, 2);
  EXPECT_THAT(run->err, HasSubstr("token secret"));
  EXPECT_THAT(run->out, ::testing::Not(HasSubstr("listening on")));
}

TEST_F(WatchlistIntegrationTest,
       ListShowsCatalogueTitlesAndWhereToWatchRanksOffers) {
  StartBoth();
  ASSERT_FALSE(HasFatalFailure());
  wlv1::WatchlistItem cranes, cuba;
  grpc::Status s = AddFilm(alice_, "alice", seed::kCranes, &cranes);
  ASSERT_TRUE(s.ok()) << s.error_message();
  s = AddFilm(alice_, "alice", seed::kCuba, &cuba);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_THAT(cranes.name(),
              ::testing::StartsWith("users/alice/watchlist/items/"));
  EXPECT_EQ(cuba.film(), seed::kCuba);

  wlv1::ListWatchlistItemsResponse list;
  s = List(alice_, "alice", &list);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_EQ(list.items_size(), 2);
  EXPECT_EQ(list.items(0).film(), seed::kCranes);  // added first, ranked first
  EXPECT_TRUE(list.items(0).enriched());
  EXPECT_EQ(list.items(0).film_summary().title(), "The Cranes Are Flying");
  EXPECT_EQ(list.items(0).film_summary().year(), 1957);
  EXPECT_EQ(list.items(1).film(), seed::kCuba);
  EXPECT_TRUE(list.items(1).enriched());
  EXPECT_EQ(list.items(1).film_summary().title(), "I Am Cuba");
  EXPECT_EQ(list.items(1).film_summary().year(), 1964);

  wlv1::WhereToWatchResponse gb;
  s = WhereToWatch(seed::kCuba, "GB", &gb);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_GE(gb.offers_size(), 1);
  const wlv1::Offer& dvd = gb.offers(0).offer();
  EXPECT_EQ(dvd.provider(), "providers/mr-bongo");
  EXPECT_EQ(dvd.format(), wlv1::FORMAT_DVD);
  EXPECT_EQ(dvd.monetization(), wlv1::MONETIZATION_BUY);
  ASSERT_TRUE(dvd.has_price());
  EXPECT_EQ(dvd.price().currency_code(), "GBP");
  EXPECT_GT(dvd.price().units() * 1000000000LL + dvd.price().nanos(), 0);
  EXPECT_THAT(dvd.extras(), Contains(HasSubstr("Scorsese")));
  EXPECT_TRUE(gb.offers(0).available_to_user());
  EXPECT_FALSE(gb.offers(0).explanation().empty());

  wlv1::WhereToWatchResponse us;
  s = WhereToWatch(seed::kCuba, "US", &us);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(us.offers_size(), 0);
  EXPECT_THAT(us.available_in_regions(), Contains("GB"));
  EXPECT_THAT(us.summary(), HasSubstr("GB"));
}

// ListOffers' filter through the real server: the seed's one BUY offer; a
// format it does not know is INVALID_FILTER.
TEST_F(WatchlistIntegrationTest, ListOffersFiltersByMonetizationAndFormat) {
  StartBoth();
  ASSERT_FALSE(HasFatalFailure());
  wlv1::ListOffersRequest request;
  request.set_filter("monetization = \"BUY\"");
  wlv1::ListOffersResponse response;
  grpc::Status s =
      stub_->ListOffers(CallContext(alice_).get(), request, &response);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_EQ(response.offers_size(), 1);
  EXPECT_EQ(response.offers(0).name(), "offers/i-am-cuba-mr-bongo-dvd-gb");
  EXPECT_EQ(response.offers(0).monetization(), wlv1::MONETIZATION_BUY);

  request.set_filter("format = \"VHS\"");
  s = stub_->ListOffers(CallContext(alice_).get(), request, &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Reason(s), "INVALID_FILTER");
  EXPECT_THAT(s.error_message(), HasSubstr("BLU_RAY"));
}

// Through the real server: bob sending a request_id alice used gets his own
// item, never hers (her note stays private); a reused id on a different
// request is refused.
TEST_F(WatchlistIntegrationTest, RequestIdsBelongToTheirCaller) {
  StartBoth();
  ASSERT_FALSE(HasFatalFailure());
  wlv1::WatchlistItem alices, bobs, other;
  ASSERT_TRUE(AddFilm(alice_, "alice", seed::kCuba, &alices, "key-1").ok());
  grpc::Status s = AddFilm(bob_, "bob", seed::kCranes, &bobs, "key-1");
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(bobs.name(), "users/bob/watchlist/items/the-cranes-are-flying");
  EXPECT_EQ(bobs.film(), seed::kCranes);
  s = AddFilm(alice_, "alice", seed::kCranes, &other, "key-1");
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("request_id"));
}

// The hostile probe of #11 through the real server and generated stubs: an
// oversized note, an offer available until 2^62 s (and from nanos -1), and
// an oversized request_id are each INVALID_ARGUMENT naming the field, and
// nothing is stored.
TEST_F(WatchlistIntegrationTest, OverLimitFieldsAndTimesAreRefusedByName) {
  StartBoth();
  ASSERT_FALSE(HasFatalFailure());
  wlv1::CreateWatchlistItemRequest add;
  add.set_parent("users/alice");
  add.mutable_item()->set_film(seed::kCuba);
  add.mutable_item()->set_note(std::string(5000, 'n'));
  wlv1::WatchlistItem item;
  grpc::Status s =
      stub_->CreateWatchlistItem(CallContext(alice_).get(), add, &item);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Reason(s), "INVALID_ARGUMENT");
  EXPECT_THAT(BadRequestFields(s), ::testing::ElementsAre("item.note"));
  EXPECT_THAT(s.error_message(), HasSubstr("at most 4096 bytes"));

  add.mutable_item()->set_note("Havana");
  add.set_request_id(std::string(kMaxRequestIdBytes + 1, 'r'));
  s = stub_->CreateWatchlistItem(CallContext(alice_).get(), add, &item);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(BadRequestFields(s), ::testing::ElementsAre("request_id"));

  wlv1::ListWatchlistItemsResponse list;
  ASSERT_TRUE(List(alice_, "alice", &list).ok());
  EXPECT_EQ(list.items_size(), 0);

  wlv1::CreateOfferRequest offer;
  offer.set_offer_id("forever");
  offer.mutable_offer()->set_film(seed::kCuba);
  offer.mutable_offer()->set_provider("providers/mr-bongo");
  offer.mutable_offer()->set_monetization(wlv1::MONETIZATION_FREE);
  offer.mutable_offer()->set_region("GB");
  offer.mutable_offer()->mutable_available_until()->set_seconds(int64_t{1}
                                                                << 62);
  wlv1::Offer created;
  s = stub_->CreateOffer(CallContext(curator_).get(), offer, &created);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Reason(s), "INVALID_ARGUMENT");
  EXPECT_THAT(BadRequestFields(s),
              ::testing::ElementsAre("offer.available_until"));

  offer.mutable_offer()->clear_available_until();
  offer.mutable_offer()->mutable_available_from()->set_nanos(-1);
  s = stub_->CreateOffer(CallContext(curator_).get(), offer, &created);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(BadRequestFields(s),
              ::testing::ElementsAre("offer.available_from"));

  wlv1::GetOfferRequest get;
  get.set_name("offers/forever");
  s = stub_->GetOffer(CallContext(alice_).get(), get, &created);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_F(WatchlistIntegrationTest,
       UsersTouchOnlyTheirOwnListAndTokensAreChecked) {
  StartBoth();
  ASSERT_FALSE(HasFatalFailure());
  wlv1::WatchlistItem item;
  ASSERT_TRUE(AddFilm(alice_, "alice", seed::kCuba, &item).ok());

  wlv1::ListWatchlistItemsResponse list;
  grpc::Status s = List(bob_, "alice", &list);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(s.error_message(), HasSubstr("users/alice"));
  EXPECT_FALSE(Reason(s).empty());

  wlv1::WatchlistItem bobs;
  s = AddFilm(bob_, "alice", seed::kCranes, &bobs);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);

  wlv1::GetWatchlistItemRequest get;
  get.set_name(item.name());
  wlv1::WatchlistItem got;
  s = stub_->GetWatchlistItem(CallContext(bob_).get(), get, &got);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(s.error_message(), HasSubstr("users/alice"));
  s = stub_->GetWatchlistItem(CallContext(alice_).get(), get, &got);
  EXPECT_TRUE(s.ok()) << s.error_message();

  wlv1::DeleteWatchlistItemRequest del;
  del.set_name(item.name());
  google::protobuf::Empty empty;
  s = stub_->DeleteWatchlistItem(CallContext(bob_).get(), del, &empty);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);

  // Bob's own list is fine.
  s = List(bob_, "bob", &list);
  EXPECT_TRUE(s.ok()) << s.error_message();

  // Forged (other secret), expired, missing.
  auth::TokenMinter forger("not-the-secret");
  s = List(forger.Mint("alice", auth::Role::kUser, absl::Hours(1)), "alice",
           &list);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(Reason(s), "TOKEN_INVALID");
  std::string expired = minter_.Mint("alice", auth::Role::kUser, absl::Hours(1),
                                     absl::Now() - absl::Hours(3));
  s = List(expired, "alice", &list);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(Reason(s), "TOKEN_EXPIRED");
  s = List("", "alice", &list);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  wlv1::WhereToWatchRequest where;
  where.set_film(seed::kCuba);
  where.set_region("GB");
  wlv1::WhereToWatchResponse where_out;
  s = stub_->WhereToWatch(CallContext("").get(), where, &where_out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED);

  // Nor can bob watch alice's alerts.
  wlv1::WatchAvailabilityRequest watch;
  watch.set_parent("users/alice");
  auto watch_ctx = CallContext(bob_);
  auto reader = stub_->WatchAvailability(watch_ctx.get(), watch);
  wlv1::WatchAvailabilityResponse ignored;
  EXPECT_FALSE(reader->Read(&ignored));
  s = reader->Finish();
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(s.error_message(), HasSubstr("users/alice"));

  // A user cannot create offers; a curator can.
  wlv1::CreateOfferRequest offer;
  offer.mutable_offer()->set_film(seed::kCuba);
  offer.mutable_offer()->set_provider("providers/mr-bongo");
  offer.mutable_offer()->set_monetization(wlv1::MONETIZATION_BUY);
  offer.mutable_offer()->set_format(wlv1::FORMAT_BLU_RAY);
  offer.mutable_offer()->set_region("GB");
  offer.mutable_offer()->mutable_price()->set_currency_code("GBP");
  offer.mutable_offer()->mutable_price()->set_units(20);
  offer.mutable_offer()->set_deep_link_uri(
      "https://mrbongo.com/products/i-am-cuba-bluray");
  wlv1::Offer created;
  s = stub_->CreateOffer(CallContext(alice_).get(), offer, &created);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Reason(s), "CURATOR_ROLE_REQUIRED");
  s = stub_->CreateOffer(CallContext(curator_).get(), offer, &created);
  EXPECT_TRUE(s.ok()) << s.error_message();
}

TEST_F(WatchlistIntegrationTest,
       AvailabilityEventsArriveLiveAndResumeAfterReconnect) {
  StartWithCubaOnAlicesList();
  ASSERT_FALSE(HasFatalFailure());

  wlv1::WatchAvailabilityRequest request;
  request.set_parent("users/alice");
  request.add_regions("GB");
  // Open: the server has subscribed; events from now on arrive.
  Watch stream = OpenWatch(alice_, request, absl::Seconds(60));

  const absl::Time start = absl::Now();
  wlv1::Offer offer;
  grpc::Status s = CreateRentalOffer(seed::kCuba, "GB", 3, &offer);
  ASSERT_TRUE(s.ok()) << s.error_message();
  wlv1::WatchAvailabilityResponse response;
  ASSERT_TRUE(stream.reader->Read(&response))
      << stream.reader->Finish().error_message();
  const absl::Duration took = absl::Now() - start;
  EXPECT_LT(took, absl::Seconds(1)) << "event took " << took;
  const wlv1::AvailabilityEvent& event = response.event();
  EXPECT_EQ(event.kind(), wlv1::AvailabilityEvent::KIND_OFFER_AVAILABLE);
  EXPECT_EQ(event.film(), seed::kCuba);
  EXPECT_EQ(event.user(), "users/alice");
  EXPECT_EQ(event.offer().name(), offer.name());
  EXPECT_GT(event.event_id(), 0);
  const int64_t last_id = event.event_id();

  EXPECT_EQ(CancelWatch(stream).error_code(), grpc::StatusCode::CANCELLED);

  // While alice is away: an offer for a film not on her list, one outside her
  // regions, then the price change she must get.
  wlv1::Offer other_film, other_region;
  ASSERT_TRUE(CreateRentalOffer(seed::kCranes, "GB", 4, &other_film).ok());
  ASSERT_TRUE(CreateRentalOffer(seed::kCuba, "US", 5, &other_region).ok());
  wlv1::UpdateOfferRequest update;
  update.mutable_offer()->set_name(offer.name());
  update.mutable_offer()->mutable_price()->set_currency_code("GBP");
  update.mutable_offer()->mutable_price()->set_units(2);
  update.mutable_offer()->mutable_price()->set_nanos(990000000);
  update.mutable_update_mask()->add_paths("price");
  wlv1::Offer updated;
  s = stub_->UpdateOffer(CallContext(curator_).get(), update, &updated);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(updated.price().units(), 2);

  request.set_resume_after_event_id(last_id);
  Watch resumed{CallContext(alice_, absl::Seconds(60)), nullptr};
  resumed.reader = stub_->WatchAvailability(resumed.ctx.get(), request);
  ASSERT_TRUE(resumed.reader->Read(&response))
      << resumed.reader->Finish().error_message();
  const wlv1::AvailabilityEvent& missed = response.event();
  EXPECT_GT(missed.event_id(), last_id);
  EXPECT_EQ(missed.kind(), wlv1::AvailabilityEvent::KIND_PRICE_CHANGED);
  EXPECT_EQ(missed.film(), seed::kCuba);
  EXPECT_EQ(missed.offer().name(), offer.name());
  EXPECT_EQ(missed.offer().price().units(), 2);
  EXPECT_EQ(missed.previous_price().units(), 3);
  EXPECT_EQ(missed.previous_price().nanos(), 490000000);
  EXPECT_EQ(CancelWatch(resumed).error_code(), grpc::StatusCode::CANCELLED);
}

TEST_F(WatchlistIntegrationTest, LeavingSoonComesFromThePeriodicScan) {
  StartWithCubaOnAlicesList();
  ASSERT_FALSE(HasFatalFailure());
  wlv1::WatchAvailabilityRequest request;
  request.set_parent("users/alice");
  Watch stream = OpenWatch(alice_, request, absl::Seconds(30));

  // Ends in two days: inside the default 168 h leaving-soon window.
  wlv1::Offer offer;
  ASSERT_TRUE(CreateRentalOffer(seed::kCuba, "GB", 3, &offer).ok());
  wlv1::UpdateOfferRequest update;
  update.mutable_offer()->set_name(offer.name());
  const absl::Time until = absl::Now() + absl::Hours(48);
  update.mutable_offer()->mutable_available_until()->set_seconds(
      absl::ToUnixSeconds(until));
  update.mutable_update_mask()->add_paths("available_until");
  wlv1::Offer updated;
  grpc::Status s =
      stub_->UpdateOffer(CallContext(curator_).get(), update, &updated);
  ASSERT_TRUE(s.ok()) << s.error_message();
  const absl::Time updated_at = absl::Now();

  // OFFER_AVAILABLE first, then LEAVING_SOON from the scan (every second).
  bool leaving_soon = false;
  wlv1::WatchAvailabilityResponse response;
  while (!leaving_soon && stream.reader->Read(&response)) {
    EXPECT_EQ(response.event().offer().name(), offer.name());
    leaving_soon =
        response.event().kind() == wlv1::AvailabilityEvent::KIND_LEAVING_SOON;
  }
  ASSERT_TRUE(leaving_soon) << stream.reader->Finish().error_message();
  EXPECT_LT(absl::Now() - updated_at, absl::Seconds(5));
  EXPECT_EQ(response.event().offer().available_until().seconds(),
            absl::ToUnixSeconds(until));
  CancelWatch(stream);
}

TEST_F(WatchlistIntegrationTest,
       ShutdownEndsOpenStreamsWithoutWaitingForTheGrace) {
  StartBoth();
  ASSERT_FALSE(HasFatalFailure());
  wlv1::WatchAvailabilityRequest request;
  request.set_parent("users/alice");
  Watch stream = OpenWatch(alice_, request, absl::Seconds(60));

  // The client keeps reading while the server stops, then watches its
  // channel's state the way a reconnecting client would. (A client that
  // polls nothing answers the server's GOAWAY ping only from gRPC's 5 s
  // backup poller, which would add ~5 s to the stop.)
  std::atomic<bool> stopped{false};
  const absl::Time start = absl::Now();
  std::future<std::pair<grpc::Status, absl::Time>> ended =
      std::async(std::launch::async, [this, &stream, &stopped] {
        wlv1::WatchAvailabilityResponse response;
        while (stream.reader->Read(&response)) {
        }
        grpc::Status status = stream.reader->Finish();
        const absl::Time at = absl::Now();
        while (!stopped.load()) {
          grpc_connectivity_state state = channel_->GetState(false);
          channel_->WaitForStateChange(state,
                                       std::chrono::system_clock::now() +
                                           std::chrono::milliseconds(100));
        }
        return std::make_pair(status, at);
      });
  EXPECT_EQ(watchlist_->Stop(absl::Seconds(30)), 0);  // grace is 20 s
  const absl::Duration stop_took = absl::Now() - start;
  stopped = true;
  auto [s, stream_end] = ended.get();
  EXPECT_LT(stream_end - start, absl::Seconds(2));
  EXPECT_LT(stop_took, absl::Seconds(4)) << watchlist_->StderrTail();
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE) << s.error_message();
}

TEST_F(WatchlistIntegrationTest,
       CatalogueOutageDegradesListsAndRecoversOnTheSamePort) {
  StartBoth();
  ASSERT_FALSE(HasFatalFailure());
  wlv1::WatchlistItem item;
  ASSERT_TRUE(AddFilm(alice_, "alice", seed::kCranes, &item).ok());
  const int catalog_port = catalog_->port();
  catalog_->Kill();

  wlv1::ListWatchlistItemsResponse list;
  absl::Time start = absl::Now();
  grpc::Status s = List(alice_, "alice", &list);
  absl::Duration took = absl::Now() - start;
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_LT(took, absl::Milliseconds(1500)) << took;  // 500 ms deadline + slack
  ASSERT_EQ(list.items_size(), 1);
  EXPECT_FALSE(list.items(0).enriched());
  EXPECT_EQ(list.items(0).film(), seed::kCranes);
  EXPECT_TRUE(list.items(0).film_summary().title().empty());

  wlv1::WatchlistItem cuba;
  start = absl::Now();
  s = AddFilm(alice_, "alice", seed::kCuba, &cuba);
  took = absl::Now() - start;
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE) << s.error_message();
  EXPECT_THAT(s.error_message(), HasSubstr("catalogue"));
  EXPECT_THAT(s.error_message(),
              HasSubstr(absl::StrCat("127.0.0.1:", catalog_port)));
  EXPECT_LT(took, absl::Milliseconds(1500)) << took;

  EXPECT_EQ(HealthStatus(channel_, kServiceName), 1);  // SERVING

  StartCatalog(catalog_port);
  ASSERT_FALSE(HasFatalFailure());
  ASSERT_EQ(catalog_->port(), catalog_port);
  ASSERT_TRUE(AlicesOneItemComesBackEnriched(&list, absl::Milliseconds(100)))
      << "the watchlist never reached the restarted catalogue";
  EXPECT_EQ(list.items(0).film_summary().title(), "The Cranes Are Flying");
  s = AddFilm(alice_, "alice", seed::kCuba, &cuba);
  EXPECT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(cuba.film(), seed::kCuba);
}

// `n` ListWatchlistItems calls for alice, all sent at once (10 s deadline).
std::vector<std::future<grpc::Status>> ListAtOnce(
    wlv1::WatchlistService::Stub* stub, const std::string& token, int n) {
  std::vector<std::future<grpc::Status>> lists;
  for (int i = 0; i < n; ++i) {
    lists.push_back(std::async(std::launch::async, [stub, token] {
      wlv1::ListWatchlistItemsRequest request;
      request.set_parent("users/alice");
      wlv1::ListWatchlistItemsResponse response;
      return stub->ListWatchlistItems(
          CallContext(token, absl::Seconds(10)).get(), request, &response);
    }));
  }
  return lists;
}

// A catalogue that accepts connections but never answers (SIGSTOP) is the
// worst case: every call to it waits out its deadline.
class FrozenCatalogue {
 public:
  explicit FrozenCatalogue(pid_t pid) : pid_(pid) { kill(pid_, SIGSTOP); }
  ~FrozenCatalogue() { Thaw(); }
  void Thaw() {
    if (frozen_) kill(pid_, SIGCONT);
    frozen_ = false;
  }

 private:
  pid_t pid_;
  bool frozen_ = true;
};

TEST_F(WatchlistIntegrationTest,
       FrozenCatalogueHoldsOnlyTheCallsThatAskItAndTheCircuitOpens) {
  // A long catalogue deadline (the last --catalog-deadline wins) makes the
  // difference between waiting for the catalogue and not waiting for it
  // plain even on a loaded machine.
  StartWithFilmOnAlicesList(
      seed::kCranes,
      {"--catalog-threads=2", "--catalog-breaker-failures=3",
       "--catalog-breaker-cooldown=3s", "--catalog-deadline=2s"});
  ASSERT_FALSE(HasFatalFailure());

  FrozenCatalogue frozen(catalog_->pid());
  // Eight lists that need the catalogue: on two catalogue threads with a
  // 2 s catalogue deadline they would hold a shared pool for seconds.
  std::vector<std::future<grpc::Status>> lists =
      ListAtOnce(stub_.get(), alice_, 8);
  absl::SleepFor(absl::Milliseconds(100));
  // Meanwhile the calls that never ask the catalogue keep their latency: a
  // 1 s client deadline, half of one catalogue deadline.
  for (int i = 0; i < 5; ++i) {
    wlv1::ListOffersRequest offers;
    wlv1::ListOffersResponse offers_response;
    grpc::Status s = stub_->ListOffers(
        CallContext(alice_, absl::Seconds(1)).get(), offers, &offers_response);
    EXPECT_TRUE(s.ok()) << "ListOffers #" << i << ": " << s.error_message();
    wlv1::WhereToWatchRequest where;
    where.set_film(seed::kCranes);
    where.set_region("GB");
    wlv1::WhereToWatchResponse where_response;
    s = stub_->WhereToWatch(CallContext(alice_, absl::Seconds(1)).get(), where,
                            &where_response);
    EXPECT_TRUE(s.ok()) << "WhereToWatch #" << i << ": " << s.error_message();
  }
  for (auto& list : lists) {
    grpc::Status s = list.get();
    EXPECT_TRUE(s.ok()) << s.error_message();  // unenriched, not failed
  }

  // Three outages opened the circuit: a list now answers (unenriched) in
  // half of one catalogue deadline.
  wlv1::ListWatchlistItemsRequest request;
  request.set_parent("users/alice");
  wlv1::ListWatchlistItemsResponse list;
  grpc::Status s = stub_->ListWatchlistItems(
      CallContext(alice_, absl::Seconds(1)).get(), request, &list);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_EQ(list.items_size(), 1);
  EXPECT_FALSE(list.items(0).enriched());
  wlv1::WatchlistItem cuba;
  s = AddFilm(alice_, "alice", seed::kCuba, &cuba);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_THAT(s.error_message(), HasSubstr("circuit open"));

  // Back: after the cooldown one trial call closes the circuit.
  frozen.Thaw();
  EXPECT_TRUE(AlicesOneItemComesBackEnriched(&list, absl::Milliseconds(200)))
      << "the circuit never closed again";
}

TEST_F(WatchlistIntegrationTest, CallsBeyondTheCatalogueQueueFailFast) {
  StartWithFilmOnAlicesList(seed::kCranes,
                            {"--catalog-threads=1", "--catalog-queue=1",
                             "--catalog-breaker-failures=100"});
  ASSERT_FALSE(HasFatalFailure());

  FrozenCatalogue frozen(catalog_->pid());
  // One call runs, one waits; the rest are refused at once.
  std::vector<std::future<grpc::Status>> lists =
      ListAtOnce(stub_.get(), alice_, 6);
  int refused = 0;
  for (auto& list : lists) {
    grpc::Status s = list.get();
    if (s.ok()) continue;
    ++refused;
    EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE);
    EXPECT_THAT(s.error_message(), HasSubstr("too many calls are waiting"));
  }
  EXPECT_GE(refused, 1);
  EXPECT_LT(refused, 6) << "the first call is always admitted";
}

// The retry delay of a RESOURCE_EXHAUSTED answer (google.rpc.RetryInfo).
absl::Duration RetryDelayOf(const grpc::Status& status) {
  google::rpc::Status details = DecodeStatusDetails(status);
  for (const auto& any : details.details()) {
    google::rpc::RetryInfo retry;
    if (any.UnpackTo(&retry)) {
      return absl::Seconds(retry.retry_delay().seconds()) +
             absl::Nanoseconds(retry.retry_delay().nanos());
    }
  }
  return absl::ZeroDuration();
}

TEST_F(WatchlistIntegrationTest,
       ABurstOfWritesFromOneUserIsRateLimitedWhileAnotherUserWrites) {
  StartCatalog();
  ASSERT_FALSE(HasFatalFailure());
  StartWatchlist("", {"--user-write-rate=1", "--rate-burst=3s"});
  ASSERT_FALSE(HasFatalFailure());
  int limited = 0;
  grpc::Status refusal;
  for (int i = 0; i < 20; ++i) {
    wlv1::WatchlistItem item;
    grpc::Status s = AddFilm(alice_, "alice", seed::kCranes, &item);
    if (s.ok()) continue;
    ++limited;
    refusal = s;
  }
  // A bucket of 3 (1 per second for 3 s): unless the 20 calls took 12 s,
  // at least 5 are refused.
  EXPECT_GE(limited, 5);
  ASSERT_EQ(refusal.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED)
      << refusal.error_message();
  EXPECT_EQ(FromGrpcStatus(refusal).ok(), false);
  EXPECT_EQ(ErrorReason(FromGrpcStatus(refusal)), "RATE_LIMITED");
  EXPECT_THAT(refusal.error_message(), HasSubstr("alice"));
  const absl::Duration delay = RetryDelayOf(refusal);
  EXPECT_GT(delay, absl::ZeroDuration());
  EXPECT_LE(delay, absl::Seconds(1));

  wlv1::WatchlistItem bobs;
  grpc::Status s = AddFilm(bob_, "bob", seed::kCranes, &bobs);
  EXPECT_TRUE(s.ok()) << "another user is not limited: " << s.error_message();
  // Reads are not rate limited.
  wlv1::ListWatchlistItemsResponse list;
  s = List(alice_, "alice", &list);
  EXPECT_TRUE(s.ok()) << s.error_message();
  // After the advised delay, alice may write again.
  absl::SleepFor(delay + absl::Milliseconds(50));
  wlv1::WatchlistItem again;
  s = AddFilm(alice_, "alice", seed::kCranes, &again);
  EXPECT_TRUE(s.ok()) << s.error_message();
}

TEST_F(WatchlistIntegrationTest, APeerLimitCoversEveryUserOnThatAddress) {
  StartCatalog();
  ASSERT_FALSE(HasFatalFailure());
  StartWatchlist(
      "", {"--user-write-rate=0", "--peer-write-rate=2", "--rate-burst=1s"});
  ASSERT_FALSE(HasFatalFailure());
  for (int i = 0; i < 3; ++i) {
    wlv1::WatchlistItem item;
    AddFilm(alice_, "alice", seed::kCranes, &item);
  }
  wlv1::WatchlistItem bobs;
  grpc::Status s = AddFilm(bob_, "bob", seed::kCranes, &bobs);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_THAT(s.error_message(), HasSubstr("from 127.0.0.1"));
}

TEST_F(WatchlistIntegrationTest, StreamsAreCappedPerUserAndInAll) {
  StartCatalog();
  ASSERT_FALSE(HasFatalFailure());
  StartWatchlist("", {"--max-streams-per-user=2", "--max-streams=3"});
  ASSERT_FALSE(HasFatalFailure());
  wlv1::WatchAvailabilityRequest alices;
  alices.set_parent("users/alice");
  wlv1::WatchAvailabilityRequest bobs;
  bobs.set_parent("users/bob");
  Watch a1 = OpenWatch(alice_, alices, absl::Seconds(30));
  Watch a2 = OpenWatch(alice_, alices, absl::Seconds(30));
  // A refused stream ends by itself; one that stays open would run into
  // its 5 s deadline instead.
  auto end_of = [](Watch& watch) {
    wlv1::WatchAvailabilityResponse response;
    while (watch.reader->Read(&response)) {
    }
    return watch.reader->Finish();
  };
  Watch a3 = OpenWatch(alice_, alices, absl::Seconds(5));
  grpc::Status third = end_of(a3);
  EXPECT_EQ(third.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_THAT(third.error_message(), HasSubstr("--max-streams-per-user"));
  Watch b1 = OpenWatch(bob_, bobs, absl::Seconds(30));
  Watch b2 = OpenWatch(bob_, bobs, absl::Seconds(5));
  grpc::Status fourth = end_of(b2);
  EXPECT_EQ(fourth.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_THAT(fourth.error_message(), HasSubstr("--max-streams)"));
  // A closed stream frees its place.
  CancelWatch(a1);
  absl::SleepFor(absl::Milliseconds(200));
  Watch b3 = OpenWatch(bob_, bobs, absl::Seconds(1));
  grpc::Status fifth = CancelWatch(b3);
  EXPECT_EQ(fifth.error_code(), grpc::StatusCode::CANCELLED)
      << fifth.error_message();
  CancelWatch(a2);
  CancelWatch(b1);
}

TEST_F(WatchlistIntegrationTest, OversizedRequestsAndOldConnectionsAreCut) {
  StartCatalog();
  ASSERT_FALSE(HasFatalFailure());
  StartWatchlist("", {"--max-request-bytes=2048", "--max-connection-age=1s"});
  ASSERT_FALSE(HasFatalFailure());
  wlv1::CreateWatchlistItemRequest big;
  big.set_parent("users/alice");
  big.mutable_item()->set_film(seed::kCranes);
  big.mutable_item()->set_note(
      std::string(4000, 'x'));  // under the field limit
  wlv1::WatchlistItem item;
  grpc::Status s =
      stub_->CreateWatchlistItem(CallContext(alice_).get(), big, &item);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED)
      << s.error_message();

  // The connection is closed after its maximum age (gRPC 1.51 takes about
  // 5 s for a 1 s age here: jitter, GOAWAY and its ping), with no call in
  // flight: the channel leaves READY.
  ASSERT_TRUE(AddFilm(alice_, "alice", seed::kCranes, &item).ok());
  ASSERT_EQ(channel_->GetState(false), GRPC_CHANNEL_READY);
  const absl::Time deadline = absl::Now() + absl::Seconds(12);
  while (channel_->GetState(false) == GRPC_CHANNEL_READY &&
         absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(100));
  }
  EXPECT_NE(channel_->GetState(false), GRPC_CHANNEL_READY)
      << "the server kept a connection past --max-connection-age";
  EXPECT_TRUE(AddFilm(alice_, "alice", seed::kCranes, &item).ok())
      << "a new connection serves again";
}

// The watchlist's default request cap (256 KiB, above its largest valid
// request) refuses a bigger message from its length prefix; a receive window
// far smaller than a message bounds buffering, not what a call may send.
TEST_F(WatchlistIntegrationTest, DefaultRequestCapAndASmallStreamWindow) {
  StartCatalog();
  ASSERT_FALSE(HasFatalFailure());
  StartWatchlist("", {"--stream-window-bytes=1024"});
  ASSERT_FALSE(HasFatalFailure());
  wlv1::CreateWatchlistItemRequest request;
  request.set_parent("users/alice");
  request.mutable_item()->set_film(seed::kCranes);
  request.mutable_item()->set_note(std::string(300 * 1024, 'x'));
  wlv1::WatchlistItem item;
  grpc::Status s =
      stub_->CreateWatchlistItem(CallContext(alice_).get(), request, &item);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED)
      << s.error_message();
  EXPECT_THAT(s.error_message(), HasSubstr("vs. 262144"));

  request.mutable_item()->set_note(std::string(4000, 'x'));  // > the window
  s = stub_->CreateWatchlistItem(CallContext(alice_).get(), request, &item);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(item.note().size(), 4000u);
}

TEST_F(WatchlistIntegrationTest,
       UnknownFilmsIdempotentAddsAndDurabilityAcrossKill9) {
  StartBoth();
  ASSERT_FALSE(HasFatalFailure());
  wlv1::WatchlistItem item;
  grpc::Status s = AddFilm(alice_, "alice", "films/no-such-film", &item);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND) << s.error_message();
  EXPECT_THAT(s.error_message(), HasSubstr("films/no-such-film"));

  wlv1::WatchlistItem first, second;
  s = AddFilm(alice_, "alice", seed::kCranes, &first, "req-cranes-1");
  ASSERT_TRUE(s.ok()) << s.error_message();
  s = AddFilm(alice_, "alice", seed::kCranes, &second, "req-cranes-1");
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(first.name(), second.name());
  wlv1::ListWatchlistItemsResponse list;
  ASSERT_TRUE(List(alice_, "alice", &list).ok());
  EXPECT_EQ(list.items_size(), 1);

  wlv1::WatchlistItem cuba;
  s = AddFilm(alice_, "alice", seed::kCuba, &cuba, "req-cuba-1");
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_NE(watchlist_->Kill(), 0);  // killed by SIGKILL, right after the ack

  StartWatchlist();
  ASSERT_FALSE(HasFatalFailure());
  list.Clear();
  s = List(alice_, "alice", &list);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_EQ(list.items_size(), 2);
  EXPECT_EQ(list.items(1).name(), cuba.name());
  EXPECT_EQ(list.items(1).film(), seed::kCuba);
  // The request id survived too: the retry answers with the same item.
  wlv1::WatchlistItem retry;
  s = AddFilm(alice_, "alice", seed::kCuba, &retry, "req-cuba-1");
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(retry.name(), cuba.name());
}

TEST_F(WatchlistIntegrationTest, APageOfAHundredItemsMakesOneCatalogueCall) {
  StartBoth();
  ASSERT_FALSE(HasFatalFailure());
  constexpr int kFilms = 100;
  catalogv1::ImportFilmsRequest import;
  for (int i = 0; i < kFilms; ++i) {
    catalogv1::ImportFilmsEntry* entry = import.add_entries();
    entry->set_film_id(absl::StrFormat("page-test-film-%03d", i));
    entry->mutable_film()->set_title(absl::StrFormat("Page Test Film %03d", i));
    entry->mutable_film()->set_year(1950 + i % 50);
    entry->set_source_line(i + 1);
  }
  catalogv1::ImportFilmsResponse imported;
  grpc::Status s = catalog_stub_->ImportFilms(
      CallContext(curator_, absl::Seconds(30)).get(), import, &imported);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_EQ(imported.created_count(), kFilms)
      << (imported.results_size() > 0 ? imported.results(0).message() : "");

  const std::string carol =
      minter_.Mint("carol", auth::Role::kUser, absl::Hours(1));
  for (int i = 0; i < kFilms; ++i) {
    wlv1::WatchlistItem item;
    s = AddFilm(carol, "carol", absl::StrFormat("films/page-test-film-%03d", i),
                &item);
    ASSERT_TRUE(s.ok()) << i << ": " << s.error_message();
  }

  const std::string before =
      ::longtake::testing::ReadFile(catalog_->stderr_path());
  const int batch_before = CountOccurrences(before, kBatchGetLine);
  const int get_before = CountOccurrences(before, kGetFilmLine);
  ASSERT_GT(batch_before, 0) << "the catalogue does not log calls; stderr:\n"
                             << catalog_->StderrTail();

  wlv1::ListWatchlistItemsResponse page;
  s = List(carol, "carol", &page, 100);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_EQ(page.items_size(), kFilms);
  for (int i = 0; i < kFilms; ++i) {
    ASSERT_TRUE(page.items(i).enriched()) << i;
    EXPECT_EQ(page.items(i).film_summary().title(),
              absl::StrFormat("Page Test Film %03d", i));
  }

  // The call line is written before the answer leaves the catalogue; wait a
  // little anyway so a stray extra call would show.
  absl::SleepFor(absl::Milliseconds(300));
  const std::string after =
      ::longtake::testing::ReadFile(catalog_->stderr_path());
  EXPECT_EQ(CountOccurrences(after, kBatchGetLine) - batch_before, 1);
  EXPECT_EQ(CountOccurrences(after, kGetFilmLine) - get_before, 0);
}

}  // namespace
}  // namespace longtake::watchlist
