// Writes a synthetic catalogue of N films (plus the people they credit) into a
// store, for the 1,000,000-film benchmarks (docs/benchmarks.md). Deterministic:
// the same --films and --seed give the same catalogue. With --jsonl it writes
// the same films as `longtake import` JSON lines instead (credits by person
// name), for the import benchmark (tools/bench/scale.sh).
//
//   bench_make_catalog --films=1000000 --store=sqlite:///tmp/big.db
//   bench_make_catalog --films=1000000 --jsonl=/tmp/films.jsonl

#include <fstream>
#include <iostream>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "catalog_service/domain/json_codec.h"
#include "catalog_service/store/open_catalog_store.h"
#include "common/config/flags.h"
#include "nlohmann/json.hpp"
#include "tools/bench/bench_flags.h"

namespace {

using longtake::catalog::Credit;
using longtake::catalog::CreditRole;
using longtake::catalog::Film;
using longtake::catalog::Person;

// Pronounceable pseudo-words, so titles and names tokenise like real ones.
std::string Word(std::mt19937& rng, int syllables) {
  static const char* kOnsets[] = {"b", "ch", "d",  "f",  "g",  "k",  "l",
                                  "m", "n",  "p",  "r",  "s",  "sh", "t",
                                  "v", "z",  "kr", "st", "br", "zh"};
  static const char* kVowels[] = {"a",  "e",  "i",  "o",  "u",
                                  "ya", "ov", "an", "el", "in"};
  std::string w;
  for (int i = 0; i < syllables; ++i) {
    w += kOnsets[rng() % 20];
    w += kVowels[rng() % 10];
  }
  return w;
}

std::string Capitalised(std::string w) {
  if (!w.empty()) w[0] = static_cast<char>(w[0] - 'a' + 'A');
  return w;
}

// Writes films as `longtake import` JSON lines: the film id the store path
// would give (`films/f7` -> "f7"), credits by person display name. The
// importer rejects a second row with the same title and year in one file, so
// a repeat gets " (2)", " (3)"... appended.
class JsonlWriter {
 public:
  explicit JsonlWriter(const std::string& path) : out_(path) {}
  bool ok() const { return out_.good(); }

  void Write(const Film& f,
             const absl::flat_hash_map<std::string, std::string>& people) {
    std::string title = f.title;
    int& seen = titles_[absl::StrCat(title, "|", f.year)];
    if (++seen > 1) absl::StrAppend(&title, " (", seen, ")");
    nlohmann::json credits = nlohmann::json::array();
    for (const Credit& c : f.credits) {
      credits.push_back({{"person_name", people.at(c.person)},
                         {"role", longtake::catalog::CreditRoleName(c.role)}});
    }
    nlohmann::json line = {{"film_id", f.name.substr(f.name.find('/') + 1)},
                           {"title", title},
                           {"year", f.year},
                           {"runtime_minutes", f.runtime_minutes},
                           {"countries", f.countries},
                           {"languages", f.languages},
                           {"credits", credits}};
    if (!f.original_titles.empty()) {
      line["original_titles"] = f.original_titles;
    }
    out_ << line.dump() << "\n";
  }

 private:
  std::ofstream out_;
  absl::flat_hash_map<std::string, int> titles_;
};

}  // namespace

