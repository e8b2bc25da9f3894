"""Whether a phrase can be who spoke: a subject before or after a cue short enough to be a
speaker, a transcript's or a headline's label that is a person. What a phrase names, and the
subject a sentence opens with, are names.py's."""

from __future__ import annotations

import re

from .names import a_person, person_name
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


def labelled_person(label: str, resolver: Resolver, at: int, content: str = "") -> bool:
    """A label is a person when it is a full name, or a surname the article gives in full, and the
    article names them outside its labels too, or what follows is a headline's claim ("Cecile
    Richards: ‘I’m Sick Of Men Telling Us What To Do’"): a transcript's "PENCE:" or an interview's
    "Greg Burton:" is someone the text introduces, where a fact check's "Facts First: Trump's
    figure is false", a table's "Great Recession:" or a corrections list's "Sports:" (read as
    "TODAY Sports") is a heading."""
    if label.isupper():  # a transcript's "PENCE:" is a person named in the article's own text
        return len(label) >= 3 and _named_outside_labels(label.title(), resolver.text)
    name = person_name(label)
    if not name:
        return False
    full = resolver.full_name(name, at)
    return (len(full.split()) >= 2 and a_person(full)
            and (_named_outside_labels(label, resolver.text) or _a_headline(content)))


def _a_headline(text: str) -> bool:
    """Words in title case: most words of four letters or more capitalized."""
    long = [w for w in re.findall(r"[^\W\d_][\w'’-]*", text[:200]) if len(w) >= 4]
    return len(long) >= 2 and sum(w[0].isupper() for w in long) >= 0.7 * len(long)


def _named_outside_labels(name: str, text: str) -> bool:
    """Whether `name` occurs in `text` other than as a label (not followed by a colon)."""
    return re.search(rf"\b{re.escape(name)}\b(?![’']?s?\s*:)", text) is not None
