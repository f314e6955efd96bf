#pragma once

// The films of the seed catalogue (data/seed/catalog.json) that tests name:
// resource names, and titles as the seed spells them.
//
//   namespace seed = ::longtake::testing::seed;
//   request.set_name(seed::kCuba);

namespace longtake::testing::seed {

inline constexpr char kCranes[] = "films/the-cranes-are-flying";
inline constexpr char kCuba[] = "films/i-am-cuba";

inline constexpr char kCranesTitle[] = "The Cranes Are Flying";
inline constexpr char kEchelonTitle[] = "The First Echelon";
inline constexpr char kLetterTitle[] = "Letter Never Sent";
inline constexpr char kCubaTitle[] = "I Am Cuba";

}  // namespace longtake::testing::seed
