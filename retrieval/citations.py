"""Citations: for each chosen passage, the excerpt around its best sentence (answers.py cuts
it), without repeating what an earlier citation showed; and, when nothing answers, the closest
headlines as suggestions."""

from __future__ import annotations

from .answers import Citation, Suggestion, as_shown, excerpt_with_spots
from .boilerplate import inside
from .rerank import Candidate, Cues, Scored
from .store import ArticleRow
from .text import Span, paragraphs_near, split_sentences


def suggestions(articles: dict[int, ArticleRow], chosen: list[Candidate]) -> list[Suggestion]:
    """The closest headlines: three articles, each once (two of its passages may be close)."""
    out: list[Suggestion] = []
    for article_id in dict.fromkeys(c.article_id for c in chosen):
        a = articles[article_id]
        out.append(Suggestion(a.title, a.url, a.published.isoformat() if a.published else None, a.key))
        if len(out) == 3:
            break
    return out


def sentences_near(text: str, span: Span, reach: int) -> list[Span]:
    """The article's sentences in the paragraphs within `reach` characters of `span`: all an
    excerpt around it can use."""
    return [
        s
        for para in paragraphs_near(text, span.start - reach, span.end + reach)
        for s in split_sentences(text[para.start : para.end], para.start)
    ]


def build_citations(chosen: list[Scored], relevance: dict[int, float], excerpt_chars: int, cues: Cues) -> list[Citation]:
    """Each passage cited by the excerpt around its best sentence (the one it was ranked by),
    with its next best sentences beside it when the window does not reach them, but not at the
    cost of a best sentence that holds the kind of thing `cues` ask for (a place, a number):
    that one is shown whole. The outlet's boilerplate near it is left out (boilerplate.py).
    A passage whose answering sentence an earlier citation showed is not cited: a second
    passage of the same article, or a syndicated copy of an article already cited. (Scoring
    sentences by embedding as well chose no better ones at ten times the latency:
    bench/README.md.)"""
    citations: list[Citation] = []
    shown: dict[int, list[str]] = {}  # article id -> the excerpts of it already cited
    for r in chosen:
        article = r.article
        if any(as_shown(article.text, r.best) in e for excerpts in shown.values() for e in excerpts):
            continue
        sentences = sentences_near(article.text, r.best, excerpt_chars)
        if r.boilerplate and not inside(r.best, r.boilerplate):
            sentences = [s for s in sentences if not inside(s, r.boilerplate)]
        best = next((i for i, s in enumerate(sentences) if s.start >= r.best.start), 0)
        spots = r.spots
        earlier = shown.setdefault(article.id, [])
        if earlier:
            # A second passage of an article shows only what the first did not: its window
            # stops where that excerpt began.
            def seen(span: Span) -> bool:
                return any(as_shown(article.text, span) in e for e in earlier)

            lo = best
            while lo > 0 and not seen(sentences[lo - 1]):
                lo -= 1
            hi = best + 1
            while hi < len(sentences) and not seen(sentences[hi]):
                hi += 1
            sentences, best = sentences[lo:hi], best - lo
            spots = [span for span in spots if not seen(span)]
        keep_best = cues.holds_kind(article.text, sentences[best].start, sentences[best].end)
        excerpt, highlight = excerpt_with_spots(article.text, sentences, best, spots, excerpt_chars, keep_best)
        earlier.append(excerpt.rstrip("…"))
        citations.append(
            Citation(
                rank=len(citations) + 1,
                url=article.url,
                title=article.title,
                outlet=article.outlet,
                published=article.published.isoformat() if article.published else None,
                excerpt=excerpt,
                highlights=[highlight],
                score=round(relevance[r.candidate.passage_id], 4),
                article_id=article.key,
                passage_id=r.candidate.passage_id,
            )
        )
    return citations
