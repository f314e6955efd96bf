// `longtake import FILE`: parses a .json, .jsonl or .csv file
// (import_parser.h) and sends the good rows to CatalogService.ImportFilms in
// batches, reporting every rejected row by file line, then a summary with
// the keys it ignored. Exits non-zero when no film went in.

#include <unistd.h>

#include <algorithm>
#include <iostream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "nlohmann/json.hpp"
#include "tools/cli/command.h"
#include "tools/cli/import_parser.h"
#include "tools/cli/output.h"

namespace longtake::cli {
namespace {

namespace cv1 = ::longtake::catalog::v1;

// What the server made of the batches sent so far.
struct ImportTally {
  int64_t created = 0;
  int64_t failed = 0;
  int64_t duplicates = 0;
  nlohmann::json failures = nlohmann::json::array();
};

// Films per second since `start`.
int64_t Rate(size_t done, absl::Time start) {
  const double seconds = absl::ToDoubleSeconds(absl::Now() - start);
  return seconds > 0 ? static_cast<int64_t>(done / seconds) : 0;
}

// On a terminal, one line redrawn in place; otherwise (a log, CI) a plain
// line every 5 s, so a long import still shows it is alive (a short one
// prints none).
class Progress {
 public:
  Progress(size_t total, bool terminal, bool quiet)
      : total_(total), terminal_(terminal), quiet_(quiet) {}

  void Update(size_t done) {
    if (quiet_) return;
    const absl::Time now = absl::Now();
    if (!terminal_ && now - last_line_ < absl::Seconds(5)) return;
    last_line_ = now;
    const int64_t rate = Rate(done, start_);
    std::string eta;
    if (rate > 0 && done < total_) {
      eta = absl::StrCat(", ", (total_ - done) / rate + 1, " s left");
    }
    if (terminal_) {
      constexpr int kWidth = 30;
      int filled =
          static_cast<int>(kWidth * done / std::max<size_t>(total_, 1));
      std::cerr << "\r\033[Kimporting [" << std::string(filled, '#')
                << std::string(kWidth - filled, '.') << "] ";
    } else {
      std::cerr << "importing ";
    }
    std::cerr << WithThousands(done) << "/" << WithThousands(total_) << " ("
              << WithThousands(rate) << " films/s" << eta << ")"
              << (terminal_ ? "" : "\n") << std::flush;
  }
  // Clears the in-place line before other output.
  void Clear() const {
    if (terminal_ && !quiet_) std::cerr << "\r\033[K";
  }
  absl::Time start() const { return start_; }

