"""Two `newsbot run` processes behind one webhook, on one PostgreSQL: what one replica adds the
other cites at its very next question, with no wait (each replica's keyword copy replays the
database's log before each question), and what one removes the other stops citing; a follow-up answered by the other keeps its context, and an update delivered twice
(once to each) is handled once. Real processes, a real database, the fake Bot API server, and a
round-robin balancer in front of the replicas, all on this machine."""

from __future__ import annotations

import asyncio
import itertools
import os
import signal
import socket
import sys

import aiohttp
import pytest
from aiohttp import web

from .conftest import article_html
from bench.fake_telegram import FakeTelegram

ALICE, ADMIN = 101, 900
BODY = [
    "The Northbridge tram line opened to passengers on Saturday after four years of construction.",
    "Mayor Olga Brennan said the line would carry 30,000 riders a day by next summer.",
    "“This is the biggest change to the city in a generation,” Brennan said.",
]


def free_ports(n: int) -> list[int]:
    """`n` different free ports: each socket is held until all are bound, for a port closed at
    once may be handed out again (two replicas told the same port: one never listens, and every
    update reaches the other)."""
    sockets = [socket.socket() for _ in range(n)]
    try:
        for s in sockets:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


class Balancer:
    """Round-robin over the replicas, as a reverse proxy would; remembers who got what."""

    def __init__(self, ports: list[int], port: int) -> None:
        self.ports = ports
        self.turn = itertools.cycle(ports)
        self.routed: list[tuple[int, int]] = []  # (update_id, replica port)
        self.port = port

    async def start(self) -> None:
        self.session = aiohttp.ClientSession()
        app = web.Application()
        app.router.add_post("/{path:.*}", self.forward)
        self.runner = web.AppRunner(app)
        await self.runner.setup()
        await web.TCPSite(self.runner, "127.0.0.1", self.port).start()

    async def forward(self, request: web.Request) -> web.Response:
        body = await request.read()
        port = next(self.turn)
        update = await request.json()
        self.routed.append((update["update_id"], port))
        headers = {k: v for k, v in request.headers.items() if k.lower() in ("content-type", "x-telegram-bot-api-secret-token")}
        async with self.session.post(f"http://127.0.0.1:{port}{request.path}", data=body, headers=headers) as response:
            return web.Response(status=response.status, body=await response.read())

    async def stop(self) -> None:
        await self.session.close()
        await self.runner.cleanup()


async def test_two_replicas_share_corpus_context_and_update_claims(database_url, pages, tmp_path):
    fake = FakeTelegram()
    await fake.start()
    for chat in (ALICE, ADMIN):
        fake.add_chat(chat)
    *ports, front = free_ports(3)
    balancer = Balancer(ports, front)
    await balancer.start()
    webhook = f"http://127.0.0.1:{balancer.port}/telegram"
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": fake.token, "TELEGRAM_API_BASE_URL": f"{fake.url}/bot",
           "ADMIN_USER_IDS": str(ADMIN), "NEWSBOT_DATABASE_URL": database_url,
           "NEWSBOT_ALLOW_PRIVATE_URLS": "true", "HF_HUB_OFFLINE": "1"}
    replicas = [
        await asyncio.create_subprocess_exec(
            sys.executable, "-m", "newsbot", "--data-dir", str(tmp_path / f"replica{i}"), "run",
            "--webhook-url", webhook, "--listen", f"127.0.0.1:{port}", "--secret-token", "s3cret",
            cwd=tmp_path, env=env, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
        )
        for i, port in enumerate(ports)
    ]

    async def ask(user: int, text: str, final: str = "") -> dict:
        n = len(fake.calls)
        update = fake.user_sends(user, user, text)
        call = await fake.wait_for("sendMessage", lambda p: int(p["chat_id"]) == user and final in p["text"], after=n, timeout=30)
        return {"update": update, "text": call.params["text"], "replica": dict(balancer.routed)[update["update_id"]]}

    try:
        await _until_listening(ports)  # each replica registers the one public webhook, then listens
        url = pages.add("/tram", article_html("Northbridge tram line opens", BODY))

        added = await ask(ADMIN, f"/add {url}", final="added")
        assert "✓ added" in added["text"], added["text"]
        cited = await ask(ALICE, "how many riders will the Northbridge tram carry?")
        assert cited["replica"] != added["replica"]  # the other replica, no restart
        assert "30,000 riders" in cited["text"] and url in cited["text"]

        first = await ask(ALICE, "what did Olga Brennan say?")
        follow = await ask(ALICE, "and what did she say about the city?")
        assert follow["replica"] != first["replica"]
        assert "biggest change to the city" in follow["text"]

        n = len(fake.calls)
        await fake._deliver(follow["update"])  # Telegram delivers it again: to the other replica
        await asyncio.sleep(1.0)
        assert balancer.routed[-1] == (follow["update"]["update_id"], first["replica"])
        assert fake.sent()[-1].params["text"] == follow["text"] and not [c for c in fake.calls[n:] if c.method == "sendMessage"]

        removed = await ask(ADMIN, f"/remove {url}", final="emoved")
        gone = await ask(ALICE, "how many riders will the Northbridge tram carry?")
        assert gone["replica"] != removed["replica"] and url not in gone["text"]  # its keyword copy followed too
    finally:
        for process in replicas:
            if process.returncode is None:
                process.send_signal(signal.SIGINT)
        logs = [await asyncio.wait_for(p.communicate(), 30) for p in replicas]
        await balancer.stop()
        await fake.stop()
    for process, (_, stderr) in zip(replicas, logs):
        assert process.returncode == 0, stderr.decode()[-3000:]
        assert fake.token not in stderr.decode()
    assert fake.internal_errors == []


async def _until_listening(ports: list[int], timeout: float = 90.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    for port in ports:
        while True:
            try:
                _, writer = await asyncio.open_connection("127.0.0.1", port)
                writer.close()
                break
            except OSError:
                if asyncio.get_running_loop().time() > deadline:
                    pytest.fail(f"replica on port {port} never listened")
                await asyncio.sleep(0.2)
