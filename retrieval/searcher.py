"""Search: dense and keyword hits fused by reciprocal rank, with a preference for coverage near
the asking date (or within an earlier period the question names, timeliness.py) and for articles
the conversation already cited; the best of them reranked by how well their best sentence
answers (rerank.py) and, asked for a place, by whether they name the place the best candidates
agree on; at most `per_article` passages per article, read again
without the outlet's boilerplate (boilerplate.py); then the citations (citations.py), the first
of them ordered by what their excerpts show (ordering/), with a caveat when they are older than
the days the question asks about (timeliness.py); or suggestions when nothing relevant is found."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date

import numpy as np

from .answerability import Gate, shipped as shipped_gate
from .answerability.features import features as answerability_features
from .answers import Answer, Suggestion
from .boilerplate import keyed_paragraphs
from .citations import build_citations, suggestions
from .embeddings import Encoder
from .indexes import Indexes
from .ordering import Order, shipped as shipped_order
from .question import Question
from .rerank import CONSENSUS_WEIGHT, Candidate, Cues, Scored, consensus_place, read_closely
from .selector import Selector, choose
from .settings import EngineSettings
from .store import Store
from . import people, things, timeline
from .timeliness import Period, caveat, named_period

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
# the whole passage's match, and its cosine with the question. Fusion ranks passages by their
# topic; the reader needs the one whose sentence answers.
RERANK_DEPTH = 40
SENTENCE_WEIGHT = 2.0
PASSAGE_WEIGHT = 1.0
COSINE_WEIGHT = 1.0
# Below the relevance floor, a keyword find is cited when it holds at least this share of the
# names the question asks about.
NAMES_SHARE = 2 / 3

RETRIEVERS = ("dense", "keyword")


def recency(asked_on: date | None, published: str, period: Period | None = None) -> float:
    """1 for an article published on the asking date, 0.5 a half-life earlier, and so on; for
    a question naming an earlier period (timeliness.named_period), 1 within it and halving every
    half-life away from it, before or after."""
    try:
        day = date.fromisoformat(published)
    except ValueError:
        return 0.0
    near = [(asked_on - day).days] if asked_on else []
    if period is not None:
        near.append(period.distance(day))
    return max((0.5 ** (max(days, 0) / RECENCY_HALF_LIFE_DAYS) for days in near), default=0.0)


def fuse(dense: list[tuple[int, float]], keyword: list[tuple[int, float]]) -> dict[int, float]:
    """Reciprocal rank fusion: robust to the two retrievers' incomparable score scales."""
    scores: dict[int, float] = {}
    for weight, hits in ((DENSE_WEIGHT, dense), (KEYWORD_WEIGHT, keyword)):
        for rank, (pid, _score) in enumerate(hits):
            scores[pid] = scores.get(pid, 0.0) + weight / (RRF_K + rank + 1)
    return scores


@dataclass
class Found:
    """What search found for a question with something to cite."""

    relevant: list[Scored]
    relevance: dict[int, float]
    cues: Cues
    qvec: np.ndarray
    dense_found: set[int]
    keyword_found: dict[int, float]  # passage id -> BM25 score
    suggestions: list[Suggestion]


