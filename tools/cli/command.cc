#include "tools/cli/command.h"

#include <algorithm>
#include <iostream>
#include <memory>
#include <random>
#include <tuple>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/config/channel_tls_flags.h"
#include "common/grpc/tls_credentials.h"
#include "common/status/errors.h"
#include "common/text/slug.h"

namespace longtake::cli {
namespace {

struct GlobalFlags {
  Flag<std::string> addr;
  Flag<std::string> watchlist_addr;
  Flag<std::string> token;
  Flag<bool> json;
  Flag<absl::Duration> timeout;
  ChannelTlsFlags tls;  // --tls, --ca, --cert, --key
};

GlobalFlags AddGlobalFlags(FlagSet& flags) {
  return {
      flags.AddString("addr", "LONGTAKE_ADDR", "127.0.0.1:50051",
                      "catalogue service address"),
      flags.AddString("watchlist-addr", "LONGTAKE_WATCHLIST_ADDR",
                      "127.0.0.1:50052", "watchlist service address"),
      flags.AddString("token", "LONGTAKE_TOKEN", "",
                      "bearer token (see `longtake token`)"),
      flags.AddBool("json", "", false, "print proto JSON instead of tables"),
      flags.AddDuration("timeout", "LONGTAKE_TIMEOUT", absl::Seconds(5),
                        "deadline per call"),
      {
          .tls = flags.AddBool("tls", "LONGTAKE_TLS", false,
                               "call both services over TLS (implied by --ca "
                               "and --cert); the system's roots unless --ca"),
          .ca = flags.AddString(
              "ca", "LONGTAKE_CA", "",
              "PEM CA bundle to trust for the servers' certificates"),
          .cert =
              flags.AddString("cert", "LONGTAKE_CERT", "",
                              "PEM client certificate for mTLS (with --key)"),
          .key = flags.AddString("key", "LONGTAKE_KEY", "",
                                 "PEM private key of --cert"),
      },
  };
}

// Fills ctx.catalog's TLS options from --tls, --ca, --cert and --key (the
// files read now, so a wrong path is a usage error naming the flag).
int ReadTlsFlags(Context& ctx, const GlobalFlags& global) {
  client::ClientOptions& options = ctx.catalog;
  const ChannelTlsFlags& tls = global.tls;
  options.use_tls = tls.enabled();
  if (tls.cert->empty() != tls.key->empty()) {
    return UsageError(
        ctx, tls.cert->empty() ? "--key needs --cert" : "--cert needs --key");
  }
  for (auto [flag, path, pem] :
       {std::tuple{"--ca", *tls.ca, &options.root_certs_pem},
        std::tuple{"--cert", *tls.cert, &options.client_cert_pem},
        std::tuple{"--key", *tls.key, &options.client_key_pem}}) {
    if (path.empty()) continue;
    absl::StatusOr<std::string> text = ReadPemFile(flag, path);
    if (!text.ok())
      return UsageError(ctx, std::string(text.status().message()));
    *pem = *std::move(text);
  }
  return kExitOk;
}

std::string CommandLine(const Command& c) {
  return absl::StrCat("longtake ", absl::StrJoin(c.path, " "),
                      c.syntax.empty() ? "" : " ", c.syntax);
}

std::string CommandUsage(const Command& c, const FlagSet& flags) {
  std::string usage = flags.Usage();
  // FlagSet's first line is a generic "Usage: program [flags]".
  size_t eol = usage.find('\n');
  return absl::StrCat("Usage: ", CommandLine(c), " [flags]",
                      eol == std::string::npos ? "" : usage.substr(eol));
}

std::string GlobalFlagsUsage() {
  FlagSet globals("longtake", "");
  AddGlobalFlags(globals);
  std::string usage = globals.Usage();
  size_t flags_at = usage.find("Flags");
  return flags_at == std::string::npos ? usage : usage.substr(flags_at);
}

std::string TopUsage(const std::vector<Command>& commands,
                     const std::string& group = "") {
  std::string out =
      group.empty()
          ? "longtake: command-line client for the longtake catalogue and "
            "watchlist.\n\n"
            "Usage: longtake COMMAND [ARGS] [flags]\n\nCommands:\n"
          : absl::StrCat("Usage: longtake ", group,
                         " SUBCOMMAND [ARGS] [flags]\n\nCommands:\n");
  // Widths and lines without the leading "longtake ".
  constexpr size_t kProgram = 9;
  size_t width = 0;
  for (const Command& c : commands) {
    width = std::max(width, CommandLine(c).size() - kProgram);
  }
  for (const Command& c : commands) {
    if (!group.empty() && c.path[0] != group) continue;
    absl::StrAppendFormat(&out, "  %-*s  %s\n", static_cast<int>(width),
                          CommandLine(c).substr(kProgram), c.summary);
  }
  absl::StrAppend(
      &out, "\nGlobal f", GlobalFlagsUsage().substr(1),
      "\nRun `longtake COMMAND --help` for a command's own flags.\n");
  return out;
}

const Command* FindCommand(const std::vector<Command>& commands,
                           const std::vector<std::string>& words) {
  for (const Command& c : commands) {
    if (words.size() >= c.path.size() &&
        std::equal(c.path.begin(), c.path.end(), words.begin())) {
      return &c;
    }
  }
  return nullptr;
}

// No command matched `words`: help for the top level or a group, or a usage
// error saying what is wrong.
int NoCommand(const std::vector<Command>& commands,
              const std::vector<std::string>& words, bool help) {
  if (words.empty()) {
    if (help) {
      std::cout << TopUsage(commands);
      return kExitOk;
    }
    std::cerr << TopUsage(commands) << "\nlongtake: no command given\n";
    return kExitUsage;
  }
  const bool is_group =
      std::any_of(commands.begin(), commands.end(), [&](const Command& c) {
        return c.path.size() > 1 && c.path[0] == words[0];
      });
  if (is_group) {
    if (help) {
      std::cout << TopUsage(commands, words[0]);
      return kExitOk;
    }
    std::cerr << "longtake: "
              << (words.size() > 1
                      ? absl::StrCat("unknown command \"", words[0], " ",
                                     words[1], "\"")
                      : absl::StrCat("\"", words[0], "\" needs a subcommand"))
              << "\n\n"
              << TopUsage(commands, words[0]);
    return kExitUsage;
  }
  std::cerr << "longtake: unknown command \"" << words[0] << "\"\n\n"
            << TopUsage(commands);
  return kExitUsage;
}

}  // namespace

std::vector<Command> AllCommands() {
  std::vector<Command> all = CatalogCommands();
  for (Command& c : WatchlistCommands()) all.push_back(std::move(c));
  std::vector<Command> tools = {
      {{"token"},
       "--user NAME [--curator] [--ttl 24h]",
       "Mint a bearer token (an HS256 JWT) with the servers' secret.",
       0,
       0,
       BindToken},
      {{"import"},
       "FILE.json|FILE.jsonl|FILE.csv [--map KEY=FIELD]",
       "Bulk-load films with people and sequences (needs a curator token).",
       1,
       1,
       BindImport},
      {{"call"},
       "METHOD JSON",
       "Call any RPC (e.g. CatalogService/GetFilm '{\"name\":\"films/x\"}') "
       "and print the response as JSON.",
       2,
       2,
       [](FlagSet&) -> Runner { return CallAnyMethod; }},
  };
  for (Command& c : tools) all.push_back(std::move(c));
  return all;
}

std::vector<std::string> CommandWords(const std::vector<Command>& commands,
                                      int argc, const char* const* argv,
                                      bool* help) {
  // One FlagSet per command, as each is parsed for real: the same name may
  // be registered by several commands.
  std::vector<std::unique_ptr<FlagSet>> probes;
  for (const Command& c : commands) {
    probes.push_back(std::make_unique<FlagSet>("longtake", ""));
    AddGlobalFlags(*probes.back());
    c.bind(*probes.back());
  }
  auto takes_value = [&](absl::string_view name) {
    return std::any_of(probes.begin(), probes.end(),
                       [&](const auto& p) { return p->TakesValue(name); });
  };
  std::vector<std::string> words;
  *help = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--") break;
    if (arg == "--help" || arg == "-h") {
      *help = true;
    } else if (absl::StartsWith(arg, "--") && arg.size() > 2) {
      if (arg.find('=') == std::string::npos && takes_value(arg.substr(2))) {
        ++i;  // "--addr X": X is the flag's, not a command word
      }
    } else {
      words.push_back(arg);
    }
  }
  return words;
}

