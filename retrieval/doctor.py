"""`newsbot doctor`: check that the store and the indexes agree, and repair what can be repaired.

Opening a data directory already catches the indexes up from the store's log and rebuilds an
index that is missing, unreadable or of the wrong size (in bounded batches). The doctor looks
further: the store's own integrity, rows that lost their article, articles without passages,
passages without a cached vector, an index that holds the right number of passages but not the
right ones, files left by a killed save, and vectors nothing uses any more. Each check says what
it found and what it did.
"""

from __future__ import annotations

from dataclasses import dataclass

import faiss
import numpy as np

from .dense import DenseIndex
from .text import plural
from .quotes import RULES_VERSION, extract as extract_attributions


@dataclass
class Finding:
    check: str
    #: "ok", "repaired", or "failed" (found and not repairable here)
    status: str
    detail: str = ""


def examine(engine, repair: bool = True) -> list[Finding]:
    """Every check, in order; with `repair`, what can be mended is mended."""
    findings: list[Finding] = []
    store = engine.store
    if store.indexes_inside:
        findings.append(Finding("store", "ok", "PostgreSQL checks its own pages; the indexes live in it"))
    else:
        findings += _sqlite_checks(engine, repair)
    findings.append(_articles_without_passages(engine, repair))
    findings.append(_missing_vectors(engine, repair))
    if not store.indexes_inside:
        findings.append(_dense_matches(engine, repair))
        findings.append(_keyword_matches(engine, repair))
        findings.append(_leftover_files(engine, repair))
    findings.append(_attributions(engine, repair))
    findings.append(_unused_vectors(engine, repair))
    return findings


def _sqlite_checks(engine, repair: bool) -> list[Finding]:
    store = engine.store
    problems = store.integrity_problems()
    if problems:
        return [Finding(
            "store integrity", "failed",
            f"{problems[0]} ({plural(len(problems), 'problem')}): restore {store.path} from a backup, or copy what "
            "can be read with `sqlite3 store.sqlite3 .recover`",
        )]
    findings = [Finding("store integrity", "ok")]
    orphans = store.orphans()
    if not orphans:
        findings.append(Finding("rows without their article", "ok"))
    elif repair:
        store.delete_orphans()
        engine._rebuild_dense()
        engine._rebuild_keyword()
        engine.persist()
        findings.append(Finding("rows without their article", "repaired", f"removed {_counted(orphans)}; indexes rebuilt"))
    else:
        findings.append(Finding("rows without their article", "failed", _counted(orphans)))
    return findings


def _counted(counts: dict[str, int]) -> str:
    return ", ".join(f"{n:,} {table[:-1] if n == 1 else table}" for table, n in counts.items())


def _articles_without_passages(engine, repair: bool) -> Finding:
    store = engine.store
    ids = store.articles_without_passages()
    if not ids:
        return Finding("articles without passages", "ok")
    if not repair:
        return Finding("articles without passages", "failed", f"{plural(len(ids), 'article')}")
    for start in range(0, len(ids), engine.SPLIT_BATCH):
        rows = store.articles_by_ids(ids[start : start + engine.SPLIT_BATCH])
        for article, passages, hashes, vectors, found in engine.prepare([r.as_article() for r in rows.values()]):
            store.write_article(article, passages, hashes, vectors, engine.settings.embedding_id, found, resplit=True)
        engine.catch_up()
    return Finding("articles without passages", "repaired", f"split and indexed {plural(len(ids), 'article')} again")


def _missing_vectors(engine, repair: bool) -> Finding:
    store = engine.store
    model = engine.settings.embedding_id
    ids = store.articles_missing_vectors(model)
    if not ids:
        return Finding("cached vectors", "ok", f"every passage has its vector for {model}")
    if not repair:
        return Finding("cached vectors", "failed", f"{plural(len(ids), 'article')} with passages without a vector")
    for _ in engine._vector_chunks(ids):  # embeds what the cache lacks, a few articles at a time
        pass
    return Finding("cached vectors", "repaired", f"embedded the passages of {plural(len(ids), 'article')}")


def _dense_matches(engine, repair: bool) -> Finding:
    passages = engine.store.counts()["passages"]
    dense = engine.dense
    detail = ""
    if dense is None:
        detail = "" if passages == 0 else f"no dense index for {passages:,} passages"
    elif dense.count != passages:
        detail = f"{dense.count:,} vectors for {passages:,} passages"
    elif isinstance(dense.index, faiss.IndexIDMap2):
        held = np.sort(faiss.vector_to_array(dense.index.id_map))
        stored = engine.store.passage_ids()
        if not np.array_equal(held, stored):
            detail = f"{int(np.sum(~np.isin(stored, held))):,} passages missing from the dense index"
    return _index_finding(engine, "dense index", passages, detail, repair, engine._rebuild_dense)


def _keyword_matches(engine, repair: bool) -> Finding:
    passages = engine.store.counts()["passages"]
    count = engine.keyword.count
    detail = "" if count == passages else f"{count:,} documents for {passages:,} passages"
    return _index_finding(engine, "keyword index", passages, detail, repair, engine._rebuild_keyword)


def _index_finding(engine, check: str, passages: int, detail: str, repair: bool, rebuild) -> Finding:
    """An index that agrees with the store is ok; one that does not is rebuilt from it."""
    if not detail:
        return Finding(check, "ok", plural(passages, "passage"))
    if not repair:
        return Finding(check, "failed", detail)
    rebuild()
    engine.persist()
    return Finding(check, "repaired", f"{detail}; rebuilt from the store")


def _leftover_files(engine, repair: bool) -> Finding:
    current = DenseIndex.current_file(engine.dir)
    stale = [p for p in engine.dir.glob("dense-*.faiss*") if p.name != current]
    if not stale:
        return Finding("leftover files", "ok")
    if not repair:
        return Finding("leftover files", "failed", ", ".join(p.name for p in stale))
    for path in stale:
        path.unlink(missing_ok=True)
    return Finding("leftover files", "repaired", f"removed {', '.join(p.name for p in stale)} (left by an interrupted save)")


def _attributions(engine, repair: bool) -> Finding:
    if not engine.attributions_stale():
        return Finding("who said what", "ok", f"found by rules {RULES_VERSION}")
    if not repair:
        return Finding("who said what", "failed", "found by older rules")
    found = engine.store.refresh_attributions(extract_attributions, RULES_VERSION)
    return Finding("who said what", "repaired", f"found again with rules {RULES_VERSION}: {plural(found, 'statement')}")


def _unused_vectors(engine, repair: bool) -> Finding:
    store = engine.store
    unused = store.unused_vectors(engine.settings.embedding_id)
    if not unused:
        return Finding("unused vectors", "ok")
    if not repair:
        return Finding("unused vectors", "failed", f"{plural(unused, 'cached vector')} no passage uses")
    store.prune_vectors(engine.settings.embedding_id)
    return Finding("unused vectors", "repaired", f"dropped {plural(unused, 'cached vector')} no passage uses")
