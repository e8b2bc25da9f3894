"""Which of the first citations goes first: the excerpts a reader sees, read as shown.

Search ranks passages by how well their best sentence and their words match the question; the
first of its three best is not always the one whose excerpt answers. With the excerpts cut, a
logistic regression over what each of the first FIRST shows (its rank and cosine, how much of the
question its excerpt and its title hold, whether the excerpt holds the kind of thing asked for,
the question's names, how old the article is on the asking date) orders them again, most likely
answer first. Only their order changes: what is cited, and so answer-hit at 3, stays. Trained on
other years of RealTime QA (train.py; MODEL.md); a few numbers in model.json.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, replace
from datetime import date
from functools import cache
from pathlib import Path

import numpy as np

from ..answers import Citation
from ..logistic import Logistic
from ..question import Question
from ..rerank import Cues
from ..timeliness import Period

MODEL = Path(__file__).with_name("model.json")
#: The citations ordered again: the first page's three (answer-hit at 3 is what they hold).
FIRST = 3
FEATURES = (
    "rank",  # the citation's place in search's order, 0 first
    "cosine",  # its passage's cosine with the question
    "behind",  # that cosine less the first citation's
    "excerpt_terms",  # share of the question's content-word weight its excerpt holds
    "title_terms",  # the same for its article's title
    "kind",  # its excerpt holds the kind of thing asked for (a number, a place, a quotation)
    "names",  # share of the question's names in its excerpt and title
    "age",  # log(1 + days) its article was published before the asking date
)
#: An article without a date counts as this many days old.
UNDATED_DAYS = 365


def features(question: Question, cues: Cues, citations: list[Citation], asked_on: date | None,
             period: Period | None = None) -> np.ndarray:
    """One row of FEATURES for each citation. Asked without a date, the newest of them stands
    for the asking date; for a question naming an earlier period, age is the distance from it."""
    published = [date.fromisoformat(c.published) if c.published else None for c in citations]
    if asked_on is None:
        asked_on = max((d for d in published if d), default=date.today())
    top = citations[0].score
    rows = []
    for rank, (c, when) in enumerate(zip(citations, published)):
        excerpt, title = c.excerpt, c.title
        terms = cues.overlap(t for _, t in cues.hits(excerpt, 0, len(excerpt)))
        shown = f"{excerpt} {title}".lower()
        days = UNDATED_DAYS if when is None else period.distance(when) if period else max((asked_on - when).days, 0)
        rows.append([
            float(rank),
            c.score,
            c.score - top,
            terms,
            cues.overlap(t for _, t in cues.hits(title, 0, len(title))),
            1.0 if cues.holds_kind(excerpt, 0, len(excerpt), terms) else 0.0,
            sum(n in shown for n in question.names) / len(question.names) if question.names else 1.0,
            math.log1p(days),
        ])
    return np.array(rows, dtype=np.float64)


@dataclass(frozen=True)
class Order:
    """A logistic regression over FEATURES: the likelier a citation's excerpt answers, the earlier."""

    model: Logistic

    def apply(self, question: Question, cues: Cues, citations: list[Citation], asked_on: date | None,
              period: Period | None = None) -> list[Citation]:
        """`citations` with their first FIRST in this order, ranks numbered again."""
        head = citations[:FIRST]
        if len(head) < 2:
            return citations
        logits = self.model.logits(features(question, cues, head, asked_on, period))
        ordered = [head[i] for i in sorted(range(len(head)), key=lambda i: -logits[i])]  # stable on ties
        return [replace(c, rank=i + 1) for i, c in enumerate(ordered + citations[FIRST:])]

    def to_json(self) -> dict:
        return self.model.to_json()

    @classmethod
    def from_json(cls, data: dict) -> "Order":
        return cls(Logistic.from_json(data, FEATURES))


def load(path: Path) -> Order:
    return Order.from_json(json.loads(path.read_text()))


@cache
def shipped() -> Order | None:
    """The order that ships with newsbot, when one does."""
    return load(MODEL) if MODEL.is_file() else None
