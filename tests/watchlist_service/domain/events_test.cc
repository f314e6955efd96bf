// Availability events: stored, published, resumable, polled
// (watchlist_service/domain/events.cc, event_hub.cc).

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/status_matchers.h"
#include "tests/watchlist_service/domain/watchlist_test_fixture.h"

namespace longtake::watchlist {
namespace {

TEST_F(WatchlistTest, OfferUpdateEventsForWindowAndRegion) {
  std::string film = NewFilm("moving");
  ASSERT_OK(watchlist_->CreateItem("users/nia", Item(film)));
  AddProvider("islands", "Islands", {"GB", "IE"});
  Offer later = MakeOffer(film, "providers/islands", Monetization::kFree, "GB");
  later.available_from = kNow + absl::Hours(24);
  auto created = watchlist_->CreateOffer(later, "moving-free");
  ASSERT_OK(created);
  std::vector<AvailabilityEvent::Kind> kinds;
  auto sub = watchlist_->Subscribe(
      [&kinds](const AvailabilityEvent& e) { kinds.push_back(e.kind); });
  Offer now_available = *created;
  now_available.available_from = kNow - absl::Hours(1);
  auto updated = watchlist_->UpdateOffer(now_available, {"available_from"});
  ASSERT_OK(updated);
  Offer moved = *updated;
  moved.region = "IE";
  ASSERT_OK(watchlist_->UpdateOffer(moved, {"region"}));
  EXPECT_THAT(kinds, ElementsAre(AvailabilityEvent::Kind::kOfferAvailable,
                                 AvailabilityEvent::Kind::kOfferRemoved,
                                 AvailabilityEvent::Kind::kOfferAvailable));
  auto removed = watchlist_->EventsAfter("users/nia", {"GB"}, 0, 0);
  ASSERT_OK(removed);
  ASSERT_FALSE(removed->empty());
  EXPECT_EQ(removed->back().kind, AvailabilityEvent::Kind::kOfferRemoved);
  EXPECT_EQ(removed->back().offer.region, "GB");
}

// ---- Events ----

TEST_F(WatchlistTest, OfferEventsAreStoredPublishedAndResumable) {
  std::string film = NewFilm("eventful");
  ASSERT_OK(watchlist_->CreateItem("users/hana", Item(film)));
  std::vector<AvailabilityEvent> live;
  auto subscription = watchlist_->Subscribe(
      [&live](const AvailabilityEvent& e) { live.push_back(e); });

  auto offer = watchlist_->CreateOffer(
      MakeOffer(film, "providers/mr-bongo", Monetization::kRent, "GB",
                Money{"GBP", 3, 0}),
      "eventful-rent");
  ASSERT_OK(offer);
  Offer cheaper = *offer;
  cheaper.price = Money{"GBP", 2, 500000000};
  ASSERT_OK(watchlist_->UpdateOffer(cheaper, {"price"}));
  ASSERT_OK(watchlist_->DeleteOffer(offer->name, ""));

  ASSERT_EQ(live.size(), 3u);
  EXPECT_EQ(live[0].kind, AvailabilityEvent::Kind::kOfferAvailable);
  EXPECT_EQ(live[1].kind, AvailabilityEvent::Kind::kPriceChanged);
  ASSERT_TRUE(live[1].previous_price.has_value());
  EXPECT_EQ(live[1].previous_price->units, 3);
  EXPECT_EQ(live[1].offer.price->nanos, 500000000);
  EXPECT_EQ(live[2].kind, AvailabilityEvent::Kind::kOfferRemoved);
  EXPECT_EQ(live[2].offer.name, offer->name);
  EXPECT_LT(live[0].event_id, live[1].event_id);
  EXPECT_LT(live[1].event_id, live[2].event_id);
  EXPECT_EQ(watchlist_->last_event_id(), live[2].event_id);

  auto stored = watchlist_->EventsAfter("users/hana", {}, 0, 0);
  ASSERT_OK(stored);
  ASSERT_EQ(stored->size(), 3u);  // seed events are for films not on the list
  EXPECT_EQ((*stored)[1].event_id, live[1].event_id);
  EXPECT_EQ((*stored)[1].user, "users/hana");
  EXPECT_EQ((*stored)[1].previous_price->units, 3);
  EXPECT_EQ((*stored)[2].offer.price->units, 2);

  auto resumed =
      watchlist_->EventsAfter("users/hana", {"gb"}, live[0].event_id, 0);
  ASSERT_OK(resumed);
  ASSERT_EQ(resumed->size(), 2u);
  EXPECT_EQ((*resumed)[0].kind, AvailabilityEvent::Kind::kPriceChanged);
  EXPECT_TRUE(watchlist_->EventsAfter("users/hana", {"US"}, 0, 0)->empty());
  EXPECT_TRUE(watchlist_->EventsAfter("users/ivan", {}, 0, 0)->empty());

  EXPECT_TRUE(*watchlist_->EventConcernsUser(live[0], "users/hana", {}));
  EXPECT_FALSE(*watchlist_->EventConcernsUser(live[0], "users/hana", {"US"}));
  EXPECT_FALSE(*watchlist_->EventConcernsUser(live[0], "users/ivan", {}));

  subscription.reset();
  ASSERT_OK(watchlist_->CreateOffer(
      MakeOffer(film, "providers/mr-bongo", Monetization::kFree, "GB"), ""));
  EXPECT_EQ(live.size(), 3u);  // unsubscribed
}

TEST_F(WatchlistTest, ResumeAfterAnUnissuedEventIdIsOutOfRange) {
  std::string film = NewFilm("resumable");
  ASSERT_OK(watchlist_->CreateItem("users/kai", Item(film)));
  ASSERT_OK(watchlist_->CreateOffer(
      MakeOffer(film, "providers/mr-bongo", Monetization::kFree, "GB"), ""));
  const int64_t newest = watchlist_->last_event_id();
  ASSERT_GT(newest, 0);
  EXPECT_OK(watchlist_->EventsAfter("users/kai", {}, newest, 0));
  auto beyond = watchlist_->EventsAfter("users/kai", {}, newest + 1000, 0);
  EXPECT_THAT(beyond,
              StatusIs(absl::StatusCode::kOutOfRange, "RESUME_POINT_UNKNOWN"));
  EXPECT_THAT(std::string(beyond.status().message()),
              HasSubstr(absl::StrCat("newest event ", newest)));
}

TEST_F(WatchlistTest, LeavingSoonEmittedOnce) {
  std::string film = NewFilm("leaving");
  Offer soon = MakeOffer(film, "providers/mr-bongo", Monetization::kFree, "GB");
  soon.available_until = kNow + absl::Hours(48);
  Offer later =
      MakeOffer(film, "providers/mr-bongo", Monetization::kFree, "GB");
  later.available_until = kNow + absl::Hours(24 * 30);
  ASSERT_OK(watchlist_->CreateOffer(soon, "soon"));
  ASSERT_OK(watchlist_->CreateOffer(later, "later"));
  int live = 0;
  auto sub = watchlist_->Subscribe([&live](const AvailabilityEvent& e) {
    if (e.kind == AvailabilityEvent::Kind::kLeavingSoon) ++live;
  });
  auto first = watchlist_->ScanLeavingSoon(kNow);
  ASSERT_OK(first);
  EXPECT_EQ(*first, 1);
  EXPECT_EQ(*watchlist_->ScanLeavingSoon(kNow + absl::Hours(1)), 0);
  EXPECT_EQ(live, 1);
  // Once "later" enters the window it is announced, once.
  EXPECT_EQ(*watchlist_->ScanLeavingSoon(kNow + absl::Hours(24 * 25)), 1);
  EXPECT_EQ(*watchlist_->ScanLeavingSoon(kNow + absl::Hours(24 * 26)), 0);
  ASSERT_OK(watchlist_->CreateItem("users/jo", Item(film)));
  auto events = watchlist_->EventsAfter("users/jo", {}, 0, 0);
  int leaving = 0;
  for (const auto& e : *events)
    leaving += e.kind == AvailabilityEvent::Kind::kLeavingSoon;
  EXPECT_EQ(leaving, 2);
}

TEST_F(WatchlistTest, PollingDeliversOtherReplicasEvents) {
  const std::string url = TempSqliteUrl("replica");
  Open(url);
  auto other_store = OpenWatchlistStore(url);
  ASSERT_OK(other_store);
  auto replica = Watchlist::Open(std::move(*other_store), &directory_, {});
  ASSERT_OK(replica);
  std::vector<int64_t> seen_here, seen_there;
  auto sub_here =
      watchlist_->Subscribe([&seen_here](const AvailabilityEvent& e) {
        seen_here.push_back(e.event_id);
      });
  auto sub_there =
      (*replica)->Subscribe([&seen_there](const AvailabilityEvent& e) {
        seen_there.push_back(e.event_id);
      });

  ASSERT_OK(
      watchlist_->CreateOffer(MakeOffer("films/i-am-cuba", "providers/mr-bongo",
                                        Monetization::kFree, "GB"),
                              ""));
  ASSERT_EQ(seen_here.size(), 1u);
  EXPECT_TRUE(seen_there.empty());
  EXPECT_EQ(*(*replica)->PollNewEvents(), 1);
  EXPECT_EQ(seen_there, seen_here);
  EXPECT_EQ(*(*replica)->PollNewEvents(), 0);
  EXPECT_EQ(*watchlist_->PollNewEvents(), 0);  // published locally already
  EXPECT_EQ(seen_here.size(), 1u);

  replica->reset();
}

}  // namespace
}  // namespace longtake::watchlist
