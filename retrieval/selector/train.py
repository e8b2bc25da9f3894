"""Training the answer-sentence selector: `python -m retrieval.selector.train PACK...`.

For every question of the training packs, asked as `newsbot eval` asks it (its date the asking
date, the top five citations), each cited article that holds an answer string gives one group:
its sentences that hold it are the positives, its other sentences the negatives. The features
are computed by the code that answers (features.py). A logistic regression with an L2 penalty is
fitted by Newton's method (retrieval/logistic.py; deterministic: no sampling, no seed) on standardized
features. Each pack is held out in turn to report how often the top sentence holds the answer;
then the model is fitted on all packs and written to --out (selector.json), for
`newsbot eval --selector selector.json` to measure.

Never pass realtimeqa-2025: it is the pack results are reported on.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

import numpy as np

from ..answers import as_shown
from ..question import Question
from ..rerank import Cues
from ..evaluation import names_reported
from ..logistic import fit as logistic_fit, write_trained
from . import Selector
from .features import FEATURES, ArticleSentences, features

#: The packs the selector is reported on; training refuses them.
REPORTED = ("realtimeqa-2025",)
TOP = 5
L2 = 1.0


def collect(pack: Path, notice=print, settings=None) -> list[tuple[np.ndarray, np.ndarray]]:
    """(features, labels) of each cited article holding an answer, over the pack's questions."""
    from ..evaluation.answers import load_questions, pack_engine

    groups = []
    with pack_engine(pack, settings, notice) as (engine, report):
        notice(f"{pack.name}: {report.summary()}")
        for q in load_questions(pack):
            asked_on = date.fromisoformat(q["date"]) if q.get("date") else None
            answer = engine.ask(q["question"], k=TOP, asked_on=asked_on)
            question = Question.parse(answer.question)
            cues = Cues.of(question)
            qvec = engine.encoder.encode_one(question.search_text)
            seen = set()
            for c in answer.citations:
                if c.article_id in seen:
                    continue
                seen.add(c.article_id)
                article = engine.store.find_article(c.article_id)
                spans = engine.store.passage_spans([article.id])[article.id]
                vectors = engine.store.vectors_of(engine.settings.embedding_id, [pid for pid, _, _ in spans])
                cosines = {pid: float(np.dot(qvec, v)) for pid, v in vectors.items()}
                sentences = ArticleSentences.of(article.text, spans)
                labels = np.array([
                    any(a.lower() in as_shown(article.text, s).lower() for a in q["answers"])
                    for s in sentences.spans
                ], dtype=np.float64)
                if labels.any():
                    groups.append((features(question, cues, sentences, cosines, c.passage_id).astype(np.float64), labels))
    return groups


def fit(groups: list[tuple[np.ndarray, np.ndarray]], l2: float = L2) -> Selector:
    """The selector fitted on every sentence of the groups (retrieval/logistic.py)."""
    return Selector(logistic_fit(np.concatenate([g[0] for g in groups]), np.concatenate([g[1] for g in groups]), FEATURES, l2))


def top_hit(selector: Selector | None, groups: list[tuple[np.ndarray, np.ndarray]], column: str | None = None) -> float:
    """Share of groups whose top sentence holds the answer (by the model, or by one feature)."""
    hits = 0
    for x, y in groups:
        scores = selector.logits(x) if selector is not None else x[:, FEATURES.index(column)]
        hits += y[int(np.argmax(scores))] > 0
    return hits / max(1, len(groups))


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("packs", nargs="+", type=Path)
    parser.add_argument("--out", type=Path, default=Path("selector.json"))
    args = parser.parse_args(argv)
    if names_reported(args.packs, REPORTED):
        return 2
    data = {p.name: collect(p, notice=lambda m: print(m, file=sys.stderr)) for p in args.packs}
    print("| held out | articles | top sentence holds the answer: model | in the cited passage, by overlap | by overlap alone |")
    print("|---|---|---|---|---|")
    for name, held in data.items():
        rest = [g for other, gs in data.items() if other != name for g in gs]
        if not rest:
            continue
        model = fit(rest)
        local = [(x[x[:, FEATURES.index("in_cited_passage")] > 0], y[x[:, FEATURES.index("in_cited_passage")] > 0]) for x, y in held]
        local = [(x, y) for x, y in local if len(x)]
        print(f"| {name} | {len(held)} | {top_hit(model, held):.3f} | {top_hit(None, local, 'overlap'):.3f} | {top_hit(None, held, 'overlap'):.3f} |")
    model = fit([g for gs in data.values() for g in gs])
    write_trained(args.out, model.to_json(), model.model)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
