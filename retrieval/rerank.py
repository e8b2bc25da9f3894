"""Reading the best candidates closely: each passage's sentences scored against the question
(its content words and the kind of answer it wants, answer_types.py), the best sentence and the
next best "spots" kept for the excerpt, and, asked for a place, the place the best candidates
agree on."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass

from .answer_types import AnswerType
from .boilerplate import inside
from .question import Question
from .store import ArticleRow, PassageRow
from .text import Span

#: Sentences of a cited passage, after its best, that may stand beside the best one's window in
#: the excerpt (answers.excerpt_with_spots).
SPOTS = 2


@dataclass
class Candidate:
    passage_id: int
    fused: float
    article_id: int = 0
    published: str | None = None


#: Added to a sentence's score when it holds the kind of thing asked for (answer_types): a
#: number of the asked kind, a quotation when someone's words are asked for, a place of the asked
#: kind when the sentence also shares at least PLACE_MIN_OVERLAP of the question's words (a place
#: in an unrelated sentence is as often a wrong choice as the answer: the floor lowers the
#: distractor rate at the same answer rate, bench/README.md).
TYPE_BONUS = 0.3
PLACE_MIN_OVERLAP = 0.2
# Asked for a place, the place most named by the best CONSENSUS_DEPTH fused candidates (in their
# best sentences and spots, nearer the top counting more) is likely the answer: a reranked
# passage naming it gains this share of a first-rank fused score (answers agree across reports;
# a place named in passing rarely recurs).
CONSENSUS_DEPTH = 10
CONSENSUS_WEIGHT = 1.0


HAS_QUOTE = re.compile(r"[“\"][^”\"]{10,}[”\"]")
_WORD = re.compile(r"\w+")


@dataclass
class Cues:
    """What a sentence that answers the question looks like: the question's content words
    (longer words weigh more; a word longer than five letters also counts when a word shares its
    first five, "elected" for "election"), and answer-type cues: a number of the asked kind (a
    percentage, a sum, a year, a count), a place of the asked kind, a quotation when someone's
    words are asked for.

    Every reranked candidate's sentences are scored, so a passage is scanned once by one
    compiled pattern that finds only the words that can match, rather than tokenized in Python
    sentence by sentence (a quarter of the time)."""

    terms: list[str]
    wants: AnswerType | None
    wants_words: bool
    #: The question as asked: a place it names is its subject, not an answer.
    question: str = ""

    def __post_init__(self) -> None:
        self._weight = {t: math.log(2 + len(t)) for t in self.terms}
        self._total = sum(self._weight.values())
        self._exact: set[str] = set()
        self._prefix: dict[str, list[str]] = {}
        starts = set()
        for t in self.terms:
            if not _WORD.fullmatch(t):
                continue  # never one whole word of a text
            self._exact.add(t)
            starts.add(t)
            if len(t) > 5:
                self._prefix.setdefault(t[:5], []).append(t)
                starts.add(t[:5])
        alternatives = "|".join(re.escape(x) for x in sorted(starts, key=len, reverse=True))
        self._pattern = re.compile(rf"\b(?:{alternatives})\w*", re.I) if starts else None

    @classmethod
    def of(cls, question: Question) -> "Cues":
        return cls(question.terms, question.wants, question.speaker is not None, question.text)

    def hits(self, text: str, start: int, end: int) -> list[tuple[int, str]]:
        """(offset, question word) for every word of text[start:end] that matches one."""
        if self._pattern is None:
            return []
        out = []
        for m in self._pattern.finditer(text, start, end):
            word = m.group().lower()
            if word in self._exact:
                out.append((m.start(), word))
            for t in self._prefix.get(word[:5], ()) if len(word) >= 5 else ():
                if t != word:
                    out.append((m.start(), t))
        return out

    def overlap(self, found: Iterable[str]) -> float:
        """Share of the question's content-word weight among the words found."""
        # fsum: exact whatever the order, and a set's order changes with each process's string
        # hashing; with sum, two sentences that tie came out a rounding apart, and which one an
        # excerpt showed changed from run to run.
        return math.fsum(self._weight[t] for t in set(found)) / self._total if self._total else 0.0

    def holds_kind(self, text: str, start: int, end: int, overlap: float | None = None) -> bool:
        """Whether text[start:end] holds the kind of thing asked for; a place counts only in a
        sentence sharing PLACE_MIN_OVERLAP of the question's words (`overlap`, when known)."""
        wants = self.wants
        if not wants:
            return False
        if wants.is_place and (overlap if overlap is not None else self.overlap(t for _, t in self.hits(text, start, end))) < PLACE_MIN_OVERLAP:
            return False
        return wants.held_by(text, start, end, self.question)

    def score(self, text: str, start: int, end: int, hits: list[tuple[int, str]] | None = None) -> float:
        """How well text[start:end] (a sentence) answers; `hits` of a larger span may be passed."""
        if hits is None:
            hits = self.hits(text, start, end)
        score = self.overlap(t for at, t in hits if start <= at < end)
        if self.holds_kind(text, start, end, score):
            score += TYPE_BONUS
        if self.wants_words and HAS_QUOTE.search(text, start, end):
            score += TYPE_BONUS
        return score


