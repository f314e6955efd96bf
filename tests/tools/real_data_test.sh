#!/usr/bin/env bash
# tools/import/real_data.py on the samples in data/samples/imdb and
# data/samples/tmdb: checks the converted JSON lines field by field, then
# imports them with the real `longtake import` into a real longtake-catalog
# on loopback and reads them back.
#
#   real_data_test.sh <longtake> <longtake-catalog> <source dir>
set -euo pipefail
cli=$1
catalog_bin=$2
src=$(cd "$3" && pwd)
source "$src/scripts/lib/scratch.sh"
convert() { /usr/bin/python3 "$src/tools/import/real_data.py" "$@"; }

convert imdb "$src/data/samples/imdb" >"$tmp/imdb.jsonl" 2>"$tmp/imdb.err"
convert tmdb "$src/data/samples/tmdb/movies.json" >"$tmp/tmdb.jsonl" 2>"$tmp/tmdb.err"

# The mapping, checked on the converted rows.
/usr/bin/python3 - "$tmp/imdb.jsonl" "$tmp/tmdb.jsonl" <<'PY' || fail "converted rows"
import json, sys
imdb = [json.loads(l) for l in open(sys.argv[1])]
tmdb = [json.loads(l) for l in open(sys.argv[2])]
problems = []
def check(what, got, want):
    if got != want:
        problems.append(f"{what}: got {got!r}, want {want!r}")
# movie and tvMovie kept; tvSeries and short left out; \N gives no field.
check("imdb titles", [f["title"] for f in imdb],
      ["The Cranes Are Flying (IMDb sample)", "I Am Cuba (IMDb sample)",
       "A Letter on Television (IMDb sample)", "Untitled Expedition Film (IMDb sample)"])
cranes = imdb[0]
check("imdb year", cranes.get("year"), 1957)
check("imdb runtime", cranes.get("runtime_minutes"), 97)
check("imdb original title", cranes.get("original_titles"), ["Letyat zhuravli"])
check("imdb id", cranes.get("imdb_id"), "tt9000001")
check("imdb genres", cranes.get("genres"), ["drama", "romance", "war"])
check("imdb rating", cranes.get("ratings"), [{"source": "imdb", "value": 8.3, "votes": 31000}])
check("imdb no rating row", "ratings" in imdb[2], False)
check("imdb credits (by ordering, production_designer left out)",
      [(c["person_name"], c["role"], c.get("character")) for c in cranes["credits"]],
      [("Tatiana Samoilova", "cast", "Veronika"), ("Aleksey Batalov", "cast", "Boris"),
       ("Mikhail Kalatozov", "director", None), ("Sergei Urusevsky", "cinematographer", None),
       ("Moisei Vainberg", "composer", None)])
check("imdb first character only", imdb[1]["credits"][0].get("character"), "Alberto")
check("imdb unnamed person left out",
      [c["person_name"] for c in imdb[1]["credits"]],
      ["Sergio Corrieri", "Mikhail Kalatozov", "Sergei Urusevsky", "Yevgeny Yevtushenko"])
check("imdb unknown year", "year" in imdb[3], False)
check("tmdb titles", [f["title"] for f in tmdb],
      ["Letter Never Sent (TMDB sample)", "The Unfinished Cuba Reel (TMDB sample)"])
letter = tmdb[0]
for key, want in (("year", 1959), ("runtime_minutes", 96), ("countries", ["SU"]),
                  ("languages", ["ru"]), ("studios", ["Mosfilm"]),
                  ("original_titles", ["Neotpravlennoe pismo"])):
    check(f"tmdb {key}", letter.get(key), want)
check("tmdb credits (cast by order, gaffer left out)",
      [(c["person_name"], c["role"]) for c in letter["credits"]],
      [("Innokenty Smoktunovsky", "cast"), ("Tatiana Samoilova", "cast"),
       ("Mikhail Kalatozov", "director"), ("Sergei Urusevsky", "cinematographer")])
check("tmdb ids", (letter.get("tmdb_id"), letter.get("imdb_id")), (900001, "tt9000101"))
check("tmdb genres", letter.get("genres"), ["drama", "adventure"])
check("tmdb rating", letter.get("ratings"), [{"source": "tmdb", "value": 7.6, "votes": 120}])
check("tmdb empty date and nulls", sorted(tmdb[1]), ["title", "tmdb_id"])
for p in problems:
    print(p, file=sys.stderr)
sys.exit(1 if problems else 0)
PY
grep -q "wrote 4 films; .*2 titles skipped" "$tmp/imdb.err" || fail "imdb summary: $(cat "$tmp/imdb.err")"
grep -q "wrote 2 films; .*1 movies without a title" "$tmp/tmdb.err" || fail "tmdb summary: $(cat "$tmp/tmdb.err")"

# Gzipped dumps, as IMDb ships them, give the same rows.
mkdir "$tmp/gz"
for f in "$src"/data/samples/imdb/*.tsv; do gzip -c "$f" >"$tmp/gz/$(basename "$f").gz"; done
convert imdb "$tmp/gz" 2>/dev/null | cmp -s - "$tmp/imdb.jsonl" || fail "gzipped dumps differ"

# Into a real catalogue.
secret=real-data-test-secret
start_server "$tmp/catalog" "$catalog_bin" --listen=127.0.0.1:0 \
  --store="sqlite://$tmp/catalog.db" --seed="$src/data/seed/catalog.json" \
  --token-secret=$secret
lt() { "$cli" --addr "$addr" --timeout 10s "$@"; }
curator=$("$cli" token --user curator --curator --token-secret $secret)
for source in imdb tmdb; do
  out=$(lt --token "$curator" import "$tmp/$source.jsonl" 2>&1) || fail "import $source: $out"
  want=$([[ $source == imdb ]] && echo 4 || echo 2)
  [[ $out == *"imported $want films"* ]] || fail "import $source: $out"
done
film=$(lt films get the-cranes-are-flying-imdb-sample) || fail "get imported imdb film"
grep -Eq 'cinematographer +people/sergei-urusevsky' <<<"$film" || fail "imdb credit: $film"
grep -Eq 'cast +people/tatiana-samoilova +Tatiana Samoilova +Veronika' <<<"$film" ||
  fail "imdb character: $film"
film=$(lt films get letter-never-sent-tmdb-sample) || fail "get imported tmdb film"
grep -q 'Year: *1959' <<<"$film" || fail "tmdb year: $film"
# Found again by the ids the exports carry.
found=$(lt --json call CatalogService/ListFilms '{"filter":"imdb_id = \"tt9000001\" OR tmdb_id = 900001"}')
for name in films/the-cranes-are-flying-imdb-sample films/letter-never-sent-tmdb-sample; do
  grep -q "$name" <<<"$found" || fail "lookup by external id: $found"
done
# The seed's Urusevsky is the one credited: the people were matched by name.
person=$(lt --json call CatalogService/ListCollaborations '{"person":"people/sergei-urusevsky"}')
grep -q 'people/innokenty-smoktunovsky' <<<"$person" || fail "collaborations: $person"

finish_test real_data_test
