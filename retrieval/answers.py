"""The answer the command line prints and the bot renders: cited excerpts.

An excerpt is cut at sentence boundaries around the sentence that answers best, at most
`excerpt_chars` long, with that sentence's offsets so a renderer can bold it. Other sentences of
the passage that match the question may stand beside that window, after " … ".
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import asdict, dataclass, field

from .attribution import Quote
from .text import Span


@dataclass
class Citation:
    rank: int
    url: str
    title: str
    outlet: str
    published: str | None
    excerpt: str
    highlights: list[list[int]]
    score: float
    article_id: str
    passage_id: int


@dataclass
class Suggestion:
    """A headline offered when there is no answer."""

    title: str
    url: str
    published: str | None
    article_id: str


@dataclass(frozen=True)
class Described:
    """Who a "who is X?" or what a "what is X?" question asks about: the name as the news gives
    it, what the news says they are ("New York City Mayor", "the Federal Emergency Management
    Agency"; "" when no citation says), and the rank of the citation that says so."""

    name: str
    description: str = ""
    rank: int | None = None


@dataclass
class Answer:
    question: str
    no_answer: bool
    citations: list[Citation] = field(default_factory=list)
    suggestions: list[Suggestion] = field(default_factory=list)
    took_ms: float = 0.0
    id: object = None
    #: Citations beyond the first page, for "More sources".
    more: list[Citation] = field(default_factory=list)
    #: Statements of the person asked about ("what did X say?"), newest first; else empty.
    quotes: list[Quote] = field(default_factory=list)
    #: Why the question was not searched, for the reader (asked in another language); else "".
    notice: str = ""
    #: Said before the citations when they are older than the days the question asks about
    #: (timeliness.py); else "".
    caveat: str = ""
    #: The citations are a story's articles, one excerpt each, by date: "oldest first" (how it
    #: developed) or "newest first" (where it stands); else "" (timeline.py).
    by_date: str = ""
    #: Who a "who is X?" question asks about, as the cited articles introduce them (people.py);
    #: else None.
    person: Described | None = None
    #: What a "what is X?" question asks about, as the cited articles introduce it (things.py);
    #: else None.
    subject: Described | None = None
    #: Questions to ask next that the news answers (suggest.py); else empty.
    next_questions: list[str] = field(default_factory=list)

    @property
    def introduced(self) -> tuple[Described, str] | None:
        """Who or what a "who is X?" / "what is X?" answer introduces, with the word that stands
        for them after their name ("them", "it"); None for any other answer."""
        if self.person:
            return self.person, "them"
        return (self.subject, "it") if self.subject else None

    def to_json(self) -> dict:
        """The documented `ask --json` object."""
        data = asdict(self)
        data.pop("more")
        if self.id is None:
            data.pop("id")
        for optional in ("notice", "caveat", "by_date", "person", "subject", "next_questions"):
            if not data[optional]:
                data.pop(optional)
        return data


#: Room left after the whole sentences that is worth the start of the next one.
MIN_FILL = 40


def as_shown(text: str, span: Span) -> str:
    """text[span] as an excerpt shows it: its whitespace (line breaks, runs of spaces) one space."""
    return " ".join(text[span.start : span.end].split())


def cut_excerpt(text: str, sentences: list[Span], best: int, limit: int, apart: Collection[str] = ()) -> tuple[str, list[int]]:
    """The excerpt around sentence `best` of `sentences` (spans into `text`), grown one whole
    sentence at a time, before and after, while it stays within `limit` characters; room left
    (at least MIN_FILL) shows the start of the next sentence, cut at a word, with "…".

    Why the fill: without it a long next sentence leaves the room empty, and it is where the answer
    most often follows the sentence that matches the question ("Tuna ... is being recalled ...
    federal officials announced." then "Tri-Union Seafoods issued a voluntary recall ... of
    canned tuna ...").  No fill that starts a sentence of `apart`, shown whole after a gap: it
    would be read twice.

    Returns the excerpt and the [start, end] of the best sentence inside it.
    """
    def piece(i: int) -> str:
        return as_shown(text, sentences[i])

    core = piece(best)
    if len(core) > limit:
        cut = core[: limit - 1].rsplit(" ", 1)[0] + "…"
        return cut, [0, len(cut)]
    lo = hi = best
    length = len(core)
    grew = True
    while grew:
        grew = False
        # Prefer the sentence after (it usually continues a quote or a number's context).
        for candidate in (hi + 1, lo - 1):
            if 0 <= candidate < len(sentences):
                extra = len(piece(candidate)) + 1
                if length + extra <= limit:
                    length += extra
                    if candidate > hi:
                        hi = candidate
                    else:
                        lo = candidate
                    grew = True
    parts = [piece(i) for i in range(lo, hi + 1)]
    start = sum(len(p) + 1 for p in parts[: best - lo])
    excerpt = " ".join(parts)
    room = limit - len(excerpt) - 1  # after a space
    if room >= MIN_FILL and hi + 1 < len(sentences):
        following = piece(hi + 1)
        # The words that end within room - 1 characters (one is kept for "…"); none when the
        # first word is longer (a long link), rather than a word cut in half.
        end = following.rfind(" ", 0, room)
        # Not the start of a sentence shown whole beside the window (`apart`, its spots).
        if end > 0 and not any(p.startswith(following[:end]) for p in apart):
            excerpt += " " + following[:end] + "…"
    return excerpt, [start, start + len(core)]


#: Between the pieces of an excerpt that are not next to each other in the article.
GAP = " … "
#: The least room a spot leaves to the window around the best sentence.
MIN_WINDOW = 100


def excerpt_with_spots(text: str, sentences: list[Span], best: int, spots: list[Span], limit: int,
                       keep_best: bool = False) -> tuple[str, list[int]]:
    """`cut_excerpt`'s window around sentence `best`, with `spots` (other sentences of the
    passage that match the question, best first) beside it in article order when the window
    does not reach them.

    Why: the sentence that shares most words with the question is often not the one holding
    the answer; the next best ones often are. At the same length, spots show the answer more
    often while the distractor rate falls: they add answers, not merely text. A spot is at most
    half the limit and leaves the window MIN_WINDOW characters (a longer best sentence is then
    cut, with "…"): a best sentence left whole crowds the spots out. With `keep_best` (the best
    sentence holds the kind of thing asked for: the answer is likely in it) a spot must leave the
    whole best sentence instead, so that the answer is never cut off for one.
    """
    window, highlight = cut_excerpt(text, sentences, best, limit)
    room = limit
    least = max(MIN_WINDOW, len(as_shown(text, sentences[best]))) if keep_best else MIN_WINDOW
    extras: list[tuple[int, str]] = []
    for span in spots:
        piece = as_shown(text, span)
        if piece in window or len(piece) + len(GAP) > min(limit // 2, room - least):
            continue
        extras.append((span.start, piece))
        room -= len(piece) + len(GAP)
    if not extras:
        return window, highlight
    window, highlight = cut_excerpt(text, sentences, best, room, apart=[piece for _, piece in extras])
    # The narrower window may reach a spot (a long next sentence no longer fits, so it grows to
    # the one before): that spot is shown there, once.
    extras = sorted((at, piece) for at, piece in extras if piece not in window)
    if not extras:
        return window, highlight
    prefix = "".join(piece + GAP for at, piece in extras if at < sentences[best].start)
    suffix = "".join(GAP + piece for at, piece in extras if at > sentences[best].start)
    if suffix and window.endswith("…"):
        window = window[:-1]  # the gap already says that the text goes on
        highlight = [highlight[0], min(highlight[1], len(window))]
    return prefix + window + suffix, [highlight[0] + len(prefix), highlight[1] + len(prefix)]
