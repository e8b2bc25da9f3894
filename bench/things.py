"""What something is (retrieval/things.py): what "what is X?" gets on a RealTime QA pack for the
initials the news uses most, beside what the ordinary answer path would show for the same question.

Usage: python bench/things.py ../shared/eval/realtimeqa-2026 [more packs] [--names 60] [--dump FILE]

The things asked about are the initials (two to six capitals: FEMA, NATO, DOGE) in the most of
the pack's articles, less the few that name no thing (time zones, "US", "CEO", Roman numerals).
Initials are the one kind of name whose answer can be checked by rule: a sentence that says
what FEMA is spells out "Federal Emergency Management Agency". Each is asked "what is <X>?", as a
reader types it, on the pack's last asking date, over the pack's evaluation cache; side by side
in one run, the same question through the ordinary answer path (the thing not read from it).
Measured: whether the first citation's answering sentence spells the initials out, whether any
of the three excerpts does, how often what they stand for heads the answer, and the time each
question takes. `--dump` writes each name with the description shown, for reading by hand.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

#: Initials that name no thing to ask about.
_NOT_THINGS = {"US", "USA", "UK", "TV", "CEO", "AI", "AM", "PM", "ET", "PT", "CT", "MT", "EST", "EDT", "PST", "PDT", "CST",
               "CDT", "DC", "OK", "ID", "II", "III", "IV", "VI", "VII", "VIII", "IX", "XI", "AP", "NO", "OR", "IT", "IN", "AND",
               "THE", "MORE", "READ", "PHOTOS", "WATCH", "LIVE", "UPDATE", "NEW"}
_INITIALS = re.compile(r"\b[A-Z]{2,6}\b")


def _initials(engine, limit: int) -> list[str]:
    """The initials in the most articles, read a batch of articles at a time."""
    counts: Counter[str] = Counter()
    last = 0
    while True:
        rows = engine.store.query("SELECT id, text FROM articles WHERE id > ? ORDER BY id LIMIT 500", [last])
        if not rows:
            break
        for row in rows:
            counts.update(set(_INITIALS.findall(row["text"])) - _NOT_THINGS)
        last = rows[-1]["id"]
    return [name for name, _ in counts.most_common(limit)]


def spells_out(text: str, initials: str) -> bool:
    """Whether `text` holds a run of capitalized words whose initials are `initials`."""
    from retrieval.things import spelled_out

    words = text.split()
    return any(spelled_out([w.rstrip(",;:.)") for w in words[: i + 1]], initials) for i in range(len(words)))


def measure(pack: Path, limit: int, dump: list[dict]) -> list[list[str]]:
    from bench.tables import compared

    def read(name, answer, sentence) -> tuple[int, int, int]:
        said = answer.subject.description if answer.subject else ""
        if said:
            dump.append({"pack": pack.name, "name": name, "description": said,
                         "excerpt": next(c for c in answer.citations if c.rank == answer.subject.rank).excerpt})
        return spells_out(sentence, name), any(spells_out(c.excerpt, name) for c in answer.citations), spells_out(said, name)

    return compared(pack, "newsbot: where the news says what it is", lambda engine: _initials(engine, limit),
                    "what is {}?".format, {"thing": ""}, read, 3)


def main() -> None:
    from bench.tables import names_bench

    names_bench(__doc__, ["pack", "answer", "initials asked", "answered", "first sentence spells them out",
                 "an excerpt spells them out", "what they stand for heads the answer", "p50 ms", "p95 ms"], measure, 60)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    main()
