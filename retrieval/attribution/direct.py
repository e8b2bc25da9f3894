"""Direct quotes: a quotation in marks, and the speaker found around it by the first of
`DIRECT_RULES` that matches ("…," Gudkov said; Lukyanova said: "…"; a quote paragraph that
follows the speaker's own)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..text import Span
from .names import person_name
from .resolver import Resolver, sentence_subject
from .subjects import labelled_person, subject_ok
from .quotemarks import last_sentence_end, quote_content, quote_spans
from .rules import (
    AFTER_CUE_NAME, AFTER_NAME_CUE, BEFORE, BEFORE_INVERTED, CUE_RIGHT_BEFORE, NAME_PARTICIPLE_BEFORE,
    PARTICIPLE_BEFORE, SPEAKER_LABEL, Attribution,
)

#: (speaker, is_person, cue)
Said = tuple[str, bool, str]
#: A work named in quotation marks, not words said: 'ahead of the release of his book, "The Age
#: of Turbulence."', 'Greenspan said in "The Age of Turbulence."' The quotation is then short
#: and in title case.
_WORK_BEFORE = re.compile(
    r"(?:\b(?:book|memoir|novel|biography|film|movie|documentary|album|song|single|show|series|play|musical|podcast|"
    r"column|essay|op-ed|titled|entitled|called|named)[\s,:]*|\b(?:said|says|wrote|writes|recalled|recalls)\s+in\s+)$", re.I)
_MINOR_WORDS = {"a", "an", "the", "and", "or", "but", "of", "in", "on", "at", "to", "for", "by", "with", "from", "as"}


def _names_a_work(before: str, quotation: str) -> bool:
    words = quotation.strip(" .,!?").split()
    return (bool(_WORK_BEFORE.search(before)) and 0 < len(words) <= 8
            and all(w[:1].isupper() or not w[:1].isalpha() or w.lower() in _MINOR_WORDS for w in words))


@dataclass
class Site:
    """One quotation and what surrounds it: what the rules read."""

    text: str
    resolver: Resolver
    paragraphs: list[Span]
    p_index: int
    ptext: str
    base: int  # the paragraph's offset in the article
    qs: int
    closed: bool
    inner_s: int  # the quotation's content, without its marks
    inner_e: int
    words: int
    after: str  # the text after the closing mark, up to the next quotation
    qe_after: int
    before: str  # the sentence's text before the opening mark
    sentence_at: int  # the offset, in the paragraph, where that sentence starts
    before_match: Any
    prev_speaker: Said | None
    last_direct: tuple[str, bool, int] | None

    def before_said(self, m: re.Match, subject: str | None = None) -> Said:
        """The speaker a match in `before` names, with its cue."""
        return (*self.resolver.resolve(subject or m["subject"], self.base + self.sentence_at + m.start("subject")), m["cue"])

    def after_said(self, m: re.Match) -> Said:
        """The speaker a match in `after` names, with its cue."""
        return (*self.resolver.resolve(m["subject"], self.base + self.qe_after + m.start("subject")), m["cue"])


def _transcript_label(s: Site) -> Said | None:
    """A transcript quoted whole: '"PENCE: Well, look, …' is Pence's turn."""
    label = SPEAKER_LABEL.match(s.ptext[s.inner_s : s.inner_e]) if s.qs == 0 else None
    if not (label and labelled_person(label["name"], s.resolver, s.base + s.inner_s, label["content"])):
        return None
    name = label["name"].title() if label["name"].isupper() else label["name"]
    said = (*s.resolver.resolve(name, s.base + s.inner_s), ":")
    s.inner_s += label.start("content")  # the quote is the turn, without its label
    return said


def _name_before_pronoun_after(s: Site) -> Said | None:
    """'Feinstein said "…," she said': the name before wins over the pronoun after."""
    m = s.before_match
    if m and re.match(r"^[\s,]*(?:he|she)\s", s.after) and person_name(m["subject"]):
        return s.before_said(m)
    return None


def _cue_then_name_after(s: Site) -> Said | None:
    """'"…," said the official, who …'"""
    m = AFTER_CUE_NAME.match(s.after) if s.closed else None
    return s.after_said(m) if m and subject_ok(m["subject"]) else None


def _name_then_cue_after(s: Site) -> Said | None:
    """'"…," Gudkov said Tuesday'"""
    m = AFTER_NAME_CUE.match(s.after) if s.closed else None
    return s.after_said(m) if m and subject_ok(m["subject"]) else None


def _name_and_cue_before(s: Site) -> Said | None:
    """'Lukyanova said: "…"', 'Another commenter said, "…"'"""
    return s.before_said(s.before_match) if s.before_match else None


def _cue_first_before(s: Site) -> Said | None:
    """'Said Comey, "…"'"""
    m = BEFORE_INVERTED.search(s.before)
    return s.before_said(m) if m and subject_ok(m["subject"]) else None


def _name_participle_before(s: Site) -> Said | None:
    """'footage of Hillary Clinton asking, "…"'"""
    m = NAME_PARTICIPLE_BEFORE.search(s.before)
    return s.before_said(m) if m and person_name(m["subject"]) else None


