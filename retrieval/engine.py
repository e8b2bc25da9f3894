"""The engine: the one object the bot and the command line use. It opens a store and the
indexes that go with it (retrieval/store, retrieval/indexes), and offers what a reader or an
admin does with them: ask, add, remove, list, quotes, and the bot's chat state (`chats`).
The work itself is done by the modules it holds: `Searcher` (search), `Preparer` (ingest's slow
part), upkeep.py (cleaning, passage size, attribution rules)."""

from __future__ import annotations

import copy
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date

from . import suggest, upkeep
from .answers import Answer
from .articles import Article, clean_inline
from .attribution import Profile, Quote, attributor, find_quotes, profile_of
from .encoders import get_encoder
from .errors import NotFound
from .indexes import open_indexes
from .language import foreign_notice
from .prepare import Preparer
from .question import Question, query_terms
from .searcher import Searcher
from .settings import EngineSettings
from .store import ArticleRow, ChatState, PreparedArticle, WriteResult, open_store
from .text import plural
from .timeliness import Period, named_period

log = logging.getLogger(__name__)

Notice = Callable[[str], None]

#: Quotes an answer lists at most (`newsbot quotes` lists them all).
QUOTES_IN_ANSWER = 10


@dataclass
class FollowUp:
    """What the conversation so far adds to a question: earlier questions and cited articles."""

    questions: list[str] = field(default_factory=list)
    article_keys: list[str] = field(default_factory=list)


