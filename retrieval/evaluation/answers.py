"""Answer quality on a news QA pack: answer-hit@k and distractor-hit@k over the text a user sees
(the excerpts of the top k citations), the share of no_answer, and latency per question.

Usage: newsbot eval PACK_DIR [-k 1,3,5] [--baselines] [--unanswerable OTHER_PACK] [--selector FILE]

Beside the excerpts, the hybrid's citations are measured on the text they were cut from (the
whole cited article, the cited passage): what a better choice within them could reach.
`--selector FILE` adds a row for excerpts chosen over the whole cited article by a candidate
answer-sentence selector (`newsbot train-selector`).

`--unanswerable OTHER_PACK` also asks OTHER_PACK's questions whose answer occurs in none of
PACK's articles, without a date, and reports the share of them that got no citation (the
honest "no answer"; a citation there can only be a false one).

The pack (../shared/eval/README.md): `articles.jsonl.gz` and `questions.jsonl` (`id`, `date`,
`question`, `answers`, `distractors`). It is ingested once (see `cache_dir`).

`--baselines` adds newsbot without its answerability gate, newsbot with its first three citations
in search's order (ordering/ not applied), and the same engine answering through
one retriever alone, in its own order (`Searcher.alone`): no date preference, no reranking, the
same excerpts.
"""

from __future__ import annotations

import hashlib
import json
import statistics
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from . import cache_dir

#: Each row of the table: newsbot as it runs, without its gate (what the gate costs), and one
#: retriever alone.
VARIANTS = {
    "newsbot (hybrid)": lambda engine: engine,
    "newsbot without the answerability gate": lambda engine: engine.answering_with(replace(engine.searcher, gate=None)),
    "newsbot in search's order (no ordering of the first three)": lambda engine: engine.answering_with(replace(engine.searcher, order=None)),
    "baseline: keyword only (BM25)": lambda engine: engine.answering_with(engine.searcher.alone("keyword")),
    "baseline: dense only (FAISS)": lambda engine: engine.answering_with(engine.searcher.alone("dense")),
}


class PackMissing(Exception):
    pass


@dataclass
class Row:
    name: str
    answer_hit: dict[int, float]
    distractor_hit: dict[int, float]
    no_answer: float
    p50_ms: float
    p95_ms: float


def load_questions(pack: Path) -> list[dict]:
    if not (pack / "articles.jsonl.gz").is_file() or not (pack / "questions.jsonl").is_file():
        raise PackMissing(f"no evaluation pack at {pack}: it needs articles.jsonl.gz and questions.jsonl")
    return [json.loads(line) for line in (pack / "questions.jsonl").read_text().splitlines() if line.strip()]


def data_dir_for(pack: Path, settings) -> Path:
    """One cached data directory per pack and index-shaping settings: a second run embeds nothing."""
    digest = hashlib.sha1((pack / "articles.jsonl.gz").read_bytes()).hexdigest()  # not the mtime: copies differ
    key = json.dumps([pack.name, digest, settings.embedding_id, settings.passage_words])  # embedding_id is the model name for torch and onnx
    cached = cache_dir() / f"{pack.name}-{hashlib.sha1(key.encode()).hexdigest()[:10]}"
    # On PostgreSQL the directory holds only the replica's keyword copy: never the embedded one's.
    return cached.with_name(cached.name + "-replica") if settings.database_url else cached


def pack_settings(pack: Path, settings=None):
    """`settings` (else the defaults) over `pack`'s evaluation cache, with no default corpus."""
    from ..settings import EngineSettings

    settings = settings or EngineSettings()
    return settings.model_copy(update={"data_dir": data_dir_for(pack, settings), "corpus_dir": pack / "none"})


@contextmanager
def pack_engine(pack: Path, settings=None, notice=print) -> Iterator[tuple]:
    """(engine, ingest report) over `pack`'s evaluation cache, the pack ingested (a second run
    embeds nothing) and a cache an older newsbot wrote cleaned as today's is: what every
    measure and training command over a pack starts from."""
    from ..engine import Engine
    from ..ingest import ingest

    with Engine(pack_settings(pack, settings), notice=notice) as engine:
        report = ingest(engine, [str(pack / "articles.jsonl.gz")])
        engine.clean_again()  # ingest rewrote what today's cleaning changes; this marks the store so
        yield engine, report


def hit(strings: list[str], shown: str) -> float:
    """Share of `strings` found (case-insensitive) in the text shown."""
    shown = shown.lower()
    return sum(1 for s in strings if s.lower() in shown) / len(strings) if strings else 0.0


#: What the hybrid's citations are measured on, beside the excerpts a reader sees: the text
#: the excerpt was chosen from (the whole cited article, the cited passage), an upper bound.
LEVELS = {"cited article (whole)": "article", "cited passage": "passage"}


def shown_text(engine, citations: list, level: str) -> str:
    """The text of `level` ("excerpt", "passage", "article") behind these citations."""
    if level == "excerpt":
        return "\n".join(c.excerpt for c in citations)
    if level == "passage":
        rows = engine.store.passages_by_ids(c.passage_id for c in citations)
        articles = engine.store.articles_by_ids(r.article_id for r in rows.values())
        return "\n".join(articles[r.article_id].text[r.start : r.end] for r in rows.values())
    found = (engine.store.find_article(c.article_id) for c in citations)
    return "\n".join(dict.fromkeys(a.text for a in found if a is not None))


