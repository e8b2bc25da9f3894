"""The `newsbot` command line, driven through click's runner on a data directory per test."""

from __future__ import annotations

import json

from click.testing import CliRunner

from newsbot.cli import cli

from .conftest import SEED_URL


def run(data_dir, *args, input=None):
    result = CliRunner().invoke(cli, ["--data-dir", str(data_dir), *args], obj={}, input=input, catch_exceptions=False)
    return result


def test_ask_json_cites_the_seed(tmp_path):
    result = run(tmp_path / "d", "ask", "what did Lukyanova say?", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["question"] == "what did Lukyanova say?" and data["no_answer"] is False
    top = data["citations"][0]
    assert top["url"] == SEED_URL
    start, end = top["highlights"][0]
    assert "Either the party will reform" in top["excerpt"][start:end]
    assert "indexed the sample corpus" in result.stderr and "newsbot add" in result.stderr


def test_ask_jsonl_with_ids_and_dates(tmp_path):
    questions = tmp_path / "q.jsonl"
    questions.write_text(
        json.dumps({"id": "a", "question": "how many delegates attended?"}) + "\n"
        + json.dumps({"id": 7, "question": "how many delegates attended?", "date": "2011-01-01"}) + "\n"
    )
    result = run(tmp_path / "d", "ask", "--jsonl", str(questions), "-k", "2")
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["id"] for line in lines] == ["a", 7]
    assert "150 delegates" in lines[0]["citations"][0]["excerpt"]
    assert lines[1]["no_answer"] is True  # the article was published after the asking date


def test_add_summary_exit_status_and_stats(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text("Harbour festival draws crowds\nThousands visited the harbour festival on Sunday to watch the tall ships parade.")
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"title": "t"}\n')
    result = run(tmp_path / "d", "add", str(good), str(bad))
    assert result.exit_code == 1
    assert "added 1, updated 0, skipped 0, failed 1" in result.stdout
    assert "bad.jsonl:1: missing 'text'" in result.stderr and "line 1" not in result.stderr
    stats = json.loads(run(tmp_path / "d", "stats", "--json").stdout)
    assert stats["articles"] == 2 and stats["passages"] == stats["vectors"] > 0
    again = run(tmp_path / "d", "add", str(good))
    assert again.exit_code == 0 and "skipped 1" in again.stdout


def test_list_remove_reindex(tmp_path):
    listing = json.loads(run(tmp_path / "d", "list", "--json").stdout)
    assert listing[0]["url"] == SEED_URL and listing[0]["passages"] > 0
    assert run(tmp_path / "d", "reindex").stdout.startswith("reindexed 1 article, ")
    removed = run(tmp_path / "d", "remove", listing[0]["article_id"])
    assert "removed" in removed.stdout
    missing = run(tmp_path / "d", "remove", "nope")
    assert missing.exit_code == 1 and "no article with id or URL 'nope'" in missing.output
    assert json.loads(run(tmp_path / "d", "stats", "--json").stdout)["articles"] == 0


def test_chat_follow_up_and_new(tmp_path):
    result = run(tmp_path / "d", "chat", input="what did Lukyanova say?\nwhich article did she quote?\n/new\n/quit\n")
    assert result.exit_code == 0
    assert result.stdout.count("Gudkov Calls for Leftist Groups") >= 2
    assert "The Left Turn" in result.stdout
    assert "Conversation forgotten." in result.stderr


def test_help_groups_the_commands_and_shows_them_whole(tmp_path):
    result = run(tmp_path / "d", "--help")
    text = result.stdout
    assert text.index("Use:") < text.index("Administer:") < text.index("Measure:")
    assert text.index("chat") < text.index("Administer:") < text.index("doctor") < text.index("Measure:") < text.index("eval-quotes")
    assert "…" not in text
    assert "Check that the store and the indexes agree, and repair what can be repaired." in " ".join(text.split())
    add_help = " ".join(run(tmp_path / "d", "add", "--help").stdout.split())
    for key in ("title:", "url:", "published:", "author:", "outlet:", '"url", "title", "text"', "(part 2)"):
        assert key in add_help


def test_chat_asks_on_todays_date_as_the_bot_does(tmp_path):
    """A story dated ahead (embargoed) is not cited in the terminal conversation, as in the bot,
    and a question about this week's news over old coverage gets the caveat."""
    past, ahead = tmp_path / "past.txt", tmp_path / "ahead.txt"
    past.write_text("---\ntitle: Lighthouse keeper retires\nurl: https://news.example/keeper\npublished: 2020-05-01\n---\n"
                    "The Tarnow lighthouse keeper retired after forty years, the harbour board said.")
    ahead.write_text("---\ntitle: Lighthouse keeper honoured\nurl: https://news.example/ahead\npublished: 2099-05-01\n---\n"
                     "The harbour board honoured the Tarnow lighthouse keeper, who retired after forty years at the light.")
    assert run(tmp_path / "d", "add", str(past), str(ahead)).exit_code == 0
    out = run(tmp_path / "d", "chat", input="Did the Tarnow lighthouse keeper retire this week?\n/quit\n").stdout
    assert "https://news.example/keeper" in out and "https://news.example/ahead" not in out
    assert "None of these is from the days you ask about: the newest is from 1 May 2020." in out


