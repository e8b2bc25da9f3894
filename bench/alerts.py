"""Alert fan-out: the real bot against the fake Bot API; N private chats follow one person, an
article quoting her is added, and every follower is alerted through the outbox at Telegram's
overall limit (NEWSBOT_MESSAGES_PER_SECOND, 30) while readers keep asking questions.

Usage: python bench/alerts.py [--followers 10000] [--questions 200]

Reports alerts delivered / lost / duplicated, the fan-out's duration and its peak rate in any
second (the limit is 30), and the readers' answer latency during it. Nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

TEXT = ("The city council approved the northern tram line on Tuesday after a long debate.\n\n"
        "“The tram will carry 30,000 riders a day by next summer,” said Mayor Olga Brennan.")


def spread(values: list[float]) -> str:
    values = sorted(values)
    if not values:
        return "-"
    return f"{statistics.median(values):.2f} / {values[min(len(values) - 1, int(len(values) * 0.95))]:.2f} / {values[-1]:.2f}"


async def run(args) -> None:
    import bot.follows
    from bench.fake_telegram import FakeTelegram
    from bot.app import build_application
    from bot.delivery import RetryingRateLimiter
    from bot.settings import BotSettings
    from retrieval.articles import Article
    from retrieval.engine import Engine
    from retrieval.follows import Follows

    bot.follows.SCAN_EVERY_S = 1.0
    fake = FakeTelegram(spec=None)
    await fake.start()
    settings = BotSettings(data_dir=Path(tempfile.mkdtemp()), TELEGRAM_BOT_TOKEN=fake.token,
                           TELEGRAM_API_BASE_URL=f"{fake.url}/bot", flood_max=10_000)
    engine = Engine(settings)
    followers = list(range(10_000, 10_000 + args.followers))
    readers = list(range(500, 520))
    for chat in followers + readers:
        fake.add_chat(chat)
    registry = Follows(engine.store)
    for chat in followers:
        registry.add(chat, "person", "Olga Brennan")
    app = build_application(settings, engine, RetryingRateLimiter(overall_max_rate=0, group_max_rate=0, max_retries=3))
    rng = random.Random(0)
    asked: dict[int, list[float]] = {}
    async with app:
        await app.post_init(app)
        await app.start()
        await app.updater.start_polling(poll_interval=0.0, timeout=1)
        engine.warm_up()
        await asyncio.to_thread(engine.add, [Article(title="Tram line approved", text=TEXT, url="https://news.example/tram")])
        started = time.perf_counter()
        done_at = None
        while time.perf_counter() - started < args.drain:
            if len(asked) < len(readers) or sum(map(len, asked.values())) < args.questions:
                reader = rng.choice(readers)
                asked.setdefault(reader, []).append(time.perf_counter())
                fake.user_sends(reader, reader, "How many riders will the tram carry?")
            states = engine.chats.outbox_states()
            if states.get("sent", 0) >= args.followers and not {"pending", "sending"} & set(states):
                done_at = time.perf_counter()
                break
            await asyncio.sleep(args.seconds_between)
        await asyncio.sleep(1)
        await app.updater.stop()
        await app.stop()
        await app.post_stop(app)
    sent = [c for c in fake.calls if c.method == "sendMessage" and "_message_id" in c.params]
    alerts = collections.Counter(int(c.params["chat_id"]) for c in sent if c.params["text"].startswith("🔔"))
    per_second = collections.Counter(int(c.params["_at"]) for c in sent)
    answers = {chat: [c.params["_at"] for c in sent if int(c.params["chat_id"]) == chat] for chat in readers}
    latencies = [a - q for chat, qs in asked.items() for q, a in zip(qs, answers[chat])]
    engine.close()
    await fake.stop()
    delivered = sum(1 for chat in followers if alerts[chat] >= 1)
    duplicated = sum(max(0, alerts[chat] - 1) for chat in followers)
    took = (done_at or time.perf_counter()) - started
    print(f"{args.followers} followers of one person, one article quoting her; readers ask meanwhile\n")
    print("| alerts delivered | lost | duplicated | fan-out (s) | most messages in one second | reader answers p50 / p95 / max (s) |")
    print("|---|---|---|---|---|---|")
    print(f"| {delivered} | {args.followers - delivered} | {duplicated} | {took:.0f} | {max(per_second.values())} | {spread(latencies)} |")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--followers", type=int, default=10_000)
    parser.add_argument("--questions", type=int, default=200)
    parser.add_argument("--seconds-between", type=float, default=0.5, help="between two readers' questions")
    parser.add_argument("--drain", type=float, default=900)
    asyncio.run(run(parser.parse_args(argv)))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main(sys.argv[1:]))
