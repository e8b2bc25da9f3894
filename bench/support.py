"""How much of a RealTime QA pack the corpus can answer, and how much of that newsbot shows: each
question's best answering sentence in the pack, by how much of the question it shares, beside
newsbot's answer-hit@3 and @10 on the questions of each band.

Usage: python bench/support.py ../shared/eval/realtimeqa-2025 [-k 3,10]

A question's support is the largest share of its content-word weight (the reranker's own
measure, rerank.Cues.overlap) held by a sentence that contains an answer string, read with its
neighbours in the paragraph and its article's title, among the articles published by the asking
date (or undated). A sentence sharing a third of the question or less names the answer in passing
("Finland", beaten in the 1980 hockey final, for the world's happiest country): no reader that
works from the question's words and meaning would choose it, however good. So the bands bound
what a better choice among the corpus's sentences can win, and show where the misses are.

The pack is streamed (one article at a time); newsbot answers from the evaluation cache that
`newsbot eval` fills, ingesting the pack on a first run.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from datetime import date
from pathlib import Path

BANDS = ((0.5, 1.01, "over a half"), (1 / 3, 0.5, "a third to a half"), (0.0, 1 / 3, "a third or less"))


def supports(pack: Path, questions: list[dict]) -> list[float | None]:
    """Each question's support (None: no article published by its date holds an answer)."""
    from retrieval.question import Question
    from retrieval.rerank import Cues
    from retrieval.text import split_sentences

    cues = [Cues.of(Question.parse(q["question"])) for q in questions]
    by_answer: dict[str, list[int]] = {}
    for i, q in enumerate(questions):
        for a in q["answers"]:
            if a.strip():
                by_answer.setdefault(a.lower(), []).append(i)
    best: list[float | None] = [None] * len(questions)
    with gzip.open(pack / "articles.jsonl.gz", "rt") as fh:
        for line in fh:
            article = json.loads(line)
            published, title = article.get("published") or "", article.get("title", "")
            low = article.get("text", "").lower()
            found = [a for a in by_answer if a in low]
            if not found:
                continue
            for paragraph in low.split("\n"):
                sentences = split_sentences(paragraph)
                for n, s in enumerate(sentences):
                    text = paragraph[s.start : s.end]
                    window = None
                    for a in found:
                        if a not in text:
                            continue
                        if window is None:
                            near = sentences[max(0, n - 1) : n + 2]
                            window = title + "\n" + paragraph[near[0].start : near[-1].end]
                        for i in by_answer[a]:
                            if published and published > questions[i]["date"]:
                                continue
                            c = cues[i]
                            share = c.overlap(t for _, t in c.hits(window, 0, len(window)))
                            best[i] = max(best[i] or 0.0, share)
    return best


def newsbot_hits(pack: Path, questions: list[dict], ks: list[int]) -> list[dict[int, bool]]:
    """Whether newsbot's first k excerpts show an answer, for each question and k."""
    from retrieval.evaluation.answers import hit, pack_engine

    out = []
    with pack_engine(pack, notice=lambda m: None) as (engine, _):
        for q in questions:
            answer = engine.ask(q["question"], k=max(ks), asked_on=date.fromisoformat(q["date"]) if q.get("date") else None)
            excerpts = [c.excerpt for c in answer.citations]
            out.append({k: hit(q["answers"], "\n".join(excerpts[:k])) > 0 for k in ks})
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pack", type=Path)
    parser.add_argument("-k", default="3,10")
    args = parser.parse_args()
    ks = [int(k) for k in args.k.split(",")]
    from retrieval.evaluation.answers import PackMissing, load_questions

    try:
        questions = load_questions(args.pack)
    except PackMissing as e:
        sys.exit(str(e))
    support = supports(args.pack, questions)
    hits = newsbot_hits(args.pack, questions, ks)
    n = len(questions)
    head = ["best answering sentence shares of the question", "questions", "share of the pack",
            *[f"newsbot answer@{k} among them" for k in ks]]
    print(f"{args.pack.name}: {n} questions\n")
    print("| " + " | ".join(head) + " |\n|" + "---|" * len(head))
    rows = [(label, [i for i in range(n) if support[i] is not None and lo <= support[i] < hi]) for lo, hi, label in BANDS]
    rows.append(("no answering article by the asking date", [i for i in range(n) if support[i] is None]))
    rows.append(("all", list(range(n))))
    for label, members in rows:
        m = max(1, len(members))
        cells = [label, str(len(members)), f"{len(members) / n:.3f}", *[f"{sum(hits[i][k] for i in members) / m:.3f}" for k in ks]]
        print("| " + " | ".join(cells) + " |")
    above = [i for i in range(n) if support[i] is not None and support[i] > 1 / 3]
    print(f"\nover a third: {len(above) / n:.3f} of the pack; newsbot shows an answer at "
          + ", ".join(f"{k}: {sum(hits[i][k] for i in range(n)) / n:.3f}" for k in ks))


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    main()