def test_chat_greets_with_help_and_examples_and_says_how_to_add_articles(tmp_path):
    result = run(tmp_path / "d", "chat", input="hello\n/help\n/quit\n")
    assert result.exit_code == 0
    assert "newsbot knows 1 article." in result.stderr and "newsbot add" in result.stderr
    assert result.stderr.count("For example:") == 2
    assert "What happened: Gudkov Calls for Leftist Groups to Join Forces?" in result.stderr
    assert "nothing in the covered news" not in result.stdout  # "hello" is not searched


def test_quotes_about_a_topic_says_which_topic(tmp_path):
    result = run(tmp_path / "d", "quotes", "Gudkov", "--about", "Mironov")
    assert "No statements by Gudkov about Mironov in the covered news (2 statements on other topics" in result.stdout
    assert "Gudkov" in run(tmp_path / "d", "quotes", "Gudkov").stdout


def test_a_local_file_shows_no_path_and_takes_its_link_from_front_matter(tmp_path):
    plain = tmp_path / "ferry.txt"
    plain.write_text("Ferry strike ends\nFerry workers ended their strike on Friday after a pay deal with the operator.")
    linked = tmp_path / "tram.txt"
    linked.write_text("---\ntitle: Tram line opens\nurl: https://news.example/tram\npublished: 2024-05-02\n---\n"
                      "The new tram line to the airport opened on Thursday with free rides for a week.")
    assert run(tmp_path / "d", "add", str(plain), str(linked)).exit_code == 0
    ferry = json.loads(run(tmp_path / "d", "ask", "when did the ferry strike end?", "--json").stdout)["citations"][0]
    assert ferry["title"] == "Ferry strike ends" and ferry["url"] == ""
    tram = json.loads(run(tmp_path / "d", "ask", "when did the tram line open?", "--json").stdout)["citations"][0]
    assert (tram["title"], tram["url"], tram["published"]) == ("Tram line opens", "https://news.example/tram", "2024-05-02")
    chat = run(tmp_path / "d", "ask", "when did the ferry strike end?").stdout
    assert "file://" not in chat and str(tmp_path) not in chat
    plain.write_text("Ferry strike ends\nFerry workers ended their strike on Friday after a pay deal with the operator was signed.")
    assert "updated 1" in run(tmp_path / "d", "add", str(plain)).stdout  # the path still identifies it


def test_a_question_in_another_language_is_told_in_its_language(tmp_path):
    for question in ("что сказал Гудков?", "Гудков"):
        data = json.loads(run(tmp_path / "d", "ask", question, "--json").stdout)
        assert data["no_answer"] is True and data["citations"] == []
        assert data["notice"].startswith("Я отвечаю только на вопросы на английском языке")
    spanish = json.loads(run(tmp_path / "d", "ask", "¿Qué dijo Gudkov sobre la reforma?", "--json").stdout)
    assert spanish["notice"].startswith("Solo puedo responder preguntas en inglés")
    english = json.loads(run(tmp_path / "d", "ask", "what did Gudkov say?", "--json").stdout)
    assert "notice" not in english and english["no_answer"] is False


def test_no_answer_suggests_each_headline_once(tmp_path):
    data = json.loads(run(tmp_path / "d", "ask", "What is the price of tomatoes in Peru?", "--json").stdout)
    assert data["no_answer"] is True and data["suggestions"]
    ids = [s["article_id"] for s in data["suggestions"]]
    assert len(ids) == len(set(ids))


def test_two_citations_of_one_article_do_not_repeat_each_other(tmp_path):
    data = json.loads(run(tmp_path / "d", "ask", "what did Gudkov call for at the conference?", "-k", "3", "--json").stdout)
    excerpts = [c["excerpt"] for c in data["citations"]]
    assert len(excerpts) >= 2
    pieces = [p.strip(" …") for e in excerpts for p in e.replace("”", "\"").split(". ") if len(p) > 40]
    assert len(pieces) == len(set(pieces)), excerpts


def test_an_html_page_headline_does_not_run_into_its_first_sentence(tmp_path):
    from .conftest import article_html

    page = tmp_path / "fire.html"
    page.write_text(article_html("Wildfire Spreads Near Pine Valley", [
        "A fast-moving wildfire forced hundreds of residents to flee their homes on Tuesday.",
        "Firefighters said the blaze was 10 percent contained by the evening.",
    ]))
    assert run(tmp_path / "d", "add", str(page)).exit_code == 0
    top = json.loads(run(tmp_path / "d", "ask", "how many residents fled the wildfire?", "--json").stdout)["citations"][0]
    assert top["title"] == "Wildfire Spreads Near Pine Valley"
    assert top["excerpt"].startswith("A fast-moving wildfire") and "Pine Valley A fast" not in top["excerpt"]


