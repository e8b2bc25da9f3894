"""Training the answerability gate: `newsbot train-gate CORPUS_PACK --unanswerable OTHER_PACK...`.

Over one training pack's corpus, its own questions (asked on their date) are the answerable
ones, and those whose top three excerpts show the answer are the positives; the questions of
other training packs whose answer strings occur in none of the corpus's articles (asked without
a date, as `newsbot eval --unanswerable` asks them) are the negatives. Questions the engine
cannot answer anyway are left out of the fit: declining them costs nothing at k = 3. A logistic
regression (retrieval/logistic.py, deterministic) is fitted on standardized features, and
the threshold is the highest that keeps KEEP of the positives (all of them). Written to
model.json beside this file, with what it measured printed for MODEL.md.

Never pass realtimeqa-2025 (the reported pack) nor realtimeqa-2022 (its unanswerable questions
are the reported ones).
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path

import numpy as np

from ..question import Question
from ..evaluation import names_reported
from ..logistic import fit, write_trained
from . import MODEL, Gate
from .features import FEATURES

REPORTED = ("realtimeqa-2025", "realtimeqa-2022")
#: Share of the answerable questions answered in the top three that the gate must keep: all of
#: them, so that declining costs no answer (measured: bench/README.md).
KEEP = 1.0
K = 3


def _hit(answers: list[str], shown: str) -> bool:
    return any(a.lower() in shown.lower() for a in answers)


def collect(corpus: Path, others: list[Path], notice=print, settings=None) -> tuple[list, list, list]:
    """Feature rows of: answerable questions answered at k = 3, answerable ones not, unanswerable ones."""
    from ..evaluation.answers import load_questions, pack_engine

    with gzip.open(corpus / "articles.jsonl.gz", "rt") as fh:
        text = "\n".join(json.loads(line).get("text", "").lower() for line in fh)
    hits, misses, unanswerable = [], [], []
    with pack_engine(corpus, settings, notice) as (engine, report):
        notice(f"{corpus.name}: {report.summary()}")
        ungated = engine.answering_with(replace(engine.searcher, gate=None))
        for q in load_questions(corpus):
            asked_on = date.fromisoformat(q["date"]) if q.get("date") else None
            answer = ungated.ask(q["question"], k=K, asked_on=asked_on)
            row = engine.searcher.evidence(Question.parse(answer.question), K, asked_on)
            if row is not None:
                shown = "\n".join(c.excerpt for c in answer.citations[:K])
                (hits if _hit(q["answers"], shown) else misses).append(row)
        for other in others:
            for q in load_questions(other):
                if any(a.lower() in text for a in q["answers"]):
                    continue
                row = engine.searcher.evidence(Question.parse(q["question"]), K)
                if row is not None:
                    unanswerable.append(row)
    return hits, misses, unanswerable


def train(hits: list, unanswerable: list) -> Gate:
    x = np.array(hits + unanswerable)
    y = np.array([1.0] * len(hits) + [0.0] * len(unanswerable))
    model = fit(x, y, FEATURES)
    # Each row scored alone, as a question is when answering: scored as one matrix, the last
    # bit can differ, and the least sure answered question would fall just below the bar.
    answered = np.array([float(model.probability(np.asarray(row))) for row in hits])
    threshold = float(np.quantile(answered, 1 - KEEP))
    return Gate(model, threshold)


def trade_off(gate: Gate, hits: list, unanswerable: list, keeps=(1.0, 0.95, 0.9)) -> str:
    """What a lower bar would buy: the unanswerable questions declined at thresholds that keep
    less of the answered ones. Why: it says whether the signals can reach a target at all, or
    only the threshold stands in the way."""
    answered = gate.model.probability(np.array(hits))
    declined = gate.model.probability(np.array(unanswerable))
    lines = ["\n| answered at 3 kept | threshold | unanswerable declined |", "|---|---|---|"]
    for keep in keeps:
        bar = float(np.quantile(answered, 1 - keep))
        lines.append(f"| {keep:.2f} | {bar:.3f} | {np.mean(declined < bar):.3f} |")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--unanswerable", type=Path, nargs="+", required=True)
    parser.add_argument("--out", type=Path, default=MODEL)
    args = parser.parse_args(argv)
    if names_reported([args.corpus, *args.unanswerable], REPORTED):
        return 2
    hits, misses, unanswerable = collect(args.corpus, args.unanswerable, notice=lambda m: print(m, file=sys.stderr))
    gate = train(hits, unanswerable)
    kept = lambda rows: np.mean([gate.probability(r) >= gate.threshold for r in rows]) if rows else float("nan")  # noqa: E731
    print("| questions | count | cited after the gate |\n|---|---|---|")
    print(f"| answerable, answered at 3 | {len(hits)} | {kept(hits):.3f} |")
    print(f"| answerable, not answered at 3 | {len(misses)} | {kept(misses):.3f} |")
    print(f"| unanswerable | {len(unanswerable)} | {kept(unanswerable):.3f} |")
    print(trade_off(gate, hits, unanswerable))
    write_trained(args.out, gate.to_json(), gate.model, f"threshold {gate.threshold:.3f}; ")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
