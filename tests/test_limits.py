"""Pathological inputs through the real command line, each in its own `newsbot` process: memory
stays within a bound whatever the input (peak RSS from the kernel's accounting of the process,
`os.wait4`), an input that cannot be read is refused before any work, and a `kill -9` in the
middle of an ingest leaves a data directory that opens, with the store and the indexes agreeing.

The article limit is lowered to 5,000 characters here so that a batch (five parts' worth of text)
is embedded and tagged in a second or two and the kill lands after articles were written;
bench/memory.py runs the same inputs to the end at the default limit.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
#: Peak RSS no `newsbot` process may pass here (the encoder and runtime take about 500 MB).
BOUND_MB = 1200


def env_for(tmp_path: Path, **extra: str) -> dict[str, str]:
    empty = tmp_path / "no-corpus"
    empty.mkdir(exist_ok=True)
    return {**os.environ, "NEWSBOT_CORPUS_DIR": str(empty), "NEWSBOT_MAX_ARTICLE_CHARS": "5000", **extra}


def run_measured(data: Path, *args: str, env: dict[str, str], kill_when=None, timeout: float = 180) -> tuple[int, float, str, str]:
    """`newsbot --data-dir DATA ARGS` under tests/peak_rss.py: (exit status, peak RSS in MB,
    stdout, stderr). SIGKILL as soon as `kill_when()` is true."""
    out_path, err_path, usage_path = (data.parent / name for name in ("stdout.txt", "stderr.txt", "usage.json"))
    command = [sys.executable, str(Path(__file__).with_name("peak_rss.py")), str(usage_path), "--",
               sys.executable, "-m", "newsbot", "--data-dir", str(data), *args]
    with out_path.open("wb") as out, err_path.open("wb") as err:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=err)
    deadline = time.monotonic() + timeout
    while process.poll() is None:
        assert time.monotonic() < deadline, f"newsbot {args[0]} did not finish in {timeout} s"
        if kill_when is not None and kill_when():
            process.terminate()  # peak_rss.py kills newsbot with SIGKILL, then reports
            process.wait(timeout=30)
            break
        time.sleep(0.05)
    usage = json.loads(usage_path.read_text())
    return usage["status"], usage["peak_kb"] / 1024, out_path.read_text(), err_path.read_text()


def articles_stored(data: Path) -> int:
    try:
        with sqlite3.connect(f"file:{data / 'store.sqlite3'}?mode=ro", uri=True, timeout=0.1) as db:
            return db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    except sqlite3.Error:
        return 0


def assert_opens_and_agrees(data: Path, env: dict[str, str]) -> dict:
    """The directory opens (repairing what the kill left), and store and indexes agree."""
    code, peak, out, err = run_measured(data, "stats", "--json", env=env)
    assert code == 0, err
    assert peak < BOUND_MB, f"opening took {peak:.0f} MB"
    stats = json.loads(out)
    assert stats["passages"] == stats["vectors"] == stats["keyword_docs"]
    code, _, out, err = run_measured(data, "doctor", env=env)
    assert code == 0, out + err
    assert "failed" not in out
    return stats


def twenty_mb_article(path: Path) -> None:
    with path.open("w") as out:
        out.write("The whole proceedings of the city council\n")
        for n in range(100_000):  # 20 MB of numbered, distinct paragraphs
            out.write(f"Item {n}: the council heard residents on roads, schools and the budget for the year ahead. " * 2 + "\n\n")


def paragraph_without_a_break(path: Path) -> None:
    with path.open("w") as out:
        out.write("A transcript without punctuation\n")
        out.write(" ".join(f"word{n}" for n in range(700_000)))  # about 5 MB, one line, no sentence end


def one_word_paragraphs(path: Path) -> None:
    path.write_text("Two hundred thousand one-word paragraphs\n" + "".join(f"w{n}\n\n" for n in range(200_000)))


@pytest.mark.parametrize("make", [twenty_mb_article, paragraph_without_a_break, one_word_paragraphs],
                         ids=["20-MB-article", "5-MB-paragraph", "200k-paragraphs"])
def test_a_huge_article_is_ingested_in_bounded_memory_and_a_kill_leaves_a_directory_that_opens(tmp_path, make):
    source = tmp_path / "input.txt"
    make(source)
    data = tmp_path / "data"
    env = env_for(tmp_path)
    code, peak, _, err = run_measured(data, "add", str(source), env=env, kill_when=lambda: articles_stored(data) >= 2)
    assert code == -signal.SIGKILL, err  # killed mid-ingest, after parts were written
    assert peak < BOUND_MB, f"newsbot add took {peak:.0f} MB"
    stats = assert_opens_and_agrees(data, env)
    assert stats["articles"] >= 2
    listed = json.loads(run_measured(data, "list", "--json", env=env)[2])
    titles = {a["title"] for a in listed}
    assert any(t.endswith("(part 2)") for t in titles)  # split into parts, each an article
    assert all(a["passages"] > 0 for a in listed)  # each written whole


def test_a_killed_ingest_resumes_to_the_end(tmp_path):
    source = tmp_path / "input.txt"
    with source.open("w") as out:  # about ten parts of 5,000 characters
        out.write("The proceedings of the harbour board\n")
        for n in range(250):
            out.write(f"Item {n}: the board heard the pilots on dredging, fees and the new quay. " * 2 + "\n\n")
    data = tmp_path / "data"
    env = env_for(tmp_path)
    run_measured(data, "add", str(source), env=env, kill_when=lambda: articles_stored(data) >= 2)
    code, peak, out, err = run_measured(data, "add", "--json", str(source), env=env)
    assert code == 0, err
    report = json.loads(out)
    assert report["failed"] == 0 and report["skipped"] >= 2 and report["added"] >= 1  # resumed, no duplicates
    stats = assert_opens_and_agrees(data, env)
    assert stats["articles"] == report["added"] + report["skipped"] >= 8


def test_a_hundred_thousand_jsonl_lines_stream_and_the_report_stays_bounded(tmp_path):
    lines = [json.dumps({"url": f"https://news.example/{n}", "title": f"Story {n}",
                         "text": f"Story number {n} tells how the harbour reopened after the storm."})
             for n in range(5)]
    source = tmp_path / "many.jsonl"
    with source.open("w") as out:
        out.write("\n".join(lines) + "\n")
        for n in range(100_000 - len(lines)):
            out.write('{"url": "https://news.example/x%d"}\n' % n)  # no title, no text: fails alone
    data = tmp_path / "data"
    env = env_for(tmp_path)
    code, peak, out, err = run_measured(data, "add", "--json", str(source), env=env)
    assert code == 1  # some lines failed
    assert peak < BOUND_MB
    report = json.loads(out)
    assert report["added"] == 5 and report["failed"] == 100_000 - 5
    assert len(report["outcomes"]) <= 2000  # counted, not all listed
    assert f"{source}:6" in {o["source"] for o in report["outcomes"]}
    assert assert_opens_and_agrees(data, env)["articles"] == 5


def test_a_ten_megabyte_html_page_is_refused_before_parsing(tmp_path):
    source = tmp_path / "tables.html"
    with source.open("w") as out:
        out.write("<html><body>")
        for _ in range(320_000):
            out.write("<table><tr><td>")
        out.write("deep" + "</td></tr></table>" * 320_000 + "</body></html>")
    assert source.stat().st_size > 10_000_000
    data = tmp_path / "data"
    env = env_for(tmp_path)
    code, peak, _, err = run_measured(data, "add", str(source), env=env)
    assert code == 1 and "HTML page too large" in err and "the limit is 5,000,000" in err
    assert peak < BOUND_MB
    assert assert_opens_and_agrees(data, env)["articles"] == 0


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path):
    source = tmp_path / "big.txt"
    twenty_mb_article(source)
    data = tmp_path / "data"
    code, _, _, err = run_measured(data, "add", str(source), env=env_for(tmp_path, NEWSBOT_MAX_FILE_BYTES="10000000"))
    assert code == 1 and "file too large" in err and "the limit is 10,000,000" in err
    assert articles_stored(data) == 0
