"""Who said what: attributions found in an article's text, by rules of English news style.

Direct quotes (direct.py) and reported speech (reported.py), each with its speaker, cue, kind and
character offsets. The speaker is resolved to the person it stands for within the article
(names.py): a surname to the full name mentioned before it, "he"/"she" to the person just
named or quoted, titles (Mr., Sen., Prime Minister) ignored. quotes.py answers from them.

Beside the rules, a learned tagger (tagger.py, trained on PolNeAR by learn.py) finds what no
rule covers: reported speech without a classic cue, speakers introduced without a speech verb.
It ships in model/ (MODEL.md) and runs where the rules run, at ingest and when the stored
attributions are found again; `Attributor` is the one place that puts the two together.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .direct import DirectQuotes
from .names import PRONOUNS, name_key, speaker_matches, speakers_meant
from .quotes import Profile, Quote, find_quotes, iter_quotes, profile_of
from .reported import reported_in
from .resolver import Resolver
from .rules import RULES_VERSION, Attribution
from .tagger import TAGGER_VERSION, Tagger, combined

__all__ = [
    "PRONOUNS", "RULES_VERSION", "Attribution", "Attributor", "Profile", "Quote", "extract", "find_quotes", "iter_quotes", "name_key", "profile_of",
    "attributor", "speaker_matches", "speakers_meant",
]

#: The tagger that ships with newsbot (MODEL.md says how it was trained and what it measured).
SHIPPED_TAGGER = Path(__file__).resolve().parent / "model"


def extract(text: str) -> list[Attribution]:
    """Every attribution found in an article's text (paragraphs separated by blank lines)."""
    resolver = Resolver(text)
    direct = DirectQuotes(text, resolver)
    found: list[Attribution] = []
    for p_index, para in enumerate(resolver.paragraphs):
        found += direct.in_paragraph(p_index)
        found += reported_in(text, para.start, text[para.start : para.end], resolver, direct.covered)
    found.sort(key=lambda a: a.start)
    return found


@dataclass(frozen=True)
class Attributor:
    """Who said what in an article: the rules, and the learned tagger where no rule found one
    over the same text (the rules are the more precise; the tagger adds what they miss)."""

    tagger: Tagger | None = None

    @property
    def version(self) -> str:
        """What found the stored attributions: a store found by another finds them again."""
        return RULES_VERSION + (f"+tagger-{TAGGER_VERSION}" if self.tagger is not None else "")

    def __call__(self, text: str) -> list[Attribution]:
        rules = extract(text)
        return rules if self.tagger is None else combined(text, rules, self.tagger)


@cache
def attributor(with_tagger: bool = True) -> Attributor:
    """The rules, with the shipped tagger when asked for and present (NEWSBOT_ATTRIBUTION_TAGGER).
    One per process: the tagger's session is loaded once, on the first article it reads."""
    shipped = SHIPPED_TAGGER / "model.onnx"
    return Attributor(Tagger(SHIPPED_TAGGER) if with_tagger and shipped.is_file() else None)
