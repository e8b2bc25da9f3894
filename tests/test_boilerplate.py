"""An outlet's boilerplate (a promotion printed under article after article) is kept out of the
excerpts, on both storage backends; a story syndicated to many papers on one day is not
boilerplate; the store's paragraph keys follow removals and are found for older stores."""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta

from retrieval.articles import Article
from retrieval.boilerplate import MIN_DAYS, article_keys, keyed_paragraphs, paragraph_key
from retrieval.engine import Engine

PROMO = "Need a news break? Check out the all new PLAY hub with puzzles, games and more!"
WIRE = "The bridge carries about 20,000 vehicles a day, according to the city's transport office."
FIRST_DAY = date(2024, 3, 1)

BRIDGE = Article(
    title="Valmora bridge reopens after cable repairs",
    url="https://example.org/valmora-bridge",
    published=FIRST_DAY + timedelta(days=MIN_DAYS),
    outlet="Coastal Herald",
    text=(
        "The Valmora bridge reopened on Tuesday after eight months of repairs.\n"
        "Engineers replaced the cables at a cost of 4 million euros, the city said.\n"
        f"{PROMO}\n"
        "Traffic is expected to return to normal by the weekend."
    ),
)


def promoted(n: int) -> Article:
    """Another story of the same outlet, on another day, under the same promotion."""
    return Article(
        title=f"Harbour notes {n}", url=f"https://example.org/harbour-{n}", published=FIRST_DAY + timedelta(days=n),
        outlet="Coastal Herald", text=f"Fishing boat {n} returned to Valmora harbour with a catch of {n * 10} crates.\n{PROMO}",
    )


def syndicated(n: int) -> Article:
    """One wire story as many papers printed it on the same day."""
    return Article(
        title=f"Bridge traffic, paper {n}", url=f"https://paper-{n}.example/bridge", published=FIRST_DAY,
        outlet=f"Paper {n}", text=f"Paper {n} reports on the Valmora bridge.\n{WIRE}",
    )


def bridge_excerpt(engine: Engine) -> str:
    answer = engine.ask("How much did the Valmora bridge cable repairs cost?")
    [cited] = [c for c in answer.citations if c.url == BRIDGE.url]
    return cited.excerpt


def test_paragraph_keys_ignore_case_and_spacing_and_short_lines():
    assert paragraph_key(PROMO) == paragraph_key("  need a news   break? Check out the all new\nPLAY hub with puzzles, games and more! ")
    assert paragraph_key(PROMO) != paragraph_key(WIRE)
    text = "Contributing: Reuters\n\n" + PROMO + "\n\n" + WIRE
    assert article_keys(text) == {paragraph_key(PROMO), paragraph_key(WIRE)}  # two words: not keyed
    [(span, key)] = keyed_paragraphs(text, len("Contributing: Reuters") + 5, len("Contributing: Reuters") + 10)
    assert text[span.start : span.end] == PROMO and key == paragraph_key(PROMO)


def test_a_promotion_on_many_days_is_left_out_of_excerpts(backend_settings):
    with Engine(backend_settings) as engine:
        engine.add([BRIDGE])
        assert PROMO in bridge_excerpt(engine)  # one article: nothing tells it from the news
        engine.add([promoted(n) for n in range(MIN_DAYS - 1)])  # now on MIN_DAYS days
        excerpt = bridge_excerpt(engine)
        assert "4 million euros" in excerpt and "Traffic is expected" in excerpt
        assert "news break" not in excerpt
        engine.add([syndicated(n) for n in range(MIN_DAYS + 2)])  # on one day: the news
        assert engine.store.boilerplate([paragraph_key(WIRE), paragraph_key(PROMO)]) == {paragraph_key(PROMO)}
        wire = engine.ask("How many vehicles does the Valmora bridge carry a day?")
        assert any("20,000 vehicles" in c.excerpt for c in wire.citations)
        rewritten = promoted(0)
        rewritten = Article(title=rewritten.title, url=rewritten.url, published=rewritten.published,
                            outlet=rewritten.outlet, text=rewritten.text.replace(PROMO, "The harbour office closes at six."))
        assert engine.add([rewritten])[0].status == "updated"  # its old keys go with its old text
        assert engine.store.boilerplate([paragraph_key(PROMO)]) == set()
        assert PROMO in bridge_excerpt(engine)
        assert engine.add([promoted(0)])[0].status == "updated"
        assert engine.store.boilerplate([paragraph_key(PROMO)]) == {paragraph_key(PROMO)}
        engine.remove(promoted(1).url)  # on MIN_DAYS - 1 days again
        assert engine.store.boilerplate([paragraph_key(PROMO)]) == set()
        rows = engine.store.query("SELECT COUNT(*) FROM paragraphs WHERE article_id NOT IN (SELECT id FROM articles)")
        assert rows[0][0] == 0


def test_a_promotion_matching_the_question_is_not_the_answering_sentence(settings):
    """Asked in the promotion's own words, the outlet's stories are cited by their news."""
    with Engine(settings) as engine:
        engine.add([BRIDGE, *(promoted(n) for n in range(MIN_DAYS - 1))])
        answer = engine.ask("Where can I find puzzles and games in the PLAY hub at Valmora harbour?")
        harbour = [c for c in answer.citations + answer.more if c.url.startswith("https://example.org/harbour-")]
        assert harbour and all("news break" not in c.excerpt and "Fishing boat" in c.excerpt for c in harbour)


def test_a_store_from_before_paragraph_keys_gets_them(settings):
    with Engine(settings) as engine:
        engine.add([BRIDGE, *(promoted(n) for n in range(MIN_DAYS - 1))])
    db = sqlite3.connect(settings.data_dir / "store.sqlite3")
    db.execute("DROP TABLE paragraphs")
    db.execute("DELETE FROM migrations WHERE name = 'paragraph-keys'")
    db.commit()
    db.close()
    with Engine(settings) as engine:
        assert engine.store.boilerplate([paragraph_key(PROMO)]) == {paragraph_key(PROMO)}
        assert "news break" not in bridge_excerpt(engine)
