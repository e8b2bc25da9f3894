"""Busy groups beside private chats: the real bot (its outbox and pacing as in production)
against the fake Bot API, which holds each group to Telegram's 20 messages a minute by answering
429 beyond it, as Telegram does.

Usage: python bench/load_groups.py [--questions 300] [--seconds 30] [--groups 10] [--group-share 0.5] [--per-second 30]
       python bench/load_groups.py --fake-alone [--questions 2000] [--seconds 60]

Questions arrive evenly over `--seconds`; a share of them are `/ask` in the groups (spread evenly
over them), the rest from distinct private chats. Prints, for private chats and for groups apart:
time to the first reply p50 / p95 / max, questions answered, lost, answered twice, apologised for
(answer past the deadline), messages sent, and the most messages one group got in any 60 s.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


async def run(args) -> None:
    from bench.load import questions, spread
    from bot.app import build_application
    from bot.settings import BotSettings
    from retrieval.engine import Engine
    from bench.fake_telegram import BOT_USERNAME, FakeTelegram

    fake = FakeTelegram(spec=None, group_limit_per_minute=20)
    await fake.start()
    settings = BotSettings(
        data_dir=Path(tempfile.mkdtemp()), TELEGRAM_BOT_TOKEN=fake.token, TELEGRAM_API_BASE_URL=f"{fake.url}/bot",
        flood_max=10_000, messages_per_second=args.per_second,
    )
    engine = Engine(settings)
    app = build_application(settings, engine)  # the production rate limiter
    groups = [-(2000 + g) for g in range(args.groups)]
    for g in groups:
        fake.add_chat(g, "supergroup", f"group {g}")
    pool = questions()
    rng = random.Random(0)
    asked: dict[int, list[float]] = {}
    next_user = 100
    async with app:
        await app.post_init(app)
        await app.start()
        await app.updater.start_polling(poll_interval=0.0, timeout=1)
        engine.warm_up()
        started = time.perf_counter()
        interval = args.seconds / args.questions
        for i in range(args.questions):
            next_user += 1
            if rng.random() < args.group_share:
                chat, text = groups[i % len(groups)], f"/ask@{BOT_USERNAME} {rng.choice(pool)}"
                fake.add_chat(next_user)
            else:
                chat, text = next_user, rng.choice(pool)
                fake.add_chat(chat)
            asked.setdefault(chat, []).append(time.perf_counter())
            fake.user_sends(next_user, chat, text)
            await asyncio.sleep(max(0.0, started + (i + 1) * interval - time.perf_counter()))
        deadline = time.perf_counter() + args.drain
        while time.perf_counter() < deadline:
            if not {"pending", "sending"} & set(engine.chats.outbox_states()) and len(fake.updates) <= fake.confirmed:
                break
            await asyncio.sleep(0.5)
        await app.updater.stop()
        await app.stop()
        await app.post_stop(app)
    delivered: dict[int, list[tuple[float, str]]] = {}
    for call in fake.calls:
        if call.method == "sendMessage" and "_message_id" in call.params:
            delivered.setdefault(int(call.params["chat_id"]), []).append((call.params["_at"], call.params["text"]))
    states = engine.chats.outbox_states()
    engine.close()
    await fake.stop()

    def covers(text: str) -> int:
        """Questions one message answers: a merged message has a "↪ question" part for each."""
        return max(1, text.count("<b>↪ "))

    rows = {}
    for kind, chats in (("private chats", [c for c in asked if c > 0]), ("groups", [c for c in asked if c < 0])):
        latencies, answered, lost, twice, sorry, messages, worst = [], 0, 0, 0, 0, 0, 0
        for chat in chats:
            times = asked[chat]
            replies = delivered.get(chat, [])
            messages += len(replies)
            cursor = 0
            for at, text in replies:
                n = covers(text)
                sorry += text.count("Sorry, I could not answer")
                for q in times[cursor : cursor + n]:
                    latencies.append(at - q)
                cursor += n
            answered += min(cursor, len(times))
            lost += max(0, len(times) - cursor)
            twice += max(0, cursor - len(times))
            sends = [at for at, _ in replies]
            worst = max([worst] + [sum(1 for t in sends if s <= t < s + 60) for s in sends])
        latencies.sort()
        rows[kind] = (len([q for c in chats for q in asked[c]]), latencies, answered, lost, twice, sorry, messages, worst)

    print(f"{args.questions} questions over {args.seconds:g} s, {args.group_share:.0%} of them in {args.groups} groups "
          f"(about {args.questions * args.group_share / args.groups / args.seconds * 60:.0f} a minute each); outbox: {states}\n")
    print("| chats | questions | first reply p50 / p95 / max (s) | answered | lost | twice | apologies | messages | most to one group in 60 s |")
    print("|---|---|---|---|---|---|---|---|---|")
    for kind, (count, latencies, answered, lost, twice, sorry, messages, worst) in rows.items():
        print(f"| {kind} | {count} | {spread(latencies)} | {answered} | {lost} | {twice} | {sorry} | {messages} | "
              f"{worst if kind == 'groups' else '-'} |")


async def fake_alone(args) -> None:
    """The fake Bot API's own cost at the same rate: the questions' updates fetched by long
    polling and one sendMessage per question, with no bot, from one aiohttp client."""
    import aiohttp

    from bench.fake_telegram import FakeTelegram

    fake = FakeTelegram(spec=None)
    await fake.start()
    users = range(100, 100 + args.questions)
    for u in users:
        fake.add_chat(u)
    cpu0, started = time.process_time(), time.perf_counter()
    latencies: list[float] = []
    async with aiohttp.ClientSession() as session:
        base = f"{fake.url}/bot{fake.token}"

        async def answer(user: int) -> None:
            t = time.perf_counter()
            async with session.post(f"{base}/sendMessage", data={"chat_id": str(user), "text": "an answer"}) as response:
                await response.read()
            latencies.append(time.perf_counter() - t)

        tasks, offset = [], 0
        for i, user in enumerate(users):
            fake.user_sends(user, user, "a question")
            async with session.post(f"{base}/getUpdates", data={"offset": str(offset), "timeout": "0"}) as response:
                updates = (await response.json())["result"]
            offset = max([offset] + [u["update_id"] + 1 for u in updates])
            tasks.append(asyncio.create_task(answer(user)))
            await asyncio.sleep(max(0.0, started + (i + 1) * args.seconds / args.questions - time.perf_counter()))
        await asyncio.gather(*tasks)
    cpu = time.process_time() - cpu0
    await fake.stop()
    latencies.sort()
    print(f"fake Bot API alone: {args.questions} updates and sendMessage over {args.seconds:g} s: "
          f"sendMessage p50 {statistics.median(latencies) * 1000:.1f} ms, p95 {latencies[int(len(latencies) * 0.95)] * 1000:.1f} ms; "
          f"CPU {cpu:.1f} s ({cpu / args.seconds:.0%} of one core, client included)")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=300)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--groups", type=int, default=10)
    parser.add_argument("--group-share", type=float, default=0.5)
    parser.add_argument("--drain", type=float, default=240, help="Seconds to wait for the last messages.")
    parser.add_argument("--per-second", type=int, default=30, help="NEWSBOT_MESSAGES_PER_SECOND.")
    parser.add_argument("--fake-alone", action="store_true", help="Measure the fake Bot API alone at this rate.")
    args = parser.parse_args(argv)
    asyncio.run(fake_alone(args) if args.fake_alone else run(args))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main(sys.argv[1:]))
