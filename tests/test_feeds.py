"""Followed sources against a local web server: RSS 2.0, Atom, sitemaps (an index, a Google News
sitemap) and a section page, written after real newsroom documents' shapes (namespaces, CDATA,
content:encoded, relative links); conditional GETs, changed articles, and bad inputs."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from retrieval.engine import Engine
from retrieval.feeds import FollowedSources, sync_sources
from retrieval.feeds.documents import canonical, read_listing
from retrieval.errors import BadInput
from newsbot.cli import cli

from .conftest import article_html

STORIES = {
    "/news/2024/03/05/tram-line-opens": ("Northern tram line opens to riders", [
        "The northern tram line opened on Tuesday after four years of construction.",
        "Mayor Olga Brennan said the line would carry 30,000 riders a day by next summer.",
    ]),
    "/news/2024/03/06/harbour-bridge-repairs": ("Harbour bridge closes for repairs", [
        "The harbour bridge will close for eight weeks of repairs starting in April.",
        "Engineers found corrosion in the cables during an inspection in January.",
    ]),
    "/news/2024/03/07/library-reopens": ("Central library reopens after flood", [
        "The central library reopened on Thursday, a year after a flood ruined its basement.",
        "Librarian Tomas Quell said that 12,000 books had been restored by volunteers.",
    ]),
}


def rss(items: list[tuple[str, str, str]]) -> str:
    """An RSS 2.0 feed like a newsroom's: namespaces, CDATA titles, content:encoded, relative links."""
    entries = "".join(
        f"""<item><title><![CDATA[{title}]]></title><link>{link}?utm_source=rss&amp;utm_medium=feed</link>
        <guid isPermaLink="false">id-{link}</guid><pubDate>{date}</pubDate><dc:creator>Desk</dc:creator>
        <content:encoded><![CDATA[<p>{title}.</p>]]></content:encoded></item>"""
        for link, title, date in items
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/"
     xmlns:atom="http://www.w3.org/2005/Atom"><channel><title>Local Gazette</title><link>/</link>
<atom:link href="/feed.xml" rel="self" type="application/rss+xml"/><description>News</description>{entries}</channel></rss>"""


@pytest.fixture
def site(pages):
    for path, (title, body) in STORIES.items():
        pages.add(path, article_html(title, body, date=path.split("/")[2] + "-" + path.split("/")[3] + "-" + path.split("/")[4]))
    return pages


@pytest.fixture
def sync_settings(settings):
    return settings.model_copy(update={"sync_host_delay_s": 0.0})


def test_a_feed_is_followed_synced_once_then_answers_and_a_new_entry_appears(site, sync_settings):
    paths = list(STORIES)
    site.add("/feed.xml", rss([(paths[0], STORIES[paths[0]][0], "Tue, 05 Mar 2024 09:00:00 GMT"),
                               (paths[1], STORIES[paths[1]][0], "Wed, 06 Mar 2024 09:00:00 GMT")]),
             content_type="application/rss+xml", ETag='"v1"')
    runner = CliRunner()
    data = ["--data-dir", str(sync_settings.data_dir)]
    env = {"NEWSBOT_ALLOW_PRIVATE_URLS": "true", "NEWSBOT_SYNC_HOST_DELAY_S": "0"}
    added = runner.invoke(cli, [*data, "sources", "add", site.base + "/feed.xml", "--every", "15m"], env=env)
    assert added.exit_code == 0, added.output
    first = runner.invoke(cli, [*data, "sync", "--json"], env=env)
    assert first.exit_code == 0, first.output
    [report] = json.loads(first.output.strip().splitlines()[-1])
    assert (report["status"], report["kind"], report["added"], report["listed"]) == ("synced", "rss", 2, 2)
    assert site.hits[paths[0]] == 1 and site.hits[paths[1]] == 1  # tracking parameters stripped: one fetch each

    second = runner.invoke(cli, [*data, "sync", "--json"], env=env)
    assert json.loads(second.output.strip().splitlines()[-1])[0]["status"] == "unchanged", second.output  # a 304
    assert site.hits[paths[0]] == 1

    site.add("/feed.xml", rss([(paths[2], STORIES[paths[2]][0], "Thu, 07 Mar 2024 09:00:00 GMT"),
                               (paths[0], STORIES[paths[0]][0], "Tue, 05 Mar 2024 09:00:00 GMT")]),
             content_type="application/rss+xml", ETag='"v2"')
    third = runner.invoke(cli, [*data, "sync"], env=env)
    assert "1 added" in third.output and site.hits[paths[0]] == 1 and site.hits[paths[2]] == 1
    asked = runner.invoke(cli, [*data, "ask", "--json", "How many books did volunteers restore?"], env=env)
    answer = json.loads(asked.output[asked.output.index("{"):])
    assert answer["citations"][0]["url"] == site.base + paths[2]
    assert "12,000 books" in answer["citations"][0]["excerpt"]
    listed = runner.invoke(cli, [*data, "sources", "list"], env=env)
    assert "(rss, every 15m)" in listed.output and "3 added" in listed.output


def test_atom_with_relative_links_and_an_updated_entry_updates_the_article_in_place(site, sync_settings):
    path = list(STORIES)[0]
    atom = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:base="{base}/news/"><title>Gazette</title><id>urn:gazette</id>
<updated>{updated}</updated><entry><title type="html">Northern tram line opens</title>
<link rel="alternate" type="text/html" href="2024/03/05/tram-line-opens"/><id>urn:1</id>
<published>2024-03-05T09:00:00Z</published><updated>{updated}</updated><author><name>Desk</name></author></entry></feed>"""
    site.add("/atom.xml", atom.format(base=site.base, updated="2024-03-05T09:00:00Z"), content_type="application/atom+xml")
    with Engine(sync_settings) as engine:
        FollowedSources(engine.store).add(site.base + "/atom.xml", 900)
        [report] = sync_sources(engine, every=True)
        assert (report.kind, report.added) == ("atom", 1)
        assert engine.store.find_article(site.base + path) is not None

        title, body = STORIES[path]
        site.add(path, article_html(title, [*body, "The city said a second line would open in 2027."]))
        [again] = sync_sources(engine, every=True)  # the feed does not say it changed: not fetched
        assert again.updated == 0 and site.hits[path] == 1
        site.add("/atom.xml", atom.format(base=site.base, updated="2024-03-08T10:00:00Z"), content_type="application/atom+xml")
        [changed] = sync_sources(engine, every=True)
        assert (changed.added, changed.updated) == (0, 1)
        assert engine.stats()["articles"] == 2  # the seed article and this one, updated in place
        assert "second line" in engine.store.find_article(site.base + path).text


def test_a_sitemap_index_and_a_google_news_sitemap(site, sync_settings):
    paths = list(STORIES)
    news = "".join(
        f"<url><loc>{site.base}{p}</loc><news:news><news:publication><news:name>Gazette</news:name>"
        f"<news:language>en</news:language></news:publication><news:publication_date>2024-03-0{5 + i}T08:00:00+00:00"
        f"</news:publication_date><news:title>{STORIES[p][0]}</news:title></news:news></url>"
        for i, p in enumerate(paths[:2])
    )
    site.add("/sitemap-news.xml", '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
             f'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">{news}</urlset>', content_type="application/xml")
    site.add("/sitemap-old.xml", '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
             f"<url><loc>{site.base}{paths[2]}</loc><lastmod>2024-03-07</lastmod></url></urlset>", content_type="text/xml")
    site.add("/sitemap.xml", '<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
             f"<sitemap><loc>{site.base}/sitemap-old.xml</loc><lastmod>2024-03-07</lastmod></sitemap>"
             f"<sitemap><loc>{site.base}/sitemap-news.xml</loc><lastmod>2024-03-08</lastmod></sitemap></sitemapindex>",
             content_type="application/xml")
    listing = read_listing(site.routes["/sitemap-news.xml"][2].decode(), "application/xml", site.base + "/sitemap-news.xml")
    assert listing.entries[0].title == STORIES[paths[1]][0] and str(listing.entries[0].published) == "2024-03-06"
    with Engine(sync_settings) as engine:
        FollowedSources(engine.store).add(site.base + "/sitemap.xml", 3600)
        [report] = sync_sources(engine, every=True)
        assert (report.kind, report.listed, report.added) == ("sitemap-index", 3, 3)


def test_a_section_page_adds_the_articles_it_links_to(site, sync_settings):
    links = "".join(f'<a href="{p}">{t}</a>' for p, (t, _) in STORIES.items())
    site.add("/news/", f'<html><body><a href="/world">World</a><a href="/news/">News</a>{links}</body></html>')
    with Engine(sync_settings) as engine:
        FollowedSources(engine.store).add(site.base + "/news/", 3600)
        [report] = sync_sources(engine, every=True)
        assert (report.kind, report.listed, report.added) == ("page", 3, 3)


def test_robots_txt_is_respected(site, sync_settings):
    paths = list(STORIES)
    site.add("/robots.txt", "User-agent: *\nDisallow: /news/2024/03/06/\n", content_type="text/plain")
    site.add("/feed.xml", rss([(p, STORIES[p][0], "Tue, 05 Mar 2024 09:00:00 GMT") for p in paths]), content_type="application/rss+xml")
    with Engine(sync_settings) as engine:
        FollowedSources(engine.store).add(site.base + "/feed.xml", 900)
        [report] = sync_sources(engine, every=True)
    assert (report.added, report.failed) == (2, 1) and "robots.txt" in report.error
    assert site.hits[paths[1]] == 0


BOMB = """<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]><rss version="2.0"><channel><title>&lol3;</title></channel></rss>"""


@pytest.mark.parametrize("name, route, expected", [
    ("not XML", ("/bad.xml", "this is not a feed at all", {"content_type": "application/xml"}), "not XML"),
    ("entity bomb", ("/bomb.xml", BOMB, {"content_type": "application/rss+xml"}), "entities"),
    ("too large", ("/huge.xml", "<rss>" + "x" * 3_000_000 + "</rss>", {"content_type": "application/rss+xml"}), "larger than"),
    ("redirect loop", ("/loop.xml", "", {"status": 302, "Location": "/loop.xml"}), "redirects"),
    ("gone", ("/gone.xml", "gone", {"status": 410, "content_type": "text/plain"}), "410"),
    ("an image", ("/logo.png", b"\x89PNG", {"content_type": "image/png"}), "content type"),
])
def test_a_bad_source_gets_one_clear_line_adds_nothing_and_the_others_keep_syncing(site, sync_settings, name, route, expected):
    path, body, options = route
    site.add(path, body, **options)
    first = list(STORIES)[0]
    site.add("/feed.xml", rss([(first, STORIES[first][0], "Tue, 05 Mar 2024 09:00:00 GMT")]), content_type="application/rss+xml")
    with Engine(sync_settings.model_copy(update={"fetch_max_bytes": 2_000_000})) as engine:
        registry = FollowedSources(engine.store)
        registry.add(site.base + path, 900)
        registry.add(site.base + "/feed.xml", 900)
        before = engine.stats()["articles"]
        bad, good = sync_sources(engine, every=True)
        assert bad.status == "failed" and expected in bad.error and "\n" not in bad.error
        assert (good.status, good.added) == ("synced", 1)
        assert engine.stats()["articles"] == before + 1
        failing = registry.find(site.base + path)
        assert failing.failures == 1 and expected in failing.last_error and failing.due_at > failing.last_sync + 900 - 1


def test_links_to_private_addresses_fail_each_entry_and_nothing_is_added(site, sync_settings, monkeypatch):
    """The feed is served on 127.0.0.1 (allowed for the test); its entry is fetched as in
    production, private addresses refused."""
    from retrieval.feeds import sync as sync_module

    site.add("/feed.xml", rss([("http://169.254.169.254/latest/meta-data/", "Metadata", "Tue, 05 Mar 2024 09:00:00 GMT")]),
             content_type="application/rss+xml")
    strict = sync_settings.model_copy(update={"allow_private_urls": False})
    fetch_article = sync_module.fetch_article
    monkeypatch.setattr(sync_module, "fetch_article", lambda url, settings, title="": fetch_article(url, strict, title))
    with Engine(sync_settings) as engine:
        before = engine.stats()["articles"]
        FollowedSources(engine.store).add(site.base + "/feed.xml", 900)
        [report] = sync_sources(engine, every=True)
        assert (report.status, report.added, report.failed) == ("synced", 0, 1) and "private" in report.error
        assert engine.stats()["articles"] == before


def test_a_source_that_times_out(site, sync_settings):
    site.add("/slow.xml", rss([]), content_type="application/rss+xml")
    site.delays["/slow.xml"] = 1.5
    with Engine(sync_settings.model_copy(update={"fetch_timeout": 0.5})) as engine:
        FollowedSources(engine.store).add(site.base + "/slow.xml", 900)
        [report] = sync_sources(engine, every=True)
    assert report.status == "failed" and "in time" in report.error


def test_a_lease_lets_one_replica_sync_a_source_at_a_time(backend_settings):
    with Engine(backend_settings) as engine:
        registry = FollowedSources(engine.store)
        source, new = registry.add("https://example.org/feed.xml", 900)
        assert new and not registry.add("https://example.org/feed.xml", 1800)[1]
        assert registry.lease(source.id, "replica-a", 1000.0, 60)
        assert not registry.lease(source.id, "replica-b", 1010.0, 60)  # held
        assert registry.lease(source.id, "replica-b", 1061.0, 60)  # expired: taken over
        registry.release(source.id, "replica-b")
        assert registry.lease(source.id, "replica-a", 1062.0, 60)
        assert registry.find(str(source.id)).every_s == 1800


def test_canonical_links_and_documents_that_are_not_feeds():
    assert canonical("/a/b?utm_source=x&id=3#top", "HTTPS://Example.org:443/feed") == "https://example.org/a/b?id=3"
    assert canonical("mailto:desk@example.org") == ""
    with pytest.raises(BadInput, match="entities"):
        read_listing(BOMB, "application/xml", "https://example.org/feed")
    with pytest.raises(BadInput, match="not a feed"):
        read_listing("<html", "application/xml", "https://example.org/feed")


def test_following_a_source_from_the_command_line_touches_the_store_alone(tmp_path):
    """`newsbot sources add/list/remove` write a row of the store: no index is opened or built."""
    runner = CliRunner()
    data = tmp_path / "fresh"
    added = runner.invoke(cli, ["--data-dir", str(data), "sources", "add", "https://news.example/feed.xml"])
    assert added.exit_code == 0, added.output
    listed = runner.invoke(cli, ["--data-dir", str(data), "sources", "list", "--json"])
    assert [s["url"] for s in json.loads(listed.stdout)] == ["https://news.example/feed.xml"]
    removed = runner.invoke(cli, ["--data-dir", str(data), "sources", "remove", "1"])
    assert removed.exit_code == 0 and "stopped following #1" in removed.output
    assert not list(data.glob("dense*")) and not (data / "keyword").exists()
