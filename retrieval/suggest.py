"""Questions to ask next that the news can answer: the people the cited articles quote.

Suggested follow-ups that the sources then cannot answer frustrate readers (anchors: "follow-up
questions should be useful"). These are answerable by construction: "What did X say?" is offered
for a person the first cited articles quote (their stored attributions), and "…say about Y?"
only when one of those statements is about Y; "Who is X?" for the person whose statements were
just listed, whom the news names; "What did X say?" after who (or what) X is, when the cited
articles quote X ("What did FEMA say?" after "what is FEMA?"). The people offered are those the
reader has just seen named in the excerpts, the most quoted first; never the person just asked
about.
"""

from __future__ import annotations

import re

from .answers import Answer
from .attribution import Quote
from .attribution.names import a_person, name_key, speaker_matches
from .attribution.quotes import is_about
from .question import Question
from .store import Store

#: Questions offered at most: a row of buttons under an answer.
NEXT = 2
#: Cited articles whose speakers are offered: the best two (a third is more often off the question).
READ = 2


def next_questions(store: Store, question: Question, answer: Answer, quotes: list[Quote]) -> list[str]:
    """Up to NEXT questions the news answers, following on from this answer; [] when it has none."""
    offered: list[str] = []
    taken = {_surname(question.person or question.thing or (question.speaker_named() or ("",))[0])} - {""}
    if quotes:  # their statements were listed: who they are
        offered.append(f"Who is {quotes[0].speaker}?")
    if answer.no_answer:
        return offered
    shown = " ".join(c.excerpt for c in answer.citations[:READ]).lower()
    said: dict[str, list[str]] = {}  # speaker -> their statements in the cited articles
    passages = store.passages_by_ids(c.passage_id for c in answer.citations[:READ])  # their articles, without their text
    for row in (passages.get(c.passage_id) for c in answer.citations[:READ]):
        for a in store.attributions_in(row.article_id) if row is not None else ():
            if a.is_person:
                said.setdefault(a.speaker, []).append(a.quote)
    if answer.introduced and any(speaker_matches(answer.introduced[0].name, s) for s in said):  # who or what: what they said
        offered.append(f"What did {answer.introduced[0].name} say?")
    for speaker in sorted(said, key=lambda s: (-len(said[s]), s)):
        if len(offered) >= NEXT:
            break
        if not a_person(speaker) or _surname(speaker) in taken or not _named_in(speaker, shown):
            continue  # one person once, and one the reader has just seen named
        taken.add(_surname(speaker))
        topic = _topic(said[speaker], question, speaker)
        offered.append(f"What did {speaker} say about {topic}?" if topic else f"What did {speaker} say?")
    return offered


#: Verbs of saying: "what did X say about write?" would ask for their words on writing, not on the
#: question's subject.
_SPEECH = {"say", "said", "says", "tell", "told", "write", "wrote", "claim", "claimed", "think", "thought", "argue",
           "argued", "announce", "announced", "ask", "asked"}


def _topic(statements: list[str], question: Question, speaker: str) -> str | None:
    """The question's first word (as the question wrote it) that one of the speaker's statements
    in the cited articles is about, other than their own name: "What did Pedro Sanchez say
    about trade?" after "why did Trump halt trade with Spain?"."""
    own = set(name_key(speaker))
    for term in question.terms:
        if term in own or term in _SPEECH or not any(is_about(q, [term]) for q in statements):
            continue
        # As the question wrote it, with its article and the names before it: "the NYC building".
        m = re.search(rf"\b(?:[Tt]he\s+(?:[A-Z][\w.&-]*\s+)*)?(?i:{re.escape(term)})\b", question.text)
        found = m.group() if m else term
        return "the" + found[3:] if found.startswith("The ") else found
    return None


def _surname(name: str) -> str:
    return (name_key(name) or [""])[-1]


def _named_in(speaker: str, text: str) -> bool:
    return re.search(rf"\b{re.escape(_surname(speaker))}\b", text) is not None
