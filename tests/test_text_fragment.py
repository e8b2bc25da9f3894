"""Links to the answering sentence on the source's page (retrieval/text_fragment.py)."""

from pathlib import Path
from urllib.parse import unquote

from retrieval.answers import as_shown
from retrieval.text import article_sentences
from retrieval.text_fragment import landing, link_to_text

URL = "https://news.example/2024/05/01/tram"


def directive(link: str) -> list[str]:
    """The text directive's parts, decoded."""
    return [unquote(part) for part in link.split(":~:text=", 1)[1].split(",")]


def test_every_sentence_of_the_sample_article_is_found_where_it_stands():
    page = next(Path(__file__).parents[1].joinpath("corpus").glob("*.md")).read_text(encoding="utf-8")
    text = page.split("---", 2)[2]  # the body, after the front matter
    sentences = [s for paragraph in article_sentences(text) for s in paragraph]
    assert len(sentences) > 10
    for s in sentences:
        start, end = landing(text, link_to_text(URL, as_shown(text, s)))
        assert s.start <= start and end <= s.end and end - start >= 0.8 * (s.end - s.start) - 3, text[s.start : s.end]


def test_a_long_sentence_is_named_by_its_first_and_last_words():
    link = link_to_text(URL, "“We will open the line in May, as planned,” the mayor said on Tuesday.")
    assert link.startswith(URL + "#:~:text=")
    assert directive(link) == ["We will open the line in", "mayor said on Tuesday"]


def test_a_short_sentence_is_named_whole_without_its_final_stop():
    assert directive(link_to_text(URL, "The line opens in May.")) == ["The line opens in May"]


def test_the_directives_syntax_is_encoded_inside_the_words():
    link = link_to_text(URL, "A state-run tram, the mayor says, costs Smith & Sons £4,000.")
    encoded = link.split(":~:text=", 1)[1]
    assert "-" not in encoded and "&" not in encoded and encoded.count(",") == 1  # only the one between start and end
    assert directive(link) == ["A state-run tram, the mayor says,", "Smith & Sons £4,000"]


def test_a_shortened_sentence_drops_its_last_word_which_may_be_cut():
    link = link_to_text(URL, "The council voted on the new tram line after a long debate that went on…")
    assert directive(link) == ["The council voted on the new", "long debate that went"]


def test_an_existing_fragment_keeps_its_place():
    assert link_to_text(URL + "#live", "The line opens.").startswith(URL + "#live:~:text=")


def test_links_that_cannot_point_at_text_are_unchanged():
    for url in ("https://t.me/newsroom/42", "file:///tmp/a.md", "upload:notes.txt", ""):
        assert link_to_text(url, "The line opens in May.") == url
    assert link_to_text(URL, " … ") == URL


def test_a_link_whose_words_are_not_on_the_page_lands_nowhere():
    assert landing("The line opens in May.", link_to_text(URL, "The bridge closes in June.")) is None
    assert landing("The line opens in May.", URL) is None
