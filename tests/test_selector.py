"""The answer-sentence selector: its features, its fitting, and its choice over a whole article."""

from __future__ import annotations

import numpy as np

from retrieval.logistic import Logistic
from retrieval.question import Question
from retrieval.rerank import Cues
from retrieval.selector import Selector, choose
from retrieval.selector.features import FEATURES, ArticleSentences, features
from retrieval.selector.train import fit, top_hit

TEXT = (
    "The city council met on Monday to discuss the budget.\n\n"
    "Council members argued for hours about parking fees.\n\n"
    "The new library will open at the old railway station, the mayor said."
)


def test_every_sentence_gets_a_row_and_knows_its_passage():
    passages = [(10, 0, 53), (11, 55, len(TEXT))]
    article = ArticleSentences.of(TEXT, passages)
    assert [TEXT[s.start : s.end] for s in article.spans][2].startswith("The new library")
    assert article.passage_of == [10, 11, 11]
    question = Question.parse("Where will the new library open?")
    rows = features(question, Cues.of(question), article, {10: 0.2, 11: 0.6}, cited_passage=10)
    assert rows.shape == (3, len(FEATURES))
    col = {name: rows[:, i] for i, name in enumerate(FEATURES)}
    assert col["overlap"][2] > col["overlap"][0] and col["passage_cosine"].tolist() == [np.float32(0.2), np.float32(0.6), np.float32(0.6)]
    assert col["in_cited_passage"].tolist() == [1.0, 0.0, 0.0] and col["position"][0] == 0.0 and col["position"][2] == 1.0


def test_fit_learns_the_signal_and_choose_follows_it():
    rng = np.random.default_rng(0)
    groups = []
    for _ in range(60):
        x = rng.normal(size=(8, len(FEATURES)))
        y = np.zeros(8)
        answer = int(rng.integers(8))
        y[answer] = 1.0
        x[answer, FEATURES.index("overlap")] += 4.0  # the answering sentence shares the question's words
        groups.append((x, y))
    model = fit(groups)
    assert model.model.weights[FEATURES.index("overlap")] == max(model.model.weights)
    assert top_hit(model, groups) > 0.9 and top_hit(None, groups, "overlap") > 0.9
    again = Selector.from_json(model.to_json())
    assert np.allclose(again.logits(groups[0][0]), model.logits(groups[0][0]))

    question = Question.parse("Where will the new library open?")
    only_overlap = Selector(Logistic(FEATURES, np.zeros(len(FEATURES)), np.ones(len(FEATURES)),
                                     np.array([1.0 if f == "overlap" else 0.0 for f in FEATURES]), 0.0))
    picked = choose(only_overlap, question, Cues.of(question), TEXT, [(10, 0, len(TEXT))], {}, 10)
    assert TEXT[picked.best.start : picked.best.end].startswith("The new library")
