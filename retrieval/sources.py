"""Every input `newsbot add` accepts, turned into articles: Markdown with front matter, plain
text, HTML pages, JSONL bulk files (optionally gzipped), folders of these, and links.

Each input yields `Item`s: an article, or the reason that part of the input failed. A bad JSONL
line fails that line (with its number), not the file.
"""

from __future__ import annotations

import dataclasses
import gzip
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

from .articles import Article, parse_date
from .errors import BadInput
from .settings import EngineSettings

SUFFIXES = (".md", ".markdown", ".txt", ".html", ".htm", ".jsonl", ".jsonl.gz")


@dataclass
class Item:
    """One article read from a source, or why it could not be read."""

    source: str
    article: Article | None = None
    error: str | None = None


def is_url(value: str) -> bool:
    return bool(re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", value))


def read_sources(sources: list[str], settings: EngineSettings) -> Iterator[Item]:
    """Items from each source in turn: files, folders and links."""
    for source in sources:
        if is_url(source):
            from .fetch import fetch_article

            try:
                yield Item(source, fetch_article(source, settings))
            except BadInput as exc:
                yield Item(source, error=str(exc))
            continue
        path = Path(source).expanduser()
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file() and _supported(p))
            if not files:
                yield Item(source, error="no supported files in this folder")
            for file in files:
                yield from read_file(file, settings)
        elif path.exists():
            yield from read_file(path, settings)
        else:
            yield Item(source, error="no such file or folder")


def _supported(path: Path) -> bool:
    return path.name.lower().endswith(SUFFIXES) and not path.name.startswith(".")


def read_file(path: Path, settings: EngineSettings, name: str | None = None) -> Iterator[Item]:
    """Items from one file; `name` is what reports call it (an upload's original name)."""
    label = name or str(path)
    lower = (name or path.name).lower()
    try:
        size = path.stat().st_size
        if size > settings.max_file_bytes:
            raise BadInput(f"file too large ({size:,} bytes; the limit is {settings.max_file_bytes:,})")
        if lower.endswith(".jsonl.gz"):
            yield from read_jsonl(_open_gzip(path, settings.max_decompressed_bytes), label, settings)
            return
        if lower.endswith(".jsonl"):
            with path.open("rb") as fh:
                yield from read_jsonl(fh, label, settings)
            return
        if not lower.endswith(SUFFIXES):
            raise BadInput(f"unsupported file type; supported: {', '.join(SUFFIXES)}")
        text = decode(path.read_bytes())
        if lower.endswith((".md", ".markdown")):
            article = parse_markdown(text)
        elif lower.endswith(".txt"):
            article = parse_plain_text(text)
        else:
            article = parse_html(text)
        if not article.url and name is None:
            # A local file with no URL of its own is known by its path.
            article = dataclasses.replace(article, url=path.resolve().as_uri(), key="")
        yield Item(label, article)
    except BadInput as exc:
        yield Item(label, error=str(exc))
    except OSError as exc:
        yield Item(label, error=f"cannot read the file: {exc.strerror or exc}")


def decode(data: bytes) -> str:
    """UTF-8 text, or a clear error for binary junk."""
    if b"\x00" in data[:8192]:
        raise BadInput("binary file, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BadInput(f"not valid UTF-8 text (byte {exc.start})") from None


# --- Markdown ---------------------------------------------------------------------------
_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.S)


def parse_markdown(text: str) -> Article:
    """Front matter (title, url, published, author, outlet) and a body of paragraphs."""
    meta: dict = {}
    match = _FRONT_MATTER.match(text)
    if match:
        try:
            meta = yaml.safe_load(match.group(1)) or {}
        except yaml.YAMLError as exc:
            raise BadInput(f"unreadable front matter: {str(exc).splitlines()[0]}") from None
        if not isinstance(meta, dict):
            raise BadInput("front matter must be a list of `key: value` lines")
        text = text[match.end() :]
    body = markdown_to_text(text)
    title = meta.get("title")
    if not title:
        heading = re.match(r"\s*#\s+(.+)\n", text)
        if not heading:
            raise BadInput("no title: add `title:` to the front matter")
        title = heading.group(1)
        body = markdown_to_text(text[heading.end() :])
    return Article(
        title=str(title),
        text=body,
        url=str(meta.get("url") or ""),
        published=parse_date(meta.get("published") or meta.get("date")),
        author=str(meta.get("author") or ""),
        outlet=str(meta.get("outlet") or ""),
        key=str(meta.get("id") or ""),
    )


