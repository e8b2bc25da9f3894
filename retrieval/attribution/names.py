"""Names in an article: which phrase names a person, and how a name is matched. Whom a surname
or "he"/"she" stands for at a point of the article is resolver.py's."""

from __future__ import annotations

import re
from collections.abc import Iterable

from .offices import after_office, an_office, name_after_body, role_before
from .rules import COMMON_START, NAME_TOKEN, PLURAL_PRONOUNS, PRONOUNS, TITLES

# --- names ---------------------------------------------------------------------------------
def clean_token(token: str) -> str:
    return token.strip(",.;:!?()[]\"“”‘’'").removesuffix("’s").removesuffix("'s")


#: Words that end an outlet's or an office's name before a person's: "Fox News Sean Hannity",
#: "Chief of Staff Katie Walsh".
AFFILIATION_ENDS = {"news", "channel", "network", "times", "post", "journal", "magazine", "radio", "tv", "staff",
                    "press", "tribune", "herald", "gazette", "daily", "media", "online", "report", "today"}


def is_possessive(raw: str) -> bool:
    return raw.rstrip(",.;:!?").endswith(("’s", "'s", "s’", "s'"))


def strip_affiliation(tokens: list[str]) -> list[str]:
    """'Fox News Sean Hannity' -> ['Sean', 'Hannity'], 'CNN Dana Bash' -> ['Dana', 'Bash']: what
    follows the last outlet word or acronym, when two names are left."""
    cut = 0
    for i, token in enumerate(tokens[:-2]):
        if token.lower() in AFFILIATION_ENDS or (len(token) >= 2 and token.isupper() and token.isalpha()):
            cut = i + 1
    return tokens[cut:]


def name_runs(phrase: str) -> list[list[str]]:
    """Runs of capitalized words: candidate names ("Political analyst Alexei Mukhin" gives
    ["Political"], ["Alexei", "Mukhin"]; "NBC’s Chuck Todd" gives ["NBC"], ["Chuck", "Todd"])."""
    runs: list[list[str]] = []
    current: list[str] = []
    for raw in phrase.split():
        token = clean_token(raw)
        if token and NAME_TOKEN.match(token) and not token.isdigit():
            current.append(token)
            if raw.endswith((",", ";", ":")) or is_possessive(raw):
                runs.append(current)
                current = []
        else:
            if current:
                runs.append(current)
            current = []
    if current:
        runs.append(current)
    return runs


def strip_titles(tokens: list[str]) -> list[str]:
    """'French Prime Minister Manuel Valls' -> ['Manuel', 'Valls']; 'Mr. Obama' -> ['Obama']."""
    last_title = -1
    for i, token in enumerate(tokens[:-1]):
        if token.lower().rstrip(".") in TITLES or token.lower().endswith("-based"):  # "Orlando-based Darden"
            last_title = i
    rest = tokens[last_title + 1 :]
    return [t for t in rest if t.lower().rstrip(".") not in ("jr", "sr", "iii", "ii")] or rest


HONORIFICS = {"mr", "mrs", "ms", "miss", "dr"}

#: Words that may follow a name in a subject without making it a description.
TRAILING = {"herself", "himself", "themselves", "itself", "also", "too", "alone", "jr", "sr", "again", "later", "then"}


#: A party and state after a legislator's name: "Sen. Chris Murphy (D-Conn.)", "Bill Schuette (R)".
PARTY_TAG = re.compile(r"\s*\((?:[RDI]|[RDI]-[^()]{1,20})\)")


#: Plural nouns that open a body's name before "of" ("Friends of the Earth", "Knights of
#: Columbus", "Veterans of Foreign Wars"), where a single word is otherwise a surname ("Brooks of
#: the Heritage Foundation").
_MEMBERS = {"friends", "knights", "daughters", "sons", "veterans", "citizens", "mothers", "fathers", "parents",
            "doctors", "nurses", "physicians", "workers", "engineers", "scientists", "teachers", "students"}

#: Capitalized words that open a subject and name nobody.
_NOT_NAMES = set(PRONOUNS) | PLURAL_PRONOUNS | {"there", "here", "this", "that", "these", "those"}

#: Words of a body's name that the attribution rules may take for a person's ("New York City Fire
#: Department said"): such a speaker is not offered as a person (the questions to ask next, the
#: people quoted beside someone), though what it said can be asked for.
BODIES = {"department", "ministry", "office", "agency", "police", "service", "council", "committee", "court", "fire",
          "news", "press", "union", "university", "company", "government", "administration", "house", "party",
          "association", "organization", "organisation", "center", "centre", "bureau", "commission", "board",
          "institute", "foundation", "group", "team", "club", "network", "times", "post", "journal", "society", "bank",
          "federation", "coalition", "alliance", "league", "college", "school", "sports", "tribune", "herald",
          "gazette", "command", "stadium", "arena", "division"}
#: The last word before "of" that makes what follows a body's name, not a place after a person's.
_BODY_FIRST = BODIES | _MEMBERS

#: Last words of a body's name that are hardly ever a surname: "the Justice Department said" is
#: the department, not a person named "Department" ("Justice" read as a title), nor is "the
#: Department of Human Services says" a "Department" a full name before it stands for. BODIES
#: less the words that may end a person's or a product's name ("Margaret Court", "Emily Post",
#: "Edward House"), and with a company's suffixes.
_BODY_HEADS = (BODIES - {"service", "court", "fire", "news", "press", "union", "house", "center", "centre", "board",
                         "group", "team", "club", "network", "times", "post", "journal", "bank", "league"}) | {"inc", "corp", "llc"}


