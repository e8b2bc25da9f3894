"""What the sentence selector reads about each sentence of a cited article: the same signals at
training time (train.py) and when answering (choose.py)."""

from __future__ import annotations

import bisect
import math
import re
from dataclasses import dataclass

import numpy as np

from ..question import Question
from ..rerank import HAS_QUOTE, Cues
from ..text import Span, article_sentences

#: The signals, in the order of a feature row (model.json names them too).
FEATURES = (
    "overlap",  # share of the question's content-word weight in the sentence
    "rare_overlap",  # the same, each word weighted by how few of the article's sentences hold it
    "names",  # share of the question's names in the sentence
    "answer_type",  # holds a thing of the kind asked for (a number kind, a place kind)
    "quote",  # holds a quotation, when someone's words are asked for
    "neighbours",  # the better overlap of the sentences just before and after
    "passage_cosine",  # the question's cosine with the passage the sentence sits in
    "in_cited_passage",  # in the passage search ranked (the one the old excerpt came from)
    "position",  # where in the article, 0 (first) to 1 (last)
    "lead",  # one of the article's first three sentences
    "length",  # log of the sentence's length in characters
    "number",  # holds a digit
    "new_names",  # capitalized words the question does not have (answers are often names)
    "typed_overlap",  # answer_type and overlap together: the kind asked for, about the question
    "pair_overlap",  # overlap of the sentence with the next one (an excerpt shows both)
)
_DIGIT = re.compile(r"\d")
_CAPITALIZED = re.compile(r"(?<=\s)[A-Z][\w'’-]+")
#: Sentences of an article read at most (a very long article: the first ones).
MAX_SENTENCES = 400


@dataclass
class ArticleSentences:
    """An article's sentences and, for each, the passage it sits in (-1 when none)."""

    text: str
    spans: list[Span]
    passage_of: list[int]

    @classmethod
    def of(cls, text: str, passages: list[tuple[int, int, int]]) -> "ArticleSentences":
        """`passages`: (passage id, start, end) of the article, in order."""
        spans = [s for para in article_sentences(text) for s in para][:MAX_SENTENCES]
        owner, i = [], 0
        for s in spans:
            while i < len(passages) and passages[i][2] <= s.start:
                i += 1
            owner.append(passages[i][0] if i < len(passages) and passages[i][1] <= s.start else -1)
        return cls(text, spans, owner)


def _by_sentence(spans: list[Span], starts: list[int], matches) -> list[list]:
    """Matches (offset, value) of the whole text, bucketed by the sentence they fall in."""
    out: list[list] = [[] for _ in spans]
    for at, value in matches:
        i = bisect.bisect_right(starts, at) - 1
        if i >= 0 and at < spans[i].end:
            out[i].append(value)
    return out


def features(question: Question, cues: Cues, article: ArticleSentences, cosines: dict[int, float],
             cited_passage: int) -> np.ndarray:
    """One row of FEATURES per sentence of the article. The text is scanned once per signal,
    not once per sentence: an answer reads every sentence of several articles."""
    text, spans = article.text, article.spans
    n = len(spans)
    if n == 0:
        return np.zeros((0, len(FEATURES)), dtype=np.float32)
    starts = [s.start for s in spans]
    end = spans[-1].end
    found = [set(words) for words in _by_sentence(spans, starts, cues.hits(text, 0, end))]
    df: dict[str, int] = {}
    for words in found:
        for t in words:
            df[t] = df.get(t, 0) + 1
    rarity = {t: math.log(1 + n / (1 + df.get(t, 0))) for t in cues.terms}
    rare_total = sum(rarity.values()) or 1.0
    overlap = [cues.overlap(words) for words in found]
    names = question.names
    named: list[list] = [[] for _ in spans]
    if names:
        pattern = re.compile(r"\b(?:" + "|".join(re.escape(m) for m in sorted(names, key=len, reverse=True)) + r")\b", re.I)
        named = _by_sentence(spans, starts, ((m.start(), m.group().lower()) for m in pattern.finditer(text, 0, end)))
    asked = {w.lower() for w in re.findall(r"\w+", question.text)}
    new_names = _by_sentence(spans, starts, (
        (m.start(), 1) for m in _CAPITALIZED.finditer(text, 0, end) if m.group().lower() not in asked
    ))
    digits = _by_sentence(spans, starts, ((m.start(), 1) for m in _DIGIT.finditer(text, 0, end)))
    wants = cues.wants
    rows = np.zeros((n, len(FEATURES)), dtype=np.float32)
    for i, s in enumerate(spans):
        # The kind asked for counts in a sentence about the question (a place elsewhere is as
        # often a wrong one), as the reranking's cues have it.
        typed = 1.0 if wants and overlap[i] > 0 and wants.held_by(text, s.start, s.end, cues.question) else 0.0
        pair = cues.overlap(found[i] | found[i + 1]) if i + 1 < n else overlap[i]
        rows[i] = (
            overlap[i],
            math.fsum(rarity.get(t, 0.0) for t in found[i]) / rare_total,  # a set: exact whatever its order
            len(set(named[i])) / len(names) if names else 0.0,
            typed,
            1.0 if cues.wants_words and HAS_QUOTE.search(text, s.start, s.end) else 0.0,
            max(overlap[i - 1] if i > 0 else 0.0, overlap[i + 1] if i + 1 < n else 0.0),
            cosines.get(article.passage_of[i], 0.0),
            1.0 if article.passage_of[i] == cited_passage else 0.0,
            i / max(1, n - 1),
            1.0 if i < 3 else 0.0,
            math.log(1 + s.end - s.start),
            1.0 if digits[i] else 0.0,
            math.log(1 + len(new_names[i])),
            typed * overlap[i],
            pair,
        )
    return rows