def markdown_to_text(text: str) -> str:
    """Paragraphs of plain text: soft line breaks joined, emphasis and link markup removed."""
    paragraphs = []
    for block in re.split(r"\n\s*\n", text):
        block = " ".join(line.strip() for line in block.splitlines())
        block = re.sub(r"^#+\s*", "", block)
        block = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", block)
        block = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", block)
        block = re.sub(r"(\*\*|__)(.+?)\1", r"\2", block)
        block = re.sub(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])", r"\1", block)
        block = re.sub(r"^>\s?", "", block)
        if block.strip():
            paragraphs.append(block.strip())
    return "\n".join(paragraphs)


def parse_plain_text(text: str) -> Article:
    """First non-empty line is the title, the rest the body."""
    lines = text.strip().splitlines()
    if not lines:
        raise BadInput("empty file")
    return Article(title=lines[0], text="\n".join(lines[1:]))


def parse_html(page: str, url: str = "") -> Article:
    """Title, date, author and main text of a web page, with trafilatura."""
    import trafilatura

    if len(page) > 20_000_000:
        raise BadInput("page too large")
    try:
        doc = trafilatura.bare_extraction(page, url=url or None, with_metadata=True, include_comments=False)
    except Exception as exc:  # trafilatura raises assorted lxml errors on hostile markup
        raise BadInput(f"could not read the page: {type(exc).__name__}") from None
    if doc is None or not getattr(doc, "text", None):
        raise BadInput("no article text found on the page")
    try:
        published = parse_date(doc.date)
    except BadInput:
        published = None
    return Article(
        title=doc.title or "",
        text=doc.text,
        url=url or (doc.url or ""),
        published=published,
        author=doc.author or "",
        outlet=doc.sitename or "",
    )


# --- JSONL ------------------------------------------------------------------------------
class _LimitedReader(io.RawIOBase):
    """Stops a gzip bomb: fails once more than `limit` bytes have been decompressed."""

    def __init__(self, inner, limit: int) -> None:
        self.inner, self.limit, self.read_total = inner, limit, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self.inner.read(len(buffer))
        self.read_total += len(data)
        if self.read_total > self.limit:
            raise BadInput(f"decompressed data exceeds the limit of {self.limit:,} bytes")
        buffer[: len(data)] = data
        return len(data)


def _open_gzip(path: Path, limit: int):
    return io.BufferedReader(_LimitedReader(gzip.open(path, "rb"), limit))


MAX_LINE_BYTES = 10_000_000


def read_jsonl(stream, label: str, settings: EngineSettings) -> Iterator[Item]:
    """One article a line: url, title, text, and optional published, author, outlet, id."""
    number = 0
    try:
        while True:
            line = stream.readline(MAX_LINE_BYTES + 1)
            if not line:
                break
            number += 1
            where = f"{label}:{number}"
            if len(line) > MAX_LINE_BYTES:
                # Skip the rest of the gigantic line without holding it in memory.
                while line and not line.endswith(b"\n"):
                    line = stream.readline(MAX_LINE_BYTES)
                yield Item(where, error=f"line {number}: longer than {MAX_LINE_BYTES:,} bytes")
                continue
            if not line.strip():
                continue
            try:
                yield Item(where, article_from_record(json.loads(decode(line)), settings))
            except (ValueError, BadInput) as exc:
                message = str(exc) if isinstance(exc, BadInput) else "not valid JSON"
                yield Item(where, error=f"line {number}: {message}")
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        yield Item(label, error=f"unreadable file after line {number}: {exc}")
    except BadInput as exc:
        yield Item(label, error=f"{exc} (after line {number})")


def article_from_record(record: object, settings: EngineSettings) -> Article:
    if not isinstance(record, dict):
        raise BadInput("not a JSON object")
    for field in ("title", "text"):
        if not isinstance(record.get(field), str) or not record[field].strip():
            raise BadInput(f"missing {field!r}")
    if len(record["text"]) > settings.max_article_chars:
        raise BadInput(f"text longer than {settings.max_article_chars:,} characters")
    url = record.get("url") or ""
    if not isinstance(url, str):
        raise BadInput("'url' must be a string")
    return Article(
        title=record["title"],
        text=record["text"],
        url=url,
        published=parse_date(record.get("published")),
        author=str(record.get("author") or ""),
        outlet=str(record.get("outlet") or record.get("publisher") or ""),
        key=str(record.get("id") or ""),
    )
