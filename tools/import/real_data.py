#!/usr/bin/python3
"""Turns public film data exports into JSON lines for `longtake import`.

    tools/import/real_data.py imdb DIR [--types movie,tvMovie] > films.jsonl
    tools/import/real_data.py tmdb FILE.json > films.jsonl
    longtake --token "$CURATOR" import films.jsonl

imdb: the IMDb non-commercial dataset files in DIR (https://datasets.imdbws.com/;
their licence is for personal and non-commercial use): title.basics.tsv,
title.principals.tsv and name.basics.tsv, each optionally gzipped (.tsv.gz).
Titles of the chosen types become films; principals become credits; names
come from name.basics.

tmdb: TMDB-style movie details (the /movie/{id}?append_to_response=credits
shape): a JSON array of movies, an object with a "results" array, or one movie
per line (JSON lines).

docs/real-data.md has the field mapping. Standard library only; rows the
converter cannot use are counted and reported on stderr, never guessed.
"""
import argparse
import collections
import csv
import gzip
import json
import os
import sys

# IMDb's principal categories and TMDB's crew jobs -> longtake credit roles
# (tools/cli/import_fields.cc accepts these names). Others are left out.
IMDB_ROLES = {
    "director": "director", "cinematographer": "cinematographer",
    "actor": "cast", "actress": "cast", "writer": "writer",
    "composer": "composer", "producer": "producer", "editor": "editor",
}
TMDB_JOBS = {
    "director": "director", "director of photography": "cinematographer",
    "cinematography": "cinematographer", "screenplay": "writer",
    "writer": "writer", "original music composer": "composer",
    "music": "composer", "producer": "producer", "editor": "editor",
}
MAX_CAST = 15  # the leading cast; full casts of thousands add nothing here


def open_tsv(directory, stem, optional=False):
    """Yields the rows of DIR/stem.tsv or DIR/stem.tsv.gz as dicts."""
    for name, opener in ((stem + ".tsv", open), (stem + ".tsv.gz", gzip.open)):
        path = os.path.join(directory, name)
        if os.path.exists(path):
            with opener(path, "rt", encoding="utf-8", newline="") as f:
                # IMDb's TSV has no quoting: a quote is part of the text.
                yield from csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
            return
    if not optional:
        sys.exit(f"real_data: {os.path.join(directory, stem)}.tsv(.gz) not found")


def imdb_value(text):
    """IMDb writes \\N for a missing value."""
    return None if text in (None, "", "\\N") else text


def imdb_characters(text):
    """'["Veronika"]' -> 'Veronika' (the first of the JSON list)."""
    text = imdb_value(text)
    if not text:
        return ""
    try:
        names = json.loads(text)
    except ValueError:
        return text
    return names[0] if isinstance(names, list) and names else ""


def convert_imdb(directory, types, stats):
    films = {}  # tconst -> film
    for row in open_tsv(directory, "title.basics"):
        if row["titleType"] not in types or imdb_value(row.get("isAdult")) == "1":
            stats["titles skipped (type or adult)"] += 1
            continue
        title = imdb_value(row["primaryTitle"])
        if not title:
            stats["titles without a title"] += 1
            continue
        film = {"title": title, "imdb_id": row["tconst"]}
        original = imdb_value(row["originalTitle"])
        if original and original != title:
            film["original_titles"] = [original]
        for key, column in (("year", "startYear"), ("runtime_minutes", "runtimeMinutes")):
            value = imdb_value(row[column])
            if value:
                film[key] = int(value)
        genres = imdb_value(row.get("genres"))
        if genres:
            film["genres"] = [g.lower() for g in genres.split(",")]
        film["credits"] = []
        films[row["tconst"]] = film

    # title.ratings is optional: without it the films have no rating.
    for row in open_tsv(directory, "title.ratings", optional=True):
        film = films.get(row["tconst"])
        value = imdb_value(row.get("averageRating"))
        if film is not None and value:
            film["ratings"] = [{"source": "imdb", "value": float(value),
                                "votes": int(imdb_value(row.get("numVotes")) or 0)}]

    credits = collections.defaultdict(list)  # tconst -> [(ordering, nconst, role, character)]
    people = set()
    for row in open_tsv(directory, "title.principals"):
        if row["tconst"] not in films:
            continue
        role = IMDB_ROLES.get(row["category"])
        if role is None:
            stats[f"credits skipped (category {row['category']})"] += 1
            continue
        credits[row["tconst"]].append(
            (int(row["ordering"]), row["nconst"], role, imdb_characters(row["characters"])))
        people.add(row["nconst"])

    names = {}
    for row in open_tsv(directory, "name.basics"):
        if row["nconst"] in people and imdb_value(row["primaryName"]):
            names[row["nconst"]] = row["primaryName"]

    for tconst, film in films.items():
        for _, nconst, role, character in sorted(credits.get(tconst, ())):
            if nconst not in names:
                stats["credits without a name"] += 1
                continue
            credit = {"person_name": names[nconst], "role": role}
            if character:
                credit["character"] = character
            film["credits"].append(credit)
        yield film


