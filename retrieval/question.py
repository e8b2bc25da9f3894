"""A question, read once: its content words, the names it asks about, the kind of answer it
wants, whose words it asks for, and whether it leans on the conversation before it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .answer_types import AnswerType, answer_type
from .attribution.names import PRONOUNS
from .timeliness import MONTH_NAMES

# Words that carry no meaning for retrieval; the question's content words are what we search.
STOPWORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from further had
    has have having he her here hers herself him himself his how i if in into is it its itself just
    me more most my myself no nor not now of off on once only or other our ours ourselves out over
    own same she should so some such than that the their theirs them themselves then there these they
    this those through to too under until up very was we were what when where which while who whom
    why will with would you your yours yourself yourselves say said tell told week this""".split()
)
_TOKEN = re.compile(r"\w+", re.UNICODE)

#: Words that point back at the conversation: a person's pronouns (attribution/names.py), and
#: the rest that stand for someone or something named before.
BACK_REFERENCES = sorted(set(PRONOUNS) | {"they", "them", "his", "hers", "their", "it", "its", "that", "this", "these", "those"})
_LEANS_ON_CONTEXT = re.compile(
    r"^\s*(and|but|so|what about|how about|also)\b|\b(" + "|".join(BACK_REFERENCES) + r")\b", re.I
)

_MONTH_NAMES = "|".join(MONTH_NAMES)
#: When the statements were made, after what they were about: "in March 2024", "on 5 May",
#: "last week", "yesterday" (timeliness.py prefers statements from a named day or month).
_WHEN = (
    rf"(?:(?:in|during)\s+(?:(?:{_MONTH_NAMES})(?:,?\s+(?:19|20)\d\d)?|(?:19|20)\d\d)"
    rf"|on\s+(?:(?:{_MONTH_NAMES})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+(?:19|20)\d\d)?"
    rf"|(?:the\s+)?\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{_MONTH_NAMES})(?:,?\s+(?:19|20)\d\d)?"
    r"|monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
    r"|(?:last|this)\s+(?:week|weekend|month|year|night)|yesterday|today|tonight)"
)
_SPEAKER_QUESTION = re.compile(
    r"^\s*(?:and\s+|so\s+)?(?:what|which\s+\w+)\s+(?:else\s+)?(?:did|does|has|have|had|do)\s+(?P<who>.+?)\s+"
    r"(?:(?:ever|also|really|actually)\s+)?(?:say|said|tell|told|claim|claimed|write|wrote|think|thought|argue|argued)"
    rf"(?:\s+(?:about|on|regarding|of)\s+(?P<topic>.+?))?(?:\s+{_WHEN})?\s*\??\s*$",
    re.I,
)
_COMMENTS = re.compile(
    r"^\s*(?:what\s+(?:are|were)\s+)?(?P<who>[\w .'’-]+?)['’]s?\s+(?:comments?|remarks?|statements?|quotes?|views?)"
    r"(?:\s+(?:on|about|regarding)\s+(?P<topic>.+?))?\s*\??\s*$",
    re.I,
)

#: A follow-up that names only a new topic: "and about the ceasefire?", "what about Israel?".
#: After a question about someone's words it asks for that person's words on the new topic.
_TOPIC_ONLY = re.compile(
    r"^\s*(?:(?:and|but|so)\s+)?(?:(?:what|how)\s+)?(?:about|on|regarding|concerning)\s+(?P<topic>(?!(?:what|which|who|when|where|why|how)\b).+?)\s*\??\s*$",
    re.I,
)

