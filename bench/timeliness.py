"""Answers older than the days asked about: how often newsbot's caveat (retrieval/timeliness.py)
is said on a RealTime QA pack, and how often the answers it is said before still show the
answer, beside those it is not. Then the questions that name an earlier day or month ("in
February", "on Jan. 7, 2024"): answered with the preference for coverage from then, and without.

Usage: python bench/timeliness.py ../shared/eval/realtimeqa-2026 [more packs]

Each question is asked as `newsbot eval` asks it (on its date, first three citations, the pack's
evaluation cache). Of the questions that ask about recent days ("this week", "yesterday", "on
Monday"), the caveat goes before the answers whose first three citations are all older than the
window: if those answers rarely show the answer, the caveat tells the reader something true; if
they sometimes do, declining them would lose answers, which is why they are kept.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from datetime import date
from pathlib import Path


def measure(pack: Path) -> list[str]:
    from retrieval.evaluation.answers import hit, load_questions, pack_engine
    from retrieval.timeliness import asks_about_recent_days

    questions = load_questions(pack)
    said, unsaid = [], []
    with pack_engine(pack, notice=lambda m: None) as (engine, _):
        for q in questions:
            if not asks_about_recent_days(q["question"]):
                continue
            answer = engine.ask(q["question"], k=3, asked_on=date.fromisoformat(q["date"]))
            if answer.no_answer:
                continue
            shown = hit(q["answers"], "\n".join(c.excerpt for c in answer.citations)) > 0
            (said if answer.caveat else unsaid).append(shown)
    asking = len(said) + len(unsaid)
    share = lambda xs: f"{sum(xs) / len(xs):.2f}" if xs else "-"  # noqa: E731
    return [pack.name, f"{len(questions):,}", f"{asking:,}", f"{len(said):,}", share(said), share(unsaid)]


def periods(pack: Path) -> list[str]:
    """The questions naming an earlier day or month, answered with newsbot's preference for
    coverage from then and with the asking date's alone: hits at 1 and 3, and caveats said."""
    from retrieval.evaluation.answers import hit, load_questions, pack_engine
    from retrieval.timeliness import named_period

    questions = [q for q in load_questions(pack) if named_period(q["question"], date.fromisoformat(q["date"]))]
    row = [pack.name, f"{len(questions)}"]
    with pack_engine(pack, notice=lambda m: None) as (engine, _):
        for variant in (engine, engine.answering_with(replace(engine.searcher, named_periods=False))):
            at1 = at3 = said = 0
            for q in questions:
                answer = variant.ask(q["question"], k=3, asked_on=date.fromisoformat(q["date"]))
                excerpts = [c.excerpt for c in answer.citations]
                at1 += hit(q["answers"], "\n".join(excerpts[:1])) > 0
                at3 += hit(q["answers"], "\n".join(excerpts)) > 0
                said += bool(answer.caveat)
            row.append(f"{at1} / {at3} / {said}")
    return row


def main() -> None:
    from bench.tables import pack_args, pack_table

    packs = pack_args(__doc__)

    pack_table(["pack", "questions", "asking about recent days, answered", "with the caveat",
                "answer@3 with the caveat", "answer@3 without it"], measure, packs)
    print()
    pack_table(["pack", "naming an earlier day or month", "answered at 1 / at 3 / caveats: from then preferred",
                "the asking date alone"], periods, packs)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    main()
