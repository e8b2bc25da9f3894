"""Who someone is (retrieval/people.py): what "who is X?" gets on a RealTime QA pack, beside what
the ordinary answer path would show for the same question.

Usage: python bench/people.py ../shared/eval/realtimeqa-2026 [more packs] [--names 100] [--dump FILE]

The people asked about are those the pack's articles quote in the most articles (the stored
attributions, full names only, one a surname; places, outlets and bodies the attributions took
for people set aside). Each is asked "who is <surname>?", as a reader types it, on the
pack's last asking date, over the pack's evaluation cache; side by side in one run, the same
question through the ordinary answer path (the person not read from it). Measured on the first
citation's answering sentence: whether it names the person in full, and whether it says what
they are (read by the same rule for both rows, people.introduction on that sentence alone);
then how often a description heads the answer, and the time each question takes. `--dump`
writes each name with the description shown, for reading by hand.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import replace
from datetime import date
from pathlib import Path
from statistics import median


#: Words of an outlet's or a body's name the attributions took for a person's ("Associated Press",
#: "World Health Organization"), beside the bodies the answer path sets aside (people.BODIES).
_ORGANISATIONS = {"survey", "sun", "star", "herald", "globe", "services", "reuters", "rock", "tribune", "gazette",
                  "eagle", "airlines", "palace", "nations", "states"}


def _a_person(name: str) -> bool:
    """Not a place (the gazetteer's), an outlet or a body the attributions took for a person."""
    from retrieval.answer_types import gazetteer
    from retrieval.attribution.names import name_key
    from retrieval.people import BODIES

    words = name.split()
    places = gazetteer()["place"].get(words[0], ())
    return not (name in places or set(name_key(name)) & (BODIES | _ORGANISATIONS)
                or any(w.split("-")[-1].lower() in _OUTLET_ENDS for w in words[1:] if "-" in w)
                or words[0] in {"St", "Saint", "San", "Santa", "Los", "Las", "New", "Fort", "Des", "Sioux", "Baton", "El"})


#: The second half of an outlet's hyphened name: "Star-Tribune", "Post-Dispatch".
_OUTLET_ENDS = {"tribune", "advertiser", "dispatch", "herald", "gazette", "mail", "journal", "news", "times", "star",
                "democrat", "press", "bulletin", "courier", "register"}


def _people(engine, limit: int) -> list[str]:
    from retrieval.attribution.names import name_key

    rows = engine.store.query(
        "SELECT speaker, COUNT(DISTINCT article_id) AS n FROM attributions WHERE is_person = 1 "
        "GROUP BY speaker ORDER BY n DESC, speaker LIMIT ?", [limit * 4])
    names, surnames = [], set()
    for row in rows:
        keys = name_key(row["speaker"])
        if len(keys) >= 2 and keys[-1] not in surnames and row["speaker"][:1].isupper() and _a_person(row["speaker"]):
            surnames.add(keys[-1])  # one person a surname: "who is Trump?" asks for the one quoted most
            names.append(row["speaker"])
    return names[:limit]


def measure(pack: Path, limit: int, dump: list[dict]) -> list[list[str]]:
    from retrieval.evaluation.answers import load_questions, pack_engine
    from retrieval.people import introduction
    from retrieval.question import Question

    asked_on = max(date.fromisoformat(q["date"]) for q in load_questions(pack))
    rows = []
    with pack_engine(pack, notice=lambda m: None) as (engine, _):
        engine.ask("warm up")
        people = _people(engine, limit)
        for variant in ("newsbot: where the news introduces them", "the ordinary answer path"):
            took, answered, full, described, headed = [], 0, 0, 0, 0
            for name in people:
                asked = f"who is {name.split()[-1]}?"
                started = time.perf_counter()
                if variant.startswith("newsbot"):
                    answer = engine.ask(asked, asked_on=asked_on)
                else:
                    with engine.indexes.lock:
                        answer = engine.searcher.search(replace(Question.parse(asked), person=""), 3, asked_on)
                took.append((time.perf_counter() - started) * 1000)
                if answer.no_answer:
                    continue
                answered += 1
                first = answer.citations[0]
                start, end = first.highlights[0]
                sentence = first.excerpt[start:end]
                intro = introduction(sentence, name)
                full += intro is not None and len(intro.name.split()) >= 2
                described += intro is not None and bool(intro.description)
                if answer.person and answer.person.description:
                    headed += 1
                    dump.append({"pack": pack.name, "name": name, "shown": answer.person.name,
                                 "description": answer.person.description,
                                 "sentence": next(c for c in answer.citations if c.rank == answer.person.rank).excerpt})
            took.sort()
            n = max(1, len(people))
            rows.append([pack.name, variant, f"{len(people)}", f"{answered / n:.3f}", f"{full / n:.3f}", f"{described / n:.3f}",
                         f"{headed / n:.3f}" if variant.startswith("newsbot") else "-",
                         f"{median(took):.0f}", f"{took[int(len(took) * 0.95)]:.0f}"])
    return rows


def main() -> None:
    from bench.tables import pack_table

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("packs", type=Path, nargs="+")
    parser.add_argument("--names", type=int, default=100)
    parser.add_argument("--dump", type=Path)
    args = parser.parse_args()
    dump: list[dict] = []
    pack_table(["pack", "answer", "people asked", "answered", "first sentence names them in full",
                "first sentence says what they are", "a description heads the answer", "p50 ms", "p95 ms"],
               lambda pack: measure(pack, args.names, dump), args.packs)
    if args.dump:
        args.dump.write_text("\n".join(json.dumps(d, ensure_ascii=False) for d in dump) + "\n")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    main()
