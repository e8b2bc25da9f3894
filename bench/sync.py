"""A newsroom's feed synced, beside `newsbot add` of the same articles: a local server on
127.0.0.1 serves an RSS feed of N entries and each entry's page (real articles from a pack,
rendered as HTML); each variant fills an empty data directory in a child process at the bot's
ingest priority (nice 15) while a reader in this process keeps asking questions of the same
store, as the bot does during a sync.

Usage: python bench/sync.py [PACK_DIR] [--articles 500] [--questions 40]

Printed: articles/s of each variant and the reader's answer latency (p50 / p95 / max) during it,
beside the same reader on the finished store with nothing running.
"""

from __future__ import annotations

import argparse
import gzip
import html
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def serve(articles: list[dict]) -> tuple[ThreadingHTTPServer, str]:
    """The feed at /feed.xml and article i at /a/i (HTML, with its title, date and paragraphs)."""
    pages: dict[str, bytes] = {}
    items = []
    for i, a in enumerate(articles):
        body = "".join(f"<p>{html.escape(p)}</p>" for p in a["text"].split("\n") if p.strip())
        title = html.escape(a["title"])
        pages[f"/a/{i}"] = (f"<html><head><title>{title}</title><meta property='article:published_time' "
                            f"content='{a.get('published') or ''}'></head><body><article><h1>{title}</h1>{body}"
                            "</article></body></html>").encode()
        items.append(f"<item><title><![CDATA[{a['title']}]]></title><link>/a/{i}?utm_source=rss</link>"
                     f"<pubDate>{formatdate(1_700_000_000 - i * 3600, usegmt=True)}</pubDate></item>")
    pages["/feed.xml"] = ('<?xml version="1.0"?><rss version="2.0"><channel><title>Bench</title>'
                          + "".join(items) + "</channel></rss>").encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            body = pages.get(self.path)
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "application/rss+xml" if self.path.endswith(".xml") else "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body or b"")))
            self.end_headers()
            self.wfile.write(body or b"")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def percentiles(values: list[float]) -> str:
    if not values:
        return "- / - / -"
    ordered = sorted(values)
    return f"{statistics.median(ordered):.0f} / {ordered[int(0.95 * (len(ordered) - 1))]:.0f} / {ordered[-1]:.0f}"


def run_variant(command: list[str], env: dict, data: Path, questions: list[str], seed: Path) -> tuple[float, list[float], dict]:
    """Seconds the child took, and the reader's latencies (ms) while it ran."""
    from retrieval.engine import Engine
    from retrieval.settings import EngineSettings

    settings = EngineSettings(data_dir=data, corpus_dir=seed)
    with Engine(settings) as reader:  # the bot's engine: open before the child starts
        reader.ask(questions[0])
        started = time.perf_counter()
        log = data.parent / f"{data.name}.log"  # a file, not a pipe: a full pipe would stop the child
        child = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
                                 preexec_fn=lambda: os.nice(15))
        latencies, i = [], 0
        while child.poll() is None:
            t = time.perf_counter()
            reader.ask(questions[i % len(questions)])
            latencies.append((time.perf_counter() - t) * 1000)
            i += 1
            time.sleep(0.05)
        seconds = time.perf_counter() - started
        if child.returncode not in (0, 1):
            raise SystemExit(f"{command[3]} failed: {log.read_text()[-2000:]}")
        stats = reader.stats()
    return seconds, latencies, stats


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pack", type=Path, nargs="?", default=ROOT.parent / "shared/eval/realtimeqa-2025")
    parser.add_argument("--articles", type=int, default=500)
    parser.add_argument("--questions", type=int, default=40)
    args = parser.parse_args(argv)
    source = args.pack / "articles.jsonl.gz"
    if not source.is_file():
        print(f"error: no pack at {args.pack} (needs articles.jsonl.gz and questions.jsonl)", file=sys.stderr)
        return 2
    with gzip.open(source, "rt") as fh:
        articles = [a for a in (json.loads(line) for line, _ in zip(fh, range(args.articles * 2))) if a["title"].strip()][: args.articles]
    questions = [json.loads(line)["question"] for line in (args.pack / "questions.jsonl").read_text().splitlines()[: args.questions]]
    server, base = serve(articles)
    work = Path(tempfile.mkdtemp(prefix="newsbot-sync-"))
    seed = work / "seed"  # one small article, so that the reader has something to search from the start
    seed.mkdir()
    (seed / "seed.md").write_text("---\ntitle: Seed\n---\nA seed article for the reader to search before the sync.\n")
    common = {**os.environ, "HF_HUB_OFFLINE": "1", "NEWSBOT_ALLOW_PRIVATE_URLS": "true", "NEWSBOT_CORPUS_DIR": str(seed),
              "NEWSBOT_SYNC_HOST_DELAY_S": "0", "NEWSBOT_SYNC_MAX_NEW": str(args.articles),
              "NEWSBOT_ENCODER_CACHE": str(ROOT / "bench" / ".cache" / "encoders")}
    rows = []
    for name in ("newsbot sync (feed)", "newsbot add (links)"):
        data = work / name.split()[1]
        env = {**common, "NEWSBOT_DATA_DIR": str(data)}
        if name.startswith("newsbot sync"):
            subprocess.run([sys.executable, "-m", "newsbot.cli", "sources", "add", f"{base}/feed.xml"], cwd=ROOT, env=env,
                           check=True, capture_output=True)
            command = [sys.executable, "-m", "newsbot.cli", "sync"]
        else:
            command = [sys.executable, "-m", "newsbot.cli", "add", "--json", *(f"{base}/a/{i}" for i in range(len(articles)))]
        seconds, during, stats = run_variant(command, env, data, questions, seed)
        rows.append((name, stats["articles"] - 1, seconds, during))
        from retrieval.engine import Engine
        from retrieval.settings import EngineSettings

        with Engine(EngineSettings(data_dir=data, corpus_dir=seed)) as reader:
            idle = []
            for q in questions:
                t = time.perf_counter()
                reader.ask(q)
                idle.append((time.perf_counter() - t) * 1000)
        rows[-1] += (idle,)
    server.shutdown()
    print(f"{len(articles)} articles of {args.pack.name} served on 127.0.0.1, into an empty data directory; "
          "the reader asks every 50 ms\n")
    print("| variant | articles | seconds | articles/s | reader during: p50 / p95 / max ms | reader after, idle: p50 / p95 / max ms |")
    print("|---|---|---|---|---|---|")
    for name, count, seconds, during, idle in rows:
        print(f"| {name} | {count} | {seconds:.0f} | {count / seconds:.1f} | {percentiles(during)} | {percentiles(idle)} |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
