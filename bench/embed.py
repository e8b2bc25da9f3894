"""Every encoder on the same passages in one run: passages per second, one question's latency,
and top-10 agreement with PyTorch fp32 (the reference) over an exact index of those passages.

Usage: python bench/embed.py [PACK_DIR] [--passages 2000] [--questions 200] [--rounds 3]

Passages are the first articles of the pack's articles.jsonl.gz, split as newsbot splits them;
questions are the pack's. Rounds are interleaved (A B C, A B C, ...) and medians are quoted,
because the machine is shared.
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ENCODERS = ["torch", "onnx", "onnx-int8", "openvino"]


def load(pack: Path, n_passages: int, n_questions: int) -> tuple[list[str], list[str]]:
    from retrieval.articles import Article
    from retrieval.embeddings import embedded_text
    from retrieval.settings import EngineSettings
    from retrieval.text import split_passages

    words = EngineSettings().passage_words
    passages: list[str] = []
    with gzip.open(pack / "articles.jsonl.gz", "rt") as fh:
        for line in fh:
            record = json.loads(line)
            try:
                article = Article(title=record["title"], text=record["text"])
            except Exception:
                continue
            passages += [embedded_text(article.title, article.text[p.start : p.end]) for p in split_passages(article.text, words)]
            if len(passages) >= n_passages:
                break
    questions = [json.loads(line)["question"] for line in (pack / "questions.jsonl").read_text().splitlines()[:n_questions]]
    return passages[:n_passages], questions


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pack", type=Path, nargs="?", default=Path(__file__).resolve().parents[2] / "shared/eval/realtimeqa-2025")
    parser.add_argument("--passages", type=int, default=2000)
    parser.add_argument("--questions", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    if not (args.pack / "articles.jsonl.gz").is_file():
        print(f"error: no pack at {args.pack}", file=sys.stderr)
        return 2
    from retrieval.encoders import get_encoder
    from retrieval.settings import EngineSettings

    passages, questions = load(args.pack, args.passages, args.questions)
    cache = Path(tempfile.mkdtemp())
    encoders = {name: get_encoder(EngineSettings(data_dir=cache, encoder=name)) for name in ENCODERS}
    for encoder in encoders.values():
        encoder.encode(passages[:64])  # loads, and compiles the bulk path where there is one
    rates: dict[str, list[float]] = {n: [] for n in ENCODERS}
    latency: dict[str, list[float]] = {n: [] for n in ENCODERS}
    vectors: dict[str, np.ndarray] = {}
    for _round in range(args.rounds):
        for name, encoder in encoders.items():
            started = time.perf_counter()
            vectors[name] = encoder.encode(passages)
            rates[name].append(len(passages) / (time.perf_counter() - started))
            times = []
            for q in questions[:50]:
                t = time.perf_counter()
                encoder.encode_one(q)
                times.append((time.perf_counter() - t) * 1000)
            latency[name].append(statistics.median(times))
    reference = {}
    rows = []
    for name, encoder in encoders.items():
        qv = encoder.encode(questions)
        top = np.argsort(-(qv @ vectors[name].T), axis=1)[:, :10]
        if name == "torch":
            reference = top
        agreement = float(np.mean([len(set(a) & set(b)) / 10 for a, b in zip(top, reference)]))
        rate = statistics.median(rates[name])
        rows.append((name, rate, statistics.median(latency[name]), agreement))
    base = rows[0][1]
    print(f"{len(passages)} passages, {len(questions)} questions, median of {args.rounds} interleaved rounds\n")
    print("| encoder | passages/s | x torch | one question (ms) | top-10 agreement |")
    print("|---|---|---|---|---|")
    for name, rate, ms, agreement in rows:
        print(f"| {name} | {rate:.0f} | {rate / base:.2f} | {ms:.1f} | {agreement:.3f} |")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    sys.exit(main(sys.argv[1:]))
