"""Offices before a person's name: the title words that hold one ("Director") and those that
only describe it ("State", "Federal"), the words an office's name ends with, and the roles in
lower case between a body's name and a person's. names.py reads a subject's name with them."""

from __future__ import annotations

import re
from collections.abc import Iterable

from .rules import TITLES


#: Words that end an office's name ("Secretary of Health and Human Services Robert Kennedy",
#: "Secretary of Veterans Affairs Doug Collins"), where the title before it is too far to strip.
_OFFICE_ENDS = {"services", "affairs", "security", "development", "resources", "defense", "defence", "commerce", "labor",
                "labour", "energy", "education", "transportation", "agriculture", "treasury", "interior", "health",
                "welfare", "environment", "safety", "trade", "finance", "housing", "intelligence", "staff", "planning",
                "management", "budget", "immigration", "communications"}


def after_office(tokens: list[str]) -> list[str]:
    """The name after an office's last word, when two words or more are left of it:
    ["Human", "Services", "Robert", "Kennedy"] -> ["Robert", "Kennedy"]."""
    ends = [i for i, t in enumerate(tokens[:-2]) if t.lower() in _OFFICE_ENDS]
    return tokens[ends[-1] + 1 :] if ends else tokens


#: Title words that describe an office rather than hold one ("State" in "State Department",
#: "Federal" in "Federal Budget"): an office is only named by the others ("Director").
_TITLE_MODIFIERS = {"state", "foreign", "defense", "defence", "interior", "finance", "house", "senate", "white",
                    "federal", "u.s", "us", "democratic", "republican", "gop", "party", "presidential", "vice",
                    "prime", "former", "deputy", "acting", "assistant", "general", "head"}

#: Title words that hold an office ("Director", "Secretary").
_OFFICES = TITLES - _TITLE_MODIFIERS


def an_office(words: Iterable[str]) -> bool:
    """Some of `words` holds an office: the title words before a name."""
    return any(w.lower().rstrip(".") in _OFFICES for w in words)


#: Lower-case words of a role that stand between a body's name and a person's ("Department of
#: Justice spokesman Peter Carr", "University of Michigan economist Justin Wolfers").
_ROLES = _OFFICES | {"economist", "fellow", "researcher", "scientist", "historian", "strategist",
                    "pollster", "expert", "official", "member", "partner", "associate", "commander"}


def role_before(segment: str, run_length: int) -> bool:
    """The word before a segment's last `run_length` words is a role's, in lower case."""
    words = segment.split()
    return len(words) > run_length and words[-run_length - 1] in _ROLES


def name_after_body(tokens: list[str]) -> list[str]:
    """After "Chair of the Federal Reserve", "Mayor of London": the body's or the place's last
    words run into the name; the name is the last two words, or three with an initial."""
    if len(tokens) < 3:
        return tokens
    return tokens[-3:] if re.fullmatch(r"[A-Z]\.?", tokens[-2]) else tokens[-2:]
