"""What the pack benchmarks share: a Markdown table with a row for each pack, and a clear exit
when a pack is missing (the packs live in ../shared/eval/, never in the repository)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from pathlib import Path


def pack_table(head: list[str], row: Callable[[Path], list[str]], packs: Iterable[Path]) -> None:
    """Print `head` and `row(pack)` for each pack as it is measured; exit with the pack's
    message when one is missing."""
    from retrieval.evaluation.answers import PackMissing

    print("| " + " | ".join(head) + " |\n|" + "---|" * len(head), flush=True)
    for pack in packs:
        try:
            print("| " + " | ".join(row(pack)) + " |", flush=True)
        except PackMissing as e:
            sys.exit(str(e))
