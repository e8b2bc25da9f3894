"""What the sentence selector reads about each sentence of a cited article: the same signals at
training time (train.py) and when answering (choose.py)."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

from ..question import Question
from ..rerank import Cues
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
)
_HAS_QUOTE = re.compile(r"[“\"][^”\"]{10,}[”\"]")
_DIGIT = re.compile(r"\d")
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


def features(question: Question, cues: Cues, article: ArticleSentences, cosines: dict[int, float],
             cited_passage: int) -> np.ndarray:
    """One row of FEATURES per sentence of the article."""
    text, spans = article.text, article.spans
    n = len(spans)
    if n == 0:
        return np.zeros((0, len(FEATURES)), dtype=np.float32)
    found = [{t for _, t in cues.hits(text, s.start, s.end)} for s in spans]
    df: dict[str, int] = {}
    for words in found:
        for t in words:
            df[t] = df.get(t, 0) + 1
    rarity = {t: math.log(1 + n / (1 + df.get(t, 0))) for t in cues.terms}
    rare_total = sum(rarity.values()) or 1.0
    overlap = [cues.overlap(words) for words in found]
    names = question.names
    lower = [text[s.start : s.end].lower() for s in spans]
    rows = np.zeros((n, len(FEATURES)), dtype=np.float32)
    for i, s in enumerate(spans):
        wants = cues.wants
        rows[i] = (
            overlap[i],
            sum(rarity.get(t, 0.0) for t in found[i]) / rare_total,
            sum(1 for m in names if re.search(rf"\b{re.escape(m)}\b", lower[i])) / len(names) if names else 0.0,
            1.0 if wants and wants.held_by(text, s.start, s.end, cues.question) else 0.0,
            1.0 if cues.wants_words and _HAS_QUOTE.search(text, s.start, s.end) else 0.0,
            max(overlap[i - 1] if i > 0 else 0.0, overlap[i + 1] if i + 1 < n else 0.0),
            cosines.get(article.passage_of[i], 0.0),
            1.0 if article.passage_of[i] == cited_passage else 0.0,
            i / max(1, n - 1),
            1.0 if i < 3 else 0.0,
            math.log(1 + s.end - s.start),
            1.0 if _DIGIT.search(text, s.start, s.end) else 0.0,
        )
    return rows
