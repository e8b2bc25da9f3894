"""Peak memory of `newsbot add`, by the size of the input: one article of 0.1, 1, 5 and 20 MB,
and 1, 10 and 100 MB of JSONL articles, each into an empty data directory in its own process,
with peak RSS read from the kernel's accounting of that process (`os.wait4`).

Usage: python bench/memory.py [PACK_DIR ...] [--sizes article:0.1,article:1,...,jsonl:100]
       [--workdir DIR]

The single articles are generated plain-text reports (paragraphs of ordinary sentences); the
JSONL articles are the real news articles of the RealTime QA packs given (default: the four
under ../shared/eval/), repeated with fresh URLs when a size asks for more than they hold. The
default corpus is not indexed; the exported encoder is shared, so exporting it is not counted.
Prints a Markdown table: input, articles stored, passages, seconds, peak RSS.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKS = [ROOT.parent / "shared/eval" / f"realtimeqa-{year}" for year in (2022, 2024, 2025, 2026)]
DEFAULT_SIZES = "empty:0,article:0.1,article:1,article:5,article:20,jsonl:1,jsonl:10,jsonl:100"
WORDS = (
    "the council said on Tuesday that a new budget for roads and schools would be debated next "
    "month after protests in the city centre drew thousands of residents who asked the mayor"
).split()


def article_file(path: Path, megabytes: float) -> None:
    """A plain-text report of about `megabytes` MB: a title line, then paragraphs of sentences."""
    rng = random.Random(0)
    target = int(megabytes * 1_000_000)
    with path.open("w") as out:
        out.write(f"A long report of {megabytes} MB\n")
        size = 0
        while size < target:
            words = [rng.choice(WORDS) + ("." if rng.random() < 0.06 else "") for _ in range(rng.randint(40, 120))]
            paragraph = " ".join(words).capitalize() + ".\n\n"
            out.write(paragraph)
            size += len(paragraph)


def jsonl_file(path: Path, megabytes: float, packs: list[Path]) -> None:
    """About `megabytes` MB of the packs' articles, one a line, each with its own URL."""
    target = int(megabytes * 1_000_000)
    size, copy = 0, 0
    with path.open("w") as out:
        while size < target:
            for pack in packs:
                with gzip.open(pack / "articles.jsonl.gz", "rt") as fh:
                    for line in fh:
                        record = json.loads(line)
                        record["url"] = f"{record.get('url') or 'article'}#copy-{copy}"
                        text = json.dumps(record, ensure_ascii=False) + "\n"
                        out.write(text)
                        size += len(text.encode())
                        if size >= target:
                            return
            copy += 1


def measure(source: Path | None, data: Path, env: dict) -> dict:
    """Run `newsbot add --json SOURCE` (or open an empty directory) and read its peak RSS."""
    command = [sys.executable, "-m", "newsbot", "--data-dir", str(data)]
    command += ["add", "--json", str(source)] if source else ["stats", "--json"]
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    out = process.stdout.read() if process.stdout else b""
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    report = json.loads(out.decode().strip().splitlines()[-1]) if out.strip() else {}
    return {
        "status": os.waitstatus_to_exitcode(status),
        "seconds": seconds,
        "peak_mb": usage.ru_maxrss / 1024,  # KiB on Linux
        "added": report.get("added", 0),
        "failed": report.get("failed", 0),
        "passages": report.get("passages", 0),
    }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("packs", type=Path, nargs="*", default=PACKS)
    parser.add_argument("--sizes", default=DEFAULT_SIZES)
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args(argv)
    sizes = [(kind, float(mb)) for kind, mb in (s.split(":") for s in args.sizes.split(","))]
    packs = [p for p in args.packs if (p / "articles.jsonl.gz").is_file()]
    if any(kind == "jsonl" for kind, _ in sizes) and not packs:
        print("error: no pack with articles.jsonl.gz (give PACK_DIR)", file=sys.stderr)
        return 2
    work = args.workdir or Path(tempfile.mkdtemp(prefix="newsbot-memory-"))
    work.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "NEWSBOT_CORPUS_DIR": str(work / "none"),
           "NEWSBOT_ENCODER_CACHE": str(ROOT / "bench" / ".cache" / "encoders")}
    warm = work / "warm.md"
    warm.write_text("---\ntitle: Warm up\n---\nThe encoder is exported once, before anything is measured.\n")
    measure(warm, work / "warm", env)
    print("| input | articles stored | passages | seconds | peak RSS MB |")
    print("|---|---|---|---|---|")
    for kind, mb in sizes:
        source = None
        if kind == "article":
            source = work / f"article-{mb}.txt"
            article_file(source, mb)
        elif kind == "jsonl":
            source = work / f"articles-{mb}.jsonl"
            jsonl_file(source, mb, packs)
        label = {"empty": "no input (open an empty directory)", "article": f"one article of {mb:g} MB (.txt)",
                 "jsonl": f"{mb:g} MB of JSONL"}[kind]
        row = measure(source, work / f"data-{kind}-{mb}", env)
        note = "" if row["status"] == 0 else f" (exit {row['status']}, {row['failed']} failed)"
        print(f"| {label}{note} | {row['added']:,} | {row['passages']:,} | {row['seconds']:.0f} | {row['peak_mb']:,.0f} |",
              flush=True)
        if source is not None:
            source.unlink()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
