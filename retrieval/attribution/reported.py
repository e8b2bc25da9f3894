"""Reported speech: a sentence that says what someone said without quoting them (Lukyanova told
The Moscow Times that …; …, said a senior official; according to Mukhin, …), found by the first
of `REPORTED_RULES` that matches the sentence."""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass

from .names import person_name
from .resolver import Resolver, acting_subject, sentence_subject
from .subjects import labelled_person, subject_ok
from .rules import (
    ACCORDING, COORDINATED, OPEN, PARENTHETICAL, PARTICIPLE_REPORTED, PRONOUNS, REPORTED_BACK, REPORTED_FRONT,
    REPORTED_INNER, SPEAKER_LABEL, Attribution,
)

#: (subject, its offset in the sentence, cue, content start, content end)
Found = tuple[str, int, str, int, int]
#: A rule's answer that the sentence holds no attribution, whatever later rules would say.
STOP = ("", 0, "", 0, 0)
#: What follows a cue may open with a circumstance, not what was said ("said in an interview with
#: USA TODAY in 2007 that he …"): the words said then start after the "that".
_CIRCUMSTANCE = re.compile(r"(?:in|with|at|on|during|after|before|for|from|by|over|through|while)\b")
_THEN_THAT = re.compile(r"(?:[^.;:“\"]|(?<=[A-Z])\.|\.(?=\S)){0,100}?\bthat\s+(?=\w)")
#: After a trailing "…, Greenspan said": a relative clause ("a development that Greenspan said")
#: is not the speaker, and "said in 1987 that …" starts the words said instead of ending them.
_RELATIVE = re.compile(r"\b(?:that|which|who|whom|what)\b", re.I)
_SAID_THAT = re.compile(r"\s+(?:in|on|at|during|after|before|following)\b[^,.;]{0,80}?\bthat\s+\w")
#: "what he said", "which he wrote": the relative pronoun is what was said, not the words after.
_OBJECT_CLAUSE = re.compile(r"\b(?:which|what)\s+$", re.I)


@dataclass
class Sentence:
    text: str  # the sentence, up to any direct quote found later in it
    at: int  # its offset in the article
    opens_paragraph: bool
    resolver: Resolver

    @property
    def to_end(self) -> int:
        return len(self.text.rstrip(" ."))


def _words_follow(m) -> bool:
    """'…, Greenspan said in 1987 that …': the words said follow the cue, not stand before it."""
    return bool(_SAID_THAT.match(m.string, m.end("cue1" if m["subject1"] else "cue2")))


def _back_form(m) -> Found | None:
    subject = m["subject1"] or m["subject2"]
    if not subject_ok(subject) or (m["subject2"] and _RELATIVE.search(subject)) or _words_follow(m):
        return None
    return subject, m.start("subject1" if m["subject1"] else "subject2"), m["cue1"] or m["cue2"], 0, m.end("content")


def _opened_by_a_quote(s: Sentence) -> Found | None:
    """'"Boots on the ground" would be appropriate, Carson said': only the trailing form."""
    if not s.text.lstrip().startswith(tuple(OPEN)):
        return None
    m = REPORTED_BACK.match(s.text)
    return (_back_form(m) if m else None) or STOP


def _heading_before(s: Sentence) -> str | None:
    """The paragraph before the sentence when it is a heading of one to three capitalized words
    ("New Mexico"), as a roundup of the states heads each state's news."""
    before = s.resolver.text[: s.at].rstrip().rsplit("\n", 1)[-1].split()
    if 1 <= len(before) <= 3 and all(w[:1].isupper() for w in before) and before[-1][-1:].isalpha():
        return " ".join(before)
    return None


#: The headings of a roundup of the states: under one, "Little Rock: …" is a place's news.
US_STATES = {
    "Alabama", "Alaska", "Arizona", "Arkansas", "California", "Colorado", "Connecticut", "Delaware", "Florida",
    "Georgia", "Hawaii", "Idaho", "Illinois", "Indiana", "Iowa", "Kansas", "Kentucky", "Louisiana", "Maine",
    "Maryland", "Massachusetts", "Michigan", "Minnesota", "Mississippi", "Missouri", "Montana", "Nebraska", "Nevada",
    "New Hampshire", "New Jersey", "New Mexico", "New York", "North Carolina", "North Dakota", "Ohio", "Oklahoma",
    "Oregon", "Pennsylvania", "Rhode Island", "South Carolina", "South Dakota", "Tennessee", "Texas", "Utah",
    "Vermont", "Virginia", "Washington", "West Virginia", "Wisconsin", "Wyoming", "District of Columbia",
    "Puerto Rico", "Guam",
}


def _speaker_label(s: Sentence) -> Found | None:
    """A headline's claim or a transcript's turn: 'Pence: Flowers Won't Be at Debate'."""
    m = SPEAKER_LABEL.match(s.text) if s.opens_paragraph else None
    if not m:
        return None
    # A news roundup's place under its state's heading is no speaker: what follows is read for
    # who said it ("Oklahoma / Oklahoma City: Authorities say falling debris is still a danger."),
    # else nobody said it. Under another heading, a label that is a person's yields to who what
    # follows opens with; a panel's or an interview's turn stays its label's ("Beifuss: Los Lobos
    # delivered …").
    heading = _heading_before(s)
    if heading not in US_STATES and not labelled_person(m["name"], s.resolver, s.at, m["content"]):
        return None
    if heading:
        off = m.start("content")
        rest = Sentence(s.text[off:], s.at + off, True, s.resolver)
        for rule in REPORTED_RULES[REPORTED_RULES.index(_speaker_label) + 1 :]:
            if (found := rule(rest)) is STOP:
                break
            if found is not None:
                subject, subject_at, cue, c_start, c_end = found
                if subject_at == 0 and subject.split()[0].lower() not in ("i", "we", "my", "our"):
                    return subject, subject_at + off, cue, c_start + off, c_end + off
                break
        if heading in US_STATES:
            return STOP
    name = m["name"].title() if m["name"].isupper() else m["name"]
    return name, m.start("name"), ":", m.start("content"), s.to_end


