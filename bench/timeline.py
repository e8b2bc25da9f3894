"""A story's articles by date (retrieval/timeline.py): what "timeline of …" and "what's the latest
on …?" get on a RealTime QA pack, and what they cost beside a plain question about the story.

Usage: python bench/timeline.py ../shared/eval/realtimeqa-2026 [more packs]

Each quiz answer names a story the pack's corpus covers ("Pizza Hut", "Screwworm", "Alan
Greenspan"). It is asked as "timeline of <answer>", "what's the latest on <answer>?" and
"<answer>" alone, on the question's date, over the pack's evaluation cache, side by side in one
run: how many get an answer, how many articles are shown and over how many days, how long
before the asking date the first one was published, how many of the entries name the story in
their title or excerpt, and the time each question takes.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from statistics import median


def measure(pack: Path) -> list[list[str]]:
    from bench.tables import story_of
    from retrieval.evaluation.answers import load_questions, pack_engine

    questions = load_questions(pack)
    rows = []
    with pack_engine(pack, notice=lambda m: None) as (engine, _):
        engine.ask("warm up")
        for form in ("timeline of {}", "what's the latest on {}?", "{}"):
            took, entries, spans, ages, named, answered = [], [], [], [], [], 0
            for q in questions:
                story = story_of(q["answers"][0])
                answer = engine.ask(form.format(story), asked_on=date.fromisoformat(q["date"]))
                took.append(answer.took_ms)
                if answer.no_answer:
                    continue
                answered += 1
                entries.append(len(answer.citations))
                dates = [date.fromisoformat(c.published) for c in answer.citations if c.published]
                spans.append((max(dates) - min(dates)).days if dates else 0)
                if answer.citations[0].published:
                    ages.append((date.fromisoformat(q["date"]) - date.fromisoformat(answer.citations[0].published)).days)
                named += [story.lower() in f"{c.title} {c.excerpt}".lower() for c in answer.citations]
            took.sort()
            rows.append([pack.name, form.format("<answer>"), f"{len(questions):,}", f"{answered / len(questions):.3f}",
                         f"{median(entries):.0f}" if entries else "-", f"{median(spans):.0f}" if spans else "-",
                         f"{median(ages):.0f}" if ages else "-",
                         f"{sum(named) / len(named):.3f}" if named else "-",
                         f"{took[len(took) // 2]:.0f}", f"{took[int(len(took) * 0.95)]:.0f}"])
    return rows


def main() -> None:
    from bench.tables import pack_args, pack_table

    pack_table(["pack", "asked", "questions", "answered", "articles shown (median)", "days spanned (median)",
                "first one's age in days (median)", "entries naming the story", "p50 ms", "p95 ms"], measure, pack_args(__doc__))


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    main()
