"""Questions to ask next (retrieval/suggest.py): how often an answer offers them, whether the news
answers them, and what offering them costs, on a RealTime QA pack.

Usage: python bench/next_questions.py ../shared/eval/realtimeqa-2026 [more packs]

Each quiz question is asked on its date over the pack's evaluation cache; then each question the
answer offers is asked as the button asks it (on the same date, the answer's question before it):
answered means it lists statements ("What did X say…?") or tells who the person is ("Who is
X?"). The cost is the time to choose the questions, apart from the answer's.
"""

from __future__ import annotations

import sys
import time
from datetime import date
from pathlib import Path
from statistics import median


def measure(pack: Path) -> list[str]:
    from retrieval import suggest
    from retrieval.engine import FollowUp
    from retrieval.evaluation.answers import load_questions, pack_engine
    from retrieval.question import Question

    questions = load_questions(pack)
    offering, offered, answered, topical, took = 0, 0, 0, 0, []
    with pack_engine(pack, notice=lambda m: None) as (engine, _):
        engine.ask("warm up")
        for q in questions:
            on = date.fromisoformat(q["date"])
            answer = engine.ask(q["question"], asked_on=on)
            started = time.perf_counter()
            suggest.next_questions(engine.store, Question.parse(q["question"]), answer, answer.quotes)
            took.append((time.perf_counter() - started) * 1000)
            offering += bool(answer.next_questions)
            for asked in answer.next_questions:
                offered += 1
                topical += " about " in asked
                then = engine.ask(asked, asked_on=on, follow_up=FollowUp([q["question"]], [c.article_id for c in answer.citations]))
                answered += bool(then.quotes) if asked.startswith("What did") else bool(then.person and not then.no_answer)
    took.sort()
    return [pack.name, f"{len(questions):,}", f"{offering / len(questions):.3f}", f"{offered / max(1, offering):.2f}",
            f"{topical / max(1, offered):.3f}", f"{answered / max(1, offered):.3f}", f"{median(took):.1f}",
            f"{took[int(len(took) * 0.95)]:.1f}"]


def main() -> None:
    from bench.tables import pack_args, pack_table

    pack_table(["pack", "questions", "answers offering questions", "offered a time (mean)", "on a word of the question",
                "offered questions answered", "p50 ms to choose", "p95 ms to choose"], measure, pack_args(__doc__))


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    main()