 private:
  const size_t total_;
  const bool terminal_;
  const bool quiet_;
  const absl::Time start_ = absl::Now();
  absl::Time last_line_ = absl::Now();
};

// Counts one batch's results; prints each failed row as "path:line: ...",
// with the field violations the message does not already give.
void TallyResults(const std::string& path, const ParsedImport& parsed,
                  const cv1::ImportFilmsResponse& response,
                  const Progress& progress, ImportTally* tally) {
  for (const cv1::ImportFilmsResult& r : response.results()) {
    if (r.code() == google::rpc::OK) {
      ++tally->created;
      continue;
    }
    ++tally->failed;
    const bool duplicate = r.code() == google::rpc::ALREADY_EXISTS;
    if (duplicate) ++tally->duplicates;
    std::string line =
        absl::StrCat(RowPlace(path, parsed, r.source_line()), ": ",
                     duplicate ? "duplicate: " : "",
                     google::rpc::Code_Name(r.code()), ": ", r.message());
    nlohmann::json violations = nlohmann::json::array();
    for (const auto& fv : r.field_violations()) {
      const std::string violation =
          absl::StrCat(fv.field(), ": ", fv.description());
      // The server's message often is the one violation: say it once.
      if (!absl::StrContains(r.message(), violation)) {
        absl::StrAppend(&line, "; ", violation);
      }
      violations.push_back(
          {{"field", fv.field()}, {"description", fv.description()}});
    }
    progress.Clear();
    std::cerr << line << "\n";
    tally->failures.push_back(
        {{parsed.numbered_by_element ? "element" : "line", r.source_line()},
         {"code", google::rpc::Code_Name(r.code())},
         {"message", r.message()},
         {"field_violations", violations}});
  }
}

void PrintSummary(const ParsedImport& parsed, const ImportTally& tally,
                  bool json, bool dry_run, absl::Duration took) {
  const int64_t rejected = parsed.rejected_rows + tally.failed;
  if (json) {
    nlohmann::json out;
    out["imported"] = tally.created;
    out["rejected"] = rejected;
    out["duplicates"] = tally.duplicates;
    out["seconds"] = absl::ToDoubleSeconds(took);
    nlohmann::json client_rejections = nlohmann::json::array();
    const char* place = parsed.numbered_by_element ? "element" : "line";
    for (const ImportRejection& r : parsed.rejected) {
      client_rejections.push_back(
          {{place, r.line}, {"field", r.field}, {"reason", r.reason}});
    }
    out["client_rejections"] = client_rejections;
    out["server_failures"] = tally.failures;
    // Key -> rows, as objects (empty when none).
    out["ignored_unknown_keys"] = nlohmann::json(parsed.unknown_keys);
    out["numbers_as_text"] = nlohmann::json(parsed.numbers_as_text);
    std::cout << out.dump(2) << "\n";
    return;
  }
  std::cout << (dry_run ? "validated " : "imported ")
            << WithThousands(tally.created)
            << (tally.created == 1 ? " film" : " films");
  if (rejected > 0) {
    std::cout << "; " << WithThousands(rejected) << " rejected (see above";
    if (tally.duplicates > 0) {
      std::cout << "; " << WithThousands(tally.duplicates)
                << (tally.duplicates == 1 ? " duplicate" : " duplicates");
    }
    std::cout << ")";
  }
  std::cout << "\n";
  if (took > absl::Seconds(1)) {
    const double seconds = absl::ToDoubleSeconds(took);
    std::cout << "took " << absl::StrFormat("%.1f", seconds) << " s ("
              << WithThousands(static_cast<int64_t>(
                     (tally.created + tally.failed) / seconds))
              << " rows/s)\n";
  }
  if (!parsed.unknown_keys.empty()) {
    std::cout << "ignored unknown keys: " << CountsText(parsed.unknown_keys)
              << "\n";
  }
  if (!parsed.numbers_as_text.empty()) {
    std::cout << "numbers taken as text: " << CountsText(parsed.numbers_as_text)
              << "\n";
  }
}

}  // namespace

Runner BindImport(FlagSet& f) {
  const Flag<int64_t> batch_size_flag =
      f.AddInt("batch-size", "", 500, "films per ImportFilms call (1-1000)");
  const Flag<bool> dry_run =
      f.AddBool("dry-run", "", false, "validate on the server without writing");
  const Flag<std::vector<std::string>> map =
      f.AddStringList("map", "",
                      "KEY=FIELD: read the file's KEY as FIELD (repeatable, or "
                      "'A=title,B=year')");
  return [=](Context& ctx) {
    const std::string path = ctx.args[0];
    KeyMap keys;
    for (const std::string& spec : *map) {
      if (absl::Status s = keys.Add(spec); !s.ok()) {
        return UsageError(ctx, std::string(s.message()));
      }
    }
    absl::StatusOr<ParsedImport> parsed = ParseImportFile(path, keys);
    if (!parsed.ok()) {
      return UsageError(ctx, std::string(parsed.status().message()));
    }
    const int64_t batch_size = *batch_size_flag;
    if (batch_size < 1 || batch_size > 1000) {
      return UsageError(ctx, "--batch-size must be between 1 and 1000");
    }
    for (const ImportRejection& r : parsed->rejected) {
      std::cerr << RowPlace(path, *parsed, r.line) << ": " << r.field << ": "
                << r.reason << "\n";
    }

    client::ClientOptions options = ctx.catalog;
    // Big batches take longer than a lookup.
    options.deadline = std::max(options.deadline, absl::Minutes(2));
    client::CatalogClient catalog(options);
    const size_t total = parsed->entries.size();
    const size_t step = static_cast<size_t>(batch_size);
    Progress progress(total, isatty(STDERR_FILENO) != 0, /*quiet=*/ctx.json);
    ImportTally tally;
    for (size_t start = 0; start < total; start += step) {
      cv1::ImportFilmsRequest request;
      request.set_request_id(RandomRequestId());
      request.set_validate_only(*dry_run);
      const size_t end = std::min(total, start + step);
      for (size_t i = start; i < end; ++i) {
        *request.add_entries() = parsed->entries[i];
      }
      absl::StatusOr<cv1::ImportFilmsResponse> response =
          catalog.ImportFilms(request);
      if (!response.ok()) {
        progress.Clear();
        if (tally.created > 0) {
          std::cerr << "longtake: stopped after importing "
                    << WithThousands(tally.created) << " films\n";
        }
        return ServerError(ctx, response.status(), Service::kCatalog);
      }
      TallyResults(path, *parsed, *response, progress, &tally);
      progress.Update(end);
    }
    progress.Clear();
    PrintSummary(*parsed, tally, ctx.json, *dry_run,
                 absl::Now() - progress.start());
    if (tally.created > 0) return kExitOk;
    // Nothing went in: a failure, the server's when it turned every row
    // down, else the file's (no rows, or none usable), like an unreadable
    // file.
    if (total == 0) {
      std::cerr << "longtake: no film imported: "
                << (parsed->rejected_rows > 0 ? "every row was rejected"
                                              : "the file has no rows")
                << "\n";
      return kExitUsage;
    }
    std::cerr << "longtake: no film imported: the server turned every row "
                 "down\n";
    return kExitServer;
  };
}

}  // namespace longtake::cli