#: A question about a story asks for its articles by date (Question.by_date): how it developed,
#: oldest first ("timeline of the Iran deal", "how did the strike unfold?", "what has happened
#: with the strike so far?", "catch me up on the strike"), or where it stands, newest first
#: ("what's the latest on the strike?", "any update on the strike?", "news about the strike").
OLDEST_FIRST, NEWEST_FIRST = "oldest first", "newest first"
_TIMELINE = re.compile(
    r"^\s*(?:(?:give|show)\s+me\s+)?(?:a\s+|the\s+)?timeline\s+(?:of|for|on)\s+(?P<t1>.+?)\s*\??\s*$"
    r"|^\s*how\s+(?:did|has|have|had)\s+(?P<t2>.+?)\s+(?:develop(?:ed)?|unfold(?:ed)?|evolved?|come\s+about|play(?:ed)?\s+out)"
    r"(?:\s+so\s+far)?\s*\??\s*$"
    r"|^\s*(?:(?:give|show)\s+me\s+)?(?:a\s+|the\s+)?(?P<t3>.+?)\s+timeline\s*\??\s*$"
    r"|^\s*what\s+(?:has\s+)?happened\s+(?:with|to|in)\s+(?P<t4>.+?)\s+so\s+far\s*\??\s*$"
    r"|^\s*(?:catch\s+me\s+up|bring\s+me\s+up\s+to\s+speed)\s+on\s+(?P<t5>.+?)\s*\??\s*$",
    re.I,
)
_LATEST = re.compile(
    r"^\s*(?:what(?:'s|’s|\s+is)\s+)?(?:the\s+)?(?:latest|newest)(?:\s+news)?\s+(?:on|about|with)\s+(?P<t1>.+?)\s*\??\s*$"
    r"|^\s*(?:(?:is|are)\s+there\s+)?(?:any\s+)?(?:news|updates?)\s+(?:on|about)\s+(?P<t2>.+?)\s*\??\s*$"
    r"|^\s*(?:give\s+me\s+)?(?:an?\s+|the\s+)?(?:latest\s+)?update\s+on\s+(?P<t3>.+?)\s*\??\s*$"
    r"|^\s*what(?:'s|’s|\s+is)\s+new\s+(?:on|about|with)\s+(?P<t4>.+?)\s*\??\s*$",
    re.I,
)


#: "And the latest?", "any updates?": after a question about a story, where it stands now.
_LATEST_ALONE = re.compile(
    r"^\s*(?:(?:and|so)\s+)?(?:(?:what(?:'s|’s|\s+is)\s+)?(?:the\s+)?(?:latest|newest)(?:\s+news)?"
    r"|(?:(?:is|are)\s+there\s+)?(?:any\s+)?(?:news|updates?))\s*\??\s*$",
    re.I,
)


def story_asked(text: str, earlier: list[str] | tuple[str, ...] = ()) -> tuple[str, str] | None:
    """(the story, OLDEST_FIRST or NEWEST_FIRST) when the question asks for a story's articles
    by date, or asks "and the latest?" right after such a question or after "who is X?" (X's
    latest coverage); None otherwise."""
    for pattern, order in ((_TIMELINE, OLDEST_FIRST), (_LATEST, NEWEST_FIRST)):
        m = pattern.match(text)
        if m:
            return next(g.strip(" ,") for g in m.groups() if g), order
    if not (earlier and _LATEST_ALONE.match(text)):
        return None
    before = story_asked(earlier[-1], earlier[:-1])
    if before:
        return before[0], NEWEST_FIRST
    who = person_asked(earlier[-1], earlier[:-1])  # "who is Varga?", "and the latest?": the latest on her
    return (who, NEWEST_FIRST) if who else None


_WHO_IS = re.compile(r"^\s*(?:(?:and|so)\s+)?who(?:\s+(?:is|was)|'s|’s)\s+(?P<who>[^?]+?)\s*[?.!]*\s*$", re.I)
#: "Who is the mayor of …?" names a role and asks for a name: the ordinary answer path finds it.
_NOT_A_NAME = re.compile(r"^(?:the|a|an|this|that|these|those|my|your|our|their|in|on|at|behind|running|leading|going|next|now|still)\b", re.I)
_PERSON_PRONOUNS = set(PRONOUNS) | {"they", "them"}


def person_asked(text: str, earlier: list[str] | tuple[str, ...] = ()) -> str | None:
    """The name in "who is X?" / "who was X?" / "who's X?" (people.py answers it); for "who is
    she?", the person the conversation last asked about, by "who is X?" or "what did X say?".
    None for a role ("who is the mayor of X?") and for a pronoun that stands for nobody named."""
    m = _WHO_IS.match(text)
    if not m:
        return None
    who = m["who"].strip(" ,")
    words = who.lower().split()
    if _NOT_A_NAME.match(who) or len(words) > 4 or not re.search(r"[^\W\d_]", who) or set(words[1:]) & STOPWORDS:
        return None  # "who is responsible for the attack?" asks for a name too
    if len(words) == 1 and words[0] in STOPWORDS and words[0] not in _PERSON_PRONOUNS:
        return None  # "who is it?", "who's there?"
    return who if who.lower() not in _PERSON_PRONOUNS else last_person(earlier)


