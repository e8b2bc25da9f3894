"""Story follows (retrieval/follows.py): which new articles alert a chat that follows a story,
on a RealTime QA pack, for each rule side by side in one run.

Usage: python bench/story_alerts.py ../shared/eval/realtimeqa-2026 [more packs]

Each quiz answer names a story the pack's corpus covers ("Pizza Hut", "Screwworm", "Alan
Greenspan"); it is followed the day before the question's date, and the articles published in
the week up to that date arrive as new. The rules compared:

- search: the whole store searched for the story's words (top 5 citations, as a question is
  answered), the new articles among them alerting at cosine 0.5 or more; the store as it stood
  on the asking date (nothing later cited), which can only help it;
- new articles read directly: each new article's passages read against the story's words,
  alerting when its best passage is at cosine 0.5 or more;
- that, or the new article's headline names every word of the story and its best passage is at
  the answers' floor (0.30) or more: follows.story_matches, as the bot alerts.

Reported: alerts per follow, the share of alerted articles that name the story (its words in the
title or text), the share of new articles that name the story in their title that alert, and
the time one scan takes for one follow.
"""

from __future__ import annotations

import sys
import time
from datetime import date, timedelta
from pathlib import Path

WEEK = 7


def measure(pack: Path) -> list[list[str]]:
    from bench.tables import story_of
    from retrieval.evaluation.answers import load_questions, pack_engine
    from retrieval.follows import STORY_RELEVANCE, story_matches

    questions = load_questions(pack)
    rows = []
    with pack_engine(pack, notice=lambda m: None) as (engine, _):
        engine.ask("warm up")
        dated = engine.store.query("SELECT id, published, title FROM articles WHERE published != ''")
        key_of = dict(engine.store.query("SELECT id, key FROM articles"))
        by_day: dict[date, list[tuple[int, str]]] = {}
        for aid, published, title in dated:
            try:
                by_day.setdefault(date.fromisoformat(published), []).append((aid, title))
            except ValueError:
                continue

        def search(story: str, new: dict[int, str], asked: date) -> set[int]:
            answer = engine.ask(story, k=5, asked_on=asked)
            keys = {c.article_id for c in answer.citations if c.score >= STORY_RELEVANCE}
            return {aid for aid in new if key_of[aid] in keys}

        def direct(story: str, new: dict[int, str], asked: date) -> set[int]:
            return story_matches(engine, [story], list(new), headlines=False)[story]

        def headlines(story: str, new: dict[int, str], asked: date) -> set[int]:
            return story_matches(engine, [story], list(new))[story]

        for name, rule in (("search of the whole store (top 5, cosine ≥ 0.5)", search),
                           ("new articles read directly (cosine ≥ 0.5)", direct),
                           ("that, or the headline names every word (cosine ≥ 0.30)", headlines)):
            alerts, named, title_found, title_total, took = [], [], 0, 0, []
            for q in questions:
                story, asked = story_of(q["answers"][0]), date.fromisoformat(q["date"])
                new = {aid: title for d in range(WEEK) for aid, title in by_day.get(asked - timedelta(days=d), [])}
                if not new:
                    continue
                started = time.perf_counter()
                found = rule(story, new, asked)
                took.append((time.perf_counter() - started) * 1000)
                alerts.append(len(found))
                texts = engine.store.articles_by_ids(found)
                named += [story.lower() in f"{a.title} {a.text}".lower() for a in texts.values()]
                in_title = {aid for aid, title in new.items() if story.lower() in title.lower()}
                title_total += len(in_title)
                title_found += len(in_title & found)
            took.sort()
            rows.append([pack.name, name, f"{len(alerts):,}", f"{sum(alerts) / len(alerts):.2f}",
                         f"{sum(named) / len(named):.3f}" if named else "-",
                         f"{title_found / title_total:.3f} of {title_total}" if title_total else "-",
                         f"{took[len(took) // 2]:.0f}", f"{took[int(len(took) * 0.95)]:.0f}"])
    return rows


def main() -> None:
    from bench.tables import pack_args, pack_table

    pack_table(["pack", "rule", "follows", "alerts a follow (mean)", "alerted naming the story",
                "naming it in the headline, alerted", "p50 ms", "p95 ms"], measure, pack_args(__doc__))


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    main()
