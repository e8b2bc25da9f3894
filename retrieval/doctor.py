"""`newsbot doctor`: check that the store and the indexes agree, and repair what can be repaired.

Opening a data directory already catches the indexes up from the store's log and rebuilds an
index that is missing, unreadable or of the wrong size (in bounded batches). The doctor looks
further: the store's own integrity, rows that lost their article, articles without passages,
passages without a cached vector, an index that holds the right number of passages but not the
right ones, files left by a killed save, articles an older newsbot cleaned, and vectors nothing
uses any more. Each check says what
it found and what it did.
"""

from __future__ import annotations

from . import upkeep
from .findings import Finding
from .text import plural

__all__ = ["Finding", "examine"]


def examine(engine, repair: bool = True) -> list[Finding]:
    """Every check, in order; with `repair`, what can be mended is mended."""
    findings = _store_checks(engine, repair)
    findings.append(_articles_without_passages(engine, repair))
    findings.append(_missing_vectors(engine, repair))
    findings += engine.indexes.examine(repair)
    findings.append(_cleaning(engine, repair))
    findings.append(_attributions(engine, repair))
    findings.append(_unused_vectors(engine, repair))
    return findings


def _store_checks(engine, repair: bool) -> list[Finding]:
    store = engine.store
    problems = store.integrity_problems()
    if problems:
        return [Finding(
            "store integrity", "failed",
            f"{problems[0]} ({plural(len(problems), 'problem')}): restore {store.where} from a backup, or copy what "
            "can be read with `sqlite3 store.sqlite3 .recover`",
        )]
    findings = [Finding("store integrity", "ok")]
    orphans = store.orphans()
    if not orphans:
        findings.append(Finding("rows without their article", "ok"))
    elif repair:
        store.delete_orphans()
        engine.indexes.rebuild()
        findings.append(Finding("rows without their article", "repaired", f"removed {_counted(orphans)}; indexes rebuilt"))
    else:
        findings.append(Finding("rows without their article", "failed", _counted(orphans)))
    return findings


def _counted(counts: dict[str, int]) -> str:
    return ", ".join(f"{n:,} {table[:-1] if n == 1 else table}" for table, n in counts.items())


def _articles_without_passages(engine, repair: bool) -> Finding:
    ids = engine.store.articles_without_passages()
    if not ids:
        return Finding("articles without passages", "ok")
    if not repair:
        return Finding("articles without passages", "failed", f"{plural(len(ids), 'article')}")
    engine.split_again(ids)
    return Finding("articles without passages", "repaired", f"split and indexed {plural(len(ids), 'article')} again")


def _missing_vectors(engine, repair: bool) -> Finding:
    model = engine.settings.embedding_id
    ids = engine.store.articles_missing_vectors(model)
    if not ids:
        return Finding("cached vectors", "ok", f"every passage has its vector for {model}")
    if not repair:
        return Finding("cached vectors", "failed", f"{plural(len(ids), 'article')} with passages without a vector")
    for _ in engine.indexes.vectors.chunks(ids):  # embeds what the cache lacks, a few articles at a time
        pass
    return Finding("cached vectors", "repaired", f"embedded the passages of {plural(len(ids), 'article')}")


def _cleaning(engine, repair: bool) -> Finding:
    if not upkeep.cleaning_stale(engine.store):
        return Finding("article text", "ok", "cleaned by today's rules")
    if not repair:
        return Finding("article text", "failed", "cleaned by an older newsbot (page furniture kept)")
    changed = engine.clean_again()
    return Finding("article text", "repaired", f"cleaned again: {plural(changed, 'article')} changed")


def _attributions(engine, repair: bool) -> Finding:
    if not engine.attributions_stale():
        return Finding("who said what", "ok", f"found by {engine.attributor.version}")
    if not repair:
        return Finding("who said what", "failed", "found by older rules")
    found = upkeep.refresh_attributions(engine.store, engine.attributor)
    return Finding("who said what", "repaired", f"found again by {engine.attributor.version}: {plural(found, 'statement')}")


def _unused_vectors(engine, repair: bool) -> Finding:
    store = engine.store
    unused = store.unused_vectors(engine.settings.embedding_id)
    if not unused:
        return Finding("unused vectors", "ok")
    if not repair:
        return Finding("unused vectors", "failed", f"{plural(unused, 'cached vector')} no passage uses")
    store.prune_vectors(engine.settings.embedding_id)
    return Finding("unused vectors", "repaired", f"dropped {plural(unused, 'cached vector')} no passage uses")
