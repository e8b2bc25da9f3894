"""Whether a phrase can be who spoke: a subject before or after a cue short enough to be a
speaker, a transcript's or a headline's label that is a person. What a phrase names, and the
subject a sentence opens with, are names.py's."""

from __future__ import annotations

import re

from .names import person_name
from .resolver import Resolver
from .rules import CAP, TIME_WORDS


#: A name and the day it spoke: "Trump on Monday said …" is Trump's (`person_name` reads the name
#: before "on"); a subject ending in another time word ("The report released Monday", "He later")
#: is not one.
NAME_ON_DAY = re.compile(rf"^(?:[{CAP}][\w'’.-]*\s+){{0,3}}[{CAP}][\w'’-]+\s+on\s+[{CAP}][a-z]+day$")

#: Words that may join the capitalized words of an office before a name ("Health and Human
#: Services Secretary Robert F. Kennedy Jr.").
_OFFICE_JOINERS = {"and", "of", "for", "to", "the", "&"}


def subject_ok(subject: str) -> bool:
    """A subject phrase short enough to be who spoke: up to seven words, or up to ten when they
    are an office's capitalized words and a name."""
    words = subject.split()
    if not 1 <= len(words) <= 7 and not (8 <= len(words) <= 10 and words[-1][:1].isupper()
                                         and all(w[:1].isupper() or w in _OFFICE_JOINERS for w in words)):
        return False
    lower = subject.lower()
    if any(w in ("is", "was", "are", "were", "be", "been", "the", "a", "an", "to") for w in words[-1:]):  # "hard to believe"
        return False
    if words[-1].lower().strip(".,") in TIME_WORDS and not NAME_ON_DAY.match(subject):
        return False
    return not re.search(r"[“”\"]", lower)


def labelled_person(label: str, resolver: Resolver, at: int) -> bool:
    """A label is a person when it is a full name, or a surname the article gives in full."""
    if label.isupper():  # a transcript's "PENCE:" is a person named in the article's own text
        return len(label) >= 3 and re.search(rf"\b{re.escape(label.title())}\b", resolver.text) is not None
    name = person_name(label)
    return bool(name) and len(resolver.full_name(name, at).split()) >= 2
