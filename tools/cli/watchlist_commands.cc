// Watchlist service commands: where-to-watch, watchlist add/list/remove/
// note/watched/history, alerts.

#include <atomic>
#include <csignal>
#include <iostream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "tools/cli/command.h"
#include "tools/cli/output.h"

namespace longtake::cli {
namespace {

namespace wv1 = ::longtake::watchlist::v1;

std::atomic<bool> g_interrupted{false};
extern "C" void OnInterrupt(int) { g_interrupted.store(true); }

Flag<std::string> AddUserFlag(FlagSet& f) {
  return f.AddString("user", "", "",
                     "whose watchlist (default: the token's user)");
}

// Whose watchlist: --user, else the token's user. False (with the exit code
// in *exit_code) when neither names one.
bool ResolveUser(const Context& ctx, const Flag<std::string>& user_flag,
                 std::string* user, int* exit_code) {
  *user = *user_flag;
  if (user->empty() && !ctx.watchlist.token.empty()) {
    absl::StatusOr<client::TokenClaims> claims =
        client::PeekToken(ctx.watchlist.token);
    if (!claims.ok()) {
      *exit_code =
          UsageError(ctx, absl::StrCat("--token: ", claims.status().message()));
      return false;
    }
    *user = claims->user;
  }
  if (user->empty()) {
    *exit_code = UsageError(ctx,
                            "no user: pass a token with --token (or "
                            "LONGTAKE_TOKEN), or --user NAME");
    return false;
  }
  return true;
}

// A command that acts on the user's watchlist: `make` adds the command's own
// flags and returns its runner, which is given the user that --user (after
// those flags) or the token names.
using UserRunner = std::function<int(Context&, const std::string& user)>;
std::function<Runner(FlagSet&)> ForUser(
    std::function<UserRunner(FlagSet&)> make) {
  return [make](FlagSet& f) -> Runner {
    UserRunner run = make(f);
    const Flag<std::string> user_flag = AddUserFlag(f);
    return [run, user_flag](Context& ctx) {
      std::string user;
      int code = 0;
      if (!ResolveUser(ctx, user_flag, &user, &code)) return code;
      return run(ctx, user);
    };
  };
}

// The same for a command without flags of its own.
std::function<Runner(FlagSet&)> ForUser(int (*run)(Context&,
                                                   const std::string& user)) {
  return ForUser([run](FlagSet&) { return UserRunner(run); });
}

std::string ItemName(const std::string& user, const std::string& arg) {
  if (absl::StartsWith(arg, "users/")) return arg;
  return absl::StrCat("users/", user, "/watchlist/items/", arg);
}

std::string ItemId(const std::string& name) {
  size_t slash = name.rfind('/');
  return slash == std::string::npos ? name : name.substr(slash + 1);
}

void PrintItems(
    const google::protobuf::RepeatedPtrField<wv1::WatchlistItem>& items,
    bool history) {
  Table table({"ITEM", "FILM", "TITLE", "YEAR", history ? "WATCHED" : "NOTE",
               history ? "NOTE" : "BEST OFFER"});
  for (const wv1::WatchlistItem& i : items) {
    table.AddRow({ItemId(i.name()), i.film(), i.film_summary().title(),
                  YearText(i.film_summary().year()),
                  history ? TimestampText(i.watch_time()) : i.note(),
                  history ? i.note() : OfferText(i.best_offer())});
  }
  std::cout << table.Render();
}

Runner WhereToWatch(FlagSet& f) {
  const Flag<std::string> region =
      f.AddString("region", "LONGTAKE_REGION", "", "ISO 3166 region, e.g. GB");
  const Flag<std::string> subscriptions = f.AddString(
      "subscriptions", "LONGTAKE_SUBSCRIPTIONS", "",
      "providers you subscribe to, comma separated (criterion-channel,...)");
  return [=](Context& ctx) {
    client::WatchlistClient watchlist(ctx.watchlist);
    wv1::WhereToWatchRequest request;
    request.set_film(ResourceName("films", ctx.args[0]));
    request.set_region(absl::AsciiStrToUpper(*region));
    if (request.region().empty()) {
      return UsageError(ctx, "--region is required (e.g. --region GB)");
    }
    for (const std::string& s : SplitCommaList(*subscriptions)) {
      request.add_subscriptions(ResourceName("providers", s));
    }
    absl::StatusOr<wv1::WhereToWatchResponse> response =
        watchlist.WhereToWatch(request);
    if (auto rc = ErrorOrJson(ctx, response, Service::kWatchlist)) return *rc;
    if (!response->summary().empty()) std::cout << response->summary() << "\n";
    if (response->offers_size() > 0) {
      Table table({"PROVIDER", "HOW", "FORMAT", "PRICE", "NOW", "WHY"});
      for (const wv1::RankedOffer& r : response->offers()) {
        const wv1::Offer& o = r.offer();
        table.AddRow(
            {o.provider(),
             Shorten(wv1::Monetization_Name(o.monetization()), "MONETIZATION_"),
             Shorten(wv1::Format_Name(o.format()), "FORMAT_"),
             MoneyText(o.price()), r.available_to_user() ? "yes" : "no",
             r.explanation()});
      }
      std::cout << table.Render();
    } else if (response->available_in_regions_size() > 0) {
      std::cout << "available in: "
                << absl::StrJoin(response->available_in_regions(), ", ")
                << "\n";
    }
    return kExitOk;
  };
}

UserRunner WatchlistAdd(FlagSet& f) {
  const Flag<std::string> note =
      f.AddString("note", "", "", "a note to keep with the item");
  return [=](Context& ctx, const std::string& user) {
    client::WatchlistClient watchlist(ctx.watchlist);
    wv1::CreateWatchlistItemRequest request;
    request.set_parent("users/" + user);
    request.mutable_item()->set_film(ResourceName("films", ctx.args[0]));
    request.mutable_item()->set_note(*note);
    request.set_request_id(RandomRequestId());
    absl::StatusOr<wv1::WatchlistItem> item =
        watchlist.CreateWatchlistItem(request);
    if (auto rc = ErrorOrJson(ctx, item, Service::kWatchlist)) return *rc;
    std::cout << "added " << item->film() << " as item " << ItemId(item->name())
              << "\n";
    return kExitOk;
  };
}

UserRunner WatchlistList(FlagSet& f) {
  const Flag<std::string> region =
      f.AddString("region", "LONGTAKE_REGION", "", "region for best offers");
  const Flag<std::string> subscriptions =
      f.AddString("subscriptions", "LONGTAKE_SUBSCRIPTIONS", "",
                  "providers you subscribe to, comma separated");
  const Flag<bool> watchable_now = f.AddBool(
      "watchable-now", "", false, "only films you can watch now in --region");
  return [=](Context& ctx, const std::string& user) {
    client::WatchlistClient watchlist(ctx.watchlist);
    wv1::ListWatchlistItemsRequest request;
    request.set_parent("users/" + user);
    request.set_page_size(100);
    request.set_region(absl::AsciiStrToUpper(*region));
    for (const std::string& s : SplitCommaList(*subscriptions)) {
      request.add_subscriptions(ResourceName("providers", s));
    }
    if (*watchable_now) {
      if (request.region().empty()) {
        return UsageError(ctx, "--watchable-now needs --region");
      }
      request.set_filter("watchable_now = true");
    }
    absl::StatusOr<wv1::ListWatchlistItemsResponse> combined =
        FetchAllPages<wv1::ListWatchlistItemsResponse>(
            request,
            [&](const auto& r) { return watchlist.ListWatchlistItems(r); });
    if (auto rc = ErrorOrJson(ctx, combined, Service::kWatchlist)) return *rc;
    PrintItems(combined->items(), /*history=*/false);
    return kExitOk;
  };
}

int WatchlistRemove(Context& ctx, const std::string& user) {
  auto request =
      NamedWrite<wv1::DeleteWatchlistItemRequest>(ItemName(user, ctx.args[0]));
  absl::Status status =
      client::WatchlistClient(ctx.watchlist).DeleteWatchlistItem(request);
  if (!status.ok()) return ServerError(ctx, status, Service::kWatchlist);
  if (ctx.json) {
    std::cout << "{}\n";
  } else {
    std::cout << "removed " << request.name() << "\n";
  }
  return kExitOk;
}

int WatchlistNote(Context& ctx, const std::string& user) {
  client::WatchlistClient watchlist(ctx.watchlist);
  wv1::UpdateWatchlistItemRequest request;
  request.mutable_item()->set_name(ItemName(user, ctx.args[0]));
  request.mutable_item()->set_note(absl::StrJoin(
      std::vector<std::string>(ctx.args.begin() + 1, ctx.args.end()), " "));
  request.mutable_update_mask()->add_paths("note");
  request.set_request_id(RandomRequestId());
  absl::StatusOr<wv1::WatchlistItem> item =
      watchlist.UpdateWatchlistItem(request);
  if (auto rc = ErrorOrJson(ctx, item, Service::kWatchlist)) return *rc;
  std::cout << "noted " << ItemId(item->name()) << ": " << item->note() << "\n";
  return kExitOk;
}

int WatchlistWatched(Context& ctx, const std::string& user) {
  absl::StatusOr<wv1::WatchlistItem> item =
      client::WatchlistClient(ctx.watchlist)
          .MarkWatched(
              NamedWrite<wv1::MarkWatchedRequest>(ItemName(user, ctx.args[0])));
  if (auto rc = ErrorOrJson(ctx, item, Service::kWatchlist)) return *rc;
  std::cout << "watched " << item->film() << " (moved to history)\n";
  return kExitOk;
}

int WatchlistHistory(Context& ctx, const std::string& user) {
  client::WatchlistClient watchlist(ctx.watchlist);
  wv1::ListHistoryRequest request;
  request.set_parent("users/" + user);
  request.set_page_size(100);
  absl::StatusOr<wv1::ListHistoryResponse> combined =
      FetchAllPages<wv1::ListHistoryResponse>(
          request, [&](const auto& r) { return watchlist.ListHistory(r); });
  if (auto rc = ErrorOrJson(ctx, combined, Service::kWatchlist)) return *rc;
  PrintItems(combined->items(), /*history=*/true);
  return kExitOk;
}

UserRunner Alerts(FlagSet& f) {
  const Flag<std::string> region = f.AddString(
      "region", "LONGTAKE_REGION", "", "regions, comma separated (empty: all)");
  const Flag<int64_t> resume_after =
      f.AddInt("resume-after", "", 0, "resume after this event id");
  return [=](Context& ctx, const std::string& user) {
    wv1::WatchAvailabilityRequest request;
    request.set_parent("users/" + user);
    for (const std::string& r : SplitCommaList(*region)) {
      request.add_regions(absl::AsciiStrToUpper(r));
    }
    if (*resume_after < 0) {
      return UsageError(ctx, "--resume-after must be >= 0");
    }
    request.set_resume_after_event_id(*resume_after);
    std::signal(SIGINT, OnInterrupt);
    std::signal(SIGTERM, OnInterrupt);
    client::WatchlistClient watchlist(ctx.watchlist);
    int64_t last_id = request.resume_after_event_id();
    if (!ctx.json) {
      std::cerr << "watching availability for users/" << user
                << " (Ctrl-C to stop)\n";
    }
    absl::Status status = watchlist.WatchAvailability(
        request,
        [&](const wv1::AvailabilityEvent& e) {
          last_id = e.event_id();
          if (ctx.json) {
            std::cout << ToJson(e, /*one_line=*/true) << std::flush;
            return;
          }
          std::string line = absl::StrCat(
              "#", e.event_id(), "  ", TimestampText(e.event_time()), "  ",
              Shorten(wv1::AvailabilityEvent::Kind_Name(e.kind()), "KIND_"),
              "  ", e.film(), "  ", e.offer().region(), "  ",
              OfferText(e.offer()));
          std::string previous = MoneyText(e.previous_price());
          if (!previous.empty())
            absl::StrAppend(&line, " (was ", previous, ")");
          std::cout << line << std::endl;
        },
        &g_interrupted);
    if (!status.ok()) {
      int exit_code = ServerError(ctx, status, Service::kWatchlist);
      if (last_id > 0) {
        std::cerr << "resume with --resume-after " << last_id << "\n";
      }
      return exit_code;
    }
    return kExitOk;
  };
}

}  // namespace

std::vector<Command> WatchlistCommands() {
  return {
      {{"where-to-watch"},
       "FILM --region GB [--subscriptions a,b]",
       "What you can do now to watch a film in a region.",
       1,
       1,
       WhereToWatch},
      {{"watchlist", "add"},
       "FILM [--note N]",
       "Add a film to your watchlist.",
       1,
       1,
       ForUser(WatchlistAdd)},
      {{"watchlist", "list"},
       "[--region R] [--watchable-now]",
       "Your watchlist, with the best offer in --region.",
       0,
       0,
       ForUser(WatchlistList)},
      {{"watchlist", "remove"},
       "ITEM",
       "Remove an item (id or full name).",
       1,
       1,
       ForUser(WatchlistRemove)},
      {{"watchlist", "note"},
       "ITEM TEXT...",
       "Set an item's note.",
       2,
       kAnyArgs,
       ForUser(WatchlistNote)},
      {{"watchlist", "watched"},
       "ITEM",
       "Mark an item watched (moves it to history).",
       1,
       1,
       ForUser(WatchlistWatched)},
      {{"watchlist", "history"},
       "",
       "Films you have watched.",
       0,
       0,
       ForUser(WatchlistHistory)},
      {{"alerts"},
       "--region GB [--resume-after ID]",
       "Stream availability events for your watchlist until Ctrl-C.",
       0,
       0,
       ForUser(Alerts)},
  };
}

}  // namespace longtake::cli
