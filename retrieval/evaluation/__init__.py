"""The measures `newsbot eval` (answers.py: answer quality on a news QA pack) and
`newsbot eval-quotes` (attribution.py: who-said-what on a PolNeAR pack) report.

A pack is ingested once into a data directory under `cache_dir()`, keyed by the pack's content
and the settings that shape the index, so a second run embeds nothing.
"""

from __future__ import annotations

import os
from pathlib import Path


def cache_dir() -> Path:
    """$NEWSBOT_EVAL_CACHE, else newsbot/eval in the user's cache folder ($XDG_CACHE_HOME or ~/.cache)."""
    if os.environ.get("NEWSBOT_EVAL_CACHE"):
        return Path(os.environ["NEWSBOT_EVAL_CACHE"])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "newsbot" / "eval"