def tmdb_movies(path):
    with open(path, encoding="utf-8-sig") as f:
        text = f.read()
    try:
        data = json.loads(text)
    except ValueError:  # JSON lines
        for number, line in enumerate(text.splitlines(), 1):
            if line.strip():
                try:
                    yield json.loads(line)
                except ValueError:
                    sys.exit(f"real_data: {path}:{number}: not valid JSON")
        return
    if isinstance(data, dict):
        data = data.get("results", [data])
    yield from data


def convert_tmdb(path, stats):
    for movie in tmdb_movies(path):
        title = movie.get("title") or movie.get("original_title")
        if not isinstance(title, str) or not title.strip():
            stats["movies without a title"] += 1
            continue
        film = {"title": title}
        if isinstance(movie.get("id"), int):
            film["tmdb_id"] = movie["id"]
        if movie.get("imdb_id"):
            film["imdb_id"] = movie["imdb_id"]
        if movie.get("original_title") and movie["original_title"] != title:
            film["original_titles"] = [movie["original_title"]]
        date = movie.get("release_date") or ""
        if len(date) >= 4 and date[:4].isdigit():
            film["year"] = int(date[:4])
        if movie.get("runtime"):
            film["runtime_minutes"] = int(movie["runtime"])
        if movie.get("overview"):
            film["synopsis"] = movie["overview"]
        for key, source, code in (("countries", "production_countries", "iso_3166_1"),
                                  ("languages", "spoken_languages", "iso_639_1")):
            values = [c[code] for c in movie.get(source) or () if c.get(code)]
            if values:
                film[key] = values
        genres = [g["name"].lower() for g in movie.get("genres") or () if g.get("name")]
        if genres:
            film["genres"] = genres
        if movie.get("vote_count"):
            film["ratings"] = [{"source": "tmdb", "value": float(movie["vote_average"]),
                                "votes": int(movie["vote_count"])}]
        studios = [c["name"] for c in movie.get("production_companies") or () if c.get("name")]
        if studios:
            film["studios"] = studios
        film["credits"] = []
        credits = movie.get("credits") or {}
        for member in sorted(credits.get("cast") or (), key=lambda c: c.get("order", 0))[:MAX_CAST]:
            if member.get("name"):
                credit = {"person_name": member["name"], "role": "cast"}
                if member.get("character"):
                    credit["character"] = member["character"]
                film["credits"].append(credit)
        for member in credits.get("crew") or ():
            role = TMDB_JOBS.get((member.get("job") or "").lower())
            if role and member.get("name"):
                film["credits"].append({"person_name": member["name"], "role": role})
            elif member.get("job"):
                stats[f"crew skipped (job {member['job']})"] += 1
        yield film


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="source", required=True)
    imdb = sub.add_parser("imdb", help="IMDb TSV dumps in a directory")
    imdb.add_argument("directory")
    imdb.add_argument("--types", default="movie,tvMovie",
                      help="title types to keep (default movie,tvMovie)")
    tmdb = sub.add_parser("tmdb", help="TMDB-style movie details JSON")
    tmdb.add_argument("file")
    args = parser.parse_args()

    stats = collections.Counter()
    if args.source == "imdb":
        films = convert_imdb(args.directory, set(args.types.split(",")), stats)
    else:
        films = convert_tmdb(args.file, stats)
    written = 0
    for film in films:
        if not film["credits"]:
            del film["credits"]
        print(json.dumps(film, ensure_ascii=False))
        written += 1
    details = "".join(f"; {n} {what}" for what, n in sorted(stats.items()))
    print(f"real_data: wrote {written} films{details}", file=sys.stderr)
    return 0 if written else 1


if __name__ == "__main__":
    sys.exit(main())
