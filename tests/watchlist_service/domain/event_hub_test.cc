// The live fan-out of events (watchlist_service/domain/event_hub.h): each
// event goes out once, whether it was published locally or polled.

#include "watchlist_service/domain/event_hub.h"

#include <memory>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace longtake::watchlist {
namespace {

using ::testing::ElementsAre;

AvailabilityEvent Event(int64_t id) {
  Offer offer;
  offer.film = "films/i-am-cuba";
  AvailabilityEvent e = MakeEvent(AvailabilityEvent::Kind::kOfferAvailable,
                                  offer, absl::FromUnixSeconds(1));
  e.event_id = id;
  return e;
}

TEST(EventHubTest, LocalEventsAreNotRepeatedByPolling) {
  auto hub = std::make_shared<EventHub>(0);
  std::vector<int64_t> seen;
  auto sub = hub->Subscribe(
      [&seen](const AvailabilityEvent& e) { seen.push_back(e.event_id); });
  hub->PublishLocal({Event(1)});
  EXPECT_EQ(hub->PublishPolled({Event(1), Event(2)}), 1);
  EXPECT_THAT(seen, ElementsAre(1, 2));
  EXPECT_EQ(hub->polled_upto(), 2);
  EXPECT_EQ(hub->last_seen(), 2);
  EXPECT_EQ(MakeEvent(AvailabilityEvent::Kind::kLeavingSoon, Event(3).offer,
                      absl::FromUnixSeconds(1))
                .film,
            "films/i-am-cuba");
}

TEST(EventHubTest, EventsUpToTheStartingIdAreOld) {
  auto hub = std::make_shared<EventHub>(5);
  int calls = 0;
  auto sub = hub->Subscribe([&calls](const AvailabilityEvent&) { ++calls; });
  hub->PublishLocal({Event(4)});
  EXPECT_EQ(hub->PublishPolled({Event(5)}), 0);
  EXPECT_EQ(calls, 0);
}

TEST(EventHubTest, UnsubscribingStopsDeliveryEvenAfterTheHubIsGone) {
  auto hub = std::make_shared<EventHub>(0);
  int calls = 0;
  auto sub = hub->Subscribe([&calls](const AvailabilityEvent&) { ++calls; });
  hub->PublishLocal({Event(1)});
  sub.reset();
  hub->PublishLocal({Event(2)});
  EXPECT_EQ(calls, 1);
  auto late = hub->Subscribe([](const AvailabilityEvent&) {});
  hub.reset();
  late.reset();  // must not touch the destroyed hub
}

}  // namespace
}  // namespace longtake::watchlist
