// longtake: the command-line client. Parses commands and prints results;
// every RPC goes through longtake::client (clients/cpp). See docs/cli.md.
//
// Exit codes: 0 ok, 1 the server said no or could not be reached, 2 usage.

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <csignal>
#include <cstdio>
#include <functional>
#include <iostream>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "common/auth/token.h"
#include "common/config/flags.h"
#include "common/status/errors.h"
#include "longtake/client/client.h"
#include "nlohmann/json.hpp"
#include "tools/cli/import_parser.h"
#include "tools/cli/output.h"

namespace longtake::cli {
namespace {

namespace cv1 = ::longtake::catalog::v1;
namespace wv1 = ::longtake::watchlist::v1;

constexpr int kExitOk = 0;
constexpr int kExitServer = 1;
constexpr int kExitUsage = 2;

std::atomic<bool> g_interrupted{false};
extern "C" void OnInterrupt(int) { g_interrupted.store(true); }

enum class Service { kCatalog, kWatchlist };

struct Context {
  const FlagSet& flags;
  std::vector<std::string> args;  // positional arguments after the command
  std::string usage;
  bool json = false;
  client::ClientOptions catalog;
  client::ClientOptions watchlist;
};

struct Command {
  std::vector<std::string> path;  // {"films", "list"}
  std::string syntax;             // "FILM [--note N]"
  std::string summary;
  size_t min_args = 0;
  size_t max_args = 0;  // SIZE_MAX: any number
  std::function<void(FlagSet&)> add_flags;
  std::function<int(Context&)> run;
};

// ------------------------------------------------------------ helpers

int UsageError(const Context& ctx, const std::string& what) {
  std::cerr << "longtake: " << what << "\n\n" << ctx.usage;
  return kExitUsage;
}

int ServerError(const Context& ctx, const absl::Status& status, Service service) {
  std::cerr << "longtake: " << client::DescribeError(status) << "\n";
  const std::string addr =
      service == Service::kCatalog ? ctx.catalog.address : ctx.watchlist.address;
  const char* binary = service == Service::kCatalog ? "longtake-catalog" : "longtake-watchlist";
  const char* flag = service == Service::kCatalog ? "--addr" : "--watchlist-addr";
  switch (status.code()) {
    case absl::StatusCode::kUnavailable:
      std::cerr << "hint: is " << binary << " running at " << addr << "? start it with `"
                << binary << " --listen=" << addr << "`, or point " << flag
                << " at it\n";
      break;
    case absl::StatusCode::kDeadlineExceeded:
      std::cerr << "hint: no answer from " << binary << " at " << addr
                << " in time; try a longer --timeout\n";
      break;
    case absl::StatusCode::kUnauthenticated:
      std::cerr << "hint: mint a token with `longtake token --user NAME [--curator] "
                   "--token-secret SECRET` and pass it with --token or LONGTAKE_TOKEN\n";
      break;
    case absl::StatusCode::kPermissionDenied:
      if (ErrorReason(status) == "CURATOR_ROLE_REQUIRED") {
        std::cerr << "hint: this needs a curator token: `longtake token --user NAME "
                     "--curator`\n";
      }
      break;
    default:
      break;
  }
  return kExitServer;
}

// "the-cranes-are-flying", "films/the-cranes-are-flying" or even
// "The Cranes Are Flying" -> "films/the-cranes-are-flying".
std::string ResourceName(const std::string& collection, const std::string& arg) {
  const std::string prefix = collection + "/";
  if (absl::StartsWith(arg, prefix)) return arg;
  std::string slug = SlugFromName(arg);
  return prefix + (slug.empty() ? arg : slug);
}

std::vector<std::string> SplitCommaList(const std::string& text) {
  std::vector<std::string> out;
  for (absl::string_view part : absl::StrSplit(text, ',', absl::SkipWhitespace())) {
    out.push_back(std::string(absl::StripAsciiWhitespace(part)));
  }
  return out;
}

std::string RandomRequestId() {
  std::random_device rd;
  std::mt19937_64 rng((static_cast<uint64_t>(rd()) << 32) ^ rd());
  return absl::StrFormat("%016x%016x", rng(), rng());
}

std::string Shorten(const std::string& enum_name, absl::string_view prefix) {
  absl::string_view s = enum_name;
  absl::ConsumePrefix(&s, prefix);
  return absl::AsciiStrToLower(absl::StrReplaceAll(s, {{"_", " "}}));
}

std::string RoleName(int role) {
  return Shorten(cv1::CreditRole_Name(static_cast<cv1::CreditRole>(role)), "CREDIT_ROLE_");
}

std::string TechniqueName(int t) {
  return Shorten(cv1::CameraTechnique_Name(static_cast<cv1::CameraTechnique>(t)),
                 "CAMERA_TECHNIQUE_");
}

std::string YearText(int32_t year) { return year == 0 ? "" : absl::StrCat(year); }

std::string Directors(const cv1::Film& film) {
  std::vector<std::string> names;
  for (const cv1::Credit& c : film.credits()) {
    if (c.role() == cv1::CREDIT_ROLE_DIRECTOR) {
      names.push_back(c.display_name().empty() ? c.person() : c.display_name());
    }
  }
  return absl::StrJoin(names, ", ");
}

std::string MoneyText(const google::type::Money& money) {
  if (money.currency_code().empty()) return "";
  int64_t cents = money.units() * 100 + money.nanos() / 10000000;
  return absl::StrFormat("%s %d.%02d", money.currency_code(), cents / 100,
                         (cents < 0 ? -cents : cents) % 100);
}

std::string TimestampText(const google::protobuf::Timestamp& ts) {
  if (ts.seconds() == 0 && ts.nanos() == 0) return "";
  return absl::FormatTime("%Y-%m-%d %H:%M", absl::FromUnixSeconds(ts.seconds()),
                          absl::UTCTimeZone());
}

// Whose watchlist: --user, else the token's user.
bool ResolveUser(const Context& ctx, std::string* user, int* exit_code) {
  *user = ctx.flags.GetString("user");
  if (user->empty() && !ctx.watchlist.token.empty()) {
    absl::StatusOr<client::TokenClaims> claims = client::PeekToken(ctx.watchlist.token);
    if (!claims.ok()) {
      *exit_code = UsageError(ctx, absl::StrCat("--token: ", claims.status().message()));
      return false;
    }
    *user = claims->user;
  }
  if (user->empty()) {
    *exit_code = UsageError(
        ctx, "no user: pass a token with --token (or LONGTAKE_TOKEN), or --user NAME");
    return false;
  }
  return true;
}

std::string ItemName(const std::string& user, const std::string& arg) {
  if (absl::StartsWith(arg, "users/")) return arg;
  return absl::StrCat("users/", user, "/watchlist/items/", arg);
}

std::string ItemId(const std::string& name) {
  size_t slash = name.rfind('/');
  return slash == std::string::npos ? name : name.substr(slash + 1);
}

// ------------------------------------------------------------ catalogue

void PrintFilmTable(const google::protobuf::RepeatedPtrField<cv1::Film>& films) {
  Table table({"FILM", "TITLE", "YEAR", "RUNTIME", "DIRECTED BY"});
  for (const cv1::Film& f : films) {
    table.AddRow({f.name(), f.title(), YearText(f.year()),
                  f.runtime_minutes() ? absl::StrCat(f.runtime_minutes(), " min") : "",
                  Directors(f)});
  }
  std::cout << table.Render();
}

int FilmsList(Context& ctx) {
  client::CatalogClient catalog(ctx.catalog);
  cv1::ListFilmsRequest request;
  request.set_filter(ctx.flags.GetString("filter"));
  request.set_order_by(ctx.flags.GetString("order_by"));
  request.set_page_size(static_cast<int32_t>(ctx.flags.GetInt("page_size")));
  request.set_page_token(ctx.flags.GetString("page_token"));
  if (request.page_size() < 0) return UsageError(ctx, "--page-size must not be negative");
  const bool all = ctx.flags.GetBool("all");
  cv1::ListFilmsResponse combined;
  while (true) {
    absl::StatusOr<cv1::ListFilmsResponse> page = catalog.ListFilms(request);
    if (!page.ok()) return ServerError(ctx, page.status(), Service::kCatalog);
    combined.mutable_films()->MergeFrom(page->films());
    combined.set_next_page_token(page->next_page_token());
    if (!all || page->next_page_token().empty()) break;
    request.set_page_token(page->next_page_token());
  }
  if (ctx.json) {
    std::cout << ToJson(combined);
    return kExitOk;
  }
  PrintFilmTable(combined.films());
  if (!combined.next_page_token().empty()) {
    std::cerr << "(more films: use --all, or --page-token " << combined.next_page_token()
              << ")\n";
  }
  return kExitOk;
}

void PrintField(const std::string& label, const std::string& value) {
  if (value.empty()) return;
  std::cout << absl::StrFormat("%-16s %s\n", label + ":", value);
}

int FilmsGet(Context& ctx) {
  client::CatalogClient catalog(ctx.catalog);
  cv1::GetFilmRequest request;
  request.set_name(ResourceName("films", ctx.args[0]));
  absl::StatusOr<cv1::Film> film = catalog.GetFilm(request);
  if (!film.ok()) return ServerError(ctx, film.status(), Service::kCatalog);
  if (ctx.json) {
    std::cout << ToJson(*film);
    return kExitOk;
  }
  const cv1::Film& f = *film;
  PrintField("Name", f.name());
  PrintField("Title", f.title());
  PrintField("Original titles", absl::StrJoin(f.original_titles(), "; "));
  PrintField("Also known as", absl::StrJoin(f.aliases(), "; "));
  PrintField("Year", YearText(f.year()));
  PrintField("Runtime", f.runtime_minutes() ? absl::StrCat(f.runtime_minutes(), " min") : "");
  PrintField("Countries", absl::StrJoin(f.countries(), ", "));
  PrintField("Languages", absl::StrJoin(f.languages(), ", "));
  PrintField("Studios", absl::StrJoin(f.studios(), ", "));
  PrintField("Eras", absl::StrJoin(f.eras(), ", "));
  PrintField("Synopsis", f.synopsis());
  if (f.credits_size() > 0) {
    std::cout << "Credits:\n";
    Table table({"  ROLE", "PERSON", "NAME", "CHARACTER"});
    for (const cv1::Credit& c : f.credits()) {
      table.AddRow({"  " + RoleName(c.role()), c.person(), c.display_name(), c.character()});
    }
    std::cout << table.Render();
  }
  for (const cv1::Award& a : f.awards()) {
    PrintField("Award", absl::StrCat(a.name(), a.event().empty() ? "" : ", " + a.event(),
                                     a.year() ? absl::StrCat(" ", a.year()) : ""));
  }
  for (const std::string& note : f.notes()) PrintField("Note", note);
  return kExitOk;
}

int FilmsSearch(Context& ctx) {
  client::CatalogClient catalog(ctx.catalog);
  cv1::SearchFilmsRequest request;
  request.set_query(absl::StrJoin(ctx.args, " "));
  request.set_page_size(static_cast<int32_t>(ctx.flags.GetInt("page_size")));
  absl::StatusOr<cv1::SearchFilmsResponse> response = catalog.SearchFilms(request);
  if (!response.ok()) return ServerError(ctx, response.status(), Service::kCatalog);
  if (ctx.json) {
    std::cout << ToJson(*response);
    return kExitOk;
  }
  Table table({"FILM", "TITLE", "YEAR", "MATCHED", "SCORE"});
  for (const cv1::SearchFilmsResult& r : response->results()) {
    table.AddRow({r.film().name(), r.film().title(), YearText(r.film().year()),
                  absl::StrJoin(r.matched_fields(), ","), absl::StrFormat("%.2f", r.score())});
  }
  std::cout << table.Render();
  if (response->results_size() == 0) std::cerr << "no films match \"" << request.query() << "\"\n";
  return kExitOk;
}

std::string StartText(const cv1::Timecode& t) {
  if (!t.description().empty()) return t.description();
  switch (t.precision()) {
    case cv1::Timecode::PRECISION_EXACT:
    case cv1::Timecode::PRECISION_APPROXIMATE: {
      int64_t s = t.offset().seconds();
      return absl::StrFormat("%s%d:%02d",
                             t.precision() == cv1::Timecode::PRECISION_APPROXIMATE ? "~" : "",
                             s / 60, s % 60);
    }
    case cv1::Timecode::PRECISION_FRACTION_OF_RUNTIME:
      return absl::StrFormat("%.0f%%", t.fraction() * 100);
    case cv1::Timecode::PRECISION_RELATIVE:
      return absl::StrCat(t.relation() == cv1::Timecode::RELATION_BEFORE ? "before " : "after ",
                          t.relative_to());
    default:
      return "";
  }
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

int SequencesList(Context& ctx) {
  client::CatalogClient catalog(ctx.catalog);
  cv1::ListSequencesRequest request;
  request.set_parent(ctx.args[0] == "-" ? "films/-" : ResourceName("films", ctx.args[0]));
  request.set_filter(ctx.flags.GetString("filter"));
  request.set_page_size(100);
  absl::StatusOr<cv1::ListSequencesResponse> combined =
      FetchAllPages<cv1::ListSequencesResponse>(
          request, [&](const auto& r) { return catalog.ListSequences(r); });
  if (!combined.ok()) return ServerError(ctx, combined.status(), Service::kCatalog);
  if (ctx.json) {
    std::cout << ToJson(*combined);
    return kExitOk;
  }
  Table table({"#", "SEQUENCE", "TITLE", "START", "TECHNIQUES"});
  for (const cv1::Sequence& s : combined->sequences()) {
    std::vector<std::string> techniques;
    for (int t : s.techniques()) techniques.push_back(TechniqueName(t));
    table.AddRow({s.film_order() ? absl::StrCat(s.film_order()) : "", s.name(), s.title(),
                  StartText(s.start()), absl::StrJoin(techniques, ", ")});
  }
  std::cout << table.Render();
  return kExitOk;
}

int PeopleGet(Context& ctx) {
  client::CatalogClient catalog(ctx.catalog);
  cv1::GetPersonRequest request;
  request.set_name(ResourceName("people", ctx.args[0]));
  absl::StatusOr<cv1::Person> person = catalog.GetPerson(request);
  if (!person.ok()) return ServerError(ctx, person.status(), Service::kCatalog);
  if (ctx.json) {
    std::cout << ToJson(*person);
    return kExitOk;
  }
  std::vector<std::string> roles;
  for (int r : person->known_roles()) roles.push_back(RoleName(r));
  PrintField("Name", person->name());
  PrintField("Display name", person->display_name());
  PrintField("Also known as", absl::StrJoin(person->aliases(), "; "));
  std::string years;
  if (person->birth_year() || person->death_year()) {
    years = absl::StrCat(YearText(person->birth_year()), "-", YearText(person->death_year()));
  }
  PrintField("Years", years);
  PrintField("Known for", absl::StrJoin(roles, ", "));
  PrintField("Biography", person->biography());
  return kExitOk;
}

int Collaborations(Context& ctx) {
  client::CatalogClient catalog(ctx.catalog);
  cv1::ListCollaborationsRequest request;
  request.set_person(ResourceName("people", ctx.args[0]));
  request.set_page_size(100);
  absl::StatusOr<cv1::ListCollaborationsResponse> combined =
      FetchAllPages<cv1::ListCollaborationsResponse>(
          request,
          [&](const auto& r) { return catalog.ListCollaborations(r); });
  if (!combined.ok()) return ServerError(ctx, combined.status(), Service::kCatalog);
  if (ctx.json) {
    std::cout << ToJson(*combined);
    return kExitOk;
  }
  Table table({"PERSON", "NAME", "FILMS", "ROLES"});
  for (const cv1::Collaboration& c : combined->collaborations()) {
    std::set<std::string> roles;
    for (int r : c.roles()) roles.insert(RoleName(r));
    table.AddRow({c.person(), c.display_name(),
                  absl::StrCat(c.films_size(), " (", absl::StrJoin(c.films(), ", "), ")"),
                  absl::StrJoin(roles, ", ")});
  }
  std::cout << table.Render();
  return kExitOk;
}

int ErasList(Context& ctx) {
  client::CatalogClient catalog(ctx.catalog);
  cv1::ListErasRequest request;
  request.set_page_size(100);
  absl::StatusOr<cv1::ListErasResponse> combined =
      FetchAllPages<cv1::ListErasResponse>(
          request, [&](const auto& r) { return catalog.ListEras(r); });
  if (!combined.ok()) return ServerError(ctx, combined.status(), Service::kCatalog);
  if (ctx.json) {
    std::cout << ToJson(*combined);
    return kExitOk;
  }
  Table table({"ERA", "NAME", "YEARS", "FILMS"});
  for (const cv1::Era& e : combined->eras()) {
    table.AddRow({e.name(), e.display_name(),
                  absl::StrCat(YearText(e.start_year()), "-", YearText(e.end_year())),
                  absl::StrCat(e.films_size())});
  }
  std::cout << table.Render();
  return kExitOk;
}

// ------------------------------------------------------------ import

int Import(Context& ctx) {
  const std::string path = ctx.args[0];
  absl::StatusOr<ParsedImport> parsed = ParseImportFile(path);
  if (!parsed.ok()) return UsageError(ctx, std::string(parsed.status().message()));
  const int64_t batch_size = ctx.flags.GetInt("batch_size");
  if (batch_size < 1 || batch_size > 1000) {
    return UsageError(ctx, "--batch-size must be between 1 and 1000");
  }
  for (const ImportRejection& r : parsed->rejected) {
    std::cerr << path << ":" << r.line << ": " << r.field << ": " << r.reason << "\n";
  }

  client::ClientOptions options = ctx.catalog;
  // Big batches take longer than a lookup.
  options.deadline = std::max(options.deadline, absl::Minutes(2));
  client::CatalogClient catalog(options);
  const bool progress = isatty(STDERR_FILENO) && !ctx.json;
  const size_t total = parsed->entries.size();
  int64_t created = 0, server_failed = 0, duplicates = 0;
  nlohmann::json failures = nlohmann::json::array();
  for (size_t start = 0; start < total; start += static_cast<size_t>(batch_size)) {
    cv1::ImportFilmsRequest request;
    request.set_request_id(RandomRequestId());
    request.set_validate_only(ctx.flags.GetBool("dry_run"));
    size_t end = std::min(total, start + static_cast<size_t>(batch_size));
    for (size_t i = start; i < end; ++i) *request.add_entries() = parsed->entries[i];
    absl::StatusOr<cv1::ImportFilmsResponse> response = catalog.ImportFilms(request);
    if (!response.ok()) {
      if (progress) std::cerr << "\n";
      if (created > 0) {
        std::cerr << "longtake: stopped after importing " << WithThousands(created)
                  << " films\n";
      }
      return ServerError(ctx, response.status(), Service::kCatalog);
    }
    for (const cv1::ImportFilmsResult& r : response->results()) {
      if (r.code() == google::rpc::OK) {
        ++created;
        continue;
      }
      ++server_failed;
      const bool duplicate = r.code() == google::rpc::ALREADY_EXISTS;
      if (duplicate) ++duplicates;
      std::string line = absl::StrCat(
          path, ":", r.source_line(), ": ", duplicate ? "duplicate: " : "",
          google::rpc::Code_Name(r.code()), ": ", r.message());
      nlohmann::json violations = nlohmann::json::array();
      for (const auto& fv : r.field_violations()) {
        absl::StrAppend(&line, "; ", fv.field(), ": ", fv.description());
        violations.push_back({{"field", fv.field()}, {"description", fv.description()}});
      }
      if (progress) std::cerr << "\r\033[K";
      std::cerr << line << "\n";
      failures.push_back({{"line", r.source_line()},
                          {"code", google::rpc::Code_Name(r.code())},
                          {"message", r.message()},
                          {"field_violations", violations}});
    }
    if (progress) {
      constexpr int kWidth = 30;
      int filled = static_cast<int>(kWidth * end / std::max<size_t>(total, 1));
      std::cerr << "\r\033[Kimporting [" << std::string(filled, '#')
                << std::string(kWidth - filled, '.') << "] " << WithThousands(end) << "/"
                << WithThousands(total) << std::flush;
    }
  }
  if (progress && total > 0) std::cerr << "\r\033[K";
  const int64_t rejected = parsed->rejected_rows + server_failed;
  if (ctx.json) {
    nlohmann::json out;
    out["imported"] = created;
    out["rejected"] = rejected;
    out["duplicates"] = duplicates;
    nlohmann::json client_rejections = nlohmann::json::array();
    for (const ImportRejection& r : parsed->rejected) {
      client_rejections.push_back({{"line", r.line}, {"field", r.field}, {"reason", r.reason}});
    }
    out["client_rejections"] = client_rejections;
    out["server_failures"] = failures;
    std::cout << out.dump(2) << "\n";
    return kExitOk;
  }
  std::cout << (ctx.flags.GetBool("dry_run") ? "validated " : "imported ")
            << WithThousands(created) << (created == 1 ? " film" : " films");
  if (rejected > 0) {
    std::cout << "; " << WithThousands(rejected) << " rejected (see above";
    if (duplicates > 0) {
      std::cout << "; " << WithThousands(duplicates)
                << (duplicates == 1 ? " duplicate" : " duplicates");
    }
    std::cout << ")";
  }
  std::cout << "\n";
  return kExitOk;
}

// ------------------------------------------------------------ watchlist

std::string OfferText(const wv1::Offer& offer) {
  if (offer.name().empty() && offer.provider().empty()) return "";
  std::string text = absl::StrCat(
      offer.provider(), " ",
      Shorten(wv1::Monetization_Name(offer.monetization()), "MONETIZATION_"));
  std::string price = MoneyText(offer.price());
  if (!price.empty()) absl::StrAppend(&text, " ", price);
  return text;
}

int WhereToWatch(Context& ctx) {
  client::WatchlistClient watchlist(ctx.watchlist);
  wv1::WhereToWatchRequest request;
  request.set_film(ResourceName("films", ctx.args[0]));
  request.set_region(absl::AsciiStrToUpper(ctx.flags.GetString("region")));
  if (request.region().empty()) return UsageError(ctx, "--region is required (e.g. --region GB)");
  for (const std::string& s : SplitCommaList(ctx.flags.GetString("subscriptions"))) {
    request.add_subscriptions(ResourceName("providers", s));
  }
  absl::StatusOr<wv1::WhereToWatchResponse> response = watchlist.WhereToWatch(request);
  if (!response.ok()) return ServerError(ctx, response.status(), Service::kWatchlist);
  if (ctx.json) {
    std::cout << ToJson(*response);
    return kExitOk;
  }
  if (!response->summary().empty()) std::cout << response->summary() << "\n";
  if (response->offers_size() > 0) {
    Table table({"PROVIDER", "HOW", "FORMAT", "PRICE", "NOW", "WHY"});
    for (const wv1::RankedOffer& r : response->offers()) {
      const wv1::Offer& o = r.offer();
      table.AddRow({o.provider(), Shorten(wv1::Monetization_Name(o.monetization()), "MONETIZATION_"),
                    Shorten(wv1::Format_Name(o.format()), "FORMAT_"), MoneyText(o.price()),
                    r.available_to_user() ? "yes" : "no", r.explanation()});
    }
    std::cout << table.Render();
  } else if (response->available_in_regions_size() > 0) {
    std::cout << "available in: " << absl::StrJoin(response->available_in_regions(), ", ")
              << "\n";
  }
  return kExitOk;
}

void PrintItems(const google::protobuf::RepeatedPtrField<wv1::WatchlistItem>& items,
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

int WatchlistAdd(Context& ctx) {
  std::string user;
  int code = 0;
  if (!ResolveUser(ctx, &user, &code)) return code;
  client::WatchlistClient watchlist(ctx.watchlist);
  wv1::CreateWatchlistItemRequest request;
  request.set_parent("users/" + user);
  request.mutable_item()->set_film(ResourceName("films", ctx.args[0]));
  request.mutable_item()->set_note(ctx.flags.GetString("note"));
  request.set_request_id(RandomRequestId());
  absl::StatusOr<wv1::WatchlistItem> item = watchlist.CreateWatchlistItem(request);
  if (!item.ok()) return ServerError(ctx, item.status(), Service::kWatchlist);
  if (ctx.json) {
    std::cout << ToJson(*item);
  } else {
    std::cout << "added " << item->film() << " as item " << ItemId(item->name()) << "\n";
  }
  return kExitOk;
}

int WatchlistList(Context& ctx) {
  std::string user;
  int code = 0;
  if (!ResolveUser(ctx, &user, &code)) return code;
  client::WatchlistClient watchlist(ctx.watchlist);
  wv1::ListWatchlistItemsRequest request;
  request.set_parent("users/" + user);
  request.set_page_size(100);
  request.set_region(absl::AsciiStrToUpper(ctx.flags.GetString("region")));
  for (const std::string& s : SplitCommaList(ctx.flags.GetString("subscriptions"))) {
    request.add_subscriptions(ResourceName("providers", s));
  }
  if (ctx.flags.GetBool("watchable_now")) {
    if (request.region().empty()) return UsageError(ctx, "--watchable-now needs --region");
    request.set_filter("watchable_now = true");
  }
  absl::StatusOr<wv1::ListWatchlistItemsResponse> combined =
      FetchAllPages<wv1::ListWatchlistItemsResponse>(
          request,
          [&](const auto& r) { return watchlist.ListWatchlistItems(r); });
  if (!combined.ok()) return ServerError(ctx, combined.status(), Service::kWatchlist);
  if (ctx.json) {
    std::cout << ToJson(*combined);
    return kExitOk;
  }
  PrintItems(combined->items(), /*history=*/false);
  return kExitOk;
}

int WatchlistRemove(Context& ctx) {
  std::string user;
  int code = 0;
  if (!ResolveUser(ctx, &user, &code)) return code;
  client::WatchlistClient watchlist(ctx.watchlist);
  wv1::DeleteWatchlistItemRequest request;
  request.set_name(ItemName(user, ctx.args[0]));
  request.set_request_id(RandomRequestId());
  absl::Status status = watchlist.DeleteWatchlistItem(request);
  if (!status.ok()) return ServerError(ctx, status, Service::kWatchlist);
  if (ctx.json) {
    std::cout << "{}\n";
  } else {
    std::cout << "removed " << request.name() << "\n";
  }
  return kExitOk;
}

int WatchlistNote(Context& ctx) {
  std::string user;
  int code = 0;
  if (!ResolveUser(ctx, &user, &code)) return code;
  client::WatchlistClient watchlist(ctx.watchlist);
  wv1::UpdateWatchlistItemRequest request;
  request.mutable_item()->set_name(ItemName(user, ctx.args[0]));
  request.mutable_item()->set_note(
      absl::StrJoin(std::vector<std::string>(ctx.args.begin() + 1, ctx.args.end()), " "));
  request.mutable_update_mask()->add_paths("note");
  request.set_request_id(RandomRequestId());
  absl::StatusOr<wv1::WatchlistItem> item = watchlist.UpdateWatchlistItem(request);
  if (!item.ok()) return ServerError(ctx, item.status(), Service::kWatchlist);
  if (ctx.json) {
    std::cout << ToJson(*item);
  } else {
    std::cout << "noted " << ItemId(item->name()) << ": " << item->note() << "\n";
  }
  return kExitOk;
}

int WatchlistWatched(Context& ctx) {
  std::string user;
  int code = 0;
  if (!ResolveUser(ctx, &user, &code)) return code;
  client::WatchlistClient watchlist(ctx.watchlist);
  wv1::MarkWatchedRequest request;
  request.set_name(ItemName(user, ctx.args[0]));
  request.set_request_id(RandomRequestId());
  absl::StatusOr<wv1::WatchlistItem> item = watchlist.MarkWatched(request);
  if (!item.ok()) return ServerError(ctx, item.status(), Service::kWatchlist);
  if (ctx.json) {
    std::cout << ToJson(*item);
  } else {
    std::cout << "watched " << item->film() << " (moved to history)\n";
  }
  return kExitOk;
}

int WatchlistHistory(Context& ctx) {
  std::string user;
  int code = 0;
  if (!ResolveUser(ctx, &user, &code)) return code;
  client::WatchlistClient watchlist(ctx.watchlist);
  wv1::ListHistoryRequest request;
  request.set_parent("users/" + user);
  request.set_page_size(100);
  absl::StatusOr<wv1::ListHistoryResponse> combined =
      FetchAllPages<wv1::ListHistoryResponse>(
          request, [&](const auto& r) { return watchlist.ListHistory(r); });
  if (!combined.ok()) return ServerError(ctx, combined.status(), Service::kWatchlist);
  if (ctx.json) {
    std::cout << ToJson(*combined);
    return kExitOk;
  }
  PrintItems(combined->items(), /*history=*/true);
  return kExitOk;
}

int Alerts(Context& ctx) {
  std::string user;
  int code = 0;
  if (!ResolveUser(ctx, &user, &code)) return code;
  wv1::WatchAvailabilityRequest request;
  request.set_parent("users/" + user);
  for (const std::string& r : SplitCommaList(ctx.flags.GetString("region"))) {
    request.add_regions(absl::AsciiStrToUpper(r));
  }
  if (ctx.flags.GetInt("resume_after") < 0) return UsageError(ctx, "--resume-after must be >= 0");
  request.set_resume_after_event_id(ctx.flags.GetInt("resume_after"));
  std::signal(SIGINT, OnInterrupt);
  std::signal(SIGTERM, OnInterrupt);
  client::WatchlistClient watchlist(ctx.watchlist);
  int64_t last_id = request.resume_after_event_id();
  if (!ctx.json) {
    std::cerr << "watching availability for users/" << user << " (Ctrl-C to stop)\n";
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
            Shorten(wv1::AvailabilityEvent::Kind_Name(e.kind()), "KIND_"), "  ", e.film(),
            "  ", e.offer().region(), "  ", OfferText(e.offer()));
        std::string previous = MoneyText(e.previous_price());
        if (!previous.empty()) absl::StrAppend(&line, " (was ", previous, ")");
        std::cout << line << std::endl;
      },
      &g_interrupted);
  if (!status.ok()) {
    int exit_code = ServerError(ctx, status, Service::kWatchlist);
    if (last_id > 0) std::cerr << "resume with --resume-after " << last_id << "\n";
    return exit_code;
  }
  return kExitOk;
}

// ------------------------------------------------------------ token

int Token(Context& ctx) {
  const std::string user = ctx.flags.GetString("user");
  if (user.empty()) return UsageError(ctx, "--user is required");
  if (!auth::IsValidUserName(user)) {
    return UsageError(ctx, absl::StrCat("--user: \"", user,
                                        "\" is not a valid user name ([a-z0-9][a-z0-9_-]{0,62})"));
  }
  const std::string secret = ctx.flags.GetString("token_secret");
  if (secret.empty()) {
    return UsageError(ctx, "no secret: pass --token-secret or set LONGTAKE_TOKEN_SECRET "
                           "(the same secret the servers use)");
  }
  absl::Duration ttl = ctx.flags.GetDuration("ttl");
  if (ttl <= absl::ZeroDuration()) return UsageError(ctx, "--ttl must be positive");
  auth::TokenSigner signer(secret);
  const auth::Role role = ctx.flags.GetBool("curator") ? auth::Role::kCurator : auth::Role::kUser;
  std::string token = signer.Mint(user, role, ttl);
  if (ctx.json) {
    nlohmann::json out = {{"token", token},
                          {"user", user},
                          {"role", std::string(auth::RoleName(role))},
                          {"expires", absl::FormatTime(absl::RFC3339_sec, absl::Now() + ttl,
                                                       absl::UTCTimeZone())}};
    std::cout << out.dump(2) << "\n";
  } else {
    std::cout << token << "\n";
  }
  return kExitOk;
}

// ------------------------------------------------------------ command table

void AddGlobalFlags(FlagSet& flags) {
  flags.AddString("addr", "LONGTAKE_ADDR", "127.0.0.1:50051", "catalogue service address");
  flags.AddString("watchlist-addr", "LONGTAKE_WATCHLIST_ADDR", "127.0.0.1:50052",
                  "watchlist service address");
  flags.AddString("token", "LONGTAKE_TOKEN", "", "bearer token (see `longtake token`)");
  flags.AddBool("json", "", false, "print proto JSON instead of tables");
  flags.AddDuration("timeout", "LONGTAKE_TIMEOUT", absl::Seconds(5), "deadline per call");
}

auto UserFlag = [](FlagSet& f) {
  f.AddString("user", "", "", "whose watchlist (default: the token's user)");
};

std::vector<Command> Commands() {
  constexpr size_t kAny = SIZE_MAX;
  auto none = [](FlagSet&) {};
  return {
      {{"films", "list"}, "[--filter F] [--order-by O] [--page-size N] [--all]",
       "List films, one page (or --all pages).", 0, 0,
       [](FlagSet& f) {
         f.AddString("filter", "", "", "e.g. 'year >= 1955' or 'person = \"people/mikhail-kalatozov\"'");
         f.AddString("order-by", "", "", "title (default), year, year desc");
         f.AddInt("page-size", "", 0, "films per page (server default 50, max 1000)");
         f.AddString("page-token", "", "", "continue from a previous page");
         f.AddBool("all", "", false, "fetch every page");
       },
       FilmsList},
      {{"films", "get"}, "FILM", "Show a film (slug or films/NAME).", 1, 1, none, FilmsGet},
      {{"films", "search"}, "QUERY...",
       "Search titles, original titles, aliases and people (typo tolerant).", 1, kAny,
       [](FlagSet& f) { f.AddInt("page-size", "", 0, "results (server default 20)"); },
       FilmsSearch},
      {{"sequences", "list"}, "FILM", "A film's celebrated sequences in film order.", 1, 1,
       [](FlagSet& f) {
         f.AddString("filter", "", "", "e.g. 'technique = \"CAMERA_TECHNIQUE_LONG_TAKE\"'");
       },
       SequencesList},
      {{"people", "get"}, "PERSON", "Show a person (slug or people/NAME).", 1, 1, none, PeopleGet},
      {{"collaborations"}, "PERSON", "Who a person made films with, most shared films first.",
       1, 1, none, Collaborations},
      {{"eras", "list"}, "", "Periods of film history.", 0, 0, none, ErasList},
      {{"where-to-watch"}, "FILM --region GB [--subscriptions a,b]",
       "What you can do now to watch a film in a region.", 1, 1,
       [](FlagSet& f) {
         f.AddString("region", "LONGTAKE_REGION", "", "ISO 3166 region, e.g. GB");
         f.AddString("subscriptions", "LONGTAKE_SUBSCRIPTIONS", "",
                     "providers you subscribe to, comma separated (criterion-channel,...)");
       },
       WhereToWatch},
      {{"watchlist", "add"}, "FILM [--note N]", "Add a film to your watchlist.", 1, 1,
       [](FlagSet& f) {
         f.AddString("note", "", "", "a note to keep with the item");
         UserFlag(f);
       },
       WatchlistAdd},
      {{"watchlist", "list"}, "[--region R] [--watchable-now]",
       "Your watchlist, with the best offer in --region.", 0, 0,
       [](FlagSet& f) {
         f.AddString("region", "LONGTAKE_REGION", "", "region for best offers");
         f.AddString("subscriptions", "LONGTAKE_SUBSCRIPTIONS", "",
                     "providers you subscribe to, comma separated");
         f.AddBool("watchable-now", "", false, "only films you can watch now in --region");
         UserFlag(f);
       },
       WatchlistList},
      {{"watchlist", "remove"}, "ITEM", "Remove an item (id or full name).", 1, 1, UserFlag,
       WatchlistRemove},
      {{"watchlist", "note"}, "ITEM TEXT...", "Set an item's note.", 2, kAny, UserFlag,
       WatchlistNote},
      {{"watchlist", "watched"}, "ITEM", "Mark an item watched (moves it to history).", 1, 1,
       UserFlag, WatchlistWatched},
      {{"watchlist", "history"}, "", "Films you have watched.", 0, 0, UserFlag,
       WatchlistHistory},
      {{"alerts"}, "--region GB [--resume-after ID]",
       "Stream availability events for your watchlist until Ctrl-C.", 0, 0,
       [](FlagSet& f) {
         f.AddString("region", "LONGTAKE_REGION", "", "regions, comma separated (empty: all)");
         f.AddInt("resume-after", "", 0, "resume after this event id");
         UserFlag(f);
       },
       Alerts},
      {{"token"}, "--user NAME [--curator] [--ttl 24h]",
       "Mint a bearer token with the servers' secret.", 0, 0,
       [](FlagSet& f) {
         f.AddString("user", "", "", "user name ([a-z0-9][a-z0-9_-]{0,62})");
         f.AddBool("curator", "", false, "curator role (catalogue writes)");
         f.AddDuration("ttl", "", absl::Hours(24), "lifetime");
         f.AddString("token-secret", "LONGTAKE_TOKEN_SECRET", "", "the servers' signing secret");
       },
       Token},
      {{"import"}, "FILE.jsonl|FILE.csv",
       "Bulk-load films with people and sequences (needs a curator token).", 1, 1,
       [](FlagSet& f) {
         f.AddInt("batch-size", "", 500, "films per ImportFilms call (1-1000)");
         f.AddBool("dry-run", "", false, "validate on the server without writing");
       },
       Import},
  };
}

std::string CommandLine(const Command& c) {
  return absl::StrCat("longtake ", absl::StrJoin(c.path, " "), c.syntax.empty() ? "" : " ",
                      c.syntax);
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

std::string TopUsage(const std::vector<Command>& commands, const std::string& group = "") {
  std::string out = group.empty()
      ? "longtake: command-line client for the longtake catalogue and watchlist.\n\n"
        "Usage: longtake COMMAND [ARGS] [flags]\n\nCommands:\n"
      : absl::StrCat("Usage: longtake ", group, " SUBCOMMAND [ARGS] [flags]\n\nCommands:\n");
  size_t width = 0;
  for (const Command& c : commands) width = std::max(width, CommandLine(c).size() - 9);
  for (const Command& c : commands) {
    if (!group.empty() && c.path[0] != group) continue;
    absl::StrAppendFormat(&out, "  %-*s  %s\n", static_cast<int>(width),
                          CommandLine(c).substr(9), c.summary);
  }
  absl::StrAppend(&out, "\nGlobal f", GlobalFlagsUsage().substr(1),
                  "\nRun `longtake COMMAND --help` for a command's own flags.\n");
  return out;
}

int Main(int argc, char** argv) {
  const std::vector<Command> commands = Commands();

  // Which flags take a value (so "--addr X" does not make X a command word).
  std::set<std::string> value_flags;
  {
    auto collect = [&](const std::function<void(FlagSet&)>& add) {
      FlagSet probe("longtake", "");
      add(probe);
      std::string usage = probe.Usage();
      for (absl::string_view line : absl::StrSplit(usage, '\n')) {
        line = absl::StripLeadingAsciiWhitespace(line);
        if (!absl::ConsumePrefix(&line, "--")) continue;
        std::string name(line.substr(0, line.find(' ')));
        name = absl::StrReplaceAll(name, {{"-", "_"}});
        bool is_bool = true;
        try {
          probe.GetBool(name);
        } catch (const std::logic_error&) {
          is_bool = false;
        }
        if (!is_bool && name != "help") value_flags.insert(name);
      }
    };
    collect(AddGlobalFlags);
    for (const Command& c : commands) collect(c.add_flags);
  }
  std::vector<std::string> words;
  bool help = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--") break;
    if (arg == "--help" || arg == "-h") {
      help = true;
    } else if (absl::StartsWith(arg, "--") && arg.size() > 2) {
      if (arg.find('=') == std::string::npos &&
          value_flags.count(absl::StrReplaceAll(arg.substr(2), {{"-", "_"}})) > 0) {
        ++i;
      }
    } else {
      words.push_back(arg);
    }
  }

  const Command* command = nullptr;
  for (const Command& c : commands) {
    if (words.size() >= c.path.size() &&
        std::equal(c.path.begin(), c.path.end(), words.begin())) {
      command = &c;
      break;
    }
  }
  if (command == nullptr) {
    if (words.empty()) {
      if (help) {
        std::cout << TopUsage(commands);
        return kExitOk;
      }
      std::cerr << TopUsage(commands) << "\nlongtake: no command given\n";
      return kExitUsage;
    }
    bool is_group = false;
    for (const Command& c : commands) is_group = is_group || (c.path.size() > 1 && c.path[0] == words[0]);
    if (is_group) {
      if (help) {
        std::cout << TopUsage(commands, words[0]);
        return kExitOk;
      }
      std::cerr << "longtake: "
                << (words.size() > 1 ? absl::StrCat("unknown command \"", words[0], " ", words[1], "\"")
                                     : absl::StrCat("\"", words[0], "\" needs a subcommand"))
                << "\n\n"
                << TopUsage(commands, words[0]);
      return kExitUsage;
    }
    std::cerr << "longtake: unknown command \"" << words[0] << "\"\n\n" << TopUsage(commands);
    return kExitUsage;
  }

  FlagSet flags(absl::StrCat("longtake ", absl::StrJoin(command->path, " ")),
                command->summary);
  AddGlobalFlags(flags);
  command->add_flags(flags);
  Context ctx{flags, {}, CommandUsage(*command, flags), false, {}, {}};
  if (absl::Status s = flags.Parse(argc, argv); !s.ok()) {
    return UsageError(ctx, std::string(s.message()));
  }
  if (flags.help_requested()) {
    std::cout << ctx.usage;
    return kExitOk;
  }
  ctx.args.assign(flags.positional().begin() + static_cast<long>(command->path.size()),
                  flags.positional().end());
  if (ctx.args.size() < command->min_args) {
    return UsageError(ctx, absl::StrCat("missing argument: ", CommandLine(*command)));
  }
  if (ctx.args.size() > command->max_args) {
    return UsageError(ctx, absl::StrCat("unexpected argument \"",
                                        ctx.args[command->max_args], "\""));
  }
  ctx.json = flags.GetBool("json");
  const absl::Duration timeout = flags.GetDuration("timeout");
  if (timeout <= absl::ZeroDuration()) return UsageError(ctx, "--timeout must be positive");
  ctx.catalog.address = flags.GetString("addr");
  ctx.catalog.token = flags.GetString("token");
  ctx.catalog.deadline = timeout;
  ctx.watchlist = ctx.catalog;
  ctx.watchlist.address = flags.GetString("watchlist_addr");
  return command->run(ctx);
}

}  // namespace
}  // namespace longtake::cli

int main(int argc, char** argv) { return longtake::cli::Main(argc, argv); }