def test_a_bad_date_is_refused_before_the_data_directory_is_opened(tmp_path):
    result = run(tmp_path / "d", "ask", "how many delegates attended?", "--date", "2024-13-45")
    assert result.exit_code == 2 and "'2024-13-45' is not a YYYY-MM-DD date" in result.output
    assert not (tmp_path / "d").exists()


def test_doctor_repairs_what_a_crash_can_leave_and_says_what_it_did(tmp_path):
    import sqlite3

    data = tmp_path / "d"
    assert run(data, "doctor").exit_code == 0
    clean = run(data, "doctor", "--check-only")
    assert clean.exit_code == 0 and "repaired" not in clean.stdout and "failed" not in clean.stdout
    with sqlite3.connect(data / "store.sqlite3") as db:
        db.execute("DELETE FROM vectors")  # the embedding cache lost
        db.execute("UPDATE meta SET value = '1' WHERE key = 'cleaning'")  # an older newsbot's cleaning
    (data / "dense-999.faiss.tmp").write_bytes(b"half a file")  # a save that was killed
    checked = run(data, "doctor", "--check-only")
    assert checked.exit_code == 1 and "cached vectors" in checked.stdout and "dense-999.faiss.tmp" in checked.stdout
    assert "cleaned by an older newsbot" in checked.stdout
    repaired = run(data, "doctor")
    assert repaired.exit_code == 0, repaired.output
    assert "repaired" in repaired.stdout and "embedded the passages of 1 article" in repaired.stdout
    assert "removed dense-999.faiss.tmp" in repaired.stdout
    assert "cleaned again: 0 articles changed" in repaired.stdout  # the sample corpus has no furniture
    assert not (data / "dense-999.faiss.tmp").exists()
    again = run(data, "doctor")
    assert "repaired" not in again.stdout and again.exit_code == 0
    stats = json.loads(run(data, "stats", "--json").stdout)
    assert stats["passages"] == stats["vectors"] == stats["keyword_docs"] > 0


def test_a_question_sharing_one_name_with_the_corpus_gets_no_citation(tmp_path):
    data = json.loads(run(tmp_path / "d", "ask", "Who won the 2018 FIFA World Cup final in Moscow?", "--json").stdout)
    assert data["no_answer"] is True and data["citations"] == []


def test_ask_prints_a_storys_articles_under_their_heading_each_led_by_its_date(tmp_path):
    from .test_answers import TRAM_STRIKE

    articles = tmp_path / "strike.jsonl"
    articles.write_text("".join(json.dumps({"url": a.url, "title": a.title, "text": a.text, "published": a.published.isoformat()}) + "\n"
                                for a in TRAM_STRIKE))
    assert run(tmp_path / "d", "add", str(articles)).exit_code == 0
    text = run(tmp_path / "d", "ask", "what's the latest on the Valmora tram strike?", "--date", "2024-04-01").stdout
    assert text.startswith("The latest on the story, newest first\n[1] 2024-03-22 · Valmora tram strike ends with pay deal")
    assert text.index("2024-03-22 · ") < text.index("2024-03-15 · ") < text.index("2024-03-11 · ")


def test_ask_prints_who_someone_is_over_their_introductions_and_the_questions_to_ask_next(capsys):
    """What `newsbot ask` and `chat` print (newsbot/console.py): the person's role heading the
    citations, then the questions the news answers next."""
    from newsbot.console import print_answer
    from retrieval.answers import Answer, Citation, Described

    cited = Citation(1, "https://example.org/a", "Mayor opens line", "Wire", "2024-05-28",
                     "Yelena Varga, the city's mayor, opened it.", [[0, 42]], 0.5, "a1", 1)
    print_answer(Answer("who is Varga?", False, [cited], person=Described("Yelena Varga", "the city's mayor", 1),
                        next_questions=["What did Yelena Varga say?"]))
    printed = capsys.readouterr().out
    assert printed.startswith("Yelena Varga: the city's mayor (source 1).\nWhere the news introduces them:\n[1] Mayor opens line")
    assert printed.rstrip().endswith("Ask next: What did Yelena Varga say?")
    print_answer(Answer("who is Varga?", False, [cited], person=Described("Yelena Varga")))
    assert capsys.readouterr().out.startswith("Where the news introduces Yelena Varga:\n[1] ")
    print_answer(Answer("what is the VTA?", False, [cited], subject=Described("VTA", "Valmora Transit Authority", 1)))
    assert capsys.readouterr().out.startswith("VTA: Valmora Transit Authority (source 1).\nWhere the news introduces it:\n[1] ")
