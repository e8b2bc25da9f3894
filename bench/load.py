"""Load: the real bot against the fake Bot API server from the tests; many users in private
chats and groups ask at once while an admin uploads a file of articles.

Usage: python bench/load.py [--users 200] [--questions 2000] [--seconds 60] [--articles 500]

Reports answered / lost / duplicated, reply latency p50 / p95 / max (overall and for questions
asked while the upload was being ingested), and the process's peak memory. Questions are the
RealTime QA pack's when it is there (else the seed article's); the upload is the pack's first
articles. Nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import itertools
import json
import random
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACK = ROOT.parent / "shared" / "eval" / "realtimeqa-2025"
ADMIN = 1


def questions() -> list[str]:
    if (PACK / "questions.jsonl").exists():
        return [json.loads(line)["question"] for line in (PACK / "questions.jsonl").read_text().splitlines()]
    return ["what did Lukyanova say?", "how many delegates attended?", "what is the Left Alliance?"]


def upload(n: int) -> bytes:
    if (PACK / "articles.jsonl.gz").exists():
        with gzip.open(PACK / "articles.jsonl.gz", "rb") as fh:
            return b"".join(itertools.islice(fh, n))
    return b"".join(json.dumps({"url": f"https://load.example/{i}", "title": f"Load test article {i}",
                                "text": f"Article number {i} reports on the council meeting. " * 20}).encode() + b"\n"
                    for i in range(n))


def spread(values: list[float]) -> str:
    """p50 / p95 / max of sorted values, in seconds."""
    if not values:
        return "-"
    return f"{statistics.median(values):.2f} / {values[min(len(values) - 1, int(len(values) * 0.95))]:.2f} / {values[-1]:.2f}"


async def run(args) -> None:
    from bot.app import build_application
    from bot.delivery import RetryingRateLimiter
    from bot.settings import BotSettings
    from retrieval.engine import Engine
    from bench.fake_telegram import BOT_USERNAME, FakeTelegram

    fake = FakeTelegram(spec=None)
    await fake.start()
    data = Path(tempfile.mkdtemp())
    settings = BotSettings(
        data_dir=data, TELEGRAM_BOT_TOKEN=fake.token, TELEGRAM_API_BASE_URL=f"{fake.url}/bot",
        ADMIN_USER_IDS=str(ADMIN), flood_max=10_000,
        messages_per_second=1_000,  # Telegram's limits are off here, as in the fake (bench/load_groups.py keeps them)
    )
    engine = Engine(settings)
    app = build_application(settings, engine, RetryingRateLimiter(overall_max_rate=0, group_max_rate=0, max_retries=3))
    groups = [-(1000 + g) for g in range(max(1, args.users // 20))]
    fake.add_chat(ADMIN)
    for g in groups:
        fake.add_chat(g, "supergroup", f"group {g}")
    users = list(range(100, 100 + args.users))
    for u in users:
        fake.add_chat(u)
    pool = questions()
    rng = random.Random(0)
    asked: dict[int, list[float]] = {}  # chat -> times of questions, in order
    async with app:
        await app.post_init(app)  # as run_polling does: starts the outbox's sender
        await app.start()
        await app.updater.start_polling(poll_interval=0.0, timeout=1)
        engine.warm_up()
        started = time.perf_counter()
        fake.user_uploads(ADMIN, ADMIN, "batch.jsonl", upload(args.articles), caption="/add")
        interval = args.seconds / args.questions
        for i in range(args.questions):
            user = rng.choice(users)
            if rng.random() < 0.5:
                chat, text = user, rng.choice(pool)
            else:
                chat, text = rng.choice(groups), f"/ask@{BOT_USERNAME} {rng.choice(pool)}"
            asked.setdefault(chat, []).append(time.perf_counter())
            fake.user_sends(user, chat, text)
            await asyncio.sleep(max(0.0, started + (i + 1) * interval - time.perf_counter()))
        deadline = time.perf_counter() + args.drain
        expected = sum(len(v) for v in asked.values())
        while time.perf_counter() < deadline:
            reported = any("added" in c.params.get("text", "") for c in fake.sent(chat_id=ADMIN))
            if reported and not {"pending", "sending"} & set(engine.chats.outbox_states()) and len(fake.updates) <= fake.confirmed:
                break
            await asyncio.sleep(0.2)
        await asyncio.sleep(1)
        await app.updater.stop()
        await app.stop()
        await app.post_stop(app)
    times: dict[int, list[float]] = {}
    for call in fake.calls:
        if call.method == "sendMessage" and int(call.params["chat_id"]) != ADMIN and "_message_id" in call.params:
            # A busy group's answers come merged, one "↪ question" part each (bot/outbox.py).
            covered = max(1, call.params["text"].count("<b>↪ "))
            times.setdefault(int(call.params["chat_id"]), []).extend([call.params.get("_at", 0.0)] * covered)
    admin = [c.params for c in fake.calls if c.method == "sendMessage" and int(c.params["chat_id"]) == ADMIN]
    ingest_end = admin[-1]["_at"] if admin else float("inf")
    engine.close()
    await fake.stop()
    answered = lost = duplicated = 0
    latencies, ingest_latencies = [], []
    for chat, questions_at in asked.items():
        replies = times.get(chat, [])
        answered += min(len(replies), len(questions_at))
        lost += max(0, len(questions_at) - len(replies))
        duplicated += max(0, len(replies) - len(questions_at))
        for n, (q, a) in enumerate(zip(questions_at, replies)):
            latencies.append(a - q)
            if q < ingest_end:
                ingest_latencies.append(a - q)
    latencies.sort()
    ingest_latencies.sort()

    print(f"{args.users} users ({len(groups)} groups), {expected} questions over {args.seconds} s, "
          f"while an admin uploads {args.articles} articles\n")
    print("| answered | lost | duplicated | latency p50 / p95 / max (s) | during ingest p50 / p95 / max (s) | peak memory: bot / ingest process |")
    print("|---|---|---|---|---|---|")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"| {answered} | {lost} | {duplicated} | {spread(latencies)} | {spread(ingest_latencies)} | {peak:.0f} / {child:.0f} MB |")
    print(f"\nadmin: {admin[-1]['text'].splitlines()[0] if admin else 'no report'}; "
          f"ingest took {ingest_end - started:.0f} s of the run")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--questions", type=int, default=2000)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--articles", type=int, default=500)
    parser.add_argument("--drain", type=float, default=300, help="Seconds to wait for the last answers.")
    asyncio.run(run(parser.parse_args(argv)))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main(sys.argv[1:]))
