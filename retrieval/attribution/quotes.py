"""Answering from attributions: the statements of a person, as `ask --json` and
`newsbot quotes --json` show them."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import islice
from typing import Any

from ..timeliness import Period
from .names import a_person, name_key, speakers_meant


@dataclass
class Quote:
    speaker: str
    quote: str
    cue: str
    kind: str
    url: str
    title: str
    published: str | None
    article_id: str
    passage_id: int | None = None


def is_about(text: str, topic_terms: list[str]) -> bool:
    words = set(re.findall(r"\w+", text.lower()))
    return any(t in words or any(w.startswith(t[:5]) for w in words if len(t) > 5) for t in topic_terms)


def _same_words(text: str) -> str:
    """A statement as compared with the others: its words, case and typography aside."""
    return " ".join(re.findall(r"\w+", text.lower()))


#: Statements read at a time: the first page when only the first few are wanted (the most quoted
#: person of a large store has tens of thousands: bench/quote_lookup.py), each page after it twice
#: the last, up to the page all of them are read by: a page holds its statements in memory, and
#: each read scans all of the person's (the sort is by their articles' dates), so fewer and
#: larger pages read everything faster.
PAGE = 100
LARGEST_PAGE = 10_000


def iter_quotes(store: Any, name: str, topic_terms: list[str] | None = None, page: int | None = None,
                **only: Any) -> Iterator[Quote]:
    """The quotes of the person `name` stands for (any of the names they go by; one word is a
    surname before it is a first name: `speakers_meant`), newest first, read a page at a time;
    see `_statements`."""
    yield from _statements(store, _speakers(store, name), topic_terms, set(), page, **only)


def _speakers(store: Any, name: str) -> list[str]:
    """The stored speakers `name` stands for, through the speaker keys."""
    keys = name_key(name)
    return sorted(speakers_meant(name, set(store.speakers_named(max(keys, key=len))))) if keys else []


def _statements(store: Any, meant: list[str], topic_terms: list[str] | None, seen: set[int], page: int | None,
                **only: Any) -> Iterator[Quote]:
    """The statements of the speakers `meant`, read `page` at a time (else LARGEST_PAGE), each
    page twice the last up to LARGEST_PAGE and starting where the last ended; only those about the
    topic when its content words are given, and those `only` keeps (`Store.statements_by`'s
    filters: until, since, dated, oldest_first, articles). A statement that several articles carry
    (a wire story, a live blog's summary of the day) is listed once, the first time it is read;
    `seen` holds the hashes of the words listed, shared by reads that must not repeat one another."""
    page, last = page or LARGEST_PAGE, None
    while meant:
        rows = store.statements_by(meant, page, last, **only)
        for row in rows:
            if topic_terms and not is_about(row["quote"], topic_terms):
                continue
            if (words := hash(_same_words(row["quote"]))) in seen:
                continue
            seen.add(words)
            yield Quote(row["speaker"], row["quote"], row["cue"], row["kind"], row["url"], row["title"],
                        row["published"], row["article_key"], row["passage_id"])
        if len(rows) < page:
            return
        last, page = rows[-1], min(2 * page, LARGEST_PAGE)


def find_quotes(store: Any, name: str, topic_terms: list[str] | None = None, by: date | None = None,
                limit: int | None = None, period: Period | None = None) -> list[Quote]:
    """The first `limit` (else all) of `iter_quotes`, published by `by` when it is given; with a
    `limit`, those of a named earlier `period` first when it is given (`nearest_to`)."""
    if period is not None and limit:
        return nearest_to(store, name, period, topic_terms, by, limit)
    until = by.isoformat() if by else None
    return list(islice(iter_quotes(store, name, topic_terms, page=PAGE if limit else None, until=until), limit))


def nearest_to(store: Any, name: str, period: Period, topic_terms: list[str] | None, by: date | None,
               limit: int) -> list[Quote]:
    """The first `limit` statements ordered by how far from `period` they were published ("what
    did Powell say in March 2024?"), the newer first at the same distance, the undated last; read
    outward from the period, at most `limit` from each side, rather than every statement."""
    meant = _speakers(store, name)
    seen: set[int] = set()

    def read(**only: Any) -> list[Quote]:
        return list(islice(_statements(store, meant, topic_terms, seen, PAGE, **only), limit))

    end = min(period.end, by) if by else period.end
    found = read(since=period.start.isoformat(), until=end.isoformat())
    if len(found) >= limit:
        return found
    after = read(since=(period.end + timedelta(days=1)).isoformat(), until=by.isoformat() if by else None,
                 oldest_first=True) if by is None or by > period.end else []
    before = read(until=(period.start - timedelta(days=1)).isoformat(), dated=True)
    around = sorted(after + before, key=lambda q: period.distance(date.fromisoformat(q.published)))  # stable: newer first
    return (found + around + read(dated=False))[:limit]


#: The latest statements /who shows.
PROFILE_QUOTES = 5


@dataclass
class Profile:
    """What /who shows about a person: their latest statements, articles mentioning them, people
    quoted beside them."""

    name: str
    articles: int
    quotes: list[Quote]
    beside: list[str]


def profile_of(store: Any, name: str, holding: Callable[[str], set[int]]) -> Profile:
    """/who's account of the person `name` stands for; `holding(word)` gives the ids of the
    articles that hold a word (the keyword index)."""
    found = find_quotes(store, name, limit=PROFILE_QUOTES)
    display = found[0].speaker if found else name
    surname = max(name_key(name) or [name.lower()], key=len)
    articles = sorted(holding(surname))
    speakers = list(store.speakers_in(articles))
    meant = speakers_meant(name, set(speakers))
    beside = Counter(s for s in speakers if s not in meant and a_person(s))  # not "Apple News", "Cal Fire"
    return Profile(display, len(articles), found, [s for s, _ in beside.most_common(5)])