@dataclass
class Searcher:
    store: Store
    indexes: Indexes
    encoder: Encoder
    settings: EngineSettings
    #: Both for newsbot; one alone is a benchmark's baseline (no date preference, no reranking).
    retrievers: tuple[str, ...] = RETRIEVERS
    #: Chooses each cited article's answering sentence over the whole article (a candidate
    #: model under evaluation); None: the best sentence of the passage search ranked.
    selector: Selector | None = None
    #: Declines to cite what only shares the question's topic (None: the relevance floor alone).
    gate: Gate | None = field(default_factory=shipped_gate)
    #: Orders the first citations again by what their excerpts show (None: search's order).
    order: Order | None = field(default_factory=shipped_order)
    #: Prefers coverage from an earlier day or month the question names (False: the asking
    #: date's preference alone; bench/timeliness.py compares the two).
    named_periods: bool = True

    def alone(self, retriever: str) -> "Searcher":
        """This searcher with one retriever, in its own order, and no gate: a baseline."""
        return replace(self, retrievers=(retriever,), gate=None, order=None)

    @property
    def hybrid(self) -> bool:
        return len(self.retrievers) > 1

    def search(self, question: Question, k: int, asked_on: date | None = None,
               cited: Iterable[str] = (), more_pages: int = 2) -> Answer:
        """Cited excerpts answering `question`, none published after `asked_on`; `cited` are
        the keys of articles the conversation cited (preferred for a follow-up)."""
        period = self._period(question, asked_on)
        if question.person:  # "who is Johnson?" searches for the Johnson the news quotes most, in full
            question = replace(Question.parse(f"who is {people.full_name(self.store, question.person)}"), text=question.text)
        if question.by_date:
            k, more_pages = timeline.ENTRIES, 1  # up to two passages an article: six articles
        read_pages = max(more_pages, things.PAGES_READ) if question.thing else more_pages  # few say what a body is
        found = self._find(question, k, asked_on, cited, read_pages, period)
        if isinstance(found, Answer):
            return found
        if question.by_date:
            return self._story(question, found)
        if question.person or question.thing:
            if (introduced := self._introduced(question, found, k, more_pages)) is not None:
                return introduced
            if read_pages != more_pages:  # answered as any question is: from as many candidates
                found = self._find(question, k, asked_on, cited, more_pages, period)
                if isinstance(found, Answer):
                    return found
        if self._declined(question, found):
            return Answer(question=question.text, no_answer=True, suggestions=found.suggestions)
        relevant = found.relevant
        if self.selector is not None:
            relevant = self._answering_sentences(relevant, question, found.cues, found.qvec)
        citations = build_citations(relevant, found.relevance, self.settings.excerpt_chars, found.cues)
        if self.order is not None:
            citations = self.order.apply(question, found.cues, citations, asked_on, period)
        dated = caveat(question.text, [c.published for c in citations[:k]], asked_on, period)
        return Answer(question=question.text, no_answer=False, citations=citations[:k], more=citations[k:], caveat=dated)

    def _period(self, question: Question, asked_on: date | None) -> Period | None:
        """The earlier period the question names, when the corpus holds coverage from it: "the
        first Winter Olympics in 1924" asks about history, which today's coverage tells."""
        period = named_period(question.text, asked_on) if self.hybrid and self.named_periods else None
        if period is None or not self.store.published_between(period.start.isoformat(), period.end.isoformat()):
            return None
        return period

    def _story(self, question: Question, found: "Found") -> Answer:
        """A story's articles by date (timeline.py): each read from its lede, those on the story
        kept. Not gated: the gate was trained on questions that ask for a fact, and the coverage
        of the story is what this question asks for."""
        relevant = timeline.from_the_ledes(self.store, found.relevant, found.relevance, found.cues)
        citations = build_citations(relevant, found.relevance, self.settings.excerpt_chars, found.cues)
        on_story = {r.article.id: timeline.on_the_story(r.article.title, r.article.text, question.terms) for r in relevant}
        passages = {r.candidate.passage_id for r in relevant if on_story[r.article.id]}
        return timeline.by_date(question.text, citations, passages, found.suggestions, question.by_date)

    def _introduced(self, question: Question, found: "Found", k: int, more_pages: int) -> Answer | None:
        """"Who is X?" and "what is X?": each article naming X, read from the sentence that
        introduces X (people.py, things.py). Not gated, like a story: whether the news names X
        is the answer. None when no article names the person ("who is winning?") or says what
        the thing is: the question is then answered as any other."""
        if question.person:
            relevant, intros = people.introduced(self.store, found.relevant, question.person, found.relevance)
        else:
            relevant, intros = things.introduced(self.store, found.relevant, question.thing, found.relevance)
        if not relevant:
            return None
        citations = build_citations(relevant, found.relevance, self.settings.excerpt_chars, found.cues)
        described = people.described_of(citations[:k], intros, question.person or question.thing)
        return Answer(question=question.text, no_answer=False, citations=citations[:k], more=citations[k : k * (1 + more_pages)],
                      **{"person" if question.person else "subject": described})  # the pages asked for, however many were read

    def _declined(self, question: Question, found: "Found") -> bool:
        """Whether the gate judges the citations to share only the question's topic. It was
        trained on questions that ask for a fact; one asking for someone's words is answered by
        what they said (the attributions), and is not gated."""
        if self.gate is None or question.speaker is not None:
            return False
        return self.gate.probability(self._evidence(question, found)) < self.gate.threshold

    def evidence(self, question: Question, k: int, asked_on: date | None = None) -> np.ndarray | None:
        """What the answerability gate reads for this question (None when nothing is cited)."""
        found = self._find(question, k, asked_on, (), 2, self._period(question, asked_on))
        return None if isinstance(found, Answer) else self._evidence(question, found)

    def _evidence(self, question: Question, found: "Found") -> np.ndarray:
        return answerability_features(question, found.cues, found.relevant, found.relevance, found.dense_found, found.keyword_found)

    def _find(self, question: Question, k: int, asked_on: date | None, cited: Iterable[str], more_pages: int,
              period: Period | None = None) -> "Found | Answer":
        """The relevant passages, best first, and what was read to choose them; or the answer
        when there is nothing to cite."""
        if not question.terms and len(question.text) < 3:
            return Answer(question=question.text, no_answer=True)
        qvec = self.encoder.encode_one(question.search_text)
        dense_hits = self.indexes.search_dense(qvec, CANDIDATES) if "dense" in self.retrievers else []
        keyword_hits = self.indexes.search_keyword(question.search_terms, CANDIDATES) if "keyword" in self.retrievers else []
        candidates = self._candidates(fuse(dense_hits, keyword_hits), asked_on, cited, period)
        if not candidates:
            return Answer(question=question.text, no_answer=True)

        # Relevance is the question's cosine with the passage: the dense index gave it for its
        # hits; the keyword index's other finds are scored from the stored vectors.
        per_article = self.settings.per_article
        head = candidates[: max(RERANK_DEPTH, k * (1 + more_pages) * per_article)]
        dense_score = dict(dense_hits)
        stored = self.store.vectors_of(self.settings.embedding_id, [c.passage_id for c in head if c.passage_id not in dense_score])
        relevance = {
            c.passage_id: dense_score[c.passage_id] if c.passage_id in dense_score
            else float(np.dot(qvec, stored[c.passage_id])) if c.passage_id in stored else 0.0
            for c in head
        }
        passages = self.store.passages_by_ids(c.passage_id for c in head)
        articles = self.store.articles_by_ids(c.article_id for c in head)
        cues = Cues.of(question)  # the question as asked; a follow-up's context chose the candidates
        scored = [read_closely(c, passages[c.passage_id], articles[c.article_id], cues) for c in head]
        if self.hybrid:
            place = consensus_place(scored, cues)
            scored.sort(key=lambda r: r.candidate.fused + (
                SENTENCE_WEIGHT * r.best_score + PASSAGE_WEIGHT * r.passage_score + COSINE_WEIGHT * relevance[r.candidate.passage_id]
                + (CONSENSUS_WEIGHT if place and place in r.article.text[r.passage.start : r.passage.end] else 0.0)
            ) / (RRF_K + 1), reverse=True)

        chosen = self._without_boilerplate(self._at_most_per_article(scored, k * (1 + more_pages)), cues)
        keyword_found = dict(keyword_hits)
        relevant = [r for r in chosen if self._citable(r, relevance, question.names, set(keyword_found))]
        offered = suggestions(articles, [r.candidate for r in chosen])
        if not relevant:
            return Answer(question=question.text, no_answer=True, suggestions=offered)
        return Found(relevant, relevance, cues, qvec, set(dense_score), keyword_found, offered)

    def _without_boilerplate(self, chosen: list[Scored], cues: Cues) -> list[Scored]:
        """The chosen passages read again without the outlet's boilerplate within an excerpt's
        reach of them (boilerplate.py), so that none is shown; one look-up in the store for all.
        Only the chosen ones, not the forty reranked: the look-up is for what is shown."""
        reach = self.settings.excerpt_chars
        near = {r.candidate.passage_id: keyed_paragraphs(r.article.text, r.passage.start - reach, r.passage.end + reach) for r in chosen}
        known = self.store.boilerplate(key for pairs in near.values() for _, key in pairs)
        if not known:
            return chosen
        out = []
        for r in chosen:
            spans = tuple(span for span, key in near[r.candidate.passage_id] if key in known)
            out.append(read_closely(r.candidate, r.passage, r.article, cues, spans) if spans else r)
        return out

    def _answering_sentences(self, chosen: list[Scored], question: Question, cues: Cues, qvec: np.ndarray) -> list[Scored]:
        """The first citation of each article shows the sentence the selector picks from the
        whole article, with the next best beside it; a second citation of it keeps its own."""
        first: dict[int, Scored] = {}
        for r in chosen:
            first.setdefault(r.article.id, r)
        spans = self.store.passage_spans(first)
        vectors = self.store.vectors_of(self.settings.embedding_id, [pid for v in spans.values() for pid, _, _ in v])
        cosines = {pid: float(np.dot(qvec, vec)) for pid, vec in vectors.items()}
        out = []
        for r in chosen:
            if first[r.article.id] is r:
                picked = choose(self.selector, question, cues, r.article.text, spans[r.article.id], cosines, r.candidate.passage_id)
                if picked is not None:
                    r = replace(r, best=picked.best, spots=picked.spots)
            out.append(r)
        return out

    def _candidates(self, fused: dict[int, float], asked_on: date | None, cited: Iterable[str],
                    period: Period | None = None) -> list[Candidate]:
        """Fused hits published by the asking date, with their date (or named period) and
        follow-up preferences."""
        meta = self.store.article_of_passages(fused)
        boosted = {a.id for ref in cited if (a := self.store.find_article(ref)) is not None}
        cutoff = asked_on.isoformat() if asked_on else None
        candidates = []
        for pid, score in fused.items():
            if pid not in meta:
                continue
            article_id, published = meta[pid]
            if cutoff and published and published > cutoff:
                continue
            if (asked_on or period) and published and RECENCY_WEIGHT and self.hybrid:
                score += RECENCY_WEIGHT * recency(asked_on, published, period) / (RRF_K + 1)
            if article_id in boosted:
                score += FOLLOW_UP_BOOST * 2 / (RRF_K + 1)
            candidates.append(Candidate(pid, score, article_id, published))
        candidates.sort(key=lambda c: c.fused, reverse=True)
        return candidates

    def _at_most_per_article(self, scored: list[Scored], wanted: int) -> list[Scored]:
        chosen: list[Scored] = []
        per_article: dict[int, int] = {}
        for r in scored:
            article_id = r.candidate.article_id
            if per_article.get(article_id, 0) >= self.settings.per_article:
                continue
            per_article[article_id] = per_article.get(article_id, 0) + 1
            chosen.append(r)
            if len(chosen) >= wanted:
                break
        return chosen

    def _citable(self, r: Scored, relevance: dict[int, float], names: set[str], keyword_found: set[int]) -> bool:
        """Relevant on its own: close in meaning, or naming the people and places asked about
        (the embedding often misses rare names; the keyword index does not). Most of the
        question's names, not one of them: "the 2018 FIFA World Cup final in Moscow" is not
        answered by a passage that only mentions Moscow."""
        if relevance[r.candidate.passage_id] >= self.settings.min_relevance:
            return True
        if not names or r.candidate.passage_id not in keyword_found:
            return False
        p, a = r.passage, r.article
        words = set(re.findall(r"\w+", (a.title + " " + a.text[p.start : p.end]).lower()))
        return sum(n in words for n in names) >= NAMES_SHARE * len(names)
