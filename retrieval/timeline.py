"""A story's development: "how did the strike unfold?", "timeline of the Iran deal". The answer
is the articles that cover the story, one excerpt each, oldest first, so a reader sees it move.
Which articles: the most relevant ones, as for any question, that are about the whole story
(not an article that shares only its place); only their order is by date."""

from __future__ import annotations

import re
from dataclasses import replace

from .answers import Answer, Citation

#: Articles a timeline shows: enough to see a story move, few enough for one message.
ENTRIES = 6


def _holds(text: str, term: str) -> bool:
    words = set(re.findall(r"\w+", text.lower()))
    return term in words or (len(term) > 5 and any(w.startswith(term[:5]) for w in words))


def on_the_story(citation: Citation, terms: list[str]) -> bool:
    """The citation's title and excerpt hold more than half of the story's words ("Valmora tram
    strike": two of the three; a port story from Valmora holds one)."""
    shown = f"{citation.title} {citation.excerpt}"
    return sum(_holds(shown, t) for t in terms) * 2 > len(terms)


def timeline(question: str, terms: list[str], citations: list[Citation], entries: int = ENTRIES) -> Answer:
    """The best citation of each of the `entries` most relevant articles on the story
    (`citations` come best first, up to two an article), by publication date, undated ones last."""
    picked: dict[str, Citation] = {}
    for c in citations:
        if not picked or on_the_story(c, terms):  # the most relevant one is the story's, whatever its words
            picked.setdefault(c.article_id, c)
        if len(picked) == entries:
            break
    dated = sorted(picked.values(), key=lambda c: (c.published is None, c.published or ""))
    return Answer(question=question, no_answer=False, citations=[replace(c, rank=i) for i, c in enumerate(dated, 1)],
                  timeline=True)
