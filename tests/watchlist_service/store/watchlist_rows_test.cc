// The row mapping both stores share (watchlist_service/store/watchlist_rows.h):
// each resource survives struct -> row values -> struct, and the statements
// name the columns the rows hold.

#include "watchlist_service/store/watchlist_rows.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/status_matchers.h"
#include "tests/watchlist_service/sample_resources.h"

namespace longtake::watchlist {
namespace {

using ::testing::HasSubstr;

using testing::ExpectSame;
using testing::FullOffer;
using testing::kSampleTime;
using testing::SampleItem;
using testing::SampleProvider;

TEST(WatchlistRowsTest, OfferRoundTrip) {
  const Offer offer = FullOffer();
  const SqlRow row = OfferRow(offer);
  ASSERT_EQ(row.size(), OfferTable().columns.size());
  ExpectSame(ReadOffer(SqlRowReader(row)), offer);
}

TEST(WatchlistRowsTest, OfferWithoutPriceOrWindow) {
  Offer offer;
  offer.name = "offers/free";
  offer.monetization = Monetization::kFree;
  const SqlRow row = OfferRow(offer);
  SqlRowReader reader(row);
  EXPECT_TRUE(reader.IsNull(7));  // price_currency
  const Offer back = ReadOffer(reader);
  EXPECT_FALSE(back.price.has_value());
  EXPECT_EQ(back.available_from, absl::InfinitePast());
  EXPECT_EQ(back.available_until, absl::InfiniteFuture());
}

TEST(WatchlistRowsTest, ProviderRoundTrip) {
  const Provider p = SampleProvider();
  const SqlRow row = ProviderRow(p);
  ASSERT_EQ(row.size(), ProviderTable().columns.size());
  ExpectSame(ReadProvider(SqlRowReader(row)), p);
  EXPECT_EQ(p.update_time, absl::InfinitePast());
}

TEST(WatchlistRowsTest, ItemRoundTripKeepsItsOwner) {
  const WatchlistItem item = SampleItem();
  const SqlRow row = ItemRow(item);
  ASSERT_EQ(row.size(), ItemTable().columns.size());
  EXPECT_EQ(SqlRowReader(row).Text(1), "alice");  // user_id
  const WatchlistItem back = ReadItem(SqlRowReader(row));
  EXPECT_EQ(back.name, item.name);
  EXPECT_EQ(back.film, item.film);
  EXPECT_EQ(back.note, item.note);
  EXPECT_EQ(back.rank, item.rank);
  EXPECT_EQ(back.add_time, item.add_time);
  EXPECT_FALSE(back.watched());
  EXPECT_EQ(back.etag, item.etag);
}

TEST(WatchlistRowsTest, EventRoundTripWithItsId) {
  AvailabilityEvent e;
  e.kind = AvailabilityEvent::Kind::kPriceChanged;
  e.offer = FullOffer();
  e.film = e.offer.film;
  e.previous_price = Money{"GBP", 4, 0};
  e.event_time = kSampleTime;
  const SqlRow inserted = EventRow(e);
  ASSERT_EQ(inserted.size() + 1, EventTable().columns.size());  // no event_id
  SqlRow selected(1, SqlValue(int64_t{7}));  // as selected: event_id first
  for (const SqlValue& value : inserted) selected.push_back(value);
  ASSERT_OK_AND_ASSIGN(AvailabilityEvent back,
                       ReadEvent(SqlRowReader(selected)));
  EXPECT_EQ(back.event_id, 7);
  EXPECT_EQ(back.kind, e.kind);
  EXPECT_EQ(back.film, e.film);
  EXPECT_EQ(back.offer.price, e.offer.price);
  EXPECT_EQ(back.previous_price, e.previous_price);
  EXPECT_EQ(back.event_time, e.event_time);
}

TEST(WatchlistRowsTest, StatementsNameTheColumns) {
  EXPECT_EQ(ItemTable().Select(),
            "SELECT name, user_id, film, note, rank, add_time, watch_time, "
            "etag FROM items");
  EXPECT_THAT(ProviderTable().Upsert(true),
              HasSubstr("VALUES($1, $2, $3, $4, $5, $6, $7, $8) ON "
                        "CONFLICT(name) DO UPDATE SET display_name = "
                        "excluded.display_name"));
  EXPECT_THAT(EventTable().Insert(false, false),
              HasSubstr("INSERT INTO events(kind, film,"));
  EXPECT_THAT(EventTable().Insert(false, false), HasSubstr("VALUES(?, ?,"));
}

}  // namespace
}  // namespace longtake::watchlist
