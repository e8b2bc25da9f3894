"""Who said what: attributions found in an article's text, by rules of English news style.

Direct quotes (direct.py) and reported speech (reported.py), each with its speaker, cue, kind and
character offsets. The speaker is resolved to the person it stands for within the article
(names.py): a surname to the full name mentioned before it, "he"/"she" to the person just
named or quoted, titles (Mr., Sen., Prime Minister) ignored. quotes.py answers from them.
"""

from __future__ import annotations

from .direct import DirectQuotes
from .names import PRONOUNS, Resolver, name_key, speaker_matches
from .quotes import Profile, Quote, find_quotes, profile_of
from .reported import reported_in
from .rules import RULES_VERSION, Attribution

__all__ = [
    "PRONOUNS", "RULES_VERSION", "Attribution", "Profile", "Quote", "extract", "find_quotes", "name_key", "profile_of",
    "speaker_matches",
]


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
