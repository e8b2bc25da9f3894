"""Ingestion: every input format, updates and duplicates, bad input refused without changing the
store, and the indexes brought back into agreement with the store after a crash."""

from __future__ import annotations

import gzip
import json
import shutil

import pytest

from retrieval.engine import Engine
from retrieval.ingest import ingest

from .conftest import article_html

BODY = [
    "The Northbridge tram line opened to passengers on Saturday after four years of construction.",
    "Mayor Olga Brennan said the line would carry 30,000 riders a day by next summer.",
    "Critics noted that the project ran 18 months late and cost 240 million euros.",
]


def snapshot(engine: Engine) -> dict:
    stats = engine.stats()
    return {k: stats[k] for k in ("articles", "passages", "vectors", "keyword_docs")}


def write_jsonl(path, records, gz=False):
    lines = "".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in records)
    if gz:
        with gzip.open(path, "wt", encoding="utf-8") as fh:
            fh.write(lines)
    else:
        path.write_text(lines, encoding="utf-8")
    return path


def record(n: int, **extra) -> dict:
    return {
        "url": f"https://news.example/{n}",
        "title": f"Council approves budget number {n}",
        "text": f"The council of town {n} approved a budget of {n} million euros on Tuesday.\n"
        f"Councillor Pia Tamsin{n} said the vote was close.",
        "published": "2024-01-0" + str(1 + n % 9),
        **extra,
    }


def test_formats_markdown_text_html_folder(engine, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.md").write_text(
        "---\ntitle: Tram opens\nurl: https://news.example/tram\npublished: 2024-03-02\n"
        "author: Ann Lee\noutlet: City News\n---\n\n" + "\n\n".join(f"**{p}**" for p in BODY)
    )
    (folder / "b.txt").write_text("Bridge closes for repairs\n\nThe old stone bridge over the Lisk river closes for six months of repairs from May.\n")
    (folder / "c.html").write_text(article_html("Library wins award", [
        "The central library won the national design award for its new reading hall.",
        "Head librarian Marta Quill said the prize honoured the whole team.",
    ]))
    (folder / "ignored.bin").write_bytes(b"\x00\x01")
    report = ingest(engine, [str(folder)])
    assert report.count("added") == 3 and not report.failed
    tram = engine.store.find_article("https://news.example/tram")
    assert tram.title == "Tram opens" and tram.outlet == "City News" and tram.author == "Ann Lee"
    assert str(tram.published) == "2024-03-02" and "**" not in tram.text
    library = [a for a in engine.store.list_articles() if a.title == "Library wins award"][0]
    assert str(library.published) == "2024-03-05" and "Home | World" not in library.text
    assert engine.ask("Who is the head librarian?").citations[0].title == "Library wins award"


def test_jsonl_gz_bulk_and_bad_line_fails_alone(engine, tmp_path):
    path = write_jsonl(tmp_path / "bulk.jsonl.gz", [record(1), "{not json", record(2), {"url": "x"}, record(3)], gz=True)
    report = ingest(engine, [str(path)])
    assert report.count("added") == 3
    reasons = sorted(o.reason for o in report.failed)
    assert reasons == ["missing 'title'", "not valid JSON"]
    assert snapshot(engine)["articles"] == 1 + 3  # the seed article and three good lines


def test_same_url_updates_in_place(engine, tmp_path):
    path = write_jsonl(tmp_path / "one.jsonl", [record(7)])
    ingest(engine, [str(path)])
    before = snapshot(engine)
    changed = record(7, text="The council of town seven rejected the zoo expansion plan.\nIt will vote again in spring.")
    report = ingest(engine, [str(write_jsonl(tmp_path / "two.jsonl", [changed]))])
    assert report.count("updated") == 1
    after = snapshot(engine)
    assert after["articles"] == before["articles"]
    assert after["passages"] == after["vectors"] == after["keyword_docs"]
    answer = engine.ask("zoo expansion plan rejected")
    assert answer.citations[0].url == "https://news.example/7"
    assert all("Tamsin7" not in c.excerpt for c in engine.ask("what did Tamsin7 say?").citations)
    again = ingest(engine, [str(write_jsonl(tmp_path / "three.jsonl", [changed]))])
    assert again.count("skipped") == 1 and "unchanged" in again.outcomes[0].reason


