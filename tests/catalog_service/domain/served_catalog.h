#pragma once

// What a catalogue serves, as text to compare, and random writes of every
// kind: shared by the tests that check a read model built one way (deltas
// from the change log, a snapshot) against one freshly loaded from the
// store (catalog_catch_up_test.cc, read_model_snapshot_test.cc).
//
//   RandomWriter random(7);
//   for (int i = 0; i < 100; ++i) random.Step(*catalog);
//   ExpectSame(Served(*caught_up), Served(*OpenOn(url)));

#include <algorithm>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "catalog_service/domain/catalog.h"
#include "catalog_service/domain/json_codec.h"
#include "catalog_service/store/open_catalog_store.h"
#include "gtest/gtest.h"
#include "tests/catalog_service/domain/catalog_fixture.h"
#include "tests/catalog_service/sample_catalog.h"
#include "tests/support/status_matchers.h"

namespace longtake::catalog::served {

inline std::unique_ptr<Catalog> OpenOn(const std::string& url,
                                       CatalogOptions options = {}) {
  auto store = OpenCatalogStore(url);
  EXPECT_OK(store);
  if (!store.ok()) return nullptr;
  auto catalog = Catalog::Open(*std::move(store), std::move(options));
  EXPECT_OK(catalog);
  return catalog.ok() ? *std::move(catalog) : nullptr;
}

// Every page of a list, one entry per item, in order: what a client sees.
template <typename Query, typename Page, typename Item, typename Show>
inline std::vector<std::string> AllPages(
    const Catalog& c, Query query,
    absl::StatusOr<Page> (Catalog::*list)(const Query&) const,
    std::vector<Item> Page::*items, Show show) {
  std::vector<std::string> out;
  while (true) {
    absl::StatusOr<Page> page = (c.*list)(query);
    EXPECT_OK(page);
    if (!page.ok()) return out;
    for (const Item& item : (*page).*items) out.push_back(show(item));
    if (page->next_page_token.empty()) return out;
    query.page_token = page->next_page_token;
  }
}

inline std::string ShowFilm(const std::shared_ptr<const Film>& f) {
  return ToJson(*f).dump();
}

// Everything `c` serves, as text, so two catalogues compare with one EXPECT
// (and a difference shows where).
inline std::vector<std::string> Served(const Catalog& c) {
  std::vector<std::string> out;
  auto add = [&](const std::string& what, std::vector<std::string> items) {
    out.push_back(absl::StrCat("== ", what, " (", items.size(), ")"));
    out.insert(out.end(), items.begin(), items.end());
  };
  for (const char* order : {"", "title", "year desc", "runtime", "rating"}) {
    for (const char* filter :
         {"", "year >= 1960", "era = \"eras/khrushchev-thaw\"",
          "person = \"people/mikhail-kalatozov\"",
          "technique = \"CAMERA_TECHNIQUE_LONG_TAKE\"",
          "role = \"CREDIT_ROLE_CAST\""}) {
      ListFilmsQuery q;
      q.page_size = 7;
      q.order_by = order;
      q.filter = filter;
      add(absl::StrCat("films order=", order, " filter=", filter),
          AllPages(c, q, &Catalog::ListFilms, &FilmPage::films, ShowFilm));
    }
  }
  std::vector<std::string> people =
      AllPages(c, ListPeopleQuery{}, &Catalog::ListPeople, &PersonPage::people,
               [](const std::shared_ptr<const Person>& p) { return p->name; });
  add("people", people);
  for (const std::string& name : people) {
    auto p = c.GetPerson(name);
    EXPECT_OK(p);
    if (p.ok()) out.push_back(ToJson(**p).dump());
    ListCollaborationsQuery q;
    q.person = name;
    add(absl::StrCat("collaborations of ", name),
        AllPages(c, q, &Catalog::ListCollaborations,
                 &CollaborationPage::collaborations,
                 [](const Collaboration& k) {
                   return absl::StrCat(k.person, " ", k.display_name, " ",
                                       k.films.size(), " ", k.roles.size());
                 }));
  }
  ListPeopleQuery cast;
  cast.filter = "role = \"CREDIT_ROLE_CAST\"";
  add("cast",
      AllPages(c, cast, &Catalog::ListPeople, &PersonPage::people,
               [](const std::shared_ptr<const Person>& p) { return p->name; }));
  ListSequencesQuery all;
  all.parent = "films/-";
  add("sequences",
      AllPages(c, all, &Catalog::ListSequences, &SequencePage::sequences,
               [](const std::shared_ptr<const Sequence>& s) {
                 return ToJson(*s).dump();
               }));
  auto eras = c.ListEras(1000, "");
  EXPECT_OK(eras);
  if (eras.ok()) {
    out.push_back("== eras");
    for (const auto& e : eras->eras) {
      out.push_back(ToJson(*e).dump());
      auto got = c.GetEra(e->name);
      EXPECT_OK(got);
      if (got.ok()) out.push_back(ToJson(**got).dump());
    }
  }
  for (const char* text :
       {"cranes", "kalatazov", "cuba", "winter river", "letter", "soldier",
        "urusevsky", "night train", "ivan"}) {
    SearchQuery q;
    q.query = text;
    q.page_size = 100;
    auto page = c.SearchFilms(q);
    EXPECT_OK(page);
    if (!page.ok()) continue;
    std::vector<std::string> hits;
    for (const SearchResult& r : page->results) {
      hits.push_back(absl::StrCat(r.film->name, " ", r.score));
    }
    add(absl::StrCat("search ", text), hits);
  }
  out.push_back(absl::StrCat("film_count ", c.film_count()));
  return out;
}

// EXPECTs `got` == `want`, showing only the first difference (and the
// list it is in): the whole of either is long.
inline void ExpectSame(const std::vector<std::string>& got,
                       const std::vector<std::string>& want) {
  std::string section;
  for (size_t i = 0; i < std::min(got.size(), want.size()); ++i) {
    if (want[i].rfind("== ", 0) == 0) section = want[i];
    if (got[i] != want[i]) {
      ADD_FAILURE() << "first difference in [" << section << "] at line " << i
                    << "\n  caught up: " << got[i]
                    << "\n  fresh:     " << want[i];
      return;
    }
  }
  EXPECT_EQ(got.size(), want.size());
}

// Random writes of every kind through one catalogue, with a fixed seed.
class RandomWriter {
 public:
  explicit RandomWriter(uint32_t seed) : rng_(seed) {}

