"""What the answerability gate reads about a question's best citations: how close they are in
meaning, how well their best sentences match, and whether the cited articles name what the
question names. The same code at training time (train.py) and when answering. Every signal is a
share or a cosine, not a raw score that grows with the corpus (BM25's does), so that a gate
trained on one corpus reads another the same way."""

from __future__ import annotations

import math
import re

import numpy as np

from ..question import Question
from ..rerank import Cues, Scored

FEATURES = (
    "top_cosine",  # the first citation's cosine with the question
    "mean_cosine",  # the first three's
    "top_sentence",  # the first citation's best sentence score (question words, answer-type cues)
    "best_sentence",  # the best of the first three's
    "top_passage",  # the first citation's share of the question's words
    "names_top",  # share of the question's names in the first cited article
    "names_any",  # share of them in any of the first three cited articles
    "terms_top",  # share of the question's content-word weight anywhere in the first cited article
    "both_retrievers",  # the first citation was found by both the dense and the keyword index
    "has_names",  # the question names someone or something
    "terms",  # log of the number of the question's content words
    "top_keyword",  # the first citation's keyword score over the best one's (0 when the keyword side missed it)
)
TOP = 3


def _words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.lower()))


def features(question: Question, cues: Cues, relevant: list[Scored], relevance: dict[int, float],
             dense_found: set[int], keyword_found: dict[int, float]) -> np.ndarray:
    """One row of FEATURES for a question with at least one relevant citation."""
    top = relevant[:TOP]
    first = top[0]
    words = [_words(r.article.title + " " + r.article.text) for r in top]
    names = question.names
    found = {t for t in cues.terms if t in words[0]} | {t for _, t in cues.hits(first.article.text, 0, len(first.article.text))}
    pid = first.candidate.passage_id
    return np.array([
        relevance[pid],
        float(np.mean([relevance[r.candidate.passage_id] for r in top])),
        first.best_score,
        max(r.best_score for r in top),
        first.passage_score,
        sum(n in words[0] for n in names) / len(names) if names else 1.0,
        sum(any(n in w for w in words) for n in names) / len(names) if names else 1.0,
        cues.overlap(found),
        1.0 if pid in dense_found and pid in keyword_found else 0.0,
        1.0 if names else 0.0,
        math.log(1 + len(cues.terms)),
        keyword_found.get(pid, 0.0) / max(keyword_found.values(), default=1.0),
    ], dtype=np.float64)