int RunCli(int argc, const char* const* argv) {
  const std::vector<Command> commands = AllCommands();
  bool help = false;
  const std::vector<std::string> words =
      CommandWords(commands, argc, argv, &help);
  const Command* command = FindCommand(commands, words);
  if (command == nullptr) return NoCommand(commands, words, help);

  FlagSet flags(absl::StrCat("longtake ", absl::StrJoin(command->path, " ")),
                command->summary);
  const GlobalFlags global = AddGlobalFlags(flags);
  const Runner run = command->bind(flags);
  Context ctx;
  ctx.usage = CommandUsage(*command, flags);
  if (absl::Status s = flags.Parse(argc, argv); !s.ok()) {
    return UsageError(ctx, std::string(s.message()));
  }
  if (flags.help_requested()) {
    std::cout << ctx.usage;
    return kExitOk;
  }
  ctx.args.assign(
      flags.positional().begin() + static_cast<long>(command->path.size()),
      flags.positional().end());
  if (ctx.args.size() < command->min_args) {
    return UsageError(
        ctx, absl::StrCat("missing argument: ", CommandLine(*command)));
  }
  if (ctx.args.size() > command->max_args) {
    return UsageError(ctx, absl::StrCat("unexpected argument \"",
                                        ctx.args[command->max_args], "\""));
  }
  ctx.json = *global.json;
  const absl::Duration timeout = *global.timeout;
  if (timeout <= absl::ZeroDuration()) {
    return UsageError(ctx, "--timeout must be positive");
  }
  ctx.catalog.address = *global.addr;
  ctx.catalog.token = *global.token;
  ctx.catalog.deadline = timeout;
  if (int rc = ReadTlsFlags(ctx, global); rc != kExitOk) return rc;
  ctx.watchlist = ctx.catalog;
  ctx.watchlist.address = *global.watchlist_addr;
  return run(ctx);
}