int main(int argc, char** argv) {
  longtake::FlagSet flags("bench_make_catalog",
                          "Writes a synthetic catalogue.");
  const longtake::Flag<int64_t> films =
      flags.AddInt("films", "", 1000000, "number of films");
  const longtake::Flag<int64_t> people =
      flags.AddInt("people", "", 200000, "number of people");
  const longtake::Flag<int64_t> seed =
      flags.AddInt("seed", "", 42, "random seed");
  const longtake::Flag<std::string> store_url =
      flags.AddString("store", "", "sqlite:///tmp/longtake-1m.db", "store URL");
  const longtake::Flag<std::string> jsonl_path = flags.AddString(
      "jsonl", "", "",
      "write the films to this file as `longtake import` JSON lines "
      "instead of into --store");
  if (auto exit_code = longtake::bench::ParseFlagsOrUsage(flags, argc, argv)) {
    return *exit_code;
  }
  std::unique_ptr<longtake::catalog::CatalogStore> store;
  std::unique_ptr<JsonlWriter> jsonl;
  if (jsonl_path->empty()) {
    auto opened = longtake::catalog::OpenCatalogStore(*store_url);
    if (!opened.ok()) {
      std::cerr << opened.status() << "\n";
      return 1;
    }
    store = *std::move(opened);
  } else {
    jsonl = std::make_unique<JsonlWriter>(*jsonl_path);
    if (!jsonl->ok()) {
      std::cerr << "cannot write " << *jsonl_path << "\n";
      return 1;
    }
  }
  std::mt19937 rng(static_cast<uint32_t>(*seed));
  const int64_t film_count = *films;
  const int64_t people_count = *people;
  const absl::Time now = absl::Now();
  const absl::Time start = now;

  // A Zipf-like vocabulary: a few words are very common, most are rare.
  std::vector<std::string> vocabulary;
  for (int i = 0; i < 20000; ++i) vocabulary.push_back(Word(rng, 2 + i % 3));
  auto pick_word = [&] {
    double u = std::uniform_real_distribution<double>(0, 1)(rng);
    return vocabulary[static_cast<size_t>(u * u * u * vocabulary.size())];
  };

  std::vector<std::string> person_names;
  absl::flat_hash_map<std::string, std::string> display_names;
  longtake::catalog::WriteBatch batch;
  for (int64_t i = 0; i < people_count; ++i) {
    Person p;
    p.display_name =
        absl::StrCat(Capitalised(Word(rng, 2)), " ", Capitalised(Word(rng, 3)));
    p.name = absl::StrCat("people/p", i);
    p.birth_year = 1880 + static_cast<int>(rng() % 100);
    p.etag = absl::StrCat("e", i);
    p.create_time = p.update_time = now;
    person_names.push_back(p.name);
    if (jsonl != nullptr) display_names[p.name] = p.display_name;
    batch.upsert_people.push_back(std::move(p));
  }
  if (store != nullptr) {
    if (auto s = store->Apply(batch); !s.ok()) {
      std::cerr << s << "\n";
      return 1;
    }
  }

  const int64_t kBatch = 20000;
  for (int64_t first = 0; first < film_count; first += kBatch) {
    longtake::catalog::WriteBatch films;
    for (int64_t i = first; i < std::min(film_count, first + kBatch); ++i) {
      Film f;
      f.name = absl::StrCat("films/f", i);
      int words = 2 + static_cast<int>(rng() % 4);
      for (int w = 0; w < words; ++w) {
        absl::StrAppend(&f.title, w ? " " : "", Capitalised(pick_word()));
      }
      if (rng() % 10 < 4)
        f.original_titles.push_back(
            absl::StrCat(pick_word(), " ", pick_word()));
      f.year = 1900 + static_cast<int>(rng() % 125);
      f.runtime_minutes = 70 + static_cast<int>(rng() % 100);
      f.countries = {"FR"};
      f.languages = {"fr"};
      const CreditRole roles[] = {CreditRole::kDirector,
                                  CreditRole::kCinematographer,
                                  CreditRole::kCast, CreditRole::kCast};
      for (CreditRole role : roles) {
        Credit c;
        c.person = person_names[rng() % person_names.size()];
        c.role = role;
        f.credits.push_back(std::move(c));
      }
      f.etag = absl::StrCat("e", i);
      f.create_time = f.update_time = now;
      films.upsert_films.push_back(std::move(f));
    }
    if (jsonl != nullptr) {
      for (const Film& f : films.upsert_films) jsonl->Write(f, display_names);
      if (!jsonl->ok()) {
        std::cerr << "writing " << *jsonl_path << " failed\n";
        return 1;
      }
    } else if (auto s = store->Apply(films); !s.ok()) {
      std::cerr << s << "\n";
      return 1;
    }
  }
  std::cout << "wrote " << film_count << " films and " << people_count
            << " people to " << (jsonl ? *jsonl_path : *store_url) << " in "
            << absl::FormatDuration(absl::Now() - start) << "\n";
  return 0;
}
