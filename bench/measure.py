"""What the answer-hit measure misses by reading the quiz's string as written: newsbot's first
citations on a RealTime QA pack scored strictly (`newsbot eval`'s measure, the pack README's)
and with typography set aside, and over the title the bot shows beside each excerpt.

Usage: python bench/measure.py ../shared/eval/realtimeqa-2025

A quiz writes "Conan O’Brien" where the article writes "Conan O'Brien", '“Golden”' where it
writes "Golden", "The Masters" where it writes "the 2025 Masters": a reader sees the answer, the
strict measure does not. The distractors are read the same way, so the control still says
whether a looser reading only buys chance hits. The reported numbers stay strict.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

#: Citations asked for, as `newsbot eval -k 1,3,5,10` asks (the first page is cut from them).
ASKED = 10
QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"'})


def unified(text: str) -> str:
    return text.lower().translate(QUOTES)


def bare(answer: str) -> str:
    """The answer without its outer quotation marks and a leading "the"."""
    a = unified(answer).strip().strip("\"'").strip()
    return a[4:] if a.startswith("the ") else a


READINGS = (
    ("strict (newsbot eval)", str.lower, str.lower, False),
    ("quotation marks unified", unified, unified, False),
    ("quotation marks unified, outer ones and a leading 'the' dropped", bare, unified, False),
    ("strict, over the title and the excerpt", str.lower, str.lower, True),
    ("unified and dropped, over the title and the excerpt", bare, unified, True),
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pack", type=Path)
    args = parser.parse_args()
    from retrieval.evaluation.answers import PackMissing, hit, load_questions, pack_engine

    try:
        questions = load_questions(args.pack)
    except PackMissing as e:
        sys.exit(str(e))
    ks = (1, 3, 5)
    shown = []
    with pack_engine(args.pack, notice=lambda m: None) as (engine, _):
        for q in questions:
            answer = engine.ask(q["question"], k=ASKED, asked_on=date.fromisoformat(q["date"]) if q.get("date") else None)
            shown.append([(c.title, c.excerpt) for c in answer.citations])
    n = len(questions)
    head = ["reading", *[f"answer@{k} / distractor@{k}" for k in ks]]
    print(f"{args.pack.name}: {n} questions\n")
    print("| " + " | ".join(head) + " |\n|" + "---|" * len(head))
    for label, of_answer, of_text, with_title in READINGS:
        cells = [label]
        for k in ks:
            answered = distracted = 0.0
            for q, cited in zip(questions, shown):
                text = of_text("\n".join((f"{t}\n" if with_title else "") + e for t, e in cited[:k]))
                answered += hit([of_answer(a) for a in q["answers"]], text) > 0
                distracted += hit([of_answer(d) for d in q.get("distractors") or []], text)
            cells.append(f"{answered / n:.3f} / {distracted / n:.3f}")
        print("| " + " | ".join(cells) + " |")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    main()