  // Makes one write on `c` (which may fail, e.g. a person still credited:
  // then nothing changed); returns whether it succeeded.
  bool Step(Catalog& c) {
    // One entry per kind, films created twice as often.
    static constexpr Write kWrites[] = {
        {nullptr, &RandomWriter::CreateFilm},
        {nullptr, &RandomWriter::CreateFilm},
        {&RandomWriter::Films, &RandomWriter::UpdateFilm},
        {&RandomWriter::Films, &RandomWriter::DeleteFilm},
        {nullptr, &RandomWriter::CreatePerson},
        {&RandomWriter::People, &RandomWriter::UpdatePerson},
        {&RandomWriter::People, &RandomWriter::DeletePerson},
        {&RandomWriter::Films, &RandomWriter::CreateSequence},
        {&RandomWriter::Sequences, &RandomWriter::UpdateSequence},
        {&RandomWriter::Sequences, &RandomWriter::DeleteSequence},
    };
    const Write& write = kWrites[Pick(std::size(kWrites))];
    std::string name;
    if (write.on != nullptr) {
      std::vector<std::string> names = (this->*write.on)(c);
      if (names.empty()) return false;
      name = Any(names);
    }
    return (this->*write.make)(c, name);
  }

 private:
  // A kind of write: `make` writes on `c`, given a random one of the
  // resources `on` lists (none when `on` is null).
  struct Write {
    std::vector<std::string> (RandomWriter::*on)(const Catalog&);
    bool (RandomWriter::*make)(Catalog& c, const std::string& name);
  };

  size_t Pick(size_t n) {
    return std::uniform_int_distribution<size_t>(0, n - 1)(rng_);
  }
  std::string Word() {
    static const char* kWords[] = {"cranes",  "winter", "river",    "letter",
                                   "soldier", "night",  "train",    "cuba",
                                   "red",     "tent",   "mountain", "ivan"};
    return kWords[Pick(std::size(kWords))];
  }
  std::string Title() {
    return absl::StrCat(Word(), " ", Word(), " ", Pick(50));
  }

  std::vector<std::string> Films(const Catalog& c) {
    return AllPages(
        c, ListFilmsQuery{}, &Catalog::ListFilms, &FilmPage::films,
        [](const std::shared_ptr<const Film>& f) { return f->name; });
  }
  std::vector<std::string> People(const Catalog& c) {
    return AllPages(
        c, ListPeopleQuery{}, &Catalog::ListPeople, &PersonPage::people,
        [](const std::shared_ptr<const Person>& p) { return p->name; });
  }
  std::vector<std::string> Sequences(const Catalog& c) {
    ListSequencesQuery q;
    q.parent = "films/-";
    return AllPages(
        c, q, &Catalog::ListSequences, &SequencePage::sequences,
        [](const std::shared_ptr<const Sequence>& s) { return s->name; });
  }
  template <typename T>
  const T& Any(const std::vector<T>& v) {
    return v[Pick(v.size())];
  }

