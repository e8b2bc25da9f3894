"""What something is, as the news introduces it: "what is FEMA?", "what is Anthropic?".

News says what an organisation, a programme or a thing is where an article first names it, as it
does for a person (people.py): the name its initials stand for ("the Federal Emergency Management
Agency (FEMA)"), a description set off after it ("Anthropic, the AI company behind Claude, …") or
what it is just before it ("the Palestinian militant group Hamas"). The sentence that best matches
"what is FEMA?" is usually one that names FEMA in passing ("FEMA has about $13 billion in its
reserves…"), which says nothing of what FEMA is.
"""

from __future__ import annotations

import re

from .people import APPOSITIVE, MENTIONS, ROLES, Introduction, read_introductions
from .question import STOPWORDS
from .rerank import Scored
from .store import Store
from .text import SentenceAt, Span

#: Words naming what kind of thing something is: a description must hold one ("the AI company
#: behind Claude"), so that a clause set off after a name ("Hamas, the group said, …") is not taken.
KINDS = frozenset(
    """agency alliance airline app army authority automaker bank bill body brand broadcaster bureau carrier chain
    channel charity chatbot club coalition commission committee company conference conglomerate contest corps council
    court department developer drug exchange faction festival firm force foundation fund game giant group hospital
    index initiative institute insurer law league lender maker manufacturer militia ministry mission model movement
    network newspaper nonprofit office operation operator organization organisation outlet party platform plan
    policy producer program programme publisher regulator retailer rocket satellite school service spacecraft
    startup studio summit system team telescope think-tank tournament treaty union unit university vaccine
    watchdog website
    accord agreement attack bombing campaign case ceasefire deal invasion lawsuit offensive outbreak raid report
    ruling scandal storm hurricane strike study survey war wildfire""".split()
)
#: Words that may stand between "the" and the kind word before a name ("the Iran-backed militant
#: group Hamas"), besides capitalized ones ("Palestinian"): few, so that a clause is not read as one.
_BEFORE = frozenset(
    """militant armed rebel terrorist extremist political opposition ruling far-right far-left right-wing left-wing
    conservative liberal progressive nonpartisan nonprofit non-profit independent federal state national international
    global regional local private public tech technology ai artificial intelligence software media social news
    streaming ride-hailing e-commerce online retail financial investment defense defence oil energy car electric
    pharmaceutical drug chip chipmaking crypto cryptocurrency advocacy civil rights human environmental health humanitarian
    aid relief research space government government-run state-run state-owned military paramilitary intelligence
    security police trade labor labour sports football soccer basketball baseball hockey professional parent
    multinational startup investigative fashion luxury food fast-food beverage music film entertainment gaming video""".split()
)
#: Words that say a person is meant: "what is Wagner?" asks about no attorney of that name.
_PERSONS = ROLES - KINDS - {"maker", "developer", "producer", "publisher", "owner", "operator", "carrier", "network"}
#: Pages of citations beyond the first read for "what is X?", each article for where it says what X is:
#: news says what a well-known body is in few of the articles that name it (bench/things.py).
PAGES_READ = 9
_ACRONYM = re.compile(r"^[A-Z][A-Z0-9&.]{1,7}$")
#: Small words a name spelled out may hold that its initials skip or keep ("Department of Government Efficiency").
_JOINERS = {"of", "the", "for", "and", "on", "in", "&", "de", "to"}


def _initials(words: list[str], keep_joiners: bool) -> str:
    """The first letters of `words`, the small joiners' too or not ("DOGE", "DGE")."""
    return "".join(w[0].upper() for w in words if keep_joiners or w.lower() not in _JOINERS)


def spelled_out(words: list[str], acronym: str) -> str:
    """The shortest run of capitalized words (small joiners between) at the end of `words` whose
    initials are `acronym` ("Federal Emergency Management Agency" for FEMA); "" when none."""
    letters = acronym.replace(".", "").replace("&", "").upper()
    run: list[str] = []
    for word in reversed(words):
        word = word.strip("\"“”‘’'")
        if not (word[:1].isupper() or (run and word.lower() in _JOINERS)):
            break
        run.insert(0, word)
        if run[0].lower() in _JOINERS:
            continue
        if letters in (_initials(run, False), _initials(run, True)) and len(run) > 1:
            return " ".join(run)
    return ""


