#pragma once

// Command-line flags that each also read an environment variable, so the same
// binary is configured by flags on a laptop and by env in a container.
// Precedence: flag > environment > default. `--help` lists every flag with
// its variable and default.
//
//   FlagSet flags("longtake-catalog", "Serves the film catalogue over gRPC.");
//   Flag<std::string> listen = flags.AddString(
//       "listen", "LONGTAKE_LISTEN", "127.0.0.1:50051", "address to serve on");
//   Flag<int64_t> max_page = flags.AddInt("max_page_size", "", 1000, "...");
//   if (absl::Status s = flags.Parse(argc, argv); !s.ok()) {
//     return flags.UsageError(std::string(s.message()));
//   }
//   if (flags.help_requested()) { std::cout << flags.Usage(); return 0; }
//   std::string address = *listen;  // or flags.Get(listen)
//
// The handle is the only way to read a flag, so a misspelt flag is a compile
// error rather than a run-time lookup failure.
//
// Flags are written --name=value or --name value; booleans also as --name
// and --no-name. Dashes and underscores in names are interchangeable. A
// string list flag may be given more than once.

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace longtake {

namespace flags_internal {

// One registered flag. Lives in a unique_ptr owned by its FlagSet, so the
// handles that point at it stay valid while the FlagSet lives.
struct Entry {
  std::string name;  // canonical: underscores
  std::string env;
  std::string help;
  std::string default_text;
  std::variant<std::string, int64_t, bool, absl::Duration,
               std::vector<std::string>>
      value;
};

}  // namespace flags_internal

// A typed handle to one flag of a FlagSet: read it (after Parse) with *flag
// or FlagSet::Get. Cheap to copy; valid as long as its FlagSet lives.
template <typename T>
class Flag {
 public:
  Flag() = default;  // unbound; reading it is a programming error

  const T& operator*() const { return std::get<T>(entry_->value); }
  const T* operator->() const { return &**this; }
  // Canonical name, with underscores ("watchlist_addr").
  const std::string& name() const { return entry_->name; }

 private:
  friend class FlagSet;
  explicit Flag(const flags_internal::Entry* entry) : entry_(entry) {}

  const flags_internal::Entry* entry_ = nullptr;
};

class FlagSet {
 public:
  FlagSet(std::string program, std::string summary);
  FlagSet(const FlagSet&) = delete;
  FlagSet& operator=(const FlagSet&) = delete;

  // Registering the same name twice is a programming error (logic_error).
  Flag<std::string> AddString(std::string name, std::string env,
                              std::string default_value, std::string help);
  Flag<int64_t> AddInt(std::string name, std::string env, int64_t default_value,
                       std::string help);
  Flag<bool> AddBool(std::string name, std::string env, bool default_value,
                     std::string help);
  // Values like "500ms", "2s", "1m" (absl::ParseDuration).
  Flag<absl::Duration> AddDuration(std::string name, std::string env,
                                   absl::Duration default_value,
                                   std::string help);
  // A repeatable flag: each --name on the command line adds a value (the
  // first one replaces the environment variable's values).
  Flag<std::vector<std::string>> AddStringList(std::string name,
                                               std::string env,
                                               std::string help);

  // Reads the environment, then argv. Unknown flags and bad values are
  // errors naming the flag (or variable). Positional arguments are kept.
  absl::Status Parse(int argc, const char* const* argv);

  template <typename T>
  const T& Get(const Flag<T>& flag) const {
    return *flag;
  }

  // Whether `name` (dashes or underscores) is a registered flag that needs a
  // value, i.e. anything but a boolean: "--addr X" consumes X, "--json" does
  // not. For callers that scan argv before they know every flag.
  bool TakesValue(absl::string_view name) const;

  bool help_requested() const { return help_requested_; }
  const std::vector<std::string>& positional() const { return positional_; }
  std::string Usage() const;

  // For a bad flag value found after Parse: prints "<program>: <message>"
  // and a pointer to --help on stderr, and returns exit code 2.
  int UsageError(const std::string& message) const;

 private:
  using Entry = flags_internal::Entry;
  using Value = decltype(Entry::value);

  static std::string Canonical(absl::string_view name);
  Entry* Add(std::string name, std::string env, std::string default_text,
             Value value, std::string help);
  absl::Status Set(Entry& flag, const std::string& value,
                   const std::string& source);
  Entry* FindEntry(absl::string_view name) const;

  std::string program_;
  std::string summary_;
  std::map<std::string, std::unique_ptr<Entry>, std::less<>> flags_;
  std::vector<Entry*> order_;
  std::vector<std::string> positional_;
  bool help_requested_ = false;
};

}  // namespace longtake
