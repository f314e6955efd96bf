#include "catalog_service/store/doc_codec.h"

#include <limits>
#include <string>

#include "absl/time/time.h"
#include "catalog_service/domain/json_codec.h"
#include "gtest/gtest.h"
#include "tests/catalog_service/sample_catalog.h"
#include "tests/support/status_matchers.h"

namespace longtake::catalog {
namespace {

using ::longtake::testing::StatusIs;
using namespace testing;  // SampleFilm() and the other sample resources

template <typename T>
T RoundTrip(const T& value) {
  std::string doc = EncodeDoc(value);
  EXPECT_TRUE(IsBinaryDoc(doc));
  T out;
  EXPECT_OK(DecodeDoc(doc, &out));
  return out;
}

TEST(DocCodecTest, RoundTripsEveryResourceWithAllFields) {
  EXPECT_EQ(RoundTrip(SampleFilm()), SampleFilm());
  EXPECT_EQ(RoundTrip(SamplePerson()), SamplePerson());
  EXPECT_EQ(RoundTrip(SampleSequence()), SampleSequence());
  EXPECT_EQ(RoundTrip(SampleEra()), SampleEra());
  EXPECT_EQ(RoundTrip(Film{}), Film{});
  EXPECT_EQ(RoundTrip(Sequence{}), Sequence{});
}

TEST(DocCodecTest, KeepsExtremeValues) {
  Film film = SampleFilm();
  film.year = std::numeric_limits<int>::min();
  film.runtime_minutes = std::numeric_limits<int>::max();
  film.external_ids.tmdb_id = std::numeric_limits<int64_t>::min();
  film.create_time = absl::InfiniteFuture();
  film.update_time = absl::FromUnixNanos(-1);  // before 1970
  film.ratings.push_back({"x", -0.5, std::numeric_limits<int64_t>::max()});
  film.synopsis = std::string("nul \0 inside", 12);
  EXPECT_EQ(RoundTrip(film), film);

  Sequence sequence = SampleSequence();
  sequence.duration = -absl::InfiniteDuration();
  sequence.start.offset = absl::Seconds(-3) - absl::Nanoseconds(7);
  sequence.start.fraction = 0.75;
  sequence.techniques = {CameraTechnique::kLongTake,
                         static_cast<CameraTechnique>(200)};
  EXPECT_EQ(RoundTrip(sequence), sequence);
  sequence.duration = absl::InfiniteDuration();
  EXPECT_EQ(RoundTrip(sequence), sequence);
}

TEST(DocCodecTest, IsSmallerThanJson) {
  EXPECT_LT(EncodeDoc(SampleFilm()).size(),
            ToJson(SampleFilm()).dump().size() / 2);
}

TEST(DocCodecTest, RefusesEveryTruncationAndTrailingBytes) {
  const std::string doc = EncodeDoc(SampleFilm());
  Film out;
  for (size_t size = 0; size < doc.size(); ++size) {
    EXPECT_THAT(DecodeDoc(doc.substr(0, size), &out),
                StatusIs(absl::StatusCode::kInvalidArgument))
        << size;
  }
  EXPECT_THAT(DecodeDoc(doc + "x", &out),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_EQ(out, Film{});  // untouched by the failures
}

TEST(DocCodecTest, RefusesJsonAndHugeCounts) {
  Film out;
  EXPECT_FALSE(IsBinaryDoc(ToJson(SampleFilm()).dump()));
  EXPECT_FALSE(DecodeDoc(ToJson(SampleFilm()).dump(), &out).ok());
  // A name claiming 2^62 bytes, in a 12-byte document.
  std::string huge = {kDocFormatVersion};
  huge += std::string(8, '\xff') + "\x3f";
  EXPECT_FALSE(DecodeDoc(huge, &out).ok());
  // A person whose aliases claim more entries than bytes are left.
  std::string person = EncodeDoc(Person{});
  EXPECT_FALSE(DecodeDoc(person.substr(0, 3) + "\x7f", &out).ok());
}

}  // namespace
}  // namespace longtake::catalog
