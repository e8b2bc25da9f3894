"""Hybrid search and citation building: dense (FAISS) and keyword (BM25) results fused by
reciprocal rank with a preference for coverage near the asking date; the best of them reranked by
how well their best sentence answers (the sentence a reader will see: the question's words and
the kind of thing asked for, answer_types.py) and, asked for a place, by whether they name the
place the best candidates agree on; at most `per_article` passages per article; and for each
citation the excerpt around that sentence."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Iterable

import numpy as np

from .answer_types import AnswerType, answer_type
from .answers import Answer, Citation, Suggestion, excerpt_with_spots
from .keyword import STOPWORDS, query_terms
from .quotes import speaker_question
from .text import Span, paragraph_spans, split_sentences

if TYPE_CHECKING:
    from .engine import Engine, FollowUp
    from .store import ArticleRow, PassageRow

CANDIDATES = 100  # from each retriever, before fusion
RRF_K = 60
DENSE_WEIGHT = 1.0
KEYWORD_WEIGHT = 1.0
FOLLOW_UP_BOOST = 0.5  # share of a first-rank fused score given to already-cited articles
# News is asked about at a moment: coverage near the asking date is preferred, by up to this
# share of a first-rank fused score, halving every RECENCY_HALF_LIFE_DAYS before the date.
RECENCY_WEIGHT = 2.0
RECENCY_HALF_LIFE_DAYS = 7.0
# Reranking of the first RERANK_DEPTH fused candidates: each adds, in shares of a first-rank
# fused score, its best sentence's match with the question (content words and answer-type cues),
# the whole passage's match, and its cosine with the question. Measured on RealTime QA (see
# bench/README.md): answer-hit@3 0.383 -> 0.413, the same gain on either half of the questions.
RERANK_DEPTH = 40
SENTENCE_WEIGHT = 2.0
PASSAGE_WEIGHT = 1.0
COSINE_WEIGHT = 1.0
# Below the relevance floor, a keyword find is cited when it holds at least this share of the
# names the question asks about.
NAMES_SHARE = 2 / 3
# Sentences of a cited passage, after its best, that may stand beside the best one's window in
# the excerpt (answers.excerpt_with_spots; measured in bench/README.md).
SPOTS = 2


def recency(asked_on: date, published: str) -> float:
    """1 for an article published on the asking date, 0.5 a half-life earlier, and so on."""
    try:
        days = (asked_on - date.fromisoformat(published)).days
    except ValueError:
        return 0.0
    return 0.5 ** (max(days, 0) / RECENCY_HALF_LIFE_DAYS)

_HAS_QUOTE = re.compile(r"[“\"][^”\"]{10,}[”\"]")
_WORD = re.compile(r"\w+")
_PRONOUN_START = re.compile(
    r"^\s*(and|but|so|what about|how about|also)\b|\b(he|she|they|him|her|them|his|hers|their|it|its|that|this|these|those)\b",
    re.I,
)


@dataclass
class Candidate:
    passage_id: int
    fused: float
    article_id: int = 0
    published: str | None = None


#: Added to a sentence's score when it holds the kind of thing asked for (answer_types): a
#: number of the asked kind, a quotation when someone's words are asked for, a place of the asked
#: kind when the sentence also shares at least PLACE_MIN_OVERLAP of the question's words (a place
#: in an unrelated sentence is as often a wrong choice as the answer; measured: distractor-hit@3
#: 0.071 without the floor, 0.068 with it, for the same answer-hit).
TYPE_BONUS = 0.3
PLACE_MIN_OVERLAP = 0.2
# Asked for a place, the place most named by the best CONSENSUS_DEPTH fused candidates (in their
# best sentences and spots, nearer the top counting more) is likely the answer: a reranked
# passage naming it gains this share of a first-rank fused score. Measured: answer-hit@1/3/5
# 0.304 / 0.430 / 0.467 -> 0.309 / 0.438 / 0.472 (the gain on either half of the questions).
CONSENSUS_DEPTH = 10
CONSENSUS_WEIGHT = 1.0


@dataclass
class Cues:
    """What a sentence that answers the question looks like: the question's content words
    (longer words weigh more; a word longer than five letters also counts when a word shares its
    first five, "elected" for "election"), and answer-type cues: a number of the asked kind (a
    percentage, a sum, a year, a count), a place of the asked kind, a quotation when someone's
    words are asked for.

    Every reranked candidate's sentences are scored, so a passage is scanned once by one
    compiled pattern that finds only the words that can match, rather than tokenized in Python
    sentence by sentence (measured: 8 ms of a question's time, now under 2)."""

    terms: list[str]
    wants: AnswerType | None
    wants_words: bool
    #: The question as asked: a place it names is its subject, not an answer.
    question: str = ""

    def __post_init__(self) -> None:
        self._weight = {t: math.log(2 + len(t)) for t in self.terms}
        self._total = sum(self._weight.values())
        self._exact: set[str] = set()
        self._prefix: dict[str, list[str]] = {}
        starts = set()
        for t in self.terms:
            if not _WORD.fullmatch(t):
                continue  # never one whole word of a text
            self._exact.add(t)
            starts.add(t)
            if len(t) > 5:
                self._prefix.setdefault(t[:5], []).append(t)
                starts.add(t[:5])
        alternatives = "|".join(re.escape(x) for x in sorted(starts, key=len, reverse=True))
        self._pattern = re.compile(rf"\b(?:{alternatives})\w*", re.I) if starts else None

    @classmethod
    def of(cls, question: str) -> "Cues":
        return cls(query_terms(question), answer_type(question), speaker_question(question) is not None, question)

    def hits(self, text: str, start: int, end: int) -> list[tuple[int, str]]:
        """(offset, question word) for every word of text[start:end] that matches one."""
        if self._pattern is None:
            return []
        out = []
        for m in self._pattern.finditer(text, start, end):
            word = m.group().lower()
            if word in self._exact:
                out.append((m.start(), word))
            for t in self._prefix.get(word[:5], ()) if len(word) >= 5 else ():
                if t != word:
                    out.append((m.start(), t))
        return out

    def overlap(self, found: Iterable[str]) -> float:
        """Share of the question's content-word weight among the words found."""
        return sum(self._weight[t] for t in set(found)) / self._total if self._total else 0.0

    def score(self, text: str, start: int, end: int, hits: list[tuple[int, str]] | None = None) -> float:
        """How well text[start:end] (a sentence) answers; `hits` of a larger span may be passed."""
        if hits is None:
            hits = self.hits(text, start, end)
        score = self.overlap(t for at, t in hits if start <= at < end)
        wants = self.wants
        if wants and (not wants.is_place or score >= PLACE_MIN_OVERLAP) and wants.held_by(text, start, end, self.question):
            score += TYPE_BONUS
        if self.wants_words and _HAS_QUOTE.search(text, start, end):
            score += TYPE_BONUS
        return score


@dataclass
class Scored:
    """A candidate passage read closely: its best sentence and how well it and the passage match."""

    candidate: Candidate
    passage: "PassageRow"
    article: "ArticleRow"
    best: "Span"
    best_score: float
    passage_score: float
    #: The passage's next best sentences that match the question at all, best first.
    spots: list["Span"]


def read_closely(cand: Candidate, passage: "PassageRow", article: "ArticleRow", cues: Cues) -> Scored:
    """Each of the passage's sentences (split at ingest, stored with it) scored against the
    question: this runs for every reranked candidate."""
    text = article.text
    hits = cues.hits(text, passage.start, passage.end)
    ranked = sorted(
        ((cues.score(text, start, end, hits), Span(start, end))
         for start, end in passage.sentences or ((passage.start, passage.end),)),
        key=lambda pair: -pair[0],  # stable: of equal scores, the earlier sentence first
    )
    best_score, best = ranked[0]
    spots = [span for score, span in ranked[1 : 1 + SPOTS] if score > 0]
    return Scored(cand, passage, article, best, best_score, cues.overlap(t for _, t in hits), spots)


def consensus_place(scored: list[Scored], cues: Cues) -> str | None:
    """For a question asking for a place, the place the best candidates name most: each of
    the first CONSENSUS_DEPTH by fused score votes 1/(rank + 5) for every place of the asked
    kind in its best sentence and spots (answers agree across reports; a place named in passing
    rarely recurs). None for other questions or when no place is named."""
    if not cues.wants or not cues.wants.is_place:
        return None
    votes: dict[str, float] = {}
    for rank, r in enumerate(sorted(scored, key=lambda r: -r.candidate.fused)[:CONSENSUS_DEPTH]):
        found = dict.fromkeys(  # in order of appearance, so that ties are broken the same way every run
            place
            for span in (r.best, *r.spots)
            for place in cues.wants.places_in(r.article.text, span.start, span.end, cues.question)
        )
        for place in found:
            votes[place] = votes.get(place, 0.0) + 1.0 / (rank + 5)
    return max(votes, key=votes.__getitem__) if votes else None


def is_follow_up(question: str) -> bool:
    """A question that leans on what came before: it opens with a connective or uses a pronoun."""
    return bool(_PRONOUN_START.search(question)) or len(query_terms(question)) <= 1


def search_query(question: str, follow_up: "FollowUp | None") -> str:
    """The text searched: a follow-up carries the earlier question's names and subjects."""
    if follow_up and follow_up.questions and is_follow_up(question):
        return f"{follow_up.questions[-1]} {question}"
    return question


def fuse(dense: list[tuple[int, float]], keyword: list[tuple[int, float]]) -> dict[int, float]:
    """Reciprocal rank fusion: robust to the two retrievers' incomparable score scales."""
    scores: dict[int, float] = {}
    for weight, hits in ((DENSE_WEIGHT, dense), (KEYWORD_WEIGHT, keyword)):
        for rank, (pid, _score) in enumerate(hits):
            scores[pid] = scores.get(pid, 0.0) + weight / (RRF_K + rank + 1)
    return scores


def answer_question(
    engine: "Engine",
    question: str,
    k: int,
    asked_on: date | None,
    follow_up: "FollowUp | None",
    more_pages: int,
    mode: str = "hybrid",
) -> Answer:
    """`mode` "keyword" or "dense" uses one retriever alone, in its own order (no date
    preference, no reranking; the same excerpts): the benchmark's baselines."""
    if not engine.dense or not query_terms(question) and len(question) < 3:
        return Answer(question=question, no_answer=True)
    query = search_query(question, follow_up)
    qvec = engine.encoder.encode_one(query)
    dense_hits = engine.dense.search(qvec, CANDIDATES) if mode != "keyword" else []
    keyword_hits = engine.keyword.search(query, CANDIDATES) if mode != "dense" else []
    fused = fuse(dense_hits, keyword_hits)
    meta = engine.store.article_of_passages(fused)
    boosted: set[int] = set()
    if follow_up and follow_up.article_keys:
        boosted = {
            a.id for ref in follow_up.article_keys if (a := engine.store.find_article(ref)) is not None
        }
    cutoff = asked_on.isoformat() if asked_on else None
    candidates = []
    for pid, score in fused.items():
        if pid not in meta:
            continue
        article_id, published = meta[pid]
        if cutoff and published and published > cutoff:
            continue
        if asked_on and published and RECENCY_WEIGHT and mode == "hybrid":
            score += RECENCY_WEIGHT * recency(asked_on, published) / (RRF_K + 1)
        if article_id in boosted:
            score += FOLLOW_UP_BOOST * 2 / (RRF_K + 1)
        candidates.append(Candidate(pid, score, article_id, published))
    candidates.sort(key=lambda c: c.fused, reverse=True)
    if not candidates:
        return Answer(question=question, no_answer=True)

    # Relevance is the question's cosine with the passage: FAISS gave it for its hits; the
    # keyword index's other finds are scored from the stored vectors.
    head = candidates[: max(RERANK_DEPTH, k * (1 + more_pages) * engine.settings.per_article)]
    dense_score = dict(dense_hits)
    stored = engine.store.vectors_of(engine.settings.embedding_id, [c.passage_id for c in head if c.passage_id not in dense_score])
    relevance = {
        c.passage_id: dense_score[c.passage_id] if c.passage_id in dense_score
        else float(np.dot(qvec, stored[c.passage_id])) if c.passage_id in stored else 0.0
        for c in head
    }
    passages = engine.store.passages_by_ids(c.passage_id for c in head)
    articles = engine.store.articles_by_ids(c.article_id for c in head)
    cues = Cues.of(question)  # the question as asked; a follow-up's context chose the candidates
    scored = [read_closely(c, passages[c.passage_id], articles[c.article_id], cues) for c in head]
    if mode == "hybrid":
        place = consensus_place(scored, cues)
        scored.sort(key=lambda r: r.candidate.fused + (
            SENTENCE_WEIGHT * r.best_score + PASSAGE_WEIGHT * r.passage_score + COSINE_WEIGHT * relevance[r.candidate.passage_id]
            + (CONSENSUS_WEIGHT if place and place in r.article.text[r.passage.start : r.passage.end] else 0.0)
        ) / (RRF_K + 1), reverse=True)

    wanted = k * (1 + more_pages)
    chosen: list[Scored] = []
    per_article: dict[int, int] = {}
    for r in scored:
        article_id = r.candidate.article_id
        if per_article.get(article_id, 0) >= engine.settings.per_article:
            continue
        per_article[article_id] = per_article.get(article_id, 0) + 1
        chosen.append(r)
        if len(chosen) >= wanted:
            break

    names = question_names(query)
    keyword_found = {pid for pid, _ in keyword_hits}
    threshold = engine.settings.min_relevance

    def citable(r: Scored) -> bool:
        """Relevant on its own: close in meaning, or naming the people and places asked about
        (the embedding often misses rare names; the keyword index does not). Most of the
        question's names, not one of them: "the 2018 FIFA World Cup final in Moscow" is not
        answered by a passage that only mentions Moscow."""
        if relevance[r.candidate.passage_id] >= threshold:
            return True
        if not names or r.candidate.passage_id not in keyword_found:
            return False
        p, a = r.passage, r.article
        words = set(re.findall(r"\w+", (a.title + " " + a.text[p.start : p.end]).lower()))
        return sum(n in words for n in names) >= NAMES_SHARE * len(names)

    relevant = [r for r in chosen if citable(r)]
    if not relevant:
        return Answer(question=question, no_answer=True, suggestions=_suggestions(articles, [r.candidate for r in chosen]))
    citations = build_citations(engine, relevant, relevance)
    return Answer(question=question, no_answer=False, citations=citations[:k], more=citations[k:])


def question_names(question: str) -> set[str]:
    """Capitalized words after the first: the names a question asks about."""
    words = re.findall(r"\w+", question)
    return {w.lower() for w in words[1:] if w[0].isupper() and w.lower() not in STOPWORDS}


def _suggestions(articles: dict, chosen: list[Candidate]) -> list[Suggestion]:
    """The closest headlines: three articles, each once (two of its passages may be close)."""
    out: list[Suggestion] = []
    for article_id in dict.fromkeys(c.article_id for c in chosen):
        a = articles[article_id]
        out.append(Suggestion(a.title, a.url, a.published.isoformat() if a.published else None, a.key))
        if len(out) == 3:
            break
    return out


def sentences_near(text: str, span: "Span", reach: int) -> list["Span"]:
    """The article's sentences in the paragraphs within `reach` characters of `span`: all an
    excerpt around it can use. Only the text between the blank lines around that reach is
    split, not the whole article (no paragraph runs across a blank line)."""
    low, high = span.start - reach, span.end + reach
    cut = text.rfind("\n\n", 0, max(low, 0))
    begin = cut + 2 if cut >= 0 else 0
    cut = text.find("\n\n", high)
    finish = cut if cut >= 0 else len(text)
    window = text[begin:finish]
    return [
        s
        for para in paragraph_spans(window)
        if begin + para.end >= low and begin + para.start <= high
        for s in split_sentences(window[para.start : para.end], begin + para.start)
    ]


def build_citations(engine: "Engine", chosen: list[Scored], relevance: dict[int, float]) -> list[Citation]:
    """Each passage cited by the excerpt around its best sentence (the one it was ranked by),
    with its next best sentences beside it when the window does not reach them.
    Scoring sentences by embedding as well was measured on the benchmark: no better
    (answer-hit@3 0.388 against 0.386) at ten times the latency (p50 194 ms against 17 ms)."""
    citations: list[Citation] = []
    shown: dict[int, list[str]] = {}  # article id -> the excerpts of it already cited
    for r in chosen:
        article = r.article
        sentences = sentences_near(article.text, r.best, engine.settings.excerpt_chars)
        best = next((i for i, s in enumerate(sentences) if s.start >= r.best.start), 0)
        spots = r.spots
        earlier = shown.setdefault(article.id, [])
        if earlier:
            # A second passage of an article shows only what the first did not: its answering
            # sentence already shown, it is left out; else its window stops where that excerpt began.
            def seen(span: Span) -> bool:
                return any(" ".join(article.text[span.start : span.end].split()) in e for e in earlier)

            if seen(sentences[best]):
                continue
            lo = best
            while lo > 0 and not seen(sentences[lo - 1]):
                lo -= 1
            hi = best + 1
            while hi < len(sentences) and not seen(sentences[hi]):
                hi += 1
            sentences, best = sentences[lo:hi], best - lo
            spots = [span for span in spots if not seen(span)]
        excerpt, highlight = excerpt_with_spots(article.text, sentences, best, spots, engine.settings.excerpt_chars)
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
