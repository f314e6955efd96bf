#pragma once

// Command-line flags that each also read an environment variable, so the same
// binary is configured by flags on a laptop and by env in a container.
// Precedence: flag > environment > default. `--help` lists every flag with
// its variable and default.
//
//   FlagSet flags("longtake-catalog", "Serves the film catalogue over gRPC.");
//   flags.AddString("listen", "LONGTAKE_LISTEN", "127.0.0.1:50051", "address to serve on");
//   flags.AddInt("max_page_size", "LONGTAKE_MAX_PAGE_SIZE", 1000, "...");
//   if (absl::Status s = flags.Parse(argc, argv); !s.ok()) { ...print, exit 2... }
//   if (flags.help_requested()) { std::cout << flags.Usage(); return 0; }
//   std::string listen = flags.GetString("listen");
//
// Flags are written --name=value or --name value; booleans also as --name
// and --no-name. Dashes and underscores in names are interchangeable.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace longtake {

class FlagSet {
 public:
  FlagSet(std::string program, std::string summary);

  void AddString(std::string name, std::string env, std::string default_value,
                 std::string help);
  void AddInt(std::string name, std::string env, int64_t default_value,
              std::string help);
  void AddBool(std::string name, std::string env, bool default_value,
               std::string help);
  // Values like "500ms", "2s", "1m" (absl::ParseDuration).
  void AddDuration(std::string name, std::string env,
                   absl::Duration default_value, std::string help);

  // Reads the environment, then argv. Unknown flags and bad values are
  // errors naming the flag (or variable). Positional arguments are kept.
  absl::Status Parse(int argc, const char* const* argv);

  std::string GetString(const std::string& name) const;
  int64_t GetInt(const std::string& name) const;
  bool GetBool(const std::string& name) const;
  absl::Duration GetDuration(const std::string& name) const;

  bool help_requested() const { return help_requested_; }
  const std::vector<std::string>& positional() const { return positional_; }
  std::string Usage() const;

  // For a bad flag value found after Parse: prints "<program>: <message>"
  // and a pointer to --help on stderr, and returns exit code 2.
  int UsageError(const std::string& message) const;

 private:
  enum class Kind { kString, kInt, kBool, kDuration };
  struct Flag {
    Kind kind;
    std::string env;
    std::string help;
    std::string default_text;
    std::string value;  // textual, validated on Set
  };
  static std::string Canonical(std::string name);
  void Add(std::string name, Kind kind, std::string env, std::string def,
           std::string help);
  absl::Status Set(const std::string& name, Flag& flag, const std::string& value,
                   const std::string& source);
  const Flag& Find(const std::string& name, Kind kind) const;

  std::string program_;
  std::string summary_;
  std::map<std::string, Flag> flags_;
  std::vector<std::string> order_;
  std::vector<std::string> positional_;
  bool help_requested_ = false;
};

}  // namespace longtake
