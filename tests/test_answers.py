"""Answers on the seed article and a small corpus: the right sentence cited, no_answer when
nothing fits, the asking date respected, follow-ups understood."""

from __future__ import annotations

from datetime import date

from retrieval.articles import Article
from retrieval.engine import FollowUp

from .conftest import SEED_URL

HARBOUR = Article(
    title="Port of Valmora reopens after storm repairs",
    url="https://example.org/valmora-port",
    published=date(2024, 2, 10),
    outlet="Coastal Herald",
    text=(
        "The port of Valmora reopened on Monday after three weeks of repairs to the sea wall.\n"
        "Harbour master Ines Quarterman said 42 fishing boats had been moved inland during the storm.\n"
        "The city council approved 3.5 million euros for the repairs, the largest sum in a decade."
    ),
)
ORCHARD = Article(
    title="Cider makers report record apple harvest",
    url="https://example.org/cider-harvest",
    published=date(2024, 10, 1),
    outlet="Rural Times",
    text=(
        "Orchards in the northern valleys picked a record apple harvest this autumn.\n"
        "The growers' cooperative said warm spring weather had helped the blossoms set.\n"
        "Cider makers expect prices to fall slightly as supply rises."
    ),
)


def highlighted(citation) -> str:
    start, end = citation.highlights[0]
    return citation.excerpt[start:end]


def test_lukyanova_quote_is_cited_and_highlighted(engine):
    answer = engine.ask("what did Lukyanova say?")
    assert not answer.no_answer
    top = answer.citations[0]
    assert top.url == SEED_URL
    assert top.title == "Gudkov Calls for Leftist Groups to Join Forces"
    assert top.outlet == "The Moscow Times" and top.published == "2012-04-24"
    assert "Either the party will reform, or it will face hard times" in highlighted(top)
    assert len(top.excerpt) <= 400


def test_delegates_sentence_is_the_highlight(engine):
    answer = engine.ask("how many delegates attended?")
    assert not answer.no_answer
    assert "150 delegates" in highlighted(answer.citations[0])


def test_excerpt_is_clean_article_text(engine):
    answer = engine.ask("who took the photo of Sergei Mironov?")
    for citation in answer.citations:
        assert "Sergei Porter" not in citation.excerpt  # the photo credit was cleaned away
        assert "Original url" not in citation.excerpt and "*" not in citation.excerpt


def test_unrelated_question_gets_no_answer_with_headlines(engine):
    engine.add([HARBOUR, ORCHARD])
    answer = engine.ask("what is the recipe for sourdough bread?")
    assert answer.no_answer
    assert answer.citations == []
    assert answer.suggestions and all(s.title for s in answer.suggestions)


def test_small_corpus_answers_by_name_and_number(engine):
    engine.add([HARBOUR, ORCHARD])
    answer = engine.ask("How many fishing boats were moved inland in Valmora?")
    assert not answer.no_answer
    assert answer.citations[0].url == HARBOUR.url
    assert "42 fishing boats" in highlighted(answer.citations[0])
    answer = engine.ask("What did Quarterman say?")
    assert answer.citations[0].url == HARBOUR.url
    assert "Quarterman" in highlighted(answer.citations[0])


def test_asking_date_excludes_later_articles(engine):
    engine.add([HARBOUR, ORCHARD])
    later = engine.ask("record apple harvest cider prices")
    assert later.citations and later.citations[0].url == ORCHARD.url
    earlier = engine.ask("record apple harvest cider prices", asked_on=date(2024, 5, 1))
    assert all(c.url != ORCHARD.url for c in earlier.citations)


def test_follow_up_carries_the_subject(engine):
    engine.add([HARBOUR, ORCHARD])
    first = engine.ask("What did the harbour master of Valmora say?")
    assert first.citations[0].url == HARBOUR.url
    follow = engine.ask(
        "and how much money did they approve?",
        follow_up=FollowUp(questions=[first.question], article_keys=[c.article_id for c in first.citations]),
    )
    assert follow.citations[0].url == HARBOUR.url
    assert "3.5 million euros" in highlighted(follow.citations[0])


def test_answer_json_contract(engine):
    data = engine.ask("what did Lukyanova say?").to_json()
    assert set(data) == {"question", "no_answer", "citations", "suggestions", "quotes", "took_ms"}
    citation = data["citations"][0]
    assert set(citation) == {
        "rank", "url", "title", "outlet", "published", "excerpt", "highlights", "score",
        "article_id", "passage_id",
    }
    assert citation["rank"] == 1 and isinstance(citation["passage_id"], int)
