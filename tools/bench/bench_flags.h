#pragma once

#include <iostream>
#include <optional>
#include <string>

#include "common/config/flags.h"

namespace longtake::bench {

// Parses the command line of a benchmark program. Returns the exit code when
// the program should stop now (usage printed: 0 for --help, 2 for a bad
// flag), or nullopt to go on.
//
//   if (auto exit_code = ParseFlagsOrUsage(flags, argc, argv)) {
//     return *exit_code;
//   }
inline std::optional<int> ParseFlagsOrUsage(FlagSet& flags, int argc,
                                            char** argv) {
  absl::Status s = flags.Parse(argc, argv);
  if (s.ok() && !flags.help_requested()) return std::nullopt;
  std::cerr << (s.ok() ? "" : std::string(s.message()) + "\n") << flags.Usage();
  return s.ok() ? 0 : 2;
}

}  // namespace longtake::bench