class Engine:
    """Open with `Engine(settings)`; close with `close()` (or use as a context manager)."""

    def __init__(self, settings: EngineSettings | None = None, notice: Notice | None = None,
                 index_corpus: bool = True) -> None:
        self.settings = settings or EngineSettings()
        self.notice: Notice = notice or (lambda message: log.info("%s", message))
        self.store = open_store(self.settings)
        self.chats = ChatState(self.store)
        self.encoder = get_encoder(self.settings)
        self.indexes = open_indexes(self.store, self.settings, self.encoder, self.notice)
        self.searcher = Searcher(self.store, self.indexes, self.encoder, self.settings)
        self.attributor = attributor(self.settings.attribution_tagger)
        self.preparer = Preparer(self.store, self.encoder, self.settings, self.attributor)
        upkeep.check_passage_size(self.store, self.settings, self.notice)
        upkeep.check_cleaning(self.store, self.notice)
        # Before the default corpus: an empty store is only marked as current, so a first start
        # does not find the seed articles' attributions twice.
        upkeep.check_attribution_rules(self.store, self.attributor, self.notice)
        if index_corpus:
            with self.store.exclusive():
                if self.store.counts()["articles"] == 0 and self.store.seq() == 0:
                    self._index_default_corpus()

    def __enter__(self) -> "Engine":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self.preparer.close()
        with self.indexes.lock:
            self.indexes.close()
            self.store.close()

    def warm_up(self) -> None:
        """Load what the first question would otherwise wait for: the model, the place
        gazetteer of the answer-type cues (about 0.8 s), and a replica's keyword copy."""
        from .answer_types import gazetteer

        self.encoder.encode_one("warm up")
        gazetteer()
        self.indexes.warm_up()

    def attributions_stale(self) -> bool:
        return upkeep.attributions_stale(self.store, self.attributor)

    def refresh_attributions_in_background(self) -> threading.Thread | None:
        """For a long-running bot: the refresh runs beside the answering (one article per
        transaction, so readers are never blocked for long)."""
        if not self.attributions_stale():
            return None
        thread = threading.Thread(target=upkeep.refresh_attributions, args=(self.store, self.attributor), name="attributions", daemon=True)
        thread.start()
        return thread

    # --- writing -------------------------------------------------------------------------
    def _index_default_corpus(self) -> None:
        corpus = self.settings.corpus_dir
        if not corpus.is_dir():
            return
        from .ingest import ingest

        report = ingest(self, [str(corpus)])
        self.notice(
            f"{self.store.where} was empty: indexed the sample corpus that ships with newsbot ({corpus}: "
            f"{plural(report.count('added'), 'article')}), so that there is something to ask about. Add your "
            "newsroom's own articles with `newsbot add` and a folder, a JSONL file or a link (`newsbot add --help`)."
        )

    def start_preparing(self, articles: list[Article]) -> Callable[[], list[PreparedArticle]]:
        return self.preparer.start(articles, skip_held=True)

    def write(self, prepared: list[PreparedArticle]) -> list[WriteResult]:
        """Store each prepared article in its own transaction, then bring the indexes up to date.
        One prepared unread (the store held it so) and changed since is read now."""
        results = [self.store.write_article(p, self.settings.embedding_id) for p in prepared]
        for i, (p, result) in enumerate(zip(prepared, results)):
            if result.status == "unread":
                results[i] = self.store.write_article(self.preparer.prepare([p.article])[0], self.settings.embedding_id)
        self.indexes.catch_up()
        return results

    def add(self, articles: list[Article]) -> list[WriteResult]:
        return self.write(self.preparer.prepare(articles))

    def catch_up(self) -> None:
        """Pick up what other processes wrote to the store (an ingest apart, another replica)."""
        self.indexes.catch_up()

    def persist(self) -> None:
        self.indexes.persist()

    def remove(self, ref: str) -> ArticleRow:
        article = self.store.find_article(ref.strip())
        if article is None:
            raise NotFound(f"no article with id or URL {ref!r}")
        self.store.delete_article(article.id)
        self.indexes.catch_up()
        self.indexes.persist()
        return article

    def clean_again(self) -> int:
        """Clean the stored articles again if an older newsbot cleaned them (upkeep.py)."""
        if not upkeep.cleaning_stale(self.store):
            return 0
        return upkeep.clean_again(self.store, self.preparer, self.indexes, self.settings, self.notice)

    def split_again(self, ids: list[int] | None = None) -> int:
        return upkeep.split_again(self.store, self.preparer, self.indexes, self.settings, self.notice, ids)

    def reindex(self) -> dict:
        """Clean the articles again if an older newsbot cleaned them, split them again if the
        passage size changed, rebuild both indexes from the store (cached vectors are reused)
        and find the attributions again."""
        self.clean_again()
        if self.store.passage_words() != self.settings.passage_words:
            self.split_again()  # outside the lock: readers are answered meanwhile, as during an ingest
        with self.indexes.lock:
            upkeep.refresh_attributions(self.store, self.attributor, force=True)
            self.indexes.rebuild()
            self.store.prune_vectors(self.settings.embedding_id)
        return self.stats()

    def answering_with(self, searcher: Searcher) -> "Engine":
        """This engine answering through another searcher (a benchmark's baseline): it shares
        everything else, and is not to be closed."""
        other = copy.copy(self)
        other.searcher = searcher
        return other

    # --- reading -------------------------------------------------------------------------
    def stats(self) -> dict:
        counts = self.store.counts()
        vectors, documents = self.indexes.counts()
        return {
            "articles": counts["articles"],
            "passages": counts["passages"],
            "vectors": vectors,
            "keyword_docs": documents,
            "outlets": counts["outlets"],
            "first_published": counts["first"],
            "last_published": counts["last"],
            "model": self.settings.model,
            "encoder": self.settings.encoder,
            "data_dir": self.indexes.where,
        }

    def list_articles(self, limit: int = 50, offset: int = 0) -> list[ArticleRow]:
        """Newest coverage first."""
        return self.store.list_articles(limit, offset)

    def outlets(self) -> list[str]:  # the outlets covered, most articles first
        return self.store.outlets()

    def example_questions(self) -> list[str]:
        """Three questions the corpus can answer: drawn from the newest headlines."""
        return [f"What happened: {a.title}?" for a in self.store.list_articles(limit=3)]

    def quotes(self, name: str, about: str | None = None, by: date | None = None, limit: int | None = None,
               period: Period | None = None) -> list[Quote]:
        """The statements of the person `name` stands for (the first `limit`), newest first (`period`'s first), on `about`."""
        return find_quotes(self.store, name, query_terms(about) if about else None, by, limit, period)

    def profile(self, name: str) -> Profile:
        with self.indexes.lock:  # the articles that mention them, as the indexes hold the store now
            self.indexes.catch_up()
            return profile_of(self.store, name, self.indexes.articles_holding)

    def _quotes_for(self, question: Question, asked_on: date | None) -> list[Quote]:
        """Quotes answering "what did X say (about Y)?", X maybe named earlier ("and what did she say
        about Mironov?"): the first few, those of a period the question names first."""
        if (asked := question.speaker_named()) is None:
            return []
        return self.quotes(*asked, by=asked_on, limit=QUOTES_IN_ANSWER, period=named_period(question.text, asked_on))

    def ask(self, text: str, k: int | None = None, asked_on: date | None = None,
            follow_up: FollowUp | None = None, more_pages: int = 2) -> Answer:
        """Cited excerpts answering the question; nothing published after `asked_on` is cited.

        The question is cleaned as an article's title is (tags stripped, entities decoded,
        whitespace collapsed): a question pasted from a web page otherwise searches for its
        markup ("href", "data"), and so ranks pages with links above the story it names."""
        started = time.perf_counter()
        text = clean_inline(text)
        notice = foreign_notice(text)
        if notice:
            return Answer(question=text, no_answer=True, notice=notice, took_ms=0.0)
        question = Question.parse(text, follow_up.questions if follow_up else None)
        # The indexes are not searched while a batch is being applied: the lock is held only
        # for applying (milliseconds), never while a batch is being embedded.
        with self.indexes.lock:
            self.indexes.catch_up()
            found = self.searcher.search(question, k or self.settings.citations, asked_on,
                                         follow_up.article_keys if follow_up else (), more_pages)
            quotes = self._quotes_for(question, asked_on)
            offered = suggest.next_questions(self.store, question, found, quotes)
        took_ms = round((time.perf_counter() - started) * 1000, 1)
        # The person's statements answer it when the passages do not.
        return replace(found, quotes=quotes, next_questions=offered, no_answer=found.no_answer and not quotes, took_ms=took_ms)