  std::vector<Credit> Credits(const Catalog& c) {
    std::vector<std::string> people = People(c);
    std::vector<Credit> credits;
    size_t n = 1 + Pick(3);
    for (size_t i = 0; i < n && !people.empty(); ++i) {
      Credit k;
      k.person = Any(people);
      k.role = static_cast<CreditRole>(1 + Pick(5));
      if (k.role == CreditRole::kCast) k.character = Word();
      credits.push_back(k);
    }
    return credits;
  }

  bool CreateFilm(Catalog& c, const std::string& /*none*/) {
    Film f;
    f.title = Title();
    f.year = 1950 + static_cast<int>(Pick(20));
    f.runtime_minutes = 80 + static_cast<int>(Pick(60));
    if (Pick(2) == 0) f.aliases = {Title()};
    f.credits = Credits(c);
    if (Pick(2) == 0) f.eras = {"eras/khrushchev-thaw"};
    return c.CreateFilm(f, absl::StrCat("film-", next_++), {}).ok();
  }
  bool UpdateFilm(Catalog& c, const std::string& name) {
    Film f;
    f.name = name;
    f.title = Title();
    f.year = 1950 + static_cast<int>(Pick(20));
    f.runtime_minutes = 60 + static_cast<int>(Pick(120));
    f.credits = Credits(c);
    f.eras = Pick(2) == 0 ? std::vector<std::string>{"eras/khrushchev-thaw"}
                          : std::vector<std::string>{};
    FieldMask mask = {"title", "year", "runtime_minutes"};
    if (Pick(2) == 0) mask.push_back("credits");
    if (Pick(2) == 0) mask.push_back("eras");
    return c.UpdateFilm(f, mask, {}).ok();
  }
  bool DeleteFilm(Catalog& c, const std::string& name) {
    return c.DeleteFilm(name, "", {}).ok();
  }
  bool CreatePerson(Catalog& c, const std::string& /*none*/) {
    Person p;
    p.display_name = absl::StrCat(Word(), " ", Word());
    if (Pick(2) == 0) p.aliases = {Word()};
    p.birth_year = 1900 + static_cast<int>(Pick(60));
    return c.CreatePerson(p, absl::StrCat("person-", next_++), {}).ok();
  }
  bool UpdatePerson(Catalog& c, const std::string& name) {
    Person p;
    p.name = name;
    p.display_name = absl::StrCat(Word(), " ", Word());
    p.aliases = {Word(), Word()};
    // Sometimes the name (credits carry it), sometimes only the aliases.
    FieldMask mask = Pick(2) == 0 ? FieldMask{"display_name", "aliases"}
                                  : FieldMask{"aliases"};
    return c.UpdatePerson(p, mask, {}).ok();
  }
  bool DeletePerson(Catalog& c, const std::string& name) {
    return c.DeletePerson(name, "", {}).ok();
  }
  bool CreateSequence(Catalog& c, const std::string& film) {
    Sequence s;
    s.title = Title();
    std::vector<std::string> siblings;
    for (const std::string& n : Sequences(c)) {
      if (n.rfind(film + "/", 0) == 0) siblings.push_back(n);
    }
    if (!siblings.empty() && Pick(3) == 0) {
      s.start = catalog::testing::After(Any(siblings));
    } else if (Pick(2) == 0) {
      s.start = catalog::testing::FractionOfRuntime(
          static_cast<double>(Pick(100)) / 100.0);
    } else {
      s.start = catalog::testing::Exact(
          absl::Seconds(static_cast<int64_t>(Pick(5000))));
    }
    s.techniques = {static_cast<CameraTechnique>(1 + Pick(7))};
    return c.CreateSequence(film, s, absl::StrCat("seq-", next_++), {}).ok();
  }
  bool UpdateSequence(Catalog& c, const std::string& name) {
    Sequence s;
    s.name = name;
    s.start = catalog::testing::Exact(
        absl::Seconds(static_cast<int64_t>(Pick(5000))));
    s.techniques = {static_cast<CameraTechnique>(1 + Pick(7))};
    return c.UpdateSequence(s, {"start", "techniques"}, {}).ok();
  }
  bool DeleteSequence(Catalog& c, const std::string& name) {
    return c.DeleteSequence(name, "", {}).ok();
  }

  std::mt19937 rng_;
  int next_ = 0;
};

}  // namespace longtake::catalog::served
