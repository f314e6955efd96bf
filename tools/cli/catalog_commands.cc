// Catalogue read commands: films, sequences, people, collaborations, eras.

#include <iostream>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "tools/cli/command.h"
#include "tools/cli/output.h"

namespace longtake::cli {
namespace {

namespace cv1 = ::longtake::catalog::v1;

void PrintFilmTable(
    const google::protobuf::RepeatedPtrField<cv1::Film>& films) {
  Table table({"FILM", "TITLE", "YEAR", "RUNTIME", "DIRECTED BY"});
  for (const cv1::Film& f : films) {
    table.AddRow(
        {f.name(), f.title(), YearText(f.year()),
         f.runtime_minutes() ? absl::StrCat(f.runtime_minutes(), " min") : "",
         Directors(f)});
  }
  std::cout << table.Render();
}

Runner FilmsList(FlagSet& f) {
  const Flag<std::string> filter = f.AddString(
      "filter", "", "",
      "e.g. 'year >= 1955' or 'person = \"people/mikhail-kalatozov\"'");
  const Flag<std::string> order_by =
      f.AddString("order-by", "", "", "title (default), year, year desc");
  const Flag<int64_t> page_size = f.AddInt(
      "page-size", "", 0, "films per page (server default 50, max 1000)");
  const Flag<std::string> page_token =
      f.AddString("page-token", "", "", "continue from a previous page");
  const Flag<bool> all = f.AddBool("all", "", false, "fetch every page");
  return [=](Context& ctx) {
    client::CatalogClient catalog(ctx.catalog);
    cv1::ListFilmsRequest request;
    request.set_filter(*filter);
    request.set_order_by(*order_by);
    request.set_page_size(static_cast<int32_t>(*page_size));
    request.set_page_token(*page_token);
    if (request.page_size() < 0) {
      return UsageError(ctx, "--page-size must not be negative");
    }
    cv1::ListFilmsResponse combined;
    while (true) {
      absl::StatusOr<cv1::ListFilmsResponse> page = catalog.ListFilms(request);
      if (!page.ok()) return ServerError(ctx, page.status(), Service::kCatalog);
      combined.mutable_films()->MergeFrom(page->films());
      combined.set_next_page_token(page->next_page_token());
      if (!*all || page->next_page_token().empty()) break;
      request.set_page_token(page->next_page_token());
    }
    if (ctx.json) {
      std::cout << ToJson(combined);
      return kExitOk;
    }
    PrintFilmTable(combined.films());
    if (!combined.next_page_token().empty()) {
      std::cerr << "(more films: use --all, or --page-token "
                << combined.next_page_token() << ")\n";
    }
    return kExitOk;
  };
}

int FilmsGet(Context& ctx) {
  absl::StatusOr<cv1::Film> film = client::CatalogClient(ctx.catalog)
                                       .GetFilm(Named<cv1::GetFilmRequest>(
                                           ResourceName("films", ctx.args[0])));
  if (auto rc = ErrorOrJson(ctx, film, Service::kCatalog)) return *rc;
  const cv1::Film& f = *film;
  PrintField("Name", f.name());
  PrintField("Title", f.title());
  PrintField("Original titles", absl::StrJoin(f.original_titles(), "; "));
  PrintField("Also known as", absl::StrJoin(f.aliases(), "; "));
  PrintField("Year", YearText(f.year()));
  PrintField("Runtime", f.runtime_minutes()
                            ? absl::StrCat(f.runtime_minutes(), " min")
                            : "");
  PrintField("Countries", absl::StrJoin(f.countries(), ", "));
  PrintField("Languages", absl::StrJoin(f.languages(), ", "));
  PrintField("Studios", absl::StrJoin(f.studios(), ", "));
  PrintField("Genres", absl::StrJoin(f.genres(), ", "));
  std::vector<std::string> ids;
  if (!f.external_ids().imdb_id().empty()) {
    ids.push_back("IMDb " + f.external_ids().imdb_id());
  }
  if (f.external_ids().tmdb_id() != 0) {
    ids.push_back(absl::StrCat("TMDB ", f.external_ids().tmdb_id()));
  }
  if (!f.external_ids().wikidata_id().empty()) {
    ids.push_back("Wikidata " + f.external_ids().wikidata_id());
  }
  PrintField("Ids", absl::StrJoin(ids, ", "));
  std::vector<std::string> ratings;
  for (const cv1::Rating& r : f.ratings()) {
    ratings.push_back(absl::StrFormat("%s %.1f (%d votes)", r.source(),
                                      r.value(), r.votes()));
  }
  PrintField("Ratings", absl::StrJoin(ratings, ", "));
  PrintField("Eras", absl::StrJoin(f.eras(), ", "));
  PrintField("Synopsis", f.synopsis());
  if (f.credits_size() > 0) {
    std::cout << "Credits:\n";
    Table table({"  ROLE", "PERSON", "NAME", "CHARACTER"});
    for (const cv1::Credit& c : f.credits()) {
      table.AddRow({"  " + RoleName(c.role()), c.person(), c.display_name(),
                    c.character()});
    }
    std::cout << table.Render();
  }
  for (const cv1::Award& a : f.awards()) {
    PrintField("Award",
               absl::StrCat(a.name(), a.event().empty() ? "" : ", " + a.event(),
                            a.year() ? absl::StrCat(" ", a.year()) : ""));
  }
  for (const std::string& note : f.notes()) PrintField("Note", note);
  return kExitOk;
}

Runner FilmsSearch(FlagSet& f) {
  const Flag<int64_t> page_size =
      f.AddInt("page-size", "", 0, "results (server default 20)");
  return [=](Context& ctx) {
    client::CatalogClient catalog(ctx.catalog);
    cv1::SearchFilmsRequest request;
    request.set_query(absl::StrJoin(ctx.args, " "));
    request.set_page_size(static_cast<int32_t>(*page_size));
    absl::StatusOr<cv1::SearchFilmsResponse> response =
        catalog.SearchFilms(request);
    if (auto rc = ErrorOrJson(ctx, response, Service::kCatalog)) return *rc;
    Table table({"FILM", "TITLE", "YEAR", "MATCHED", "SCORE"});
    for (const cv1::SearchFilmsResult& r : response->results()) {
      table.AddRow({r.film().name(), r.film().title(),
                    YearText(r.film().year()),
                    absl::StrJoin(r.matched_fields(), ","),
                    absl::StrFormat("%.2f", r.score())});
    }
    std::cout << table.Render();
    if (response->results_size() == 0) {
      std::cerr << "no films match \"" << request.query() << "\"\n";
    }
    return kExitOk;
  };
}

Runner SequencesList(FlagSet& f) {
  const Flag<std::string> filter = f.AddString(
      "filter", "", "", "e.g. 'technique = \"CAMERA_TECHNIQUE_LONG_TAKE\"'");
  return [=](Context& ctx) {
    client::CatalogClient catalog(ctx.catalog);
    cv1::ListSequencesRequest request;
    request.set_parent(ctx.args[0] == "-" ? "films/-"
                                          : ResourceName("films", ctx.args[0]));
    request.set_filter(*filter);
    request.set_page_size(100);
    absl::StatusOr<cv1::ListSequencesResponse> combined =
        FetchAllPages<cv1::ListSequencesResponse>(
            request, [&](const auto& r) { return catalog.ListSequences(r); });
    if (auto rc = ErrorOrJson(ctx, combined, Service::kCatalog)) return *rc;
    Table table({"#", "SEQUENCE", "TITLE", "START", "TECHNIQUES"});
    for (const cv1::Sequence& s : combined->sequences()) {
      std::vector<std::string> techniques;
      for (int t : s.techniques()) techniques.push_back(TechniqueName(t));
      table.AddRow({s.film_order() ? absl::StrCat(s.film_order()) : "",
                    s.name(), s.title(), StartText(s.start()),
                    absl::StrJoin(techniques, ", ")});
    }
    std::cout << table.Render();
    return kExitOk;
  };
}

int PeopleGet(Context& ctx) {
  absl::StatusOr<cv1::Person> person =
      client::CatalogClient(ctx.catalog)
          .GetPerson(Named<cv1::GetPersonRequest>(
              ResourceName("people", ctx.args[0])));
  if (auto rc = ErrorOrJson(ctx, person, Service::kCatalog)) return *rc;
  std::vector<std::string> roles;
  for (int r : person->known_roles()) roles.push_back(RoleName(r));
  PrintField("Name", person->name());
  PrintField("Display name", person->display_name());
  PrintField("Also known as", absl::StrJoin(person->aliases(), "; "));
  std::string years;
  if (person->birth_year() || person->death_year()) {
    years = absl::StrCat(YearText(person->birth_year()), "-",
                         YearText(person->death_year()));
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
  if (auto rc = ErrorOrJson(ctx, combined, Service::kCatalog)) return *rc;
  Table table({"PERSON", "NAME", "FILMS", "ROLES"});
  for (const cv1::Collaboration& c : combined->collaborations()) {
    std::set<std::string> roles;
    for (int r : c.roles()) roles.insert(RoleName(r));
    table.AddRow({c.person(), c.display_name(),
                  absl::StrCat(c.films_size(), " (",
                               absl::StrJoin(c.films(), ", "), ")"),
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
  if (auto rc = ErrorOrJson(ctx, combined, Service::kCatalog)) return *rc;
  Table table({"ERA", "NAME", "YEARS", "FILMS"});
  for (const cv1::Era& e : combined->eras()) {
    table.AddRow(
        {e.name(), e.display_name(),
         absl::StrCat(YearText(e.start_year()), "-", YearText(e.end_year())),
         absl::StrCat(e.films_size())});
  }
  std::cout << table.Render();
  return kExitOk;
}

// For commands with no flags of their own.
std::function<Runner(FlagSet&)> NoFlags(int (*run)(Context&)) {
  return [run](FlagSet&) -> Runner { return run; };
}

}  // namespace

std::vector<Command> CatalogCommands() {
  return {
      {{"films", "list"},
       "[--filter F] [--order-by O] [--page-size N] [--all]",
       "List films, one page (or --all pages).",
       0,
       0,
       FilmsList},
      {{"films", "get"},
       "FILM",
       "Show a film (slug or films/NAME).",
       1,
       1,
       NoFlags(FilmsGet)},
      {{"films", "search"},
       "QUERY...",
       "Search titles, original titles, aliases and people (typo tolerant).",
       1,
       kAnyArgs,
       FilmsSearch},
      {{"sequences", "list"},
       "FILM",
       "A film's celebrated sequences in film order.",
       1,
       1,
       SequencesList},
      {{"people", "get"},
       "PERSON",
       "Show a person (slug or people/NAME).",
       1,
       1,
       NoFlags(PeopleGet)},
      {{"collaborations"},
       "PERSON",
       "Who a person made films with, most shared films first.",
       1,
       1,
       NoFlags(Collaborations)},
      {{"eras", "list"},
       "",
       "Periods of film history.",
       0,
       0,
       NoFlags(ErasList)},
  };
}

}  // namespace longtake::cli
