#pragma once

// The limits every List query shares (common/domain/field_limits.h): a page
// token or a filter over its limit is refused naming that field. Each
// service's tests run the same check on each of its List methods:
//
//   ExpectListQueryLimits(ListOffersQuery{}, [&](const ListOffersQuery& q) {
//     return watchlist_->ListOffers(q);
//   });

#include <string>

#include "common/domain/field_limits.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/status_matchers.h"

namespace longtake::testing {

// Calls `list` (Query -> Status or StatusOr) with `query`, its page_token
// then its filter (the other fields as in `query`) one byte over the limit,
// and expects each refused naming that field alone.
template <typename Query, typename List>
void ExpectListQueryLimits(const Query& query, List list) {
  Query over = query;
  over.page_token = std::string(kMaxPageTokenBytes + 1, 'p');
  EXPECT_THAT(ViolatedFields(GetStatus(list(over))),
              ::testing::ElementsAre("page_token"));
  over = query;
  over.filter = std::string(kMaxFilterBytes + 1, ' ');
  EXPECT_THAT(ViolatedFields(GetStatus(list(over))),
              ::testing::ElementsAre("filter"));
}

}  // namespace longtake::testing
