"""What the pack benchmarks share: the packs named on the command line, a Markdown table with a
row (or several) for each pack, and a clear exit when a pack is missing (the packs live in
../shared/eval/, never in the repository)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterable
from pathlib import Path


def pack_args(doc: str) -> list[Path]:
    """The packs named on the command line; `doc` (the benchmark's docstring) opens its --help."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument("packs", type=Path, nargs="+")
    return parser.parse_args().packs


def pack_table(head: list[str], row: Callable[[Path], list[str] | list[list[str]]], packs: Iterable[Path]) -> None:
    """Print `head` and what `row(pack)` gives for each pack (a row, or a list of rows) as it
    is measured; exit with the pack's message when one is missing."""
    from retrieval.evaluation.answers import PackMissing

    print("| " + " | ".join(head) + " |\n|" + "---|" * len(head), flush=True)
    for pack in packs:
        try:
            rows = row(pack)
        except PackMissing as e:
            sys.exit(str(e))
        for cells in rows if rows and isinstance(rows[0], list) else [rows]:
            print("| " + " | ".join(cells) + " |", flush=True)


#: The two answers a "who is X?" / "what is X?" benchmark compares, side by side in one run.
NEWSBOT, ORDINARY = "newsbot", "the ordinary answer path"


def compared(pack: Path, label: str, names_of: Callable, question_of: Callable[[str], str], ordinary: dict,
             read: Callable, columns: int) -> list[list[str]]:
    """The names `names_of(engine)` gives for the pack, each asked `question_of(name)` on the
    pack's last asking date over its evaluation cache: as `newsbot ask` answers it (the row named
    `label`), then through the ordinary answer path (the question parsed with the fields of
    `ordinary` set, {"thing": ""}). `read(name, answer, sentence)` counts, for each answered
    question, what its `columns` cells measure (given the first citation's answering sentence);
    the last is newsbot's own ("-" for the ordinary path). Each row: the pack, the answer, names
    asked, the share answered, each column's share, p50 and p95 ms."""
    import time
    from dataclasses import replace
    from datetime import date

    from retrieval.evaluation.answers import load_questions, pack_engine
    from retrieval.question import Question

    asked_on = max(date.fromisoformat(q["date"]) for q in load_questions(pack))
    rows = []
    with pack_engine(pack, notice=lambda m: None) as (engine, _):
        engine.ask("warm up")
        names = names_of(engine)
        for variant in (NEWSBOT, ORDINARY):
            took, answered, sums = [], 0, [0] * columns
            for name in names:
                started = time.perf_counter()
                if variant == NEWSBOT:
                    answer = engine.ask(question_of(name), asked_on=asked_on)
                else:
                    with engine.indexes.lock:
                        answer = engine.searcher.search(replace(Question.parse(question_of(name)), **ordinary), 3, asked_on)
                took.append((time.perf_counter() - started) * 1000)
                if answer.no_answer:
                    continue
                answered += 1
                start, end = answer.citations[0].highlights[0]
                sums = [a + b for a, b in zip(sums, read(name, answer, answer.citations[0].excerpt[start:end]))]
            n = max(1, len(names))
            cells = [f"{c / n:.3f}" for c in sums[:-1]] + [f"{sums[-1] / n:.3f}" if variant == NEWSBOT else "-"]
            rows.append([pack.name, label if variant == NEWSBOT else variant, f"{len(names)}", f"{answered / n:.3f}",
                         *cells, *p50_p95(took)])
    return rows


def p50_p95(took: list[float]) -> list[str]:
    """The median and the 95th percentile of `took` (milliseconds), as table cells."""
    took = sorted(took)
    return [f"{took[len(took) // 2]:.0f}", f"{took[int(len(took) * 0.95)]:.0f}"]


def names_bench(doc: str, head: list[str], measure: Callable[[Path, int, list[dict]], list[list[str]]], names: int) -> None:
    """The command line of a benchmark that asks about the names a pack mentions most: the packs,
    `--names` (how many, default `names`) and `--dump FILE` (each description shown, a JSON line
    each, for reading by hand); the table of `measure(pack, names, dump)` for each pack."""
    import json

    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument("packs", type=Path, nargs="+")
    parser.add_argument("--names", type=int, default=names)
    parser.add_argument("--dump", type=Path)
    args = parser.parse_args()
    dump: list[dict] = []
    pack_table(head, lambda pack: measure(pack, args.names, dump), args.packs)
    if args.dump:
        args.dump.write_text("\n".join(json.dumps(d, ensure_ascii=False) for d in dump) + "\n")


def story_of(answer: str) -> str:
    """A quiz answer as the story it names ("Pizza Hut", "Screwworm"), its quotation marks off."""
    return answer.strip(" \"“”'’")
