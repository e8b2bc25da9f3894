"""Boilerplate: the paragraphs an outlet prints under article after article ("Need a news break?
Check out the all new PLAY hub…", a newsletter sign-up, a reporter's contact line). They answer
nothing, yet they sit beside the text that does and would fill an excerpt's 400 characters.

A paragraph of at least MIN_WORDS words is boilerplate once the same text (case and whitespace
aside) stands in articles published on at least MIN_DAYS different days. Days, not articles:
one story syndicated to many papers on the same day is one story, and its paragraphs are the
news; a promotion runs for weeks. An article without a date counts as a day of its own.

The store keeps each article's paragraph keys (written with the article, in its transaction);
the searcher asks which keys near the passages it will show are boilerplate, and their sentences
are neither chosen as an excerpt's best sentence nor shown in one (searcher.py, rerank.py,
citations.py).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import date

from .text import Span, paragraphs_near

#: Shorter paragraphs (a dateline, "Contributing: Reuters", a subheading) are not keyed, nor
#: longer ones: promotions and sign-ups are short, and keying stays cheap at question time.
#: The store finds an article's rows again by keying its text: a change to what is keyed needs
#: a migration that keys the stored articles again.
MIN_WORDS = 4
MAX_CHARS = 600
#: Different publication days a paragraph must appear on to be boilerplate. Measured on the
#: RealTime QA training packs: below ten, verbatim background and quotes repeated by a story's
#: follow-ups appear ("The two brothers identified as suspects…" in five articles); from ten on,
#: every one read was a promotion, a sign-up or a byline (bench/README.md).
MIN_DAYS = 10


def paragraph_key(text: str) -> int:
    """A paragraph's key: a signed 64-bit hash of its words, lower-cased, one space apart."""
    normal = " ".join(text.split()).lower()
    return int.from_bytes(hashlib.blake2b(normal.encode(), digest_size=8).digest(), "big", signed=True)


def keyed_paragraphs(text: str, start: int = 0, end: int | None = None) -> list[tuple[Span, int]]:
    """(span, key) of each paragraph of `text` long enough to be keyed that reaches into
    [start, end]: the same paragraphs an excerpt there can draw on (citations.sentences_near)."""
    return [
        (p, paragraph_key(text[p.start : p.end]))
        for p in paragraphs_near(text, start, len(text) if end is None else end)
        if keyable(text[p.start : p.end])
    ]


def keyable(paragraph: str) -> bool:
    """Whether a paragraph is keyed: MIN_WORDS words or more, MAX_CHARS characters or fewer."""
    return len(paragraph) <= MAX_CHARS and len(paragraph.split(None, MIN_WORDS - 1)) >= MIN_WORDS


def article_keys(text: str) -> set[int]:
    """The keys of an article's paragraphs, as the store keeps them."""
    return {key for _, key in keyed_paragraphs(text)}


def day_of(article_id: int, published: date | str | None) -> int:
    """The day an article counts on, as a number: its publication date's, or, undated, its own
    (the negated article id)."""
    if isinstance(published, str) and published:
        published = date.fromisoformat(published[:10])
    return published.toordinal() if isinstance(published, date) else -article_id


def inside(span: Span, spans: Iterable[Span]) -> bool:
    """Whether `span` lies within one of `spans`."""
    return any(s.start <= span.start and span.end <= s.end for s in spans)
