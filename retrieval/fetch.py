"""Fetching an article from a link, safely: http(s) only, no private, loopback, link-local or
metadata addresses (every address the name resolves to, checked again after each redirect),
bounded redirects, size and time, and only HTML or text.

The name is resolved once per hop and the connection goes to the address that was checked
(the request names the host in its Host header and TLS server name), so a name that resolves to a
public address for the check and to a private one for the connection (DNS rebinding) gets
nowhere."""

from __future__ import annotations

import contextlib
import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import httpx

from .errors import FetchError
from .settings import EngineSettings

ALLOWED_TYPES = ("text/html", "application/xhtml+xml", "text/plain")
USER_AGENT = "newsbot/0.1 (+https://github.com/newsbot)"


def check_url(url: str, allow_private: bool) -> str | None:
    """Refuse schemes other than http(s) and hosts that resolve to non-public addresses. Returns
    the checked address to connect to (None when private addresses are allowed: no pinning)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise FetchError(f"only http and https links are accepted, not {parts.scheme or 'this'}")
    if not parts.hostname:
        raise FetchError("the link has no host")
    if allow_private:
        return None
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 80, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError):
        raise FetchError(f"cannot resolve {parts.hostname}") from None
    addresses = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]
    if not addresses:
        raise FetchError(f"cannot resolve {parts.hostname}")
    for address in addresses:
        if not address.is_global or address.is_multicast:
            raise FetchError(f"{parts.hostname} points to a private or local address; refused")
    return str(addresses[0])


def pinned_request(client: httpx.Client, url: str, address: str | None) -> httpx.Request:
    """A GET of `url` that connects to `address` (when given) while naming the original host."""
    if address is None:
        return client.build_request("GET", url)
    target = httpx.URL(url)
    return client.build_request(
        "GET",
        target.copy_with(host=address),
        headers={"Host": target.netloc.decode("ascii")},
        extensions={"sni_hostname": target.host},
    )


@dataclass
class Fetched:
    """What a GET brought back: the final url (after redirects), the content type and the body
    decoded; or, for a conditional GET the server answered 304, `unchanged` and no body."""

    url: str
    content_type: str = ""
    text: str = ""
    etag: str = ""
    last_modified: str = ""
    unchanged: bool = False


def fetch(url: str, settings: EngineSettings, transport: httpx.BaseTransport | None = None) -> tuple[str, str, str]:
    """(final url, content type, text) of a page, within the limits in `settings`."""
    got = fetch_document(url, settings, ALLOWED_TYPES, transport=transport)
    return got.url, got.content_type, got.text


def fetch_document(url: str, settings: EngineSettings, types: tuple[str, ...], etag: str = "", last_modified: str = "",
                   transport: httpx.BaseTransport | None = None) -> Fetched:
    """A document of one of `types`, within the limits in `settings`; `etag` and
    `last_modified` (from an earlier fetch) make the GET conditional. Redirects are followed
    here, one hop at a time, so that every hop's address is checked."""
    headers = {"User-Agent": USER_AGENT, "Accept": ", ".join(types)}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    what = "page" if types == ALLOWED_TYPES else "document"
    timeout = httpx.Timeout(settings.fetch_timeout)
    with httpx.Client(timeout=timeout, follow_redirects=False, headers=headers, transport=transport) as client:
        for _hop in range(settings.fetch_max_redirects + 1):
            address = check_url(url, settings.allow_private_urls)
            try:
                response = client.send(pinned_request(client, url, address), stream=True)
                with contextlib.closing(response):
                    if response.status_code == 304 and (etag or last_modified):
                        return Fetched(url, etag=etag, last_modified=last_modified, unchanged=True)
                    if response.is_redirect:
                        location = response.headers.get("location")
                        if not location:
                            raise FetchError("redirect without a location")
                        url = urljoin(url, location)
                        continue
                    if response.status_code >= 400:
                        raise FetchError(f"the server answered {response.status_code}")
                    ctype = response.headers.get("content-type", "").split(";")[0].strip().lower()
                    if ctype not in types:
                        raise FetchError(f"not a web page (content type {ctype or 'unknown'})" if types == ALLOWED_TYPES
                                         else f"unexpected content type {ctype or 'unknown'}")
                    declared = response.headers.get("content-length")
                    if declared and declared.isdigit() and int(declared) > settings.fetch_max_bytes:
                        raise FetchError(f"{what} larger than {settings.fetch_max_bytes:,} bytes")
                    body = bytearray()
                    for chunk in response.iter_bytes():
                        body += chunk
                        if len(body) > settings.fetch_max_bytes:
                            raise FetchError(f"{what} larger than {settings.fetch_max_bytes:,} bytes")
                    text = bytes(body).decode(response.encoding or "utf-8", errors="replace")
                    return Fetched(url, ctype, text, response.headers.get("etag", ""), response.headers.get("last-modified", ""))
            except httpx.TimeoutException:
                raise FetchError(f"no answer from {urlsplit(url).hostname} in time") from None
            except httpx.HTTPError as exc:
                raise FetchError(f"cannot fetch the link: {type(exc).__name__}") from None
    raise FetchError(f"more than {settings.fetch_max_redirects} redirects")