def _expansion(text: str, sentence: Span, start: int, end: int, acronym: str) -> str:
    """What the initials `acronym`, named at text[start:end], stand for, as the sentence spells
    it out: "the Federal Emergency Management Agency (FEMA)", "FEMA, the Federal Emergency
    Management Agency,", "the Department of Government Efficiency, aka DOGE"."""
    before = text[sentence.start : start].rstrip()
    if before.endswith("("):  # "Federal Emergency Management Agency (FEMA)"
        return spelled_out(before[:-1].split(), acronym)
    m = re.search(r",?\s+(?:aka|or|known as|also known as)$", before)
    if m:  # "the Department of Government Efficiency, aka DOGE"
        return spelled_out(before[: m.start()].rstrip(",").split(), acronym)
    after = re.match(r"(?:,\s+(?:the\s+)?|\s+\((?:the\s+)?)([^,;()]{3,120})", text[end : sentence.end])
    if after:  # "FEMA, the Federal Emergency Management Agency, …", "DOGE (Department of Government Efficiency)"
        words = after[1].split()
        for n in range(2, len(words) + 1):
            if spelled_out(words[:n], acronym) == " ".join(w.strip("\"“”‘’'") for w in words[:n]):
                return " ".join(words[:n])
    return ""


def _kind_before(text: str, sentence: Span, start: int, end: int) -> str:
    """What the sentence says the thing is just before its name: "the Palestinian militant group
    Hamas", "the ferry operator Harbourline", "AI startup Anthropic"; a kind word must stand right
    before the name. Opened by an article, any words but stopwords may describe the kind; without
    one, only the words of _BEFORE and capitalized ones, so that a clause is not read as one."""
    head = text[max(sentence.start, text.rfind("\n", 0, start) + 1) : start].split()
    if not head or not head[-1].islower() or head[-1].strip("\"“”‘’'").rstrip(",") not in KINDS:
        return ""  # "Media Capital Group LLC": a kind word capitalized is a name's
    set_off = head[-1].endswith(",")  # "the Iranian-backed militia, Hezbollah, began…"
    head[-1] = head[-1].rstrip(",")
    words: list[str] = []
    for raw in reversed(head[-7:]):
        token = raw.strip("\"“”‘’'")
        lower = token.lower()
        if lower in {"a", "an"} and not set_off:
            return ""  # "punched a strip club DJ": a common noun's, where a name is "the ferry operator Harbourline"
        if lower in {"the", "a", "an"}:
            if set_off and not text.startswith(",", end):
                return ""  # "On the lunar mission, NASA paid…": a phrase, not set off on both sides
            return " ".join([lower, *words]) if len(words) > 1 else ""  # "the group" says too little
        if not token or raw.endswith((",", ";", ":", ")")) and words or lower in STOPWORDS or not re.match(r"[\w-]+$", token):
            break
        words.insert(0, token)
    if set_off:
        return ""  # "amid war, Fed decision": a list, not a description
    while words and not (words[0].lower() in KINDS | _BEFORE or words[0][:1].isupper()):
        words.pop(0)  # no article: only the words that describe a kind
    while len(words) > 1 and words[0][:1].isupper() and words[0].lower() not in _BEFORE and words[1].lower() not in KINDS | _BEFORE:
        words.pop(0)  # "Tuesday the startup…": a capitalized word that opens no description
    return " ".join(words) if len(words) > 1 and words[-1].lower() in KINDS else ""  # not "…rocket NASA has built"


def _description_after(text: str, end: int, sentence: Span) -> str:
    """The description set off after the name ("Anthropic, the AI company behind Claude, …"),
    when it opens with an article and holds a word of KINDS."""
    m = APPOSITIVE.match(text, end, sentence.end)
    if not m:
        return ""
    words = [w.strip("\"“”‘’'").lower() for w in m["d"].split()]
    if not words or words[0] not in {"the", "a", "an"} or set(words) & _VERBS:
        return ""  # "Hamas, the group said, …", "According to NATO, the United States and Germany are …"
    if all(w[:1].isupper() for w in m["d"].split()[1:]):
        return ""  # another name: "According to WUSA, the National Cherry Blossom Festival …"
    return m["d"] if set(words) & KINDS and set(words) - KINDS - {"the", "a", "an"} else ""  # not "the group"


