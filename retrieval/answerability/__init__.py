"""The answerability gate: whether a question's best citations answer it, or only share its topic.

The relevance floor (a cosine of 0.30) lets through news of the same kind of event: asked about a
week it does not cover, the engine would cite another week's story. The gate is a logistic
regression over what the best citations look like (features.py), trained on other years of
RealTime QA (train.py; MODEL.md). Below its threshold the answer is "no answer", with the closest
headlines offered.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from ..logistic import Logistic
from .features import FEATURES

MODEL = Path(__file__).with_name("model.json")


@dataclass(frozen=True)
class Gate:
    """A logistic regression over FEATURES, and the probability below which nothing is cited."""

    model: Logistic
    threshold: float

    def probability(self, row: np.ndarray) -> float:
        return float(self.model.probability(row))

    def to_json(self) -> dict:
        return {**self.model.to_json(), "threshold": self.threshold}

    @classmethod
    def from_json(cls, data: dict) -> "Gate":
        return cls(Logistic.from_json(data, FEATURES), float(data["threshold"]))


def load(path: Path) -> Gate:
    return Gate.from_json(json.loads(path.read_text()))


@cache
def shipped() -> Gate | None:
    """The gate that ships with newsbot, when one does."""
    return load(MODEL) if MODEL.is_file() else None
