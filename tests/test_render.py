"""The renderer always yields valid Telegram HTML within 4096 UTF-16 units, whatever the
articles hold."""

from __future__ import annotations

from hypothesis import given, settings, strategies as st

from bot.render import render_answer, utf16_len
from retrieval.answers import Answer, Citation, Suggestion

from bench.telegram_rules import parse_html

HOSTILE = st.text(
    alphabet=st.sampled_from(list("ab <>&\"'/;#") + ["😀", "\u200b", "\u202e", "ש", "ל", "é", "\n"]),
    max_size=600,
)


def citation(rank: int, title: str, excerpt: str, outlet: str = "Outlet & Co", url: str = "https://x.example/?a=1&b=<2>") -> Citation:
    return Citation(rank, url, title, outlet, "2024-05-01", excerpt, [[0, len(excerpt) // 2]], 0.5, "abc", rank)


def test_escapes_and_bolds():
    text = render_answer(Answer("q", False, [citation(1, "AT&T <b>", "a < b & c. Next one.")]))
    assert "AT&amp;T &lt;b&gt;" in text and "<b>a &lt; b &amp; c.</b> Next one." in text
    # The link points at the bold sentence on the page (a text fragment), escaped as an attribute.
    assert 'href="https://x.example/?a=1&amp;b=&lt;2&gt;#:~:text=a%20%3C%20b%20%26%20c"' in text
    parse_html(text)


@settings(max_examples=150, deadline=None)
@given(titles=st.lists(HOSTILE, min_size=1, max_size=12), excerpt=HOSTILE, outlet=HOSTILE)
def test_any_article_text_renders_valid_and_short(titles, excerpt, outlet):
    citations = [citation(i + 1, t * 20, excerpt, outlet) for i, t in enumerate(titles)]
    for answer in (Answer("q", False, citations), Answer("q", False, citations, by_date="oldest first"),
                   Answer("q", True, suggestions=[Suggestion(t * 50, "https://a.example", None, "k") for t in titles])):
        text = render_answer(answer)
        visible = parse_html(text)
        assert visible.strip() and utf16_len(visible) <= 4096


def test_long_citations_are_dropped_not_cut_mid_tag():
    citations = [citation(i + 1, "😀" * 190, "😀" * 399) for i in range(12)]
    text = render_answer(Answer("q", False, citations))
    assert utf16_len(parse_html(text)) <= 4096 and text.count("<blockquote>") == text.count("</blockquote>") >= 1


def test_a_storys_articles_by_date_lead_each_entry_with_its_date():
    entries = [citation(1, "Strike called", "The union called a strike."), citation(2, "Strike ends", "The strike ended.")]
    entries[1].published = None
    assert render_answer(Answer("q", False, entries, by_date="newest first")).startswith("<b>The latest on the story, newest first</b>")
    text = render_answer(Answer("q", False, entries, by_date="oldest first"))
    assert text.startswith("<b>How the story developed, oldest first</b>")
    assert "<b>1 May 2024</b> · <a href=" in text and "<b>Undated</b> · <a href=" in text
    assert "1. <a" not in text and "<i>Outlet &amp; Co</i>" in text  # the date leads; the outlet stays
    parse_html(text)


def test_who_someone_is_heads_the_citations_escaped():
    from retrieval.answers import Described

    entries = [citation(1, "Mayor opens line", "Mayor <Varga> opened the line.")]
    text = render_answer(Answer("q", False, entries, person=Described("Yelena <b>Varga</b>", "mayor & <i>chair</i>", 1)))
    assert text.startswith("<b>Yelena &lt;b&gt;Varga&lt;/b&gt;</b>: mayor &amp; &lt;i&gt;chair&lt;/i&gt; (source 1).\n"
                           "<i>Where the news introduces them:</i>\n\n1. <a")
    parse_html(text)
    plain = render_answer(Answer("q", False, entries, person=Described("Yelena Varga")))
    assert plain.startswith("Where the news introduces <b>Yelena Varga</b>:\n\n1. <a")
    long = render_answer(Answer("q", False, entries * 20, person=Described("V" * 5000, "d" * 5000, 1)))
    assert utf16_len(parse_html(long)) <= 4096 and "1. <a" in long
    # What something is, the same way, called "it".
    thing = render_answer(Answer("q", False, entries, subject=Described("<VTA>", "Valmora Transit Authority", 1)))
    assert thing.startswith("<b>&lt;VTA&gt;</b>: Valmora Transit Authority (source 1).\n<i>Where the news introduces it:</i>\n\n1. <a")


def test_an_answer_asked_by_a_button_is_headed_by_its_question_when_both_fit():
    from bot.render import headed

    text = render_answer(Answer("q", False, [citation(1, "Title", "The <excerpt>.")]))
    assert headed("What did <b>Varga</b> say?", text) == "<i>What did &lt;b&gt;Varga&lt;/b&gt; say?</i>\n\n" + text
    full = "<b>" + "😀" * 2040 + "</b>"  # 4080 units of 4096
    assert headed("What did Varga say?", full) == full  # no room: the answer alone