def test_one_run_over_several_batches_keeps_order_and_the_last_version(engine, tmp_path):
    """Ingest embeds one batch while it writes the one before: every article of a run longer
    than a batch is written once, in order, and an article repeated later in the same run keeps
    its later version, as a second run would."""
    from retrieval.ingest import BATCH_ARTICLES

    count = 2 * BATCH_ARTICLES + 5
    changed = record(3, text="The council of town three rejected the zoo expansion plan.\nIt will vote again in spring.")
    records = [record(n) for n in range(count)] + [changed]
    report = ingest(engine, [str(write_jsonl(tmp_path / "many.jsonl", records))])
    assert report.count("added") == count and report.count("updated") == 1
    assert [o.source.rsplit(":", 1)[-1] for o in report.outcomes] == [str(n) for n in range(1, count + 2)]
    stats = snapshot(engine)
    assert stats["articles"] == 1 + count  # the seed article and each URL once
    assert stats["passages"] == stats["vectors"] == stats["keyword_docs"]
    assert "zoo expansion" in engine.store.find_article("https://news.example/3").text


def test_same_text_under_other_url_is_a_duplicate(engine, tmp_path):
    ingest(engine, [str(write_jsonl(tmp_path / "a.jsonl", [record(4)]))])
    before = snapshot(engine)
    report = ingest(engine, [str(write_jsonl(tmp_path / "b.jsonl", [record(4, url="https://mirror.example/4")]))])
    assert report.count("skipped") == 1 and "same text as https://news.example/4" in report.outcomes[0].reason
    assert snapshot(engine) == before


@pytest.mark.parametrize(
    "name, content, reason",
    [
        ("bad.txt", b"Title\n\xff\xfe broken bytes here and there", "not valid UTF-8"),
        ("junk.html", b"\x00\x01\x02binary" * 100, "binary file"),
        ("empty.md", b"---\ntitle: Only a title\n---\n", "no text"),
        ("notitle.md", b"---\nurl: https://x.example/\n---\nSome body text that is long enough.", "no title"),
        ("weird.pdf", b"%PDF-1.4", "unsupported file type"),
    ],
)
def test_bad_files_are_refused_and_change_nothing(engine, tmp_path, name, content, reason):
    before = snapshot(engine)
    path = tmp_path / name
    path.write_bytes(content)
    report = ingest(engine, [str(path)])
    assert report.count("failed") == 1 and reason in report.failed[0].reason
    assert snapshot(engine) == before


def test_oversized_file_and_gzip_bomb(settings, tmp_path):
    small = settings.model_copy(update={"max_file_bytes": 10_000, "max_decompressed_bytes": 50_000})
    with Engine(small) as engine:
        before = snapshot(engine)
        big = tmp_path / "big.txt"
        big.write_text("Big\n" + "word " * 4000)
        bomb = tmp_path / "bomb.jsonl.gz"
        with gzip.open(bomb, "wb") as fh:
            fh.write(b" " * 5_000_000)
        report = ingest(engine, [str(big), str(bomb)])
        reasons = [o.reason for o in report.failed]
        assert any("file too large" in r for r in reasons)
        assert any("decompressed data exceeds the limit" in r for r in reasons)
        assert snapshot(engine) == before


def test_html_in_article_text_is_not_indexed(engine, tmp_path):
    rec = record(5, text="<script>alert(1)</script><b>Mayor</b> Ida Fenn &amp; staff opened the <i>new</i> market hall.")
    ingest(engine, [str(write_jsonl(tmp_path / "h.jsonl", [rec]))])
    article = engine.store.find_article("https://news.example/5")
    assert "<" not in article.text and "&amp;" not in article.text
    assert "Mayor Ida Fenn & staff opened the new market hall." in article.text


