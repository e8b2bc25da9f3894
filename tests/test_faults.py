"""Faults: a process killed mid-ingest, corrupt or missing index files, a store from another
schema, a full disk. The store and the indexes always agree afterwards; nothing reported added
is lost."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import faiss
import pytest

from retrieval.engine import Engine
from retrieval.errors import NewsbotError, StoreFull
from retrieval.ingest import ingest

from .test_ingest import record, snapshot, write_jsonl

ROOT = Path(__file__).resolve().parent.parent


def count_articles(db_path: Path) -> int:
    try:
        db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=1)
        try:
            return db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
        finally:
            db.close()
    except sqlite3.Error:
        return 0


def add_and_kill(data_dir: Path, source: Path, at: int) -> None:
    """Run `newsbot add` in a real process and kill -9 it once `at` articles are stored."""
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    process = subprocess.Popen([sys.executable, "-m", "newsbot", "--data-dir", str(data_dir), "add", str(source)],
                               cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while count_articles(data_dir / "store.sqlite3") < at and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()


def test_kill_9_during_add_loses_nothing_and_resumes(settings, tmp_path):
    total = 300
    source = write_jsonl(tmp_path / "big.jsonl", [record(n) for n in range(total)])
    add_and_kill(settings.data_dir, source, at=40)
    add_and_kill(settings.data_dir, source, at=150)
    with Engine(settings) as engine:
        stats = snapshot(engine)
        assert stats["passages"] == stats["vectors"] == stats["keyword_docs"]
        stored = stats["articles"] - 1  # the seed article
        assert 150 <= stored < total + 1
        for row in engine.store.list_articles(limit=total + 1):
            if row.url.startswith("https://news.example/"):
                n = row.url.rsplit("/", 1)[1]
                hits = engine.indexes.search_keyword([f"tamsin{n}"], 3)
                assert hits and engine.store.passages_by_ids([hits[0][0]])[hits[0][0]].article_id == row.id
        report = ingest(engine, [str(source)])
        assert report.count("added") == total - stored and report.count("skipped") == stored
        after = snapshot(engine)
        assert after["articles"] == total + 1 and after["passages"] == after["vectors"] == after["keyword_docs"]


def test_corrupt_index_files_are_rebuilt(settings):
    with Engine(settings) as engine:
        before = snapshot(engine)
    manifest = json.loads((settings.data_dir / "dense.json").read_text())
    (settings.data_dir / manifest["file"]).write_bytes(b"not a faiss index at all")
    (settings.data_dir / "keyword" / "meta.json").write_text("{garbage")
    notices = []
    with Engine(settings, notice=notices.append) as engine:
        assert snapshot(engine) == before
        assert any("dense index is missing or unreadable" in n for n in notices)
        assert engine.ask("what did Lukyanova say?").citations


def test_a_keyword_index_of_the_older_layout_is_rebuilt(settings):
    """An index written before the article id was a fast field (what /who counts with) is read
    as unreadable and rebuilt from the store, and /who counts from it."""
    import tantivy

    with Engine(settings) as engine:
        before = snapshot(engine)
        mentioned = engine.profile("Lukyanova").articles
    directory = settings.data_dir / "keyword"
    for path in directory.iterdir():
        path.unlink() if path.is_file() else shutil.rmtree(path)
    builder = tantivy.SchemaBuilder()  # the older layout
    builder.add_integer_field("pid", stored=True, indexed=True, fast=True)
    builder.add_integer_field("aid", indexed=True)
    builder.add_text_field("text", tokenizer_name="en_stem", index_option="freq")
    tantivy.Index(builder.build(), path=str(directory))
    (directory / "keyword.json").write_text(json.dumps({"schema": 1, "synced_seq": 10**9}))
    with Engine(settings) as engine:
        assert snapshot(engine) == before
        assert engine.profile("Lukyanova").articles == mentioned >= 1


def test_store_from_a_newer_schema_is_refused_clearly(settings):
    with Engine(settings):
        pass
    db = sqlite3.connect(settings.data_dir / "store.sqlite3")
    db.execute("INSERT INTO migrations VALUES ('from-a-newer-newsbot', 0)")
    db.commit()
    db.close()
    with pytest.raises(NewsbotError, match="written by a newer newsbot"):
        Engine(settings)


def test_full_store_rolls_back_the_article(engine, tmp_path):
    before = snapshot(engine)
    pages = engine.store.db.execute("PRAGMA page_count").fetchone()[0]
    engine.store.db.execute(f"PRAGMA max_page_count={pages}")  # SQLite's own "disk is full"
    big = record(1, text="The council met again. " * 600)
    with pytest.raises(StoreFull, match="nothing of this change was kept"):
        ingest(engine, [str(write_jsonl(tmp_path / "a.jsonl", [big]))])
    assert snapshot(engine) == before
    engine.store.db.execute("PRAGMA max_page_count=1073741823")
    assert ingest(engine, [str(write_jsonl(tmp_path / "b.jsonl", [big]))]).count("added") == 1


def test_failed_index_write_keeps_the_previous_index(settings, tmp_path, monkeypatch):
    with Engine(settings) as engine:
        before = snapshot(engine)
    files_before = sorted(p.name for p in settings.data_dir.glob("dense*"))

    def disk_full(index, path):
        Path(path).write_bytes(b"partial")
        raise RuntimeError("No space left on device")

    with Engine(settings) as engine:
        monkeypatch.setattr(faiss, "write_index", disk_full)
        with pytest.raises(StoreFull, match="previous index is kept"):
            ingest(engine, [str(write_jsonl(tmp_path / "c.jsonl", [record(3)]))])
        assert sorted(p.name for p in settings.data_dir.glob("dense*")) == files_before
        monkeypatch.undo()
    with Engine(settings) as engine:  # the store has the article; the index catches up
        stats = snapshot(engine)
        assert stats["articles"] == before["articles"] + 1 and stats["passages"] == stats["vectors"]


def test_hostile_html_and_gigantic_jsonl_line(engine, tmp_path):
    before = snapshot(engine)
    nested = tmp_path / "nested.html"
    nested.write_text("<html><body>" + "<div>" * 50_000 + "deep" + "</div>" * 50_000 + "</body></html>")
    huge = tmp_path / "huge.jsonl"
    huge.write_bytes(b'{"title": "x", "text": "' + b"a" * 11_000_000 + b'"}\n' + json.dumps(record(9)).encode() + b"\n")
    report = ingest(engine, [str(nested), str(huge)])
    reasons = {o.source.rsplit("/", 1)[-1]: o.reason for o in report.failed}
    assert reasons["nested.html"] and "longer than 10,000,000 bytes" in reasons["huge.jsonl:1"]
    assert report.count("added") == 1
    assert snapshot(engine)["articles"] == before["articles"] + 1