#: A body named for its purpose ("the Committee to Protect Journalists", "Campaign to End
#: Loneliness"): its "to" is read as a body's "of", so the words after it name no one.
_PURPOSE = re.compile(
    r"\b(" + "|".join(sorted(_BODY_FIRST | {"campaign", "fund", "project", "movement", "initiative", "partnership"}))
    + r")\s+to\s+(?=[A-Z])", re.IGNORECASE)


def person_name(subject: str) -> str | None:
    """The person a subject phrase names, or None for a description ("a senior official")."""
    subject = _PURPOSE.sub(r"\1 of ", PARTY_TAG.sub("", subject))
    # "Trump in April", "Biden in his remarks", "Trump on Monday": the person comes before "in".
    first_segment = re.split(r",|\bwho\b|\bwhich\b|\s(?:in|on|during)\s", subject, maxsplit=1)[0]
    # "Sen. Bernie Sanders of Vermont": the person comes before "of", not the place after it;
    # but "Secretary of State John Kerry" has only a title before it.
    before_place = re.split(r"\s(?:of|from|at|for)\s", first_segment, maxsplit=1)[0]
    head = [w for w in before_place.split() if w.lower().strip(".") not in TRAILING]
    if head and head[-1][:1].islower():
        return None  # "The Vermont senator", "One California delegate", "the Obama administration"
    # After anything but a title ("People for the Ethical Treatment of Animals", "the Union of
    # Concerned Scientists", "Office of Management and Budget Director Russ Vought") the words
    # after "of" or "for" name a person only after an office; a body before them is no one.
    office_needed = before_place != first_segment and not all(
        w.lower().strip(".,") in TITLES or w.lower() in ("the", "a", "an") for w in before_place.split())
    body_first = before_place != first_segment and any(w.lower().strip(".,") in _BODY_FIRST for w in before_place.split()[-1:])
    for segment in dict.fromkeys((first_segment,) if body_first else (before_place, first_segment)):
        runs = name_runs(segment)
        words = segment.split()
        if runs and words and clean_token(words[0]) == runs[0][0] and runs[0][0].lower() in COMMON_START:
            runs[0] = runs[0][1:]
        runs = [r for r in runs if r]
        if not runs:
            continue
        if runs[-1][-1].lower().rstrip(".") in _BODY_HEADS:
            return None  # "the Justice Department", "the Department of Human Services", "the Labour Party"
        named = strip_affiliation(runs[-1])
        tokens = after_office(strip_titles(named))
        if segment is not before_place:
            if office_needed and not (len(tokens) >= 2 and (
                    an_office(runs[-1][: len(runs[-1]) - len(tokens)]) or role_before(segment, len(runs[-1])))):
                return None  # no office held before the name: "… for a Responsible Federal Budget"
            tokens = name_after_body(tokens)
        if len(tokens) >= 2 and len(tokens[-1]) >= 2 and tokens[-1].isupper() and tokens[-1].isalpha():
            return None  # "Trump PAC", "Clinton HQ": an organisation
        if len(tokens) == 1 and tokens[0].lower() in _NOT_NAMES:
            return None  # "What I would say…", "There said": a capitalized pronoun, no one's name
        if tokens and not all(t.lower().rstrip(".") in TITLES for t in tokens):
            return " ".join(tokens)
        if len(runs[-1]) >= 2 and runs[-1][-2].lower().rstrip(".") in HONORIFICS:
            return runs[-1][-1]  # "Mr. King", "Ms. Chief": a surname that is also a title word
    return None


def name_key(name: str) -> list[str]:
    """Tokens a name is matched by: lower-case, titles and possessives dropped."""
    tokens = [t for t in (clean_token(t).lower() for t in name.split()) if t]
    # The last word is the surname even when it is also a title word ("Larry King").
    return [t for t in tokens[:-1] if t.rstrip(".") not in TITLES] + tokens[-1:]


def speaker_matches(query: str, speaker: str) -> bool:
    """'Lukyanova', 'Yelena Lukyanova' and 'Mrs. Lukyanova' all match 'Yelena Lukyanova'."""
    wanted, have = name_key(query), set(name_key(speaker))
    return bool(wanted) and all(w in have for w in wanted)


def speakers_meant(query: str, speakers: Iterable[str]) -> set[str]:
    """Which of `speakers` (those `speaker_matches` the query) a name asks for. One word that is
    some speaker's surname means them alone: "Paul" is Rand Paul, not Paul Ryan or Paul Manafort,
    whose first name it is. A word that is nobody's surname ("Bernie", "Hillary") keeps
    the first-name matches. The lookup (`find_quotes`) and its measure (`newsbot eval-quotes`)
    both choose here."""
    matching = {s for s in speakers if speaker_matches(query, s)}
    wanted = name_key(query)
    if len(wanted) != 1:
        return matching
    by_surname = {s for s in matching if name_key(s)[-1:] == wanted}
    return by_surname or matching


def a_person(speaker: str) -> bool:
    """A stored speaker that is a person's full name: two to four capitalized words, none a
    body's and none a verb's form ("Punishing Spain")."""
    words = speaker.split()
    return (2 <= len(words) <= 4 and all(w[:1].isupper() for w in words) and not words[0].lower().endswith("ing")
            and not {w.lower().rsplit("-", 1)[-1] for w in words} & BODIES)  # "Omaha World-Herald"