def test_page_furniture_is_neither_stored_nor_shown(engine, tmp_path):
    """The header's time stamps, the outlet's dateline, a live blog's stamps and sign-offs, links to
    other stories, photo credits and sign-up promotions are the page's, not the story's: the
    excerpt shows the story; a timeline's time further down, a caption's words, a poll's name and
    a quotation's attribution stay."""
    text = "\n".join([
        "Updated Jan. 3, 2026, 12:39 p.m. ET",
        "Kestrel Bay, Orkney CNN —",
        "Jan. 2, 2026 Updated Jan. 3, 2026, 2:06 p.m. ET",
        "AI-assisted summary The Kestrel Bay ferry resumed sailing on Friday after a three-week strike by its crews ended with a pay deal.",
        "More:Ferry fares to rise in spring as fuel costs climb",
        "9:12 pm ET January 2, 2026 Share this update Crews vote to accept the deal Operator Lena Voss said the first boat left at dawn.",
        "7:15 a.m. ET Jan. 2, 2026",
        "The first ferry of the day left Kestrel Bay with 212 passengers aboard.",
        "Contributing: Ana Ruiz, Kestrel Bay Herald; Reuters",
        "Port reporter Tom Ekdahl contributed to this report.",
        "READ MORE",
        "Passengers board at the Kestrel Bay pier on Friday. Lena Voss/Kestrel Bay Herald/Getty Images "
        "The crews voted 212 to 9 for the deal (Image credit: Tom Ekdahl/AFP via Getty Images) Hide Caption 2 of 14",
        "Love ferries? Sign up for the Herald's Harbour newsletter. Get the sailings delivered to your inbox.",
        "A new Ipsos/Reuters poll found that most islanders would sign up for a season pass.",
        "The harbour master counted eleven sailings by noon, the most since the spring. – Mira Holt",
        "Ticket offices reopened at nine.",
        "— Jon Brakke",
        "“A ferry is a promise kept twice a day.”",
        "— Lena Voss",
    ])
    ingest(engine, [str(write_jsonl(tmp_path / "f.jsonl", [record(6, title="Kestrel Bay ferry sails again", text=text)]))])
    stored = engine.store.find_article("https://news.example/6").text
    assert stored.startswith("Kestrel Bay, Orkney —\n\nThe Kestrel Bay ferry resumed sailing")  # the dateline's place stays
    for furniture in ("12:39", "2:06 p.m.", "AI-assisted", "More:", "Share this update", "READ MORE", "9:12 pm",
                      "Contributing", "contributed", "Getty", "Image credit", "Hide Caption", "Love ferries", "newsletter", "inbox", "CNN", "Mira Holt", "Brakke"):
        assert furniture not in stored
    assert "Passengers board at the Kestrel Bay pier on Friday. The crews voted 212 to 9 for the deal" in stored  # the captions
    assert "A new Ipsos/Reuters poll found that most islanders would sign up" in stored  # the story's, not a credit
    assert "Crews vote to accept the deal Operator Lena Voss said" in stored  # the update's own words
    assert "7:15 a.m. ET Jan. 2, 2026" in stored  # below the story's start: a timeline's time
    assert "the most since the spring." in stored and "twice a day.”\n\n— Lena Voss" in stored  # a quotation's attribution
    excerpt = engine.ask("When did the Kestrel Bay ferry resume sailing?").citations[0].excerpt
    assert excerpt.startswith("Kestrel Bay, Orkney — The Kestrel Bay ferry resumed sailing on Friday")


def test_furniture_rules_keep_the_story():
    """What looks like a credit, a promotion, a dateline or a sign-off but is the story's stays: a
    poll's name, an exit poll's, a sign-up that is news, a how-to, an interview with CNN, a place's
    dateline, a dash before a name that goes on; a long run of slashes is read through, whole, and so
    is a long gallery, whose captions stay."""
    from retrieval.furniture import without_furniture

    story = [
        "A new Ipsos/Reuters poll found that 40% of voters approve, according to Fox News/AP VoteCast data.",
        "Organizers had predicted 5,000 buses would sign up for the papal Mass, but only 1,100 did by Monday.",
        "How it works: Sign up with your bank (partners include Chase and most of the big banks) and send money.",
        "Spare Parts/" * 20_000 + "and more.",
        "In an interview with CNN – the first since her release – she thanked the crew.",
        "The campaign was airing on CNN -",
        "LIMA, Peru (AP) — Peru's president said on Monday that the vote would go ahead.",
        "“We will rebuild,” said the mayor. — Mahatma Gandhi Street was hit hardest.",
    ]
    assert without_furniture(story) == story
    gallery = "A man walks in Kyiv on Monday. Evan Vucci/AP " * 4_000  # a long paragraph of captions, read once
    assert without_furniture([gallery]) == [("A man walks in Kyiv on Monday. " * 4_000).strip()]