def score(engine, questions: list[dict], ks: list[int], name: str, levels: dict[str, str] | None = None) -> list[Row]:
    """The row `name` for the excerpts shown, then one row per level of `levels`."""
    top = max(ks)
    names = {name: "excerpt", **(levels or {})}
    answer_hits = {n: {k: 0.0 for k in ks} for n in names}
    distractor_hits = {n: {k: 0.0 for k in ks} for n in names}
    no_answer, times = 0, []
    for q in questions:
        asked_on = date.fromisoformat(q["date"]) if q.get("date") else None
        answer = engine.ask(q["question"], k=top, asked_on=asked_on)  # as the bot and `newsbot ask` do
        times.append(answer.took_ms)
        no_answer += answer.no_answer
        for row_name, level in names.items():
            for k in ks:
                shown = shown_text(engine, answer.citations[:k], level)
                answer_hits[row_name][k] += 1.0 if hit(q["answers"], shown) > 0 else 0.0
                distractor_hits[row_name][k] += hit(q.get("distractors", []), shown)
    n = max(1, len(questions))
    times.sort()
    p50 = statistics.median(times) if times else 0.0
    p95 = times[min(len(times) - 1, int(len(times) * 0.95))] if times else 0.0
    return [
        Row(row_name, {k: v / n for k, v in answer_hits[row_name].items()},
            {k: v / n for k, v in distractor_hits[row_name].items()}, no_answer / n, p50, p95)
        for row_name in names
    ]


def evaluate(pack: Path, ks: list[int], baselines: bool, settings=None, notice=print, selector: Path | None = None) -> list[Row]:
    questions = load_questions(pack)
    with pack_engine(pack, settings, notice) as (engine, report):
        notice(f"index: {report.summary()}")
        engine.warm_up()
        rows = score(engine, questions, ks, "newsbot (hybrid)", LEVELS)
        for name, view in list(VARIANTS.items())[1:] if baselines else []:
            rows += score(view(engine), questions, ks, name)
        if selector is not None:
            from ..selector import load

            chosen = engine.answering_with(replace(engine.searcher, selector=load(selector)))
            rows += score(chosen, questions, ks, f"newsbot, sentence chosen over the whole article ({selector.name})")
        return rows


def unanswerable(pack: Path, other: Path) -> list[dict]:
    """`other`'s questions none of whose answer strings occur in any of `pack`'s articles."""
    import gzip

    with gzip.open(pack / "articles.jsonl.gz", "rt") as fh:
        corpus = "\n".join(json.loads(line).get("text", "").lower() for line in fh)
    return [q for q in load_questions(other) if not any(a.lower() in corpus for a in q["answers"])]


#: Questions no news corpus answers, asked over the sample corpus that ships with newsbot.
GENERAL_KNOWLEDGE = [
    "What is the capital of Australia?", "Who wrote Pride and Prejudice?", "How tall is Mount Everest?",
    "What is the boiling point of water?", "Who painted the Mona Lisa?", "How many planets are in the solar system?",
    "What is the largest ocean on Earth?", "Who discovered penicillin?", "What language is spoken in Brazil?",
    "When did the Second World War end?", "What is the chemical symbol for gold?",
    "Who won the 2018 FIFA World Cup final in Moscow?",
]


def general_knowledge_share(settings=None) -> float:
    """Share of GENERAL_KNOWLEDGE with no citation over the sample corpus."""
    import tempfile

    from ..engine import Engine
    from ..settings import EngineSettings

    settings = settings or EngineSettings()
    with tempfile.TemporaryDirectory() as folder:
        settings = settings.model_copy(update={"data_dir": Path(folder), "encoder_cache": settings.encoder_cache or settings.data_dir / "encoders"})
        with Engine(settings, notice=lambda m: None) as engine:
            return sum(engine.ask(q).no_answer for q in GENERAL_KNOWLEDGE) / len(GENERAL_KNOWLEDGE)


def no_answer_share(pack: Path, questions: list[dict], settings=None) -> tuple[float, int]:
    """Share of `questions`, asked without a date over `pack`'s cached index, with no citation."""
    from ..engine import Engine

    with Engine(pack_settings(pack, settings), notice=lambda m: None) as engine:
        none = sum(engine.ask(q["question"]).no_answer for q in questions)
    return none / max(1, len(questions)), len(questions)


def table(rows: list[Row], ks: list[int]) -> str:
    head = ["variant", *[f"answer@{k}" for k in ks], *[f"distractor@{k}" for k in ks], "no_answer", "p50 ms", "p95 ms"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        cells = [r.name, *[f"{r.answer_hit[k]:.3f}" for k in ks], *[f"{r.distractor_hit[k]:.3f}" for k in ks],
                 f"{r.no_answer:.3f}", f"{r.p50_ms:.0f}", f"{r.p95_ms:.0f}"]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pack", type=Path)
    parser.add_argument("-k", default="1,3,5")
    parser.add_argument("--baselines", action="store_true")
    parser.add_argument("--unanswerable", type=Path, help="Another pack whose questions this one cannot answer.")
    parser.add_argument("--selector", type=Path, help="A candidate answer-sentence selector to measure (newsbot train-selector).")
    args = parser.parse_args(argv)
    ks = sorted({int(x) for x in args.k.split(",")})
    try:
        rows = evaluate(args.pack, ks, args.baselines, notice=lambda m: print(m, file=sys.stderr), selector=args.selector)
        print(table(rows, ks))
        if args.unanswerable:
            share, n = no_answer_share(args.pack, unanswerable(args.pack, args.unanswerable))
            print(f"\nunanswerable: {n} questions of {args.unanswerable.name} whose answer is in none of "
                  f"{args.pack.name}'s articles, asked without a date: no_answer {share:.3f}")
            print(f"general knowledge: {len(GENERAL_KNOWLEDGE)} questions over the sample corpus: "
                  f"no_answer {general_knowledge_share():.3f}")
    except PackMissing as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0