@dataclass
class Scored:
    """A candidate passage read closely: its best sentence and how well it and the passage match."""

    candidate: Candidate
    passage: PassageRow
    article: ArticleRow
    best: Span
    best_score: float
    passage_score: float
    #: The passage's next best sentences that match the question at all, best first.
    spots: list[Span]
    #: Paragraphs of the article near the passage that are the outlet's boilerplate: never shown.
    boilerplate: tuple[Span, ...] = ()


def read_closely(cand: Candidate, passage: PassageRow, article: ArticleRow, cues: Cues,
                 boilerplate: tuple[Span, ...] = ()) -> Scored:
    """Each of the passage's sentences (split at ingest, stored with it) scored against the
    question: this runs for every reranked candidate. Sentences of `boilerplate` paragraphs are
    not read (a passage of nothing else keeps them)."""
    text = article.text
    sentences = [Span(start, end) for start, end in passage.sentences or ((passage.start, passage.end),)]
    hits = cues.hits(text, passage.start, passage.end)
    if boilerplate:
        sentences = [s for s in sentences if not inside(s, boilerplate)] or sentences
        hits = [(at, t) for at, t in hits if not inside(Span(at, at + 1), boilerplate)]
    ranked = sorted(
        ((cues.score(text, s.start, s.end, hits), s) for s in sentences),
        key=lambda pair: -pair[0],  # stable: of equal scores, the earlier sentence first
    )
    best_score, best = ranked[0]
    spots = [span for score, span in ranked[1 : 1 + SPOTS] if score > 0]
    return Scored(cand, passage, article, best, best_score, cues.overlap(t for _, t in hits), spots, boilerplate)


def consensus_place(scored: list[Scored], cues: Cues) -> str | None:
    """For a question asking for a place, the place the best candidates name most: each of
    the first CONSENSUS_DEPTH by fused score votes 1/(rank + 5) for every place of the asked
    kind in its best sentence and spots (answers agree across reports; a place named in passing
    rarely recurs). None for other questions or when no place is named."""
    if not cues.wants or not cues.wants.is_place:
        return None
    votes: dict[str, float] = {}
    for rank, r in enumerate(sorted(scored, key=lambda r: -r.candidate.fused)[:CONSENSUS_DEPTH]):
        found = dict.fromkeys(  # in order of appearance, so that ties are broken the same way every run
            place
            for span in (r.best, *r.spots)
            for place in cues.wants.places_in(r.article.text, span.start, span.end, cues.question)
        )
        for place in found:
            votes[place] = votes.get(place, 0.0) + 1.0 / (rank + 5)
    return max(votes, key=votes.__getitem__) if votes else None
