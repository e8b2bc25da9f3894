"""What readers ask that the covered news does not answer: the newsroom's list of gaps.

A question nothing was cited for is kept (its words and the time, not who asked; store/chats.py),
and so is a question whose answer a reader marked 👎. Asked for a period, they are grouped by
meaning, so that "what did the mayor say about the tram strike?" and "mayor's comments on the
tram strike" count as one gap asked twice, and listed most asked first: what to cover next, or
which feed to follow. Work is bounded whatever the traffic: at most MAX_READ questions of each
kind are read (the newest), encoded in batches, and grouped against the groups' first questions.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field

import numpy as np

from .embeddings import Encoder
from .question import STOPWORDS
from .store.chats import UNANSWERED_KEEP_S, ChatState

#: Two questions ask the same thing in other words when their vectors are at least this close
#: and the names and numbers of one all stand in the other. With the packaged model, rephrasings
#: score 0.77-0.94 ("Who is the new CEO of Boeing?", "who was named Boeing's chief executive":
#: 0.785) and other questions of one story 0.65-0.67 ("…tram strike?", "How long will the tram
#: strike last?"); but one question about another name scores as high ("…of Airbus?": 0.858;
#: "the 2022 World Cup final": 0.719), hence the names.
SAME_QUESTION = 0.75
#: The newest questions of each kind read for one report: encoding them is most of its work
#: (about 2.4 ms a question on 2 cores; bench/gaps.py).
MAX_READ = 1000
#: Groups listed per kind.
LISTED = 10
#: The period read by default, and the longest (what the store keeps).
DEFAULT_DAYS = 7
MAX_DAYS = UNANSWERED_KEEP_S // 86_400


@dataclass
class Gap:
    """Questions asking one thing: the newest wording, how often, and when last."""

    question: str
    count: int
    last_at: float
    #: Other wordings, newest first (at most three).
    also: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"question": self.question, "count": self.count, "last_asked": self.last_at, "also": self.also}


@dataclass
class Gaps:
    days: float
    unanswered: list[Gap]
    unhelpful: list[Gap]

    def to_json(self) -> dict:
        return {"days": self.days, "unanswered": [g.to_json() for g in self.unanswered],
                "unhelpful": [g.to_json() for g in self.unhelpful]}


def _words(text: str) -> set[str]:
    return {w.lower() for w in re.findall(r"\w+", text)}


def _names(text: str) -> set[str]:
    """Capitalized words, acronyms ("US", not the word "us") and numbers: what tells one question
    from its template's others."""
    return {
        w.lower() for w in re.findall(r"\w+", text)
        if (w.isupper() and len(w) > 1) or ((w[0].isupper() or w[0].isdigit()) and w.lower() not in STOPWORDS)
    }


def same_names(a: str, b: str) -> bool:
    """The names of one of the two questions all stand in the other (the one with fewer names
    may leave some out: "who won the world cup final 2018" for "...FIFA World Cup final in Moscow?")."""
    na, nb = _names(a), _names(b)
    return na <= _words(b) or nb <= _words(a)


def group(asked: list[tuple[str, float]], encoder: Encoder, limit: int = LISTED) -> list[Gap]:
    """Questions (text, time; newest first) grouped by meaning, most asked first (the most
    recently asked first among equals). Each question joins the first group whose first
    question is SAME_QUESTION close with the same names (same_names), else starts one: one pass
    over the groups' first questions, no pairwise matrix."""
    if not asked:
        return []
    texts = [" ".join(q.split()) for q, _ in asked]
    # A question asked again in the same words is encoded once.
    position = {t: i for i, t in enumerate(dict.fromkeys(t.lower() for t in texts))}
    vectors = encoder.encode(list(position))[[position[t.lower()] for t in texts]]
    heads: list[int] = []  # index of each group's first (newest) question
    members: list[list[int]] = []
    head_vectors = np.empty_like(vectors)  # the first len(heads) rows are the groups' first questions
    for i, vec in enumerate(vectors):
        if heads:
            scores = head_vectors[: len(heads)] @ vec
            close = [g for g in np.argsort(-scores, kind="stable") if scores[g] >= SAME_QUESTION]
            joined = next((int(g) for g in close if same_names(texts[heads[int(g)]], texts[i])), None)
            if joined is not None:
                members[joined].append(i)
                continue
        head_vectors[len(heads)] = vec
        heads.append(i)
        members.append([i])
    gaps = []
    for head, ids in zip(heads, members):
        wordings = list(dict.fromkeys(texts[i] for i in ids))
        seen = {wordings[0].lower()}
        also = []
        for w in wordings[1:]:
            if w.lower() not in seen and len(also) < 3:
                seen.add(w.lower())
                also.append(w)
        gaps.append(Gap(texts[head], len(ids), asked[head][1], also))
    gaps.sort(key=lambda g: (-g.count, -g.last_at))
    return gaps[:limit]


def gaps(chats: ChatState, encoder: Encoder, days: float = DEFAULT_DAYS, limit: int = LISTED) -> Gaps:
    """The questions of the last `days` days the news did not answer, and those whose answer
    was marked not helpful, each grouped by meaning."""
    unanswered, unhelpful = chats.asked_since(time.time() - days * 86_400, MAX_READ)
    return Gaps(days, group(unanswered, encoder, limit), group(unhelpful, encoder, limit))