_WHAT_IS = re.compile(r"^\s*(?:(?:and|so)\s+)?what(?:\s+(?:is|was|are|were)|'s|’s)\s+(?P<what>[^?]+?)\s*[?.!]*\s*$"
                      r"|^\s*what\s+does\s+(?P<initials>[^?\s]+)\s+stand\s+for\s*[?.!]*\s*$", re.I)
#: Small words a name may hold after its first ("Bank of England", "Doctors Without Borders" aside).
_NAME_JOINERS = {"of", "for", "and", "on", "the", "de"}


def thing_asked(text: str) -> str | None:
    """The name in "what is X?" / "what are the Houthis?" / "what does FEMA stand for?"
    (things.py answers it), when X reads as a name: capitalized words as typed ("the Doomsday
    Clock"), or up to three lower-case words that are no stopwords ("what is fema?"). None for "what
    is the capital of France?", "what is Trump's plan?", "what's next?"."""
    m = _WHAT_IS.match(text)
    if not m:
        return None
    what = (m["what"] or m["initials"]).strip(" ,")
    words = what.split()
    named = words[1:] if words[0].lower() == "the" and len(words) > 1 else words
    if len(named) > 5 or any(not re.fullmatch(r"[\w&.-]+", w) or not re.search(r"[^\W\d_]", w) for w in named):
        return None  # "Trump's plan", "2 + 2"
    if what != what.lower():  # typed with capitals: every word a name's
        if not all(w[:1].isupper() or (i and w in _NAME_JOINERS) for i, w in enumerate(named)):
            return None
    elif len(named) > 3 or any(w in STOPWORDS for w in named):
        return None  # "what is it?", "what's going on here?"
    return what


#: "And Cuomo?", "what about ICE?": after who or what something is, the same of another name.
_ANOTHER = re.compile(r"^\s*(?:(?:and|but|so)\s+(?:about\s+)?|(?:what|how)\s+about\s+)(?P<name>[^?]+?)\s*[?.!]*\s*$", re.I)


def introduction_carried(text: str, earlier: list[str] | tuple[str, ...]) -> tuple[str, str] | None:
    """("person", name) for "and Cuomo?" after "who is Mamdani?", ("thing", name) for "and ICE?"
    after "what is FEMA?" (through such follow-ups already); None otherwise, and for a name the
    question form itself would not take ("and the mayor?")."""
    m = _ANOTHER.match(text)
    if not m:
        return None
    for q in reversed(earlier):
        if person_asked(q):
            return ("person", who) if (who := person_asked(f"who is {m['name']}?", earlier)) else None
        if thing_asked(q):
            return ("thing", what) if (what := thing_asked(f"what is {m['name']}?")) else None
        if not _ANOTHER.match(q):
            return None
    return None


def last_person(earlier: list[str] | tuple[str, ...]) -> str | None:
    """The person the conversation last asked about by name, by "who is X?" or "what did X
    say?", for a "she" or "he" in the question after; None when nobody was named."""
    for q in reversed(earlier):
        named = person_asked(q) or (asked[0] if (asked := speaker_question(q)) else None)
        if named and named.lower() not in _PERSON_PRONOUNS:
            return named
    return None


def query_terms(text: str) -> list[str]:
    """The content words of a text, lower-cased, in order, without repeats."""
    seen: dict[str, None] = {}
    for token in _TOKEN.findall(text.lower()):
        if token not in STOPWORDS and (len(token) > 1 or token.isdigit()):
            seen.setdefault(token, None)
    return list(seen)


def question_names(text: str) -> set[str]:
    """Capitalized words after the first: the names a question asks about."""
    words = re.findall(r"\w+", text)
    return {w.lower() for w in words[1:] if w[0].isupper() and w.lower() not in STOPWORDS}


