"""Ingest end to end, per encoder and with or without the learned attribution tagger: `newsbot
add` of the same JSONL articles into an empty data directory (parsing, splitting, embedding,
finding who said what, the store and both indexes, nothing cached), each variant in its own
fresh process, the variants taking turns for `--rounds` rounds.

Usage: python bench/ingest.py [PACK_DIR] [--articles 150] [--rounds 1] [--encoders torch,onnx,onnx-int8] [--tagger on,off]

The articles are the first ones of the pack's articles.jsonl.gz; the default corpus is not
indexed (NEWSBOT_CORPUS_DIR points nowhere), and the exported ONNX models are shared so that
exporting them is not timed.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pack", type=Path, nargs="?", default=ROOT.parent / "shared/eval/realtimeqa-2025")
    parser.add_argument("--articles", type=int, default=150)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--encoders", default="torch,onnx,onnx-int8")
    parser.add_argument("--tagger", default="on", help="on, off or on,off: NEWSBOT_ATTRIBUTION_TAGGER")
    args = parser.parse_args(argv)
    source = args.pack / "articles.jsonl.gz"
    if not source.is_file():
        print(f"error: no pack at {args.pack} (needs articles.jsonl.gz)", file=sys.stderr)
        return 2
    work = Path(tempfile.mkdtemp(prefix="newsbot-ingest-"))
    sample = work / "articles.jsonl"
    with gzip.open(source, "rt") as fh, sample.open("w") as out:
        for i, line in enumerate(fh):
            if i >= args.articles:
                break
            out.write(line)
    encoders = args.encoders.split(",")
    cache = ROOT / "bench" / ".cache" / "encoders"
    taggers = args.tagger.split(",")
    variants = [(e, t) for e in encoders for t in taggers]
    rates: dict[tuple[str, str], list[float]] = {v: [] for v in variants}
    articles: dict[tuple[str, str], list[float]] = {v: [] for v in variants}
    passages = 0
    for encoder in encoders:  # export once, untimed
        env = {**os.environ, "HF_HUB_OFFLINE": "1", "NEWSBOT_ENCODER": encoder, "NEWSBOT_ENCODER_CACHE": str(cache)}
        subprocess.run([sys.executable, "-c", "from retrieval.settings import EngineSettings; from retrieval.encoders "
                        "import get_encoder; get_encoder(EngineSettings()).encode_one('warm up')"],
                       cwd=ROOT, env=env, check=True, capture_output=True)
    for round_ in range(args.rounds):
        for encoder, tagger in variants:
            data = work / f"{encoder}-{tagger}-{round_}"
            env = {**os.environ, "HF_HUB_OFFLINE": "1", "NEWSBOT_ENCODER": encoder, "NEWSBOT_ENCODER_CACHE": str(cache),
                   "NEWSBOT_DATA_DIR": str(data), "NEWSBOT_CORPUS_DIR": str(work / "none"),
                   "NEWSBOT_ATTRIBUTION_TAGGER": "true" if tagger == "on" else "false"}
            started = time.perf_counter()
            out = subprocess.run([sys.executable, "-m", "newsbot.cli", "add", str(sample), "--json"],
                                 cwd=ROOT, env=env, capture_output=True, text=True)
            seconds = time.perf_counter() - started
            if out.returncode != 0:
                print(out.stderr[-2000:], file=sys.stderr)
                return 1
            report = json.loads(out.stdout)
            passages = report["passages"]
            rates[(encoder, tagger)].append(passages / seconds)
            articles[(encoder, tagger)].append(report["added"] / seconds)
    base = statistics.median(rates[variants[0]])
    print(f"{args.articles} articles, {passages} passages, `newsbot add` end to end in a fresh process, "
          f"median of {args.rounds} round(s)\n")
    print(f"| encoder | tagger | articles/s | passages/s | x {variants[0][0]}, tagger {variants[0][1]} |")
    print("|---|---|---|---|---|")
    for variant in variants:
        rate = statistics.median(rates[variant])
        print(f"| {variant[0]} | {variant[1]} | {statistics.median(articles[variant]):.1f} | {rate:.1f} | {rate / base:.2f} |")
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
