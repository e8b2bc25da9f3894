"""Who someone is, as the news introduces them: "who is Mamdani?".

News style names a person in full, with what they are, where an article first mentions them
("New York City Mayor Zohran Mamdani said…", "Alan Greenspan, the former Fed chairman, …"), and
by surname after that. So the answer to "who is X?" is, in each article about X, the sentence
that first names X; and the role before the name, or the description set off after it, is what
X is. The best-matching sentence, which the answer path would show, is usually a later one
that names X by surname in passing ("…, Mamdani added.").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date

from .attribution.names import clean_token, name_key, person_name, speakers_meant
from .attribution.rules import COMMON_START, TIME_WORDS, TITLES
from .answers import Citation, Described
from .question import STOPWORDS
from .rerank import Scored
from .store import Store
from .text import SentenceAt, Span

#: Words naming what a person is: the office and title words a name can follow, and the common
#: roles of news ("pop star", "former professional boxer", "wedding planner").
_PLACE_WORDS = {"state", "foreign", "defense", "defence", "interior", "finance", "house", "senate", "white", "federal", "u.s",
                "us", "democratic", "republican", "gop", "party", "presidential", "mr", "mrs", "ms", "miss", "vice", "prime",
                "former", "lord", "lady", "sir"}
ROLES = (TITLES - _PLACE_WORDS) | set(
    """actor actress anchor artist astronaut athlete author billionaire bishop boxer heavyweight cardinal chancellor cfo climber
    columnist comedian commander congressman congresswoman correspondent cyclist dancer defender designer diplomat
    economist entrepreneur executive forward golfer goalkeeper host influencer investor journalist lawmaker legislator
    midfielder model monarch musician novelist official owner pastor physician pilot pitcher planner player podcaster
    politician premier priest producer prosecutor quarterback rabbi rapper referee researcher scientist sheriff singer
    skater skier soldier songwriter star striker strategist student swimmer teacher tycoon veteran writer""".split()
)
#: Mentions of a person read for what they are: news says it at the first or second.
MENTIONS = 5
_OPENERS = COMMON_START | TIME_WORDS | STOPWORDS | {"since", "as", "once", "unless", "like", "whether", "under"}
#: Lowercase words a role may open with besides the roles themselves: "former Treasury Secretary".
_MODIFIERS = {"former", "then", "acting", "interim", "longtime", "late", "retired", "incoming", "outgoing", "current",
              "deputy", "assistant", "senior", "top", "fellow", "veteran", "star", "pop", "professional"}


#: What the citations of a "who is X?" answer are, in the bot and on the command line ("{}":
#: the person, or "them" after a line saying who they are).
INTRODUCED = "Where the news introduces {}"


def full_name(store: Store, who: str) -> str:
    """One word asked ("Trump") as the person the news quotes most by that surname ("Donald
    Trump"), so that a first mention of another ("Melania Trump") is not taken for theirs; a
    name of several words, or one nobody quoted goes by, as asked."""
    keys = name_key(who)
    if len(keys) != 1:
        return who
    counts = store.speaker_counts(keys[0])
    meant = [s for s in speakers_meant(who, set(counts)) if len(name_key(s)) > 1]
    return max(meant, key=lambda s: (counts[s], s)) if meant else who


@dataclass(frozen=True)
class Introduction:
    """Where an article first names a person: the sentence, the name in full, and what the
    sentence says they are ("" when it says nothing of the kind: "…, Mamdani said")."""

    sentence: Span
    name: str
    description: str


#: Titles of several people ("Sens. Chuck Schumer and …"): no part of the first one's name.
_PLURAL_TITLES = {"sens", "reps", "govs", "drs", "profs"}
#: A name's lower-case particle joined to it: "al-Sharaa", "el-Sisi".
_PARTICLE = re.compile(r"^[a-z]{1,3}-[A-Z]")


def _name_before(text: str, at: int) -> tuple[int, list[str]]:
    """The capitalized words that end at `at` (the surname's end): where they start, and them,
    without a leading word that only opens a sentence ("Yesterday", "But")."""
    start, tokens = at, []
    line = max(0, at - 120, text.rfind("\n", 0, at) + 1)  # a byline's line break ends a name
    for m in reversed(list(re.finditer(r"\S+", text[line:at]))):
        raw = m.group()
        token = clean_token(raw)
        capitalized = token[:1].isupper() or _PARTICLE.match(token)
        if not token or not capitalized or (tokens and raw.endswith((",", ";", ":", "’s", "'s"))):
            break
        tokens.insert(0, raw.strip("\"“”‘’'()[]").rstrip(",;:") if tokens else token)  # titles keep their point: "Gov."
        start = line + m.start()
    while len(tokens) > 1 and tokens[0].lower() in _OPENERS:
        start = text.index(tokens[1], start + len(tokens[0]))
        tokens.pop(0)
    return start, tokens


def _role_before(text: str, sentence: Span, start: int, titles: list[str]) -> str:
    """The role just before the name ("New York City Mayor", "Secretary of State", "former
    professional boxer", "wedding planner"), when it holds a word of ROLES. `titles`: the title
    words the name's capitalized run began with ("Mayor" of "Mayor Zohran Mamdani")."""
    words = list(titles)
    head = text[max(sentence.start, text.rfind("\n", 0, start) + 1) : start].split()
    for i in range(len(head) - 1, -1, -1):
        raw = head[i]
        token = raw.strip("\"“”‘’'()[]").rstrip(",;:")  # "U.S." keeps its point
        if not token or raw.endswith((",", ";", ":", "—", "–", ")")) or raw.startswith(("(", "“", '"')) or len(words) >= 6:
            break
        lower = token.lower().rstrip(".")
        if token[:1].isupper():
            in_a_name = i and head[i - 1][:1].isupper() and head[i - 1][-1].isalnum() and lower not in TIME_WORDS
            if lower in _OPENERS - {"a", "an", "the"} and lower not in ROLES and not in_a_name:
                break  # "But", "As", "Yesterday": capitalized to open a sentence or clause ("A Just Russia" is a name)
        elif lower == "of":
            if not (words and words[0][:1].isupper()):
                break
        elif not (lower in ROLES or lower in _MODIFIERS
                  or (lower not in STOPWORDS and words and words[0][:1].islower() and words[0].lower() in ROLES)):
            break  # "wedding planner", but not "as owner"
        words.insert(0, token)
    while words and words[0].lower() == "of":
        words.pop(0)
    return " ".join(words) if any(w.lower().rstrip(".") in ROLES for w in words) else ""


APPOSITIVE = re.compile(  # a point after one capital ("U.S.") is an abbreviation's, not the sentence's end
    r"(?:\s*\([^)]{1,40}\))?,\s+(?:\d{1,3},\s+)?(?P<d>(?:[^,;:.!?“”\"()]|(?<=\b[A-Z])\.){3,100}?)\s*(?:,|;|(?<!\b[A-Z])\.(?:\s|$)|—|–|$)")


def _description_after(text: str, end: int, sentence: Span) -> str:
    """The description set off after the name ("…, the former Fed chairman, …"), when it
    holds a word of ROLES."""
    m = APPOSITIVE.match(text, end, sentence.end)
    if not m:
        return ""
    words = [clean_token(w).lower().rstrip(".") for w in m["d"].split()]
    if not words or words[0] not in {"the", "a", "an", "former", "who", "whose", "now"} and words[0] not in ROLES:
        return ""
    return m["d"] if any(w in ROLES for w in words) else ""


def introduction(text: str, who: str) -> Introduction | None:
    """Where `text` introduces the person `who` stands for ("Mamdani", "Zohran Mamdani"): of
    the first MENTIONS capitalized mentions of the surname whose name holds the other words
    asked, the first that says what they are ("Gudkov, a charismatic Duma deputy, …" after
    "…heavyweight Gennady Gudkov joined…"); failing that, the first naming them in full ("the
    Mamdani administration" is passed over for "Mayor Zohran Mamdani"), or at all. The name is
    the first in full the mentions give."""
    keys = name_key(who)
    if not keys:
        return None
    surname, given = keys[-1], keys[:-1]
    first: Introduction | None = None
    name, mentions = "", 0
    sentence_at = SentenceAt(text)
    for m in re.finditer(rf"\b{re.escape(surname)}\b", text, re.I):
        if not text[m.start()].isupper():
            continue
        start, tokens = _name_before(text, m.end())
        if not tokens:
            continue  # inside a lower-case word: "al-Sharaa", "ex-Trump"
        named = person_name(" ".join(tokens)) or tokens[-1]
        if named.split()[0].lower().rstrip(".") in _PLURAL_TITLES:
            named = named.split(" ", 1)[-1]  # "Sens. Chuck Schumer and …"
        held = named.split()
        if given and not all(g in name_key(named) for g in given):
            continue
        sentence = sentence_at(m.start())
        if sentence is None:
            continue
        mentions += 1
        name = named if len(name.split()) < 2 <= len(held) or not name else name  # the first in full
        titles = tokens[: -len(held)] if [clean_token(t) for t in tokens[-len(held) :]] == held else []
        description = _role_before(text, sentence, start, titles) or _description_after(text, m.end(), sentence)
        words = description.split(" ", 1)
        if words and words[0].lower() in _MODIFIERS:
            description = " ".join([words[0].lower(), *words[1:]])
        if description:  # named so here in full, the name is as here ("Gov. Doug Burgum" after "North Dakota Doug Burgum")
            return Introduction(sentence, named if len(held) >= 2 and name.endswith(named) else name, description)
        if first is None or (len(held) > 1 and len(first.name.split()) < 2):
            first = Introduction(sentence, named, "")
        if mentions >= MENTIONS:
            break
    return replace(first, name=name) if first else None


def introduced(store: Store, relevant: list[Scored], who: str, relevance: dict[int, float]) -> tuple[list[Scored], dict[str, Introduction]]:
    """Each relevant article that names the person, once, read from the sentence introducing
    them, those that say what the person is first, newest first (the rest in search's order); with each
    article's introduction by its public id. `relevance` learns the scores of the passages that
    hold the introductions."""
    out, intros = read_introductions(store, relevant, lambda text: introduction(text, who), relevance)
    # Who someone is changes (a borough president becomes mayor): of the articles that say it,
    # the newest first, those whose role may have a heading and a byline run into it after them.
    out.sort(key=lambda r: (_run_in(d), -_day(r.article.published)) if (d := intros[r.article.key].description) else (2, 0))
    return out, intros


def read_introductions(store: Store, relevant: list[Scored], read: Callable[[str], Introduction | None],
                       relevance: dict[int, float]) -> tuple[list[Scored], dict[str, Introduction]]:
    """Each relevant article once, in search's order, read by `read` from the sentence that
    introduces who or what was asked about (the articles `read` finds none in left out); with each
    article's introduction by its public id. `relevance` learns the scores of the passages that
    hold the introductions."""
    out: list[Scored] = []
    intros: dict[str, Introduction] = {}
    best: dict[int, Scored] = {}
    for r in relevant:
        best.setdefault(r.article.id, r)  # each article once, by its best passage
    firsts = list(best.values())
    spans = store.passage_spans(r.article.id for r in firsts)
    for r in firsts:
        intro = read(r.article.text)
        if intro is None:
            continue
        pid = next((p for p, s, e in spans.get(r.article.id, ()) if s <= intro.sentence.start < e), r.candidate.passage_id)
        relevance.setdefault(pid, relevance[r.candidate.passage_id])
        out.append(replace(r, candidate=replace(r.candidate, passage_id=pid), best=intro.sentence, spots=[]))
        intros[r.article.key] = intro
    return out, intros


def _run_in(description: str) -> int:
    """1 when two or more of the role's capitalized words are neither role words nor a place's
    ("…on Iran Kim Hjelmgaard Russian President": a live blog's heading and byline run into
    its text), else 0. A sorting key: a role such as "Ford Motor CEO" only gives way to another."""
    from .answer_types import gazetteer

    places = gazetteer()["place"]
    placed = {w for t in description.split() for name in places.get(t, ()) if name in description for w in name.split()}
    unexplained = [w for w in description.split() if w[:1].isupper() and w not in placed
                   and w.lower().rstrip(".") not in ROLES | _PLACE_WORDS | _MODIFIERS | _OFFICES]
    return 1 if len(unexplained) >= 2 else 0


#: Words of an office's name before a role: "Homeland Security Secretary", "Intelligence Committee Chairman".
_OFFICES = {"homeland", "security", "treasury", "commerce", "energy", "labor", "health", "human", "services",
            "transportation", "education", "agriculture", "intelligence", "armed", "affairs", "national", "justice",
            "veterans", "housing", "department", "committee", "majority", "minority", "fbi", "cia", "dhs", "nasa"}


def _day(published: date | None) -> int:
    """A publication date as a number to sort by; undated articles count as the oldest."""
    return published.toordinal() if published else 0


def described_of(citations: list[Citation], intros: dict[str, Introduction], asked: str) -> Described:
    """The answer's account of who or what was asked about: the name (in full) as the first
    citation gives it, and the description of the first citation that has one."""
    name = intros[citations[0].article_id].name if citations else asked  # every citation is of an introduction
    described = next((c for c in citations if intros[c.article_id].description), None)
    if described is None:
        return Described(name)
    return Described(name, intros[described.article_id].description, described.rank)