def test_an_outlets_dateline_goes_and_its_place_stays():
    """"CNN —" on its own goes, a place before it stays as an agency's dateline shows it, and a
    lead's opening "(CNN)" goes; the lead's words stay."""
    from retrieval.furniture import without_furniture

    assert without_furniture(["CNN —", "The ferry sailed."]) == ["The ferry sailed."]
    assert without_furniture(["Seoul, South Korea CNN Business —", "The ferry sailed."]) == ["Seoul, South Korea —", "The ferry sailed."]
    assert without_furniture(["(CNN) The ferry sailed.", "(CNN) — Crews cheered."]) == ["The ferry sailed.", "Crews cheered."]


def test_url_is_fetched_and_bad_links_refused(engine, pages):
    url = pages.add("/story", article_html("Ferry strike ends", [
        "Ferry workers ended their strike on Friday after a pay deal was reached with the operator.",
        "Union leader Tomas Reyl said members accepted a raise of 6 percent.",
    ]))
    pages.add("/moved", "", status=302, Location="/story")
    pages.add("/image", b"\x89PNG", content_type="image/png")
    report = ingest(engine, [pages.base + "/moved", pages.base + "/missing", pages.base + "/image", "ftp://example.org/x"])
    assert report.count("added") == 1
    reasons = " | ".join(o.reason for o in report.failed)
    assert "answered 404" in reasons and "content type image/png" in reasons and "only http and https" in reasons
    assert engine.ask("What raise did the ferry union accept?").citations[0].url == pages.base + "/moved"
    assert url


def test_private_addresses_refused_unless_allowed(settings, pages):
    url = pages.add("/story", article_html("x", ["y " * 30]))
    guarded = settings.model_copy(update={"allow_private_urls": False})
    with Engine(guarded) as engine:
        report = ingest(engine, [url, "http://169.254.169.254/latest/meta-data/"])
        assert all("private or local address" in o.reason for o in report.failed) and len(report.failed) == 2


def test_deleted_index_is_rebuilt_on_open(settings):
    with Engine(settings) as engine:
        before = snapshot(engine)
    for path in settings.data_dir.glob("dense*"):
        path.unlink()
    shutil.rmtree(settings.data_dir / "keyword")
    notices = []
    with Engine(settings, notice=notices.append) as engine:
        assert snapshot(engine) == before
        assert any("rebuilding" in n for n in notices)
        assert "Either the party will reform" in engine.ask("what did Lukyanova say?").citations[0].excerpt


def test_index_behind_the_store_catches_up(settings, tmp_path):
    """A crash after articles were committed but before the index files were saved."""
    with Engine(settings) as engine:
        pass
    saved = tmp_path / "saved"
    shutil.copytree(settings.data_dir, saved, ignore=shutil.ignore_patterns("store.sqlite3*"))
    with Engine(settings) as engine:
        ingest(engine, [str(write_jsonl(tmp_path / "c.jsonl", [record(1), record(2)]))])
        expected = snapshot(engine)
    for path in list(settings.data_dir.glob("dense*")):
        path.unlink()
    shutil.rmtree(settings.data_dir / "keyword")
    for path in saved.iterdir():
        (shutil.copytree if path.is_dir() else shutil.copy)(path, settings.data_dir / path.name)
    with Engine(settings) as engine:
        assert snapshot(engine) == expected
        assert engine.ask("What did Tamsin2 say?").citations[0].url == "https://news.example/2"


def test_model_change_is_detected_and_index_rebuilt(settings, tmp_path):
    with Engine(settings) as engine:
        pass
    manifest = settings.data_dir / "dense.json"
    data = json.loads(manifest.read_text())
    data["model"] = "some-other-model"
    manifest.write_text(json.dumps(data))
    notices = []
    with Engine(settings, notice=notices.append) as engine:
        assert any("built with the model 'some-other-model'" in n for n in notices)
        assert snapshot(engine)["vectors"] == snapshot(engine)["passages"]


