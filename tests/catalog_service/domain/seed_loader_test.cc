// LoadSeedIfEmpty with the project's seed file.

#include "catalog_service/domain/seed_loader.h"

#include "tests/catalog_service/domain/catalog_fixture.h"

namespace longtake::catalog {
namespace {

using ::longtake::testing::StatusIs;
using ::testing::ElementsAre;

TEST_F(CatalogTest, SeedLoadsEverything) {
  EXPECT_EQ(catalog_->film_count(), 4u);
  auto cranes = catalog_->GetFilm("films/the-cranes-are-flying");
  ASSERT_OK(cranes);
  EXPECT_EQ((*cranes)->year, 1957);
  EXPECT_EQ((*cranes)->runtime_minutes, 97);
  ASSERT_EQ((*cranes)->awards.size(), 1u);
  EXPECT_EQ((*cranes)->awards[0].name, "Palme d'Or");
  EXPECT_EQ((*cranes)->awards[0].year, 1958);
  EXPECT_FALSE((*cranes)->etag.empty());
  EXPECT_NE((*cranes)->create_time, absl::InfinitePast());
  bool veronika = false;
  for (const Credit& c : (*cranes)->credits) {
    if (c.person == "people/tatiana-samoilova") {
      EXPECT_EQ(c.display_name, "Tatiana Samoilova");  // filled from the person
      EXPECT_EQ(c.character, "Veronika");
      veronika = true;
    }
  }
  EXPECT_TRUE(veronika);
  auto era = catalog_->GetEra("eras/khrushchev-thaw");
  ASSERT_OK(era);
  EXPECT_THAT(
      (*era)->films,
      ElementsAre("films/the-first-echelon", "films/the-cranes-are-flying",
                  "films/letter-never-sent", "films/i-am-cuba"));
  auto kalatozov = catalog_->GetPerson("people/mikhail-kalatozov");
  ASSERT_OK(kalatozov);
  EXPECT_EQ((*kalatozov)->birth_year, 1903);
  // Loading again is a no-op: the store is no longer empty.
  EXPECT_OK(catalog_->LoadSeedIfEmpty(kSeed));
  EXPECT_EQ(catalog_->film_count(), 4u);
}

TEST(CatalogSeedTest, BadSeedFileIsAnError) {
  auto store = OpenCatalogStore("sqlite::memory:");
  ASSERT_OK(store);
  auto catalog = Catalog::Open(std::move(*store));
  ASSERT_OK(catalog);
  EXPECT_THAT((*catalog)->LoadSeedIfEmpty("/nonexistent/seed.json"),
              StatusIs(absl::StatusCode::kNotFound));
  EXPECT_EQ((*catalog)->film_count(), 0u);
}

}  // namespace
}  // namespace longtake::catalog
