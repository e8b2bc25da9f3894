"""Keeping a store current with the settings and the rules: the cleaning its articles' text went
through, the passage size it was split at, and the attribution rules that found its "who said
what"."""

from __future__ import annotations

from collections.abc import Callable

from .articles import CLEANING_VERSION, clean_text
from .attribution import Attributor
from .indexes import Indexes
from .prepare import Preparer
from .settings import EngineSettings
from .store import Store

#: A store finds its attributions again on open when that takes under this long; a larger one
#: does it in the background of a running bot, or on `newsbot reindex`.
INLINE_REFRESH_SECONDS = 10.0
#: What finding one article's attributions again costs on 2 cores: the rules alone, and the
#: rules with the learned tagger (0.33 s an article of RealTime QA, bench/ingest.py --tagger).
REFRESH_SECONDS_PER_ARTICLE = {False: 0.017, True: 0.33}


def inline_refresh_articles(attributor: Attributor) -> int:
    """The most stored articles whose attributions are found again while opening."""
    return int(INLINE_REFRESH_SECONDS / REFRESH_SECONDS_PER_ARTICLE[attributor.tagger is not None])


#: Articles split again, and embedded, at a time.
SPLIT_BATCH = 32


def attributions_stale(store: Store, attributor: Attributor) -> bool:
    """Whether the stored attributions were found by other rules (or another tagger, or none)
    than `attributor`."""
    return store.get_meta("attribution_rules") != attributor.version


def refresh_attributions(store: Store, attributor: Attributor, force: bool = False) -> int:
    """Find every stored article's attributions again with `attributor`."""
    with store.exclusive():
        if not force and not attributions_stale(store, attributor):
            return 0
        return store.refresh_attributions(attributor, attributor.version)


def check_attribution_rules(store: Store, attributor: Attributor, notice: Callable[[str], None]) -> None:
    """Attributions found by older rules are found again, so an upgrade's better "who said
    what" reaches the articles already stored."""
    if not attributions_stale(store, attributor):
        return
    articles = store.counts()["articles"]
    if articles > inline_refresh_articles(attributor):
        notice(
            f"Who said what in the {articles} stored articles was found by older rules: `newsbot run` "
            "finds it again in the background, or run `newsbot reindex`."
        )
        return
    refresh_attributions(store, attributor)


def check_passage_size(store: Store, settings: EngineSettings, notice: Callable[[str], None]) -> None:
    """An empty store takes the configured passage size; one split at another size is told
    how to split again (new articles are split at the configured size meanwhile)."""
    stored = store.passage_words()
    if stored == settings.passage_words:
        return
    if store.counts()["articles"] == 0:
        store.set_passage_words(settings.passage_words)
    else:
        notice(
            f"The stored articles were split into passages of about {stored} words and the "
            f"settings ask for {settings.passage_words}: run `newsbot reindex` to split them again."
        )


def split_again(store: Store, preparer: Preparer, indexes: Indexes, settings: EngineSettings,
                notice: Callable[[str], None], ids: list[int] | None = None) -> int:
    """Split stored articles (all when `ids` is None) at the configured passage size, one
    article per transaction, reusing the cached vectors of passage texts already embedded. A run
    killed midway loses nothing: the store and the indexes agree after each article, and the
    next reindex finishes the work."""
    every = ids is None
    ids = store.all_article_ids() if ids is None else ids
    if every:
        notice(f"Splitting {len(ids)} articles into passages of about {settings.passage_words} words.")
    for start in range(0, len(ids), SPLIT_BATCH):
        rows = store.articles_by_ids(ids[start : start + SPLIT_BATCH])
        for prepared in preparer.prepare([r.as_article() for r in rows.values()]):
            store.write_article(prepared, settings.embedding_id, resplit=True)
        indexes.catch_up()
        done = start + len(rows)
        if every and done % 1024 < SPLIT_BATCH and done < len(ids):
            notice(f"{done} of {len(ids)} articles split again")
    if every:
        store.set_passage_words(settings.passage_words)
    return len(ids)


def cleaning_stale(store: Store) -> bool:
    """Whether the stored articles were cleaned by an older clean_text (articles.py)."""
    return store.cleaning() != CLEANING_VERSION


def check_cleaning(store: Store, notice: Callable[[str], None]) -> None:
    """An empty store is marked as cleaned by today's rules; one whose articles an older newsbot
    cleaned is told how to clean them again (articles added meanwhile are cleaned as today)."""
    if not cleaning_stale(store):
        return
    if store.counts()["articles"] == 0:
        store.set_cleaning(CLEANING_VERSION)
    else:
        notice("The stored articles were cleaned by an older newsbot, which kept some of their pages' "
               "furniture (time stamps, links to other stories, photo credits, sign-up promotions, “CNN —” datelines, live blogs' sign-offs): "
               "run `newsbot reindex` to clean them again.")


def clean_again(store: Store, preparer: Preparer, indexes: Indexes, settings: EngineSettings,
                notice: Callable[[str], None]) -> int:
    """Clean every stored article's text again with today's clean_text; each one it changes is
    written again as an update (split, embedded where its passages' text is new, indexed, its
    attributions found again), one article per transaction, SPLIT_BATCH at a time. A run killed
    midway loses nothing: the store and the indexes agree after each article, and the next
    reindex finishes the work. Returns the number of articles changed."""
    ids = store.all_article_ids()
    notice(f"Cleaning {len(ids)} stored articles again.")
    changed = 0
    for start in range(0, len(ids), SPLIT_BATCH):
        stale, read = [], {}
        for row in store.articles_by_ids(ids[start : start + SPLIT_BATCH]).values():
            article = row.as_article()
            text = clean_text(article.text)
            if text != article.text and len(text) >= 20:  # one that was nothing but furniture stays
                read[article.key] = article.content_hash  # of the text as stored
                article.text = text
                stale.append(article)
        for prepared in preparer.prepare(stale):
            # Readers and writers go on meanwhile: an article a feed or an admin wrote since it
            # was read here keeps that write (it was cleaned by today's rules).
            result = store.write_article(prepared, settings.embedding_id, replaces=read[prepared.article.key])
            changed += result.status == "updated"
        indexes.catch_up()
    store.set_cleaning(CLEANING_VERSION)
    return changed
