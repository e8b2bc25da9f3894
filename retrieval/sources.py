"""Every input `newsbot add` accepts, turned into articles: Markdown with front matter, plain
text, HTML pages, JSONL bulk files (optionally gzipped), folders of these, and links.

Each input yields `Item`s: an article, or the reason that part of the input failed. A bad JSONL
line fails that line (with its number), not the file.
"""

from __future__ import annotations

import codecs
import dataclasses
import gzip
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

from .articles import Article, article_key, cut_text, parse_date, part_of
from .errors import BadInput
from .fetch import fetch
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
    """Items from one file; `name` is what reports call it (an upload's original name).

    Every limit is checked before any article is yielded: the file's size, the HTML page's size
    (trafilatura reads a page whole), valid UTF-8 throughout. Markdown and plain text are then
    read a piece at a time and cut into parts (`within_limit`), so neither the file nor one
    long article is ever held whole."""
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
        # A local file's own link comes from its front matter; without one the answer shows
        # the title and no link (never a path on this machine), and the file's path still
        # identifies it, so adding it again updates it in place.
        identity = "" if name is not None else article_key(path.resolve().as_uri())
        if lower.endswith((".html", ".htm")):
            if size > settings.fetch_max_bytes:
                raise BadInput(f"HTML page too large ({size:,} bytes; the limit is {settings.fetch_max_bytes:,})")
            article = parse_html(decode(path.read_bytes()))
            if identity and not article.url:
                article = dataclasses.replace(article, key=identity)
            yield Item(label, article)
            return
        check_text_file(path)
        markdown = lower.endswith((".md", ".markdown"))
        for article in read_document(path, markdown, settings.max_article_chars, identity):
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


#: Bytes read at a time when a file is checked or read in pieces.
READ_CHUNK = 1 << 20


def check_text_file(path: Path) -> None:
    """Refuse a binary or non-UTF-8 file before any of it becomes an article (a file that turns
    out bad halfway must not leave its first parts added)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset = 0
    with path.open("rb") as fh:
        head = True
        while chunk := fh.read(READ_CHUNK):
            if head and b"\x00" in chunk[:8192]:
                raise BadInput("binary file, not text")
            head = False
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                raise BadInput(f"not valid UTF-8 text (byte {offset + exc.start})") from None
            offset += len(chunk)
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            raise BadInput(f"not valid UTF-8 text (byte {offset})") from None


def text_pieces(fh, limit: int) -> Iterator[str]:
    """The text of an open file in pieces of at most `limit` characters, cut as `cut_text`
    cuts (at a paragraph break, else a space), holding at most two pieces at a time."""
    rest = ""
    while chunk := fh.read(limit):
        rest += chunk
        if len(rest) > limit:
            pieces = list(cut_text(rest, limit))
            yield from pieces[:-1]
            rest = pieces[-1] if pieces else ""
    if rest.strip():
        yield rest


def read_document(path: Path, markdown: bool, limit: int, identity: str = "") -> Iterator[Article]:
    """A Markdown or plain-text file as one article, or as parts when it is longer than
    `limit` characters. Both may open with a front-matter block (`---` lines around `title:`,
    `url:`, `published:`, `author:`, `outlet:`, `id:`); without `title:`, the title is a
    Markdown file's `# heading`, or a text file's first line. `identity` is the article's id
    when the front matter gives neither `url:` nor `id:`."""
    with path.open(encoding="utf-8-sig", newline=None) as fh:
        pieces = text_pieces(fh, limit)
        first = next(pieces, "")
        meta, body = front_matter(first)
        head = parse_markdown_body(meta, body) if markdown else parse_plain_text_body(meta, body)
        if identity and not head.url and not meta.get("id"):
            head = dataclasses.replace(head, key=identity)
        yield head
        for number, piece in enumerate(pieces, start=2):
            text = markdown_to_text(piece) if markdown else piece
            try:
                yield part_of(head, number, text)
            except BadInput:  # a scrap of markup or blank lines: nothing to cite
                continue


# --- Markdown ---------------------------------------------------------------------------
_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.S)


def front_matter(text: str) -> tuple[dict, str]:
    """The `---` block at the top of a Markdown or text file, and the text after it."""
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text
    try:
        meta = yaml.safe_load(match.group(1)) or {}
    except yaml.YAMLError as exc:
        raise BadInput(f"unreadable front matter: {str(exc).splitlines()[0]}") from None
    if not isinstance(meta, dict):
        raise BadInput("front matter must be a list of `key: value` lines")
    return meta, text[match.end() :]


def parse_markdown(text: str) -> Article:
    """Front matter (title, url, published, author, outlet, id) and a body of paragraphs."""
    return parse_markdown_body(*front_matter(text))


def _from_meta(meta: dict, title: str, body: str) -> Article:
    return Article(
        title=str(title),
        text=body,
        url=str(meta.get("url") or ""),
        published=parse_date(meta.get("published") or meta.get("date")),
        author=str(meta.get("author") or ""),
        outlet=str(meta.get("outlet") or ""),
        key=str(meta.get("id") or ""),
    )


def parse_markdown_body(meta: dict, text: str) -> Article:
    title = meta.get("title")
    body = markdown_to_text(text)
    if not title:
        heading = re.match(r"\s*#\s+(.+)\n", text)
        if not heading:
            raise BadInput("no title: add `title:` to the front matter")
        title = heading.group(1)
        body = markdown_to_text(text[heading.end() :])
    return _from_meta(meta, title, body)


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
    """Optional front matter; then the first non-empty line is the title, the rest the body."""
    return parse_plain_text_body(*front_matter(text))


def parse_plain_text_body(meta: dict, text: str) -> Article:
    lines = text.strip().splitlines()
    if meta.get("title"):
        return _from_meta(meta, meta["title"], "\n".join(lines))
    if not lines:
        raise BadInput("empty file")
    return _from_meta(meta, lines[0], "\n".join(lines[1:]))


def parse_html(page: str, url: str = "", title: str = "") -> Article:
    """Title, date, author and main text of a web page, with trafilatura; `title` stands in
    for a page that has none (a feed entry's)."""
    import trafilatura

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
        title=doc.title or title,
        text=without_headline(doc.text, doc.title or ""),
        url=url or (doc.url or ""),
        published=published,
        author=doc.author or "",
        outlet=doc.sitename or "",
    )


def without_headline(text: str, title: str) -> str:
    """The page's text without its first paragraph when that is the headline again (an `<h1>`
    trafilatura keeps): the citation shows the title already, and an excerpt would run the
    headline into the first sentence ("... Near Pine Valley A fast-moving wildfire ...")."""
    first, _, rest = text.lstrip().partition("\n")
    if title and rest.strip() and " ".join(first.split()).casefold() == " ".join(title.split()).casefold():
        return rest
    return text


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
                yield Item(where, error=f"longer than {MAX_LINE_BYTES:,} bytes")
                continue
            if not line.strip():
                continue
            try:
                yield Item(where, article_from_record(json.loads(decode(line)), settings))
            except (ValueError, BadInput) as exc:
                message = str(exc) if isinstance(exc, BadInput) else "not valid JSON"
                yield Item(where, error=message)  # `where` names the line
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


def fetch_article(url: str, settings: EngineSettings, title: str = "") -> Article:
    """The article at `url`, keeping the link the user gave as its source; `title` stands in for
    a page without one."""
    _final, ctype, text = fetch(url, settings)
    if ctype == "text/plain":
        article = parse_plain_text(text)
        return Article(title=article.title, text=article.text, url=url)
    return parse_html(text, url=url, title=title)
