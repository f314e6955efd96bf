// The row mapping both stores share (watchlist_service/store/watchlist_rows.h):
// each resource survives struct -> row values -> struct, and the statements
// name the columns the rows hold.

#include "watchlist_service/store/watchlist_rows.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/status_matchers.h"

namespace longtake::watchlist {
namespace {

using ::testing::HasSubstr;

const absl::Time kT0 = absl::FromUnixSeconds(1767225600);

Offer FullOffer() {
  Offer o;
  o.name = "offers/i-am-cuba-dvd";
  o.film = "films/i-am-cuba";
  o.provider = "providers/mr-bongo";
  o.monetization = Monetization::kRent;
  o.format = Format::kBluRay;
  o.quality = Quality::kUhd4k;
  o.region = "GB";
  o.price = Money{"GBP", 3, 500000000};
  o.deep_link_uri = "https://example.com/cuba";
  o.edition = "Restored";
  o.extras = {"Booklet", "Commentary"};
  o.available_from = kT0 - absl::Microseconds(1500);
  o.available_until = kT0 + absl::Hours(24);
  o.last_verify_time = kT0;
  o.etag = "0123456789abcdef";
  o.create_time = kT0 - absl::Hours(1);
  o.update_time = kT0 - absl::Minutes(1);
  return o;
}

TEST(WatchlistRowsTest, OfferRoundTrip) {
  const Offer offer = FullOffer();
  const SqlRow row = OfferRow(offer);
  ASSERT_EQ(row.size(), OfferTable().columns.size());
  const Offer back = ReadOffer(SqlRowReader(row));
  EXPECT_EQ(back.name, offer.name);
  EXPECT_EQ(back.film, offer.film);
  EXPECT_EQ(back.provider, offer.provider);
  EXPECT_EQ(back.monetization, offer.monetization);
  EXPECT_EQ(back.format, offer.format);
  EXPECT_EQ(back.quality, offer.quality);
  EXPECT_EQ(back.region, offer.region);
  EXPECT_EQ(back.price, offer.price);
  EXPECT_EQ(back.deep_link_uri, offer.deep_link_uri);
  EXPECT_EQ(back.edition, offer.edition);
  EXPECT_EQ(back.extras, offer.extras);
  EXPECT_EQ(back.available_from, offer.available_from);
  EXPECT_EQ(back.available_until, offer.available_until);
  EXPECT_EQ(back.last_verify_time, offer.last_verify_time);
  EXPECT_EQ(back.etag, offer.etag);
  EXPECT_EQ(back.create_time, offer.create_time);
  EXPECT_EQ(back.update_time, offer.update_time);
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
  Provider p;
  p.name = "providers/mr-bongo";
  p.display_name = "Mr Bongo";
  p.kind = ProviderKind::kRetailer;
  p.regions = {"GB", "IE"};
  p.home_page_uri = "https://mrbongo.com";
  p.etag = "e";
  p.create_time = kT0;
  const SqlRow row = ProviderRow(p);
  ASSERT_EQ(row.size(), ProviderTable().columns.size());
  const Provider back = ReadProvider(SqlRowReader(row));
  EXPECT_EQ(back.name, p.name);
  EXPECT_EQ(back.display_name, p.display_name);
  EXPECT_EQ(back.kind, p.kind);
  EXPECT_EQ(back.regions, p.regions);
  EXPECT_EQ(back.home_page_uri, p.home_page_uri);
  EXPECT_EQ(back.etag, p.etag);
  EXPECT_EQ(back.create_time, p.create_time);
  EXPECT_EQ(back.update_time, absl::InfinitePast());
}

TEST(WatchlistRowsTest, ItemRoundTripKeepsItsOwner) {
  WatchlistItem item;
  item.name = "users/alice/watchlist/items/i-am-cuba";
  item.film = "films/i-am-cuba";
  item.note = "Havana";
  item.rank = 3;
  item.add_time = kT0;
  item.etag = "e";
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
  e.event_time = kT0;
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