int UsageError(const Context& ctx, const std::string& what) {
  std::cerr << "longtake: " << what << "\n\n" << ctx.usage;
  return kExitUsage;
}

int ServerError(const Context& ctx, const absl::Status& status,
                Service service) {
  std::cerr << "longtake: " << client::DescribeError(status) << "\n";
  const bool catalog = service == Service::kCatalog;
  const std::string addr =
      catalog ? ctx.catalog.address : ctx.watchlist.address;
  const char* binary = catalog ? "longtake-catalog" : "longtake-watchlist";
  const char* flag = catalog ? "--addr" : "--watchlist-addr";
  switch (status.code()) {
    case absl::StatusCode::kUnavailable:
      if (ErrorReason(status) == "CATALOG_LOADING") {
        std::cerr << "hint: " << binary << " at " << addr
                  << " is loading its catalogue; its health check says "
                     "SERVING when it is done\n";
        break;
      }
      std::cerr << "hint: is " << binary << " running at " << addr
                << "? start it with `" << binary << " --listen=" << addr
                << "`, or point " << flag << " at it\n";
      if (ctx.catalog.use_tls) {
        std::cerr << "hint: over TLS, also check that --ca trusts the "
                     "server's certificate, that it names the host of "
                  << flag
                  << ", and whether the server requires a client "
                     "certificate (--cert, --key)\n";
      } else {
        std::cerr << "hint: if the server serves TLS, pass --tls (or --ca)\n";
      }
      break;
    case absl::StatusCode::kDeadlineExceeded:
      std::cerr << "hint: no answer from " << binary << " at " << addr
                << " in time; try a longer --timeout\n";
      break;
    case absl::StatusCode::kUnauthenticated:
      std::cerr << "hint: mint a token with `longtake token --user NAME "
                   "[--curator] --token-secret SECRET` and pass it with "
                   "--token or LONGTAKE_TOKEN\n";
      break;
    case absl::StatusCode::kPermissionDenied:
      if (ErrorReason(status) == "CURATOR_ROLE_REQUIRED") {
        std::cerr << "hint: this needs a curator token: `longtake token "
                     "--user NAME --curator`\n";
      }
      break;
    default:
      break;
  }
  return kExitServer;
}

std::string ResourceName(const std::string& collection,
                         const std::string& arg) {
  const std::string prefix = collection + "/";
  if (absl::StartsWith(arg, prefix)) return arg;
  // Nothing usable in the text: send it as typed, for the server to reject.
  return prefix + Slugify(arg, arg);
}

std::vector<std::string> SplitCommaList(const std::string& text) {
  std::vector<std::string> out;
  for (absl::string_view part :
       absl::StrSplit(text, ',', absl::SkipWhitespace())) {
    out.push_back(std::string(absl::StripAsciiWhitespace(part)));
  }
  return out;
}

std::string RandomRequestId() {
  std::random_device rd;
  std::mt19937_64 rng((static_cast<uint64_t>(rd()) << 32) ^ rd());
  return absl::StrFormat("%016x%016x", rng(), rng());
}

}  // namespace longtake::cli