#: Verbs that make what follows a name a clause of its own, not a description of the name.
_VERBS = {"said", "says", "added", "told", "reported", "announced", "wrote", "noted", "warned", "argued", "claimed",
          "is", "are", "was", "were", "has", "have", "had", "will", "would", "can", "could", "did", "does"}


def introduction(text: str, what: str) -> Introduction | None:
    """Where `text` introduces the thing `what` names ("FEMA", "the Doomsday Clock"): of its
    first MENTIONS mentions as a name (capitalized as asked or as a name is), the first that says
    what it is; failing that, the first. The name is as the article writes it."""
    words = what.split()
    if words and words[0].lower() == "the" and len(words) > 1:
        words = words[1:]
    if not words:
        return None
    pattern = r"\b" + r"\s+".join(re.escape(w) for w in words) + r"\b"
    first: Introduction | None = None
    sentence_at = SentenceAt(text)
    mentions = 0
    typed_lower = what == what.lower()
    initials = len(words) == 1 and words[0].isupper() and len(words[0]) > 1  # "ICE" asked: not "Ice Cream"
    for m in re.finditer(pattern, text, re.I):
        name = m.group()
        if not _the_name(text, m.start(), m.end(), initials):
            continue
        sentence = sentence_at(m.start())
        if sentence is None:
            continue
        mentions += 1
        if typed_lower and not name.isupper() and not text[sentence.start : m.start()].strip("\"“‘'( "):
            continue  # "what's next?": "Next, …" opens a sentence; a name is capitalized anywhere
        description = ""
        if _ACRONYM.match(name) and len(words) == 1:
            description = _expansion(text, sentence, m.start(), m.end(), name)
        description = description or _kind_before(text, sentence, m.start(), m.end()) or _description_after(text, m.end(), sentence)
        if description and not {w for w in description.split() if w.islower()} & _PERSONS:  # "Wagner, the attorney who…"
            return Introduction(sentence, name, description)
        first = first or Introduction(sentence, name, "")
        if mentions >= MENTIONS:
            break
    return first


def _the_name(text: str, start: int, end: int, initials: bool) -> bool:
    """Whether text[start:end] is the name asked about, whole: capitalized (in capitals, for
    initials asked: "ICE", not "Ice Cream"), and no part of a longer name or word ("Grass-Fed",
    "WUSA-TV", "New York", "211 LA", "Pilot Travel Centers LLC"; "Trump's MAGA" is MAGA)."""
    name = text[start:end]
    capitalized = name.isupper() if initials else all(w[:1].isupper() or w.lower() in _JOINERS for w in name.split())
    if not capitalized or not name[:1].isupper() or text[start - 1 : start] == "-" or re.match(r"[ \t]+[A-Z]|-\w", text[end : end + 2]):
        return False
    before = re.search(r"(\S+)[ \t]+$", text[max(0, start - 40) : start])
    if before is None:
        return True
    word = before[1]
    return not ((word[:1].isupper() or word[:1].isdigit()) and word.lower() not in STOPWORDS and not word.endswith(("'s", "’s")))


def introduced(store: Store, relevant: list[Scored], what: str, relevance: dict[int, float]) -> tuple[list[Scored], dict[str, Introduction]]:
    """Each relevant article that names the thing, read from the sentence introducing it, those
    that say what it is first (each kind in search's order: what a body is changes less than a
    person's role); none at all when no article says what it is, for the sentence that names it in
    passing answers "what is X?" no better than the ordinary answer does."""
    out, intros = read_introductions(store, relevant, lambda text: introduction(text, what), relevance)
    if not any(i.description for i in intros.values()):
        return [], {}
    out.sort(key=lambda r: not intros[r.article.key].description)
    return out, intros
