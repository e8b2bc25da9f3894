"""Training the first citations' order: `newsbot train-order PACK_DIR...` (the training packs).

Each pack's questions are asked as `newsbot eval` asks them (on their date), in search's own
order; each of the first three citations is a row of FEATURES, a positive when its excerpt shows
an answer string. A logistic regression (retrieval/logistic.py, deterministic) is fitted on the
rows of all packs and written to model.json beside this file. Before that, each pack is held out
in turn (the model fitted on the others) and answer-hit and distractor-hit at 1 are printed for
search's order and the model's, at each L2 of L2S: the one written is L2, chosen so on the
training packs.

Never pass realtimeqa-2025: it is the pack the result is reported on.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

import numpy as np

from ..evaluation import names_reported
from ..logistic import fit, write_trained
from ..question import Question
from ..rerank import Cues
from . import FEATURES, FIRST, MODEL, Order, features

REPORTED = ("realtimeqa-2025",)
L2 = 100.0
L2S = (1.0, 100.0, 1000.0)


@dataclass
class Group:
    """A question's first citations: their rows, whether each shows the answer, and the share
    of the distractors each shows."""

    rows: np.ndarray
    answers: list[bool]
    distractors: list[float]


def collect(pack: Path, notice=print, settings=None) -> tuple[list[Group], int]:
    """The groups of `pack`'s questions that get citations, and how many questions it asks."""
    from ..evaluation.answers import hit, load_questions, pack_engine

    groups = []
    questions = load_questions(pack)
    with pack_engine(pack, settings, notice) as (engine, report):
        notice(f"{pack.name}: {report.summary()}")
        unordered = engine.answering_with(replace(engine.searcher, order=None))
        for q in questions:
            asked_on = date.fromisoformat(q["date"]) if q.get("date") else None
            answer = unordered.ask(q["question"], k=FIRST, asked_on=asked_on)
            if not answer.citations:
                continue
            question = Question.parse(answer.question)
            head = answer.citations[:FIRST]
            groups.append(Group(
                features(question, Cues.of(question), head, asked_on),
                [hit(q["answers"], c.excerpt) > 0 for c in head],
                [hit(q.get("distractors", []), c.excerpt) for c in head],
            ))
    return groups, len(questions)


def train(groups: list[Group], l2: float = L2) -> Order:
    x = np.vstack([g.rows for g in groups])
    y = np.array([a for g in groups for a in g.answers], dtype=np.float64)
    return Order(fit(x, y, FEATURES, l2=l2))


def at_one(order: Order | None, groups: list[Group], questions: int) -> tuple[float, float]:
    """Answer-hit and distractor-hit at 1 over `questions` (those without citations count 0)."""
    answers = distractors = 0.0
    for g in groups:
        first = 0 if order is None else int(np.argmax(order.model.logits(g.rows)))
        answers += g.answers[first]
        distractors += g.distractors[first]
    return answers / questions, distractors / questions


def held_out(packs: dict[str, tuple[list[Group], int]]) -> str:
    """Each pack measured with the model fitted on the others, at each L2 of L2S."""
    lines = ["| held-out pack | questions | order | answer@1 | distractor@1 |", "|---|---|---|---|---|"]
    for name, (groups, n) in packs.items():
        others = [g for other, (gs, _) in packs.items() if other != name for g in gs]
        a, d = at_one(None, groups, n)
        lines.append(f"| {name} | {n} | search's | {a:.3f} | {d:.3f} |")
        for l2 in L2S:
            a, d = at_one(train(others, l2), groups, n)
            lines.append(f"| {name} | {n} | model, L2 {l2:g} | {a:.3f} | {d:.3f} |")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("packs", type=Path, nargs="+")
    parser.add_argument("--out", type=Path, default=MODEL)
    args = parser.parse_args(argv)
    if names_reported(args.packs, REPORTED):
        return 2
    packs = {p.name: collect(p, notice=lambda m: print(m, file=sys.stderr)) for p in args.packs}
    if len(packs) > 1:
        print(held_out(packs))
    order = train([g for groups, _ in packs.values() for g in groups])
    write_trained(args.out, order.to_json(), order.model, f"L2 {L2:g}; ")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
