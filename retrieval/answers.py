"""The answer the command line prints and the bot renders: cited excerpts.

An excerpt is cut at sentence boundaries around the sentence that answers best, at most
`excerpt_chars` long, with that sentence's offsets so a renderer can bold it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

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
    quotes: list = field(default_factory=list)

    def to_json(self) -> dict:
        """The documented `ask --json` object."""
        data = asdict(self)
        data.pop("more")
        if self.id is None:
            data.pop("id")
        return data


def cut_excerpt(text: str, sentences: list[Span], best: int, limit: int) -> tuple[str, list[int]]:
    """The excerpt around sentence `best` of `sentences` (spans into `text`), grown one whole
    sentence at a time, before and after, while it stays within `limit` characters.

    Returns the excerpt and the [start, end] of the best sentence inside it.
    """
    def piece(i: int) -> str:
        return " ".join(text[sentences[i].start : sentences[i].end].split())

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
    return " ".join(parts), [start, start + len(core)]
