"""The answer-sentence selector: which sentence of a cited article answers the question.

Search finds the article; the sentence a reader needs may sit anywhere in it, not only in the
passage search ranked. Every sentence of the article is read (features.py) and scored by a
logistic regression trained on other years of RealTime QA (train.py); the excerpt is cut around
the best sentence, with the next best beside it.

No model ships: none trained so far beats the passage's own best sentence once the distractor
control and the latency budget are counted (bench/README.md). `newsbot train-selector` trains a
candidate and `newsbot eval --selector FILE` measures it beside newsbot as it runs.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..logistic import Logistic
from ..question import Question
from ..rerank import Cues
from ..text import Span
from .features import FEATURES, ArticleSentences, features

@dataclass(frozen=True)
class Selector:
    """A logistic regression over FEATURES, and how sure a next-best sentence must be to stand beside."""

    model: Logistic
    #: Another sentence stands beside the best one when its probability is at least this.
    spot_min: float = 0.1

    def logits(self, rows: np.ndarray) -> np.ndarray:
        return self.model.logits(rows)

    def to_json(self) -> dict:
        return {**self.model.to_json(), "spot_min": self.spot_min}

    @classmethod
    def from_json(cls, data: dict) -> "Selector":
        return cls(Logistic.from_json(data, FEATURES), float(data.get("spot_min", 0.1)))


def load(path: Path) -> Selector:
    """A model `newsbot train-selector` wrote."""
    return Selector.from_json(json.loads(path.read_text()))


@dataclass
class Choice:
    best: Span
    spots: list[Span]
    probability: float


def choose(selector: Selector, question: Question, cues: Cues, text: str, passages: list[tuple[int, int, int]],
           cosines: dict[int, float], cited_passage: int, spots: int = 2) -> Choice | None:
    """The best sentence of the article, and up to `spots` next best ones (None: no sentences)."""
    article = ArticleSentences.of(text, passages)
    rows = features(question, cues, article, cosines, cited_passage)
    if not len(rows):
        return None
    logits = selector.logits(rows)
    order = np.argsort(-logits, kind="stable")
    probability = 1 / (1 + np.exp(-logits))
    best = int(order[0])
    others = [article.spans[int(i)] for i in order[1 : 1 + spots] if probability[int(i)] >= selector.spot_min]
    return Choice(article.spans[best], others, float(probability[best]))
