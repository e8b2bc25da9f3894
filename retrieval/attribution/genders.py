"""Whom an article calls "he" and whom "she", read from the article itself, so that a pronoun's
antecedent (`resolver.Resolver`) passes over a person the article calls the other: in "Tennis great
Billie Jean King remembered Ali. … “He always whispered in my ear,” she said." the quote is
King's, not that of Andy Murray, quoted before her. No list of first names is consulted: the
evidence is the article's own honorifics ("Ms. Acosta", two votes) and pronouns right after a
name ("Murray said he was", one vote). A person with under two votes for one pronoun, or as many
for the other, matches either."""

from __future__ import annotations

import re
from collections import Counter, defaultdict

from .names import clean_token
from .rules import CAP, PRONOUNS

_NAME = rf"[{CAP}][\w'’-]+"
#: "Mr. Obama", "Ms. Yelena Lukyanova": the honorific's person is its last capitalized word.
HONORIFIC = re.compile(rf"\b(Mr|Mrs|Ms|Miss)\.?\s+((?:{_NAME}\s+){{0,2}}{_NAME})")
#: A name, then a verb of saying or thinking and the pronoun it reports: "Murray said he's",
#: "Walsh explained that she", "Sanders, who says he". Not a possessive: in "Axelrod said her
#: proposals" the proposals are another's.
NAME_THEN_PRONOUN = re.compile(
    rf"\b((?:{_NAME}\s+){{0,2}}{_NAME})(?:’s|'s)?,?\s+(?:who\s+|also\s+|later\s+|then\s+)?"
    r"(?:said|says|added|adds|told\s+\w+|tells\s+\w+|noted|notes|explained|explains|argued|argues|wrote|writes|"
    r"insisted|insists|acknowledged|acknowledges|recalled|recalls|believes|believed|thinks|thought|felt|feels|"
    r"announced|announces|claimed|claims|stressed|stresses|warned|warns|admitted|admits)"
    r"\s+(?:that\s+)?(he|she|himself|herself)\b"
)
_PRONOUN_GENDER = {**PRONOUNS, "himself": "m", "herself": "f"}
_HONORIFIC_GENDER = {"mr": "m", "mrs": "f", "ms": "f", "miss": "f"}


class Genders:
    """Votes for "he" or "she" per person in one article. A person is a full name the article
    gives (`full_names`); a surname alone counts for the one full name it ends, and for nobody
    where it ends several ("Mrs. Clinton" beside Bill and Hillary Clinton)."""

    def __init__(self, text: str, full_names: list[list[str]]) -> None:
        self.by_surname: dict[str, set[tuple[str, ...]]] = defaultdict(set)
        for tokens in full_names:
            self.by_surname[tokens[-1].lower()].add(tuple(t.lower() for t in tokens))
        self.votes: dict[tuple[str, ...], Counter] = defaultdict(Counter)
        for m in HONORIFIC.finditer(text):
            self.add(m[2], _HONORIFIC_GENDER[m[1].lower()], 2)
        for m in NAME_THEN_PRONOUN.finditer(text):
            self.add(m[1], _PRONOUN_GENDER[m[2].lower()])

    def person(self, name: str) -> tuple[str, ...] | None:
        """The full name `name` stands for: the one with its surname whose first names it gives,
        else the only one with its surname, else the name itself when no full name ends with it."""
        tokens = [t for t in (clean_token(t).lower() for t in name.split()) if t]
        if not tokens:
            return None
        known = self.by_surname.get(tokens[-1], set())
        given = [full for full in known if set(tokens[:-1]) & set(full[:-1])]
        if len(given) == 1:
            return given[0]
        if len(known) == 1:
            return next(iter(known))
        return tuple(tokens[-1:]) if not known else None

    def add(self, name: str, gender: str, weight: int = 1) -> None:
        """Count `weight` votes for `gender` ("m" or "f") for the person `name` stands for."""
        if (person := self.person(name)) is not None:
            self.votes[person][gender] += weight

    def of(self, name: str) -> str | None:
        """"m", "f", or None where the article says neither (or both as often)."""
        votes = self.votes.get(self.person(name) or ())
        if not votes or votes["m"] == votes["f"] or max(votes.values()) < 2:
            return None  # one "X said he" is as often about another man ("Ali said he gave a speech")
        return "m" if votes["m"] > votes["f"] else "f"

    def fits(self, name: str, pronoun: str) -> bool:
        """Whether the article may call `name` by `pronoun` ("he", "she", ...)."""
        said = self.of(name)
        return said is None or said == _PRONOUN_GENDER.get(pronoun.lower(), said)
