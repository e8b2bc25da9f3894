"""What a followed source's document lists: the entries of an RSS or Atom feed (feedparser), the
URLs of a sitemap, a sitemap index or a Google News sitemap (the standard XML parser, hardened
by defusedxml), or the article links of a section page.

Every document is checked for XML entity declarations before any parser sees it: an entity
bomb ("billion laughs") or an external entity is refused, not expanded.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, timezone
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from ..errors import BadInput

#: What a followed source may be served as.
FEED_TYPES = (
    "application/rss+xml", "application/atom+xml", "application/xml", "text/xml", "application/rdf+xml",
    "application/feed+xml", "text/html", "application/xhtml+xml",
)
#: URLs read from one sitemap at most (the sitemap protocol's own limit per file).
MAX_SITEMAP_URLS = 50_000
#: Links read from one section page at most.
MAX_PAGE_LINKS = 500
#: Query parameters that only track where a reader came from: two links that differ only in
#: them are one article.
TRACKING = re.compile(r"^(utm_\w+|fbclid|gclid|dclid|gbraid|wbraid|msclkid|mc_cid|mc_eid|yclid|igshid|_hsenc|_hsmi|ref|ref_src|cmpid|ocid|smid)$", re.I)
_SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
_NEWS_NS = "{http://www.google.com/schemas/sitemap-news/0.9}"


@dataclass(frozen=True)
class Entry:
    """One article a source lists: its link and what the source says of it."""

    url: str
    title: str = ""
    published: date | None = None
    author: str = ""
    #: When the source says the article last changed (an update re-fetches it); "" when it does not say.
    updated: str = ""


@dataclass
class Listing:
    """A document's entries, or (a sitemap index) the sitemaps it lists, newest first."""

    kind: str  # rss | atom | sitemap | sitemap-index | page
    entries: list[Entry]
    sitemaps: list[Entry]


def canonical(url: str, base: str = "") -> str:
    """The link as the article's identity: absolute, scheme and host lower case, no fragment, no
    default port, no tracking parameters."""
    parts = urlsplit(urljoin(base, url.strip()))
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return ""
    host = parts.hostname
    if parts.port and not ((parts.scheme == "http" and parts.port == 80) or (parts.scheme == "https" and parts.port == 443)):
        host = f"{host}:{parts.port}"
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not TRACKING.match(k)])
    return urlunsplit((parts.scheme.lower(), host, parts.path or "/", query, ""))


def refuse_entities(text: str) -> None:
    """An XML document that declares entities (how entity bombs and external entities are
    built) is refused before it is parsed: feeds and sitemaps have no need of them."""
    import defusedxml.ElementTree as SafeET
    from defusedxml import DefusedXmlException

    try:
        SafeET.fromstring(text.encode("utf-8"), forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise BadInput("refused: the document declares XML entities (an entity bomb, or external entities)") from None
    except SafeET.ParseError as exc:
        raise BadInput(f"not a feed or a sitemap: the XML does not parse ({exc})") from None


def read_listing(text: str, content_type: str, url: str) -> Listing:
    """The entries of the document at `url`, whatever kind it is."""
    head = text.lstrip()[:2000].lower()
    if content_type in ("text/html", "application/xhtml+xml") and "<rss" not in head and "<feed" not in head:
        return Listing("page", section_links(text, url), [])
    if not head.startswith("<"):
        raise BadInput("not a feed or a sitemap: the document is not XML")
    refuse_entities(text)
    if "<urlset" in head or "<sitemapindex" in head:
        return sitemap(text, url)
    return feed(text, url)


def _date_of(struct) -> date | None:
    if not struct:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(struct), tz=timezone.utc).date()
    except (OverflowError, ValueError, TypeError):
        return None


def feed(text: str, url: str) -> Listing:
    """An RSS 2.0, RSS 1.0 or Atom feed's entries (relative links made absolute)."""
    import feedparser

    parsed = feedparser.parse(text, response_headers={"content-location": url})
    if not parsed.entries and not parsed.feed.get("title") and parsed.bozo:
        raise BadInput(f"not a feed or a sitemap: {type(parsed.bozo_exception).__name__}")
    version = parsed.version or ""
    kind = "atom" if version.startswith("atom") else "rss"
    entries = []
    for e in parsed.entries:
        link = e.get("link") or ""
        if not link and str(e.get("id", "")).startswith("http"):
            link = e["id"]
        link = canonical(link, url)
        if not link:
            continue
        updated = e.get("updated") or ""
        entries.append(Entry(
            link, e.get("title") or "", _date_of(e.get("published_parsed") or e.get("updated_parsed")),
            e.get("author") or "", updated if updated != e.get("published") else "",
        ))
    return Listing(kind, entries, [])


def sitemap(text: str, url: str) -> Listing:
    """A sitemap's URLs (with `<lastmod>`, and a Google News sitemap's title and publication
    date), or a sitemap index's sitemaps; newest first, at most MAX_SITEMAP_URLS."""
    import io
    import xml.etree.ElementTree as ET

    import defusedxml.ElementTree as SafeET

    found: list[Entry] = []
    index = False
    try:
        for _event, element in SafeET.iterparse(io.BytesIO(text.encode("utf-8")), forbid_entities=True, forbid_external=True):
            tag = element.tag
            if tag in (f"{_SITEMAP_NS}url", f"{_SITEMAP_NS}sitemap", "url", "sitemap"):
                index = index or tag.endswith("sitemap")
                found.append(_sitemap_entry(element, url))
                element.clear()
                if len(found) >= MAX_SITEMAP_URLS:
                    break
    except ET.ParseError as exc:
        raise BadInput(f"not a sitemap: the XML does not parse ({exc})") from None
    entries = sorted((e for e in found if e.url), key=lambda e: e.updated or (e.published.isoformat() if e.published else ""), reverse=True)
    return Listing("sitemap-index", [], entries) if index else Listing("sitemap", entries, [])


def _sitemap_entry(element, base: str) -> Entry:
    def find(path: str) -> str:
        for ns in (_SITEMAP_NS, ""):
            node = element.find(path.format(s=ns, n=_NEWS_NS))
            if node is not None and node.text:
                return node.text.strip()
        return ""

    lastmod = find("{s}lastmod")
    news_date = find("{n}news/{n}publication_date")
    published = None
    for value in (news_date, lastmod):
        try:
            published = date.fromisoformat(value[:10]) if value else None
        except ValueError:
            continue
        if published:
            break
    return Entry(canonical(find("{s}loc"), base), find("{n}news/{n}title"), published, "", lastmod)


_HREF = re.compile(r"""<a\s[^>]*?href\s*=\s*["']([^"'#][^"']*)["']""", re.I)


def section_links(page: str, url: str) -> list[Entry]:
    """The links of a section page that look like articles: on the same site, not the page
    itself, ending in a slug of several words or an id or date (a digit), or three parts deep;
    other sections' links ("/world", "/news/politics") are not articles."""
    own = urlsplit(url).hostname
    seen: dict[str, None] = {}
    for match in _HREF.finditer(page):
        link = canonical(match.group(1), url)
        if not link or urlsplit(link).hostname != own or link == canonical(url):
            continue
        path = urlsplit(link).path.strip("/")
        parts = [p for p in path.split("/") if p]
        last = parts[-1] if parts else ""
        if last.count("-") >= 2 or any(c.isdigit() for c in last) or len(parts) >= 3:
            seen.setdefault(link)
        if len(seen) >= MAX_PAGE_LINKS:
            break
    return [Entry(link) for link in seen]