def _subject_cue_content(s: Sentence) -> Found | None:
    """'Lukyanova told The Moscow Times that …', 'In an interview, Sanders said …'"""
    m = REPORTED_FRONT.match(s.text)
    if not (m and subject_ok(m["subject"]) and not m["subject"].lower().startswith(("if ", "when "))):
        return None
    return m["subject"], m.start("subject"), m["tell"] or m["cue"], m.start("content"), s.to_end


def _according_to(s: Sentence) -> Found | None:
    m = ACCORDING.match(s.text)
    if not m:
        return None
    content = "content1" if m["content1"] else "content2"
    subject = m["subject1"] or m["subject2"]
    return subject, m.start("subject1" if m["subject1"] else "subject2"), "according to", m.start(content), m.end(content)


def _parenthetical(s: Sentence) -> Found | None:
    """'And that, Mr. Manafort said, was in the works.'"""
    m = PARENTHETICAL.match(s.text)
    return (m["subject"], m.start("subject"), m["cue"], 0, s.to_end) if m and subject_ok(m["subject"]) else None


def _participle(s: Sentence) -> Found | None:
    """'…, saying that …': the speaker is the sentence's subject."""
    m = PARTICIPLE_REPORTED.search(s.text)
    subject = sentence_subject(s.text) if m else None
    return (subject, 0, m["cue"], m.start("content"), s.to_end) if subject else None


def _second_verb(s: Sentence) -> Found | None:
    """'McConnell embraced the mogul and said this week that …'"""
    m = COORDINATED.search(s.text)
    subject = acting_subject(s.text) if m else None
    return (subject, s.text.find(subject), m["cue"].split()[0], m.start("content"), s.to_end) if subject else None


def _content_then_speaker(s: Sentence) -> Found | None:
    """'The plan will fail, said a senior official.'"""
    m = REPORTED_BACK.match(s.text)
    if not m or _words_follow(m):
        return None  # a later rule reads the words that follow
    return _back_form(m) or STOP


def _words_said_from(text: str, start: int) -> int:
    """Where the words said start: after the "that" when the content found after a cue opens
    with a circumstance ("in his book and in interviews that he advocated …")."""
    lead = start + len(text[start:]) - len(text[start:].lstrip(" ,"))
    m = _THEN_THAT.match(text, lead) if _CIRCUMSTANCE.match(text, lead) else None
    return m.end() if m else start


def _inner_clause(s: Sentence) -> Found | None:
    """'When he bought the mine, Mr. Clarke said he expected …': only a person or he/she."""
    m = REPORTED_INNER.search(s.text)
    if not (m and (m["subject"].lower() in PRONOUNS or person_name(m["subject"]))):
        return None
    if _OBJECT_CLAUSE.search(s.text, 0, m.start("subject")) and _CIRCUMSTANCE.match(s.text, m.start("content")):
        return None  # "what he said in private speeches moved markets": the words are not given
    return m["subject"], m.start("subject"), m["cue"].split()[0], m.start("content"), s.to_end


def _a_count_grew(cue: str, content: str, before: str) -> bool:
    """"Gallatin County added 20 new cases", "the Dow added 300 points": a number after "added"
    is what a count grew by, not words said ("he added that 20 buses would run" are)."""
    return (cue.lower().split()[-1] in ("added", "adds") and content[:1].isdigit()
            and not before.rstrip(" ,").endswith("that"))


#: Tried in order; the first that answers (or says STOP) decides.
REPORTED_RULES: list[Callable[[Sentence], Found | None]] = [
    _opened_by_a_quote,
    _speaker_label,
    _subject_cue_content,
    _according_to,
    _parenthetical,
    _participle,
    _second_verb,
    _content_then_speaker,
    _inner_clause,
]


def reported_in(text: str, base: int, ptext: str, resolver: Resolver, covered: list[tuple[int, int]]) -> list[Attribution]:
    """The reported speech of the paragraph at `base`, outside the direct quotes `covered`."""
    out = []
    first = bisect.bisect_left(resolver.sentence_starts, base)
    last = bisect.bisect_left(resolver.sentence_starts, base + len(ptext))
    for sentence in resolver.sentences[first:last]:  # this paragraph's, split once by the resolver
        if any(cs <= sentence.start < ce for cs, ce in covered):
            continue
        # A direct quote later in the sentence is already found: read only what comes before it
        # ("She said fathers would not be eligible, and when pressed, replied, “…”").
        end = min([cs for cs, ce in covered if sentence.start < cs < sentence.end] + [sentence.end])
        s = Sentence(text[sentence.start : end], sentence.start, not text[base : sentence.start].strip(" “\""), resolver)
        found = next((f for rule in REPORTED_RULES if (f := rule(s)) is not None), None)
        if found is None or found is STOP:
            continue
        subject, subject_at, cue, c_start, c_end = found
        if c_start > subject_at:
            c_start = _words_said_from(s.text, c_start)
        content = s.text[c_start:c_end].strip(" ,.")
        if len(content.split()) < 4 or _a_count_grew(cue, content, s.text[:c_start]):
            continue
        speaker, is_person = resolver.resolve(subject, sentence.start + subject_at)
        c_start = sentence.start + c_start + (len(s.text[c_start:c_end]) - len(s.text[c_start:c_end].lstrip(" ,")))
        out.append(Attribution(speaker, is_person, content, cue.lower(), "reported", c_start, c_start + len(content)))
    return out
