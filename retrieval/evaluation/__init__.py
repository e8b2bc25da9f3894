"""The measures `newsbot eval` (answers.py: answer quality on a news QA pack) and
`newsbot eval-quotes` (attribution.py: who-said-what on a PolNeAR pack) report.

A pack is ingested once into a data directory under `cache_dir()`, keyed by the pack's content
and the settings that shape the index, so a second run embeds nothing.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from pathlib import Path


def cache_dir() -> Path:
    """$NEWSBOT_EVAL_CACHE, else newsbot/eval in the user's cache folder ($XDG_CACHE_HOME or ~/.cache)."""
    if os.environ.get("NEWSBOT_EVAL_CACHE"):
        return Path(os.environ["NEWSBOT_EVAL_CACHE"])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "newsbot" / "eval"


def names_reported(packs: Iterable[Path], reported: tuple[str, ...]) -> bool:
    """Whether a training command was given a pack results are reported on; if so it says so on
    stderr (the command then refuses: a model fitted on those says nothing about next week)."""
    if not any(Path(p).resolve().name in reported for p in packs):
        return False
    one = len(reported) == 1
    print(f"error: {', '.join(reported)} {'is' if one else 'are'} what is reported: never train on {'it' if one else 'them'}",
          file=sys.stderr)
    return True
