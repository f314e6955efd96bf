#pragma once

// The `longtake` command table and what every command shares: exit codes,
// the context a command runs with (arguments, --json, client options),
// usage and server error reporting, and small helpers for names and pages.
//
// A command is a table row whose `bind` registers the command's own flags on
// the FlagSet and returns the runner that reads them through their typed
// handles:
//
//   Command{{"films", "get"}, "FILM", "Show a film.", 1, 1,
//           [](FlagSet& f) -> Runner {
//             Flag<bool> brief = f.AddBool("brief", "", false, "...");
//             return [brief](Context& ctx) { ... *brief ... };
//           }};
//
// RunCli finds the command from argv, parses the global and the command's
// flags, fills the Context and runs it. Rows live with their commands:
// catalog_commands.cc, watchlist_commands.cc, import_command.cc,
// token_command.cc.

#include <cstdint>
#include <functional>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/config/flags.h"
#include "longtake/client/client.h"
#include "tools/cli/output.h"

namespace longtake::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitServer = 1;  // the server said no or is unreachable
inline constexpr int kExitUsage = 2;

// Which server a failed call went to (for the hint on how to reach it).
enum class Service { kCatalog, kWatchlist };

// What a command runs with, after the flags are parsed and checked.
struct Context {
  std::vector<std::string> args;  // positional arguments after the command
  std::string usage;              // the command's usage text
  bool json = false;              // --json
  client::ClientOptions catalog;
  client::ClientOptions watchlist;
};

using Runner = std::function<int(Context&)>;

inline constexpr size_t kAnyArgs = SIZE_MAX;

struct Command {
  std::vector<std::string> path;  // {"films", "list"}
  std::string syntax;             // "FILM [--note N]"
  std::string summary;
  size_t min_args = 0;
  size_t max_args = 0;  // kAnyArgs: any number
  // Adds the command's own flags and returns the runner bound to them.
  std::function<Runner(FlagSet&)> bind;
};

// The rows, by file; AllCommands lists them in help order (the catalogue's,
// the watchlist's, then token, import and call, whose rows it holds).
std::vector<Command> CatalogCommands();
std::vector<Command> WatchlistCommands();
std::vector<Command> AllCommands();

// The runners of the commands that are not a service's (token_command.cc,
// import_command.cc, call_command.cc).
Runner BindToken(FlagSet& flags);
Runner BindImport(FlagSet& flags);
int CallAnyMethod(Context& ctx);

// The whole CLI: argv in, exit code out.
int RunCli(int argc, const char* const* argv);

// The words of argv that name the command: everything but flags, the values
// of flags that take one (asked of the FlagSets of the global flags and of
// every command), and what follows "--". Sets *help on --help or -h.
std::vector<std::string> CommandWords(const std::vector<Command>& commands,
                                      int argc, const char* const* argv,
                                      bool* help);

// Prints "longtake: <what>" and the command's usage on stderr; exit 2.
int UsageError(const Context& ctx, const std::string& what);

// Prints the error and a hint for the usual causes; exit 1.
int ServerError(const Context& ctx, const absl::Status& status,
                Service service);

// "the-cranes-are-flying", "films/the-cranes-are-flying" or even
// "The Cranes Are Flying" -> "films/the-cranes-are-flying" (the catalogue's
// own longtake::Slugify).
std::string ResourceName(const std::string& collection, const std::string& arg);

// A fresh request id for a write (so the server can drop a retried one).
std::string RandomRequestId();

// A request naming one resource: Named<cv1::GetFilmRequest>("films/x").
template <typename Request>
Request Named(std::string name) {
  Request request;
  request.set_name(std::move(name));
  return request;
}

// A write naming one resource, with a fresh request id (so the server can
// drop a retried one).
template <typename Request>
Request NamedWrite(std::string name) {
  Request request = Named<Request>(std::move(name));
  request.set_request_id(RandomRequestId());
  return request;
}

// "a, b,,c" -> {"a", "b", "c"}.
std::vector<std::string> SplitCommaList(const std::string& text);

// The start of every command that shows one response: a failed call is
// reported (exit 1), and with --json the response is printed (exit 0);
// nullopt means the caller prints it in words.
//
//   if (auto rc = ErrorOrJson(ctx, film, Service::kCatalog)) return *rc;
template <typename Message>
std::optional<int> ErrorOrJson(const Context& ctx,
                               const absl::StatusOr<Message>& result,
                               Service service) {
  if (!result.ok()) return ServerError(ctx, result.status(), service);
  if (!ctx.json) return std::nullopt;
  std::cout << ToJson(*result);
  return kExitOk;
}

// Every page of a List call, merged into one response: the repeated fields
// appended in order, next_page_token cleared.
template <typename Response, typename Request, typename Fetch>
absl::StatusOr<Response> FetchAllPages(Request request, Fetch fetch) {
  Response all;
  do {
    absl::StatusOr<Response> page = fetch(request);
    if (!page.ok()) return page.status();
    request.set_page_token(page->next_page_token());
    all.MergeFrom(*page);
  } while (!request.page_token().empty());
  all.clear_next_page_token();
  return all;
}

}  // namespace longtake::cli
