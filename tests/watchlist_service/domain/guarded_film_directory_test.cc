#include "watchlist_service/domain/guarded_film_directory.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/status_matchers.h"
#include "tests/watchlist_service/domain/fake_film_directory.h"
#include "watchlist_service/domain/watchlist_errors.h"

namespace longtake::watchlist {
namespace {

using ::longtake::testing::StatusIs;
using State = CircuitBreaker::State;

class GuardedFilmDirectoryTest : public ::testing::Test {
 protected:
  testing::FakeFilmDirectory catalogue_;
  GuardedFilmDirectory directory_{
      &catalogue_, {.failure_threshold = 2, .open_for = absl::Hours(1)}};
};

TEST_F(GuardedFilmDirectoryTest, PassesAnswersThrough) {
  ASSERT_OK_AND_ASSIGN(auto film, directory_.GetFilm("films/i-am-cuba"));
  EXPECT_EQ(film.summary.title, "I Am Cuba");
  EXPECT_THAT(directory_.GetFilm("films/nope"),
              StatusIs(absl::StatusCode::kNotFound));
  EXPECT_EQ(directory_.state(), State::kClosed)
      << "an unknown film is an answer, not an outage";
}

TEST_F(GuardedFilmDirectoryTest, StopsAskingACatalogueThatKeepsFailing) {
  catalogue_.set_down(true);
  EXPECT_THAT(directory_.GetFilm("films/i-am-cuba"),
              StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_THAT(directory_.GetFilm("films/i-am-cuba"),
              StatusIs(absl::StatusCode::kUnavailable));
  ASSERT_EQ(catalogue_.calls(), 2);
  EXPECT_EQ(directory_.state(), State::kOpen);

  catalogue_.set_down(false);  // back, but the circuit stays open until
                               // the cooldown ends
  EXPECT_THAT(directory_.GetFilm("films/i-am-cuba"),
              StatusIs(absl::StatusCode::kUnavailable, kCatalogUnavailable));
  EXPECT_EQ(catalogue_.calls(), 2) << "an open circuit does not call";
}

}  // namespace
}  // namespace longtake::watchlist
