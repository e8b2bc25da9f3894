"""Answering from attributions: the statements of a person, as `ask --json` and
`newsbot quotes --json` show them."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

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


#: Statements read at a time when only the first few are wanted: the most quoted person of a
#: large store has tens of thousands (bench/quote_lookup.py).
PAGE = 100


def find_quotes(store: Any, name: str, topic_terms: list[str] | None = None, by: date | None = None,
                limit: int | None = None) -> list[Quote]:
    """Quotes of the person `name` stands for (any of the names they go by; one word is a
    surname before it is a first name: `speakers_meant`), newest first; only those about the
    topic when its content words are given, those published by `by` when it is, and the first
    `limit` when it is (read a page at a time). A statement that several articles carry (a wire
    story, a live blog's summary of the day) is listed once, from the newest of them by `by`."""
    keys = name_key(name)
    if not keys:
        return []
    meant = sorted(speakers_meant(name, set(store.speakers_named(max(keys, key=len)))))
    out: list[Quote] = []
    seen: set[str] = set()
    page, offset = (PAGE if limit else 1 << 62), 0
    while meant:
        rows = store.statements_by(meant, by.isoformat() if by else None, page, offset)
        for row in rows:
            if topic_terms and not is_about(row["quote"], topic_terms):
                continue
            if (words := _same_words(row["quote"])) in seen:
                continue
            seen.add(words)
            out.append(Quote(row["speaker"], row["quote"], row["cue"], row["kind"], row["url"], row["title"],
                             row["published"], row["article_key"], row["passage_id"]))
            if limit and len(out) >= limit:
                return out
        if len(rows) < page:
            break
        offset += page
    return out


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