def _topic(raw: str | None) -> str | None:
    topic = (raw or "").strip(" ?") or None
    if topic and re.fullmatch(_WHEN, f"on {topic}", re.I):
        return None  # "on Tuesday", "on 5 May 2024": when, not what about
    return topic


def speaker_question(text: str) -> tuple[str, str | None] | None:
    """(who, topic) when the question asks what someone said; None otherwise."""
    for pattern in (_SPEAKER_QUESTION, _COMMENTS):
        m = pattern.match(text)
        if m:
            who = m["who"].strip(" ,")
            if len(who.split()) <= 5:
                return who, _topic(m["topic"])
    return None


def speaker_carried(text: str, earlier: list[str]) -> tuple[str, str | None] | None:
    """(who, topic) for "and about the ceasefire?" when the conversation was asking for someone's
    words (possibly through such follow-ups already); None otherwise."""
    m = _TOPIC_ONLY.match(text)
    if not m:
        return None
    for q in reversed(earlier):
        asked = speaker_question(q)
        if asked:
            return asked[0], _topic(m["topic"])
        if not _TOPIC_ONLY.match(q):
            return None
    return None


def leans_on_context(text: str) -> bool:
    """A question that leans on what came before: it opens with a connective or points back."""
    return bool(_LEANS_ON_CONTEXT.search(text)) or len(query_terms(text)) <= 1


@dataclass(frozen=True)
class Question:
    #: The question as asked (cleaned as a title is).
    text: str
    #: The text searched: a follow-up carries the conversation's last question before it.
    search_text: str
    #: Content words of the question as asked, and of the text searched.
    terms: list[str]
    search_terms: list[str]
    #: Names asked about (in the text searched).
    names: set[str]
    #: The kind of answer asked for (a place, a number, ...), when the question says.
    wants: AnswerType | None
    #: (who, topic) when it asks what someone said.
    speaker: tuple[str, str | None] | None
    #: Earlier questions of the conversation, newest last (to resolve "she" in "what did she say?").
    earlier: list[str] = field(default_factory=list)
    #: It asks for a story's articles by date (OLDEST_FIRST, NEWEST_FIRST; else ""): the story is
    #: what is searched, and the answer is its articles in that order (timeline.py).
    by_date: str = ""
    #: The person a "who is X?" question asks about (else ""): the name is what is searched, and
    #: each article answers by the sentence that introduces them (people.py).
    person: str = ""
    #: The name a "what is X?" question asks about (else ""), answered the same way (things.py).
    thing: str = ""

    @classmethod
    def parse(cls, text: str, earlier: list[str] | None = None) -> "Question":
        earlier = list(earlier or [])
        story, by_date = story_asked(text, earlier) or (None, "")
        person = None if story else person_asked(text, earlier)
        thing = None if story or person else thing_asked(text)
        if not (story or person or thing) and (carried := introduction_carried(text, earlier)):
            person, thing = (carried[1], None) if carried[0] == "person" else (None, carried[1])
        asked = story or person or text  # "timeline of the strike" searches for the strike
        if person:
            search_text = f"who is {person}"  # "who is she?" searches for the person meant
        elif thing:
            search_text = f"what is {thing}"  # "what does FEMA stand for?" searches for FEMA
        else:
            search_text = f"{earlier[-1]} {asked}" if earlier and leans_on_context(asked) else asked
        terms = query_terms(asked)
        return cls(
            text=text,
            search_text=search_text,
            terms=terms,
            search_terms=terms if search_text == text else query_terms(search_text),
            names=question_names(search_text),
            wants=answer_type(text),
            speaker=None if story or person or thing else speaker_question(text) or speaker_carried(text, earlier),
            earlier=earlier,
            by_date=by_date,
            person=person or "",
            thing=thing or "",
        )

    def speaker_named(self) -> tuple[str, str | None] | None:
        """(who, topic) with "he"/"she" replaced by the person the conversation last asked about."""
        if self.speaker is None:
            return None
        who, topic = self.speaker
        if who.lower() not in PRONOUNS:
            return who, topic
        named = last_person(self.earlier)  # (no conversation: nobody to stand for)
        return (named, topic) if named else None
