"""A story's articles by date: how it developed ("how did the strike unfold?", "timeline of the
Iran deal"), oldest first, so a reader sees it move; or where it stands ("what's the latest on
the strike?"), newest first. The answer is the articles that cover the story, one excerpt each.
Which articles: the most relevant ones, as for any question, that are about the whole story
(not an article that shares only its place, or another story's); only their order is by date.
Each shows its lede when the lede is about the story: the first paragraph of a news report says
what happened."""

from __future__ import annotations

import re
from dataclasses import replace

from .answers import Answer, Citation, Suggestion
from .question import NEWEST_FIRST, OLDEST_FIRST
from .rerank import Cues, Scored, read_closely
from .store import Store

#: Articles a timeline shows: enough to see a story move, few enough for one message; of those,
#: the newest LATEST answer "what's the latest on …?".
ENTRIES, LATEST = 6, 3
#: What the answer is headed by, in the bot and on the command line.
HEADINGS = {OLDEST_FIRST: "How the story developed, oldest first", NEWEST_FIRST: "The latest on the story, newest first"}
#: The lede shows for an article when it holds at least this share of the story's words.
LEDE_OVERLAP = 0.5


def from_the_ledes(store: Store, relevant: list[Scored], relevance: dict[int, float], cues: Cues) -> list[Scored]:
    """Each article read from its first passage instead, where that passage is about the story
    (`relevance` learns the first passages' scores)."""
    firsts = {aid: spans[0][0] for aid, spans in store.passage_spans(r.candidate.article_id for r in relevant).items() if spans}
    rows = store.passages_by_ids(firsts.values())
    ledes: dict[int, Scored | None] = {}  # article id -> its lede read, when about the story
    out = []
    for r in relevant:
        aid, pid = r.candidate.article_id, firsts.get(r.candidate.article_id)
        if aid not in ledes:  # an article's two passages share one reading of its lede
            lede = read_closely(replace(r.candidate, passage_id=pid), rows[pid], r.article, cues) if pid in rows else None
            ledes[aid] = lede if lede is not None and lede.passage_score >= LEDE_OVERLAP else None
        if (lede := ledes[aid]) is not None and pid != r.candidate.passage_id:
            relevance.setdefault(pid, relevance[r.candidate.passage_id])
            r = lede
        out.append(r)
    return out


def _holds(text: str, term: str) -> bool:
    """`text` (lower-cased) holds the word, its plural, or, for a long word, its first five letters
    starting a word ("negotiations" for "negotiation")."""
    pattern = rf"\b{re.escape(term[:5])}" if len(term) > 5 else rf"\b{re.escape(term)}s?\b"
    return re.search(pattern, text) is not None


def on_the_story(title: str, text: str, terms: list[str]) -> bool:
    """The article holds all of the story's words, or all but one of more than three: for "the
    Valmora tram strike", a port story from Valmora is not on it, and nor is the tram strike for
    "the Valmora ferry strike"; a report on "the screwworm outbreak" is, wherever it says
    "outbreak"."""
    lowered = f"{title} {text}".lower()
    held = sum(_holds(lowered, t) for t in terms)
    return held >= (len(terms) if len(terms) <= 3 else len(terms) - 1)


def by_date(question: str, citations: list[Citation], on_story: set[int], suggestions: list[Suggestion], order: str) -> Answer:
    """The best citation of each of the ENTRIES most relevant articles on the story (`citations`
    come best first, up to two an article; `on_story`: the passages of articles on it), by
    publication date in `order` (undated ones last), the newest LATEST of them when the newest
    are asked for. None on the story (what was found shares a word or two of it): no answer,
    with the closest headlines, as for any question."""
    picked: dict[str, Citation] = {}
    for c in citations:
        if c.passage_id in on_story:
            picked.setdefault(c.article_id, c)
        if len(picked) == ENTRIES:
            break
    if not picked:
        return Answer(question=question, no_answer=True, suggestions=suggestions)
    dated = sorted((c for c in picked.values() if c.published), key=lambda c: c.published, reverse=order == NEWEST_FIRST)
    shown = dated + [c for c in picked.values() if not c.published]
    if order == NEWEST_FIRST:
        shown = shown[:LATEST]
    return Answer(question=question, no_answer=False, citations=[replace(c, rank=i) for i, c in enumerate(shown, 1)],
                  by_date=order)