def test_remove_by_url_and_id(engine, tmp_path):
    ingest(engine, [str(write_jsonl(tmp_path / "r.jsonl", [record(1), record(2)]))])
    one = engine.store.find_article("https://news.example/1")
    engine.remove("https://news.example/1")
    engine.remove(engine.store.find_article("https://news.example/2").key)
    stats = snapshot(engine)
    assert stats["articles"] == 1 and stats["passages"] == stats["vectors"] == stats["keyword_docs"]
    assert engine.store.find_article(one.key) is None


def test_redirect_to_a_private_address_is_refused(settings, monkeypatch):
    """The guard checks every hop: a public page that redirects to a loopback one is refused
    (no real network: the name resolution and the transport are local fakes)."""
    import socket

    import httpx

    from retrieval.errors import FetchError
    from retrieval.fetch import fetch

    real = socket.getaddrinfo
    monkeypatch.setattr(socket, "getaddrinfo", lambda host, *a, **k: (
        [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", 80))] if host == "public.example" else real(host, *a, **k)
    ))
    visited = []

    def handler(request: httpx.Request) -> httpx.Response:
        visited.append(request.headers["host"] + request.url.path)
        return httpx.Response(302, headers={"Location": "http://127.0.0.1:9/admin"})

    guarded = settings.model_copy(update={"allow_private_urls": False})
    with pytest.raises(FetchError, match="private or local address"):
        fetch("http://public.example/story", guarded, transport=httpx.MockTransport(handler))
    assert visited == ["public.example/story"]  # the loopback hop was never requested


def test_connection_goes_to_the_checked_address(settings, monkeypatch):
    """DNS rebinding: the name answers a public address for the check and a loopback one after;
    the request must go to the address that was checked, naming the host in Host and TLS SNI."""
    import socket

    import httpx

    from retrieval.fetch import fetch

    answers = iter(["93.184.216.34", "127.0.0.1", "127.0.0.1"])
    monkeypatch.setattr(socket, "getaddrinfo", lambda host, port, *a, **k: (
        [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (next(answers), port))]
    ))
    seen = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append((request.url.host, request.headers["host"], request.extensions.get("sni_hostname")))
        return httpx.Response(200, headers={"Content-Type": "text/plain"}, text="Title\n\nBody text.")

    guarded = settings.model_copy(update={"allow_private_urls": False})
    final, ctype, text = fetch("https://rebind.example/story", guarded, transport=httpx.MockTransport(handler))
    assert seen == [("93.184.216.34", "rebind.example", "rebind.example")]
    assert (final, ctype, text) == ("https://rebind.example/story", "text/plain", "Title\n\nBody text.")


def test_an_article_held_as_it_is_is_not_read_again(engine, tmp_path, monkeypatch):
    """Adding a folder or feed again costs a lookup per article, not the attribution tagger;
    an article the store held so when it was prepared, and changed before it was written, is
    read then: its attributions are never lost."""
    path = write_jsonl(tmp_path / "one.jsonl", [record(5)])
    ingest(engine, [str(path)])
    read = []
    attributor = engine.preparer.attributor
    monkeypatch.setattr(engine.preparer, "attributor", lambda text: read.append(text) or attributor(text))
    again = ingest(engine, [str(path), str(write_jsonl(tmp_path / "mirror.jsonl", [record(5, url="https://mirror.example/5")]))])
    assert again.count("skipped") == 2 and read == []

    held = engine.start_preparing([engine.store.find_article("https://news.example/5").as_article()])()
    assert held[0].attributions is None
    changed = record(5, text="The council of town five rejected the zoo plan.\nCouncillor Pia Tamsin5 said the vote was close.")
    ingest(engine, [str(write_jsonl(tmp_path / "changed.jsonl", [changed]))])
    [result] = engine.write(held)  # the version prepared unread, over the changed one: read now
    assert result.status == "updated" and len(read) == 2
    assert [q.speaker for q in engine.quotes("Tamsin5")] == ["Pia Tamsin5"]
    assert "zoo" not in engine.store.find_article("https://news.example/5").text
