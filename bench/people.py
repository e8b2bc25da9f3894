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

import sys
from pathlib import Path


#: Words of an outlet's or a body's name the attributions took for a person's ("Associated Press",
#: "World Health Organization"), beside the bodies the answer path sets aside (attribution.names.BODIES).
_ORGANISATIONS = {"survey", "sun", "star", "herald", "globe", "services", "reuters", "rock", "tribune", "gazette",
                  "eagle", "airlines", "palace", "nations", "states"}


def _a_person(name: str) -> bool:
    """Not a place (the gazetteer's), an outlet or a body the attributions took for a person."""
    from retrieval.answer_types import gazetteer
    from retrieval.attribution.names import name_key
    from retrieval.attribution.names import BODIES

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
    from bench.tables import compared
    from retrieval.people import introduction

    def read(name, answer, sentence) -> tuple[bool, bool, bool]:
        intro = introduction(sentence, name)
        said = answer.person.description if answer.person else ""
        if said:
            dump.append({"pack": pack.name, "name": name, "shown": answer.person.name, "description": said,
                         "sentence": next(c for c in answer.citations if c.rank == answer.person.rank).excerpt})
        return intro is not None and len(intro.name.split()) >= 2, intro is not None and bool(intro.description), bool(said)

    return compared(pack, "newsbot: where the news introduces them", lambda engine: _people(engine, limit),
                    lambda name: f"who is {name.split()[-1]}?", {"person": ""}, read, 3)


def main() -> None:
    from bench.tables import names_bench

    names_bench(__doc__, ["pack", "answer", "people asked", "answered", "first sentence names them in full",
                 "first sentence says what they are", "a description heads the answer", "p50 ms", "p95 ms"], measure, 100)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    main()
