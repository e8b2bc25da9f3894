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