def _participle_of_subject_before(s: Site) -> Said | None:
    """'Trump spoke for an hour, telling the crowd, "…"': the speaker is the sentence's subject."""
    m = PARTICIPLE_BEFORE.search(s.before)
    subject = sentence_subject(s.before) if m else None
    if not subject:
        return None
    return (*s.resolver.resolve(subject, s.base + s.sentence_at), m["cue"])


def _same_speaker_again(s: Site) -> Said | None:
    """'"…," he said, "…"', or a further quote in the speaker's paragraph."""
    return s.prev_speaker if s.prev_speaker and s.words >= 4 else None


def _introduced_by_paragraph_before(s: Site) -> Said | None:
    """'He said:' closing one paragraph, the quote opening the next."""
    if not (s.qs == 0 and s.p_index > 0 and s.words >= 4):
        return None
    prev = s.paragraphs[s.p_index - 1]
    prev_text = s.text[prev.start : prev.end]
    m = BEFORE.search(prev_text)
    if not (m and prev_text.rstrip().endswith(":") and subject_ok(m["subject"])):
        return None
    return (*s.resolver.resolve(m["subject"], prev.start + m.start("subject")), m["cue"])


def _quote_paragraph_after_theirs(s: Site) -> Said | None:
    """A paragraph that is all quote, within two of the last speaker's."""
    last = s.last_direct
    if s.qs == 0 and last and s.p_index - last[2] <= 2 and s.words >= 4:
        return (last[0], last[1], "said")
    return None


#: Tried in order; the first that names a speaker wins.
DIRECT_RULES: list[Callable[[Site], Said | None]] = [
    _transcript_label,
    _name_before_pronoun_after,
    _cue_then_name_after,
    _name_then_cue_after,
    _name_and_cue_before,
    _cue_first_before,
    _name_participle_before,
    _participle_of_subject_before,
    _same_speaker_again,
    _introduced_by_paragraph_before,
    _quote_paragraph_after_theirs,
]


class DirectQuotes:
    """Finds the direct quotes of one article, paragraph by paragraph, remembering the last
    speaker across paragraphs and the spans it covered (reported speech is not sought there)."""

    def __init__(self, text: str, resolver: Resolver) -> None:
        self.text, self.resolver = text, resolver
        self.last_direct: tuple[str, bool, int] | None = None  # speaker, is_person, paragraph index
        self.covered: list[tuple[int, int]] = []

    def in_paragraph(self, p_index: int) -> list[Attribution]:
        para = self.resolver.paragraphs[p_index]
        ptext = self.text[para.start : para.end]
        spans = quote_spans(ptext)
        found: list[Attribution] = []
        prev_speaker: Said | None = None
        for q_index, (qs, qe, closed) in enumerate(spans):
            site = self._site(p_index, ptext, spans, q_index, prev_speaker)
            said = next((s for rule in DIRECT_RULES if (s := rule(site)) is not None), None)
            if said is None:
                continue
            if site.words < 4 and said is not prev_speaker:
                # A phrase in quotation marks inside a sentence is part of that sentence's
                # reported speech, not a quote of its own.
                if site.before.strip() and not CUE_RIGHT_BEFORE.search(site.before):
                    continue
            prev_speaker = said
            self.last_direct = (said[0], said[1], p_index)
            if said[1]:
                self.resolver.last_person = said[0]
            if _names_a_work(site.before, ptext[site.inner_s : site.inner_e]):
                continue  # the speaker's, but a title: the quotes around it stay theirs
            found.append(Attribution(said[0], said[1], ptext[site.inner_s : site.inner_e], said[2].lower(), "direct",
                                     para.start + site.inner_s, para.start + site.inner_e))
            self.covered.append((para.start + qs, para.start + qe))
        return found

    def _site(self, p_index: int, ptext: str, spans: list, q_index: int, prev_speaker: Said | None) -> Site:
        qs, qe, closed = spans[q_index]
        inner_s, inner_e = quote_content(ptext, qs, qe)
        after = ptext[qe : qe + 160]
        stray = len(after) - len(after.lstrip("'’”\""))  # a closing mark left over after a nested quote
        after = after[stray:]
        if q_index + 1 < len(spans):
            after = after[: spans[q_index + 1][0] - qe]
        sentence_end = last_sentence_end(ptext, qs)
        before = ptext[max(sentence_end + 1, 0) : qs]
        before_match = BEFORE.search(before)
        if before_match and not subject_ok(before_match["subject"]):
            before_match = None
        return Site(
            text=self.text, resolver=self.resolver, paragraphs=self.resolver.paragraphs, p_index=p_index, ptext=ptext,
            base=self.resolver.paragraphs[p_index].start, qs=qs, closed=closed, inner_s=inner_s, inner_e=inner_e,
            words=len(ptext[inner_s:inner_e].split()), after=after, qe_after=qe + stray, before=before,
            sentence_at=sentence_end + 1, before_match=before_match, prev_speaker=prev_speaker,
            last_direct=self.last_direct,
        )
