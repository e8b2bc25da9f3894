"""Who said what: attributions found at ingest, resolved to people, and answered from."""

from __future__ import annotations

import json
import sqlite3
from datetime import date

import pytest
from click.testing import CliRunner

from newsbot.cli import cli
from retrieval.articles import Article
from retrieval.engine import Engine, FollowUp
from retrieval.attribution import extract
from retrieval import upkeep
from retrieval.question import Question, speaker_question
from retrieval.sources import parse_markdown
from retrieval.settings import DEFAULT_CORPUS_DIR

SEED = parse_markdown(next(DEFAULT_CORPUS_DIR.glob("*.md")).read_text())


def by(speaker: str, found) -> list:
    return [a for a in found if a.speaker == speaker]


def found_in(*paragraphs: str) -> list:
    """The attributions of an article made of these paragraphs."""
    return extract(Article(title="A story", text="\n\n".join(paragraphs)).text)


def test_seed_attributions():
    found = extract(SEED.text)
    lukyanova = by("Yelena Lukyanova", found)
    direct = [a.quote for a in lukyanova if a.kind == "direct"]
    reported = [a.quote for a in lukyanova if a.kind == "reported"]
    assert "Either the party will reform, or it will face hard times" in direct
    assert any(q.startswith("several regional branches of A Just Russia are starting to act independently") for q in reported)
    assert any("Khodorkovsky" in q and "The Left Turn" in q for q in reported)  # through "She"
    assert [a.quote for a in by("Gennady Gudkov", found) if a.kind == "direct"] == [
        "Today we need to create the foundations for a united party"
    ]
    assert any("create leverage" in a.quote for a in by("Alexei Mukhin", found))
    for a in found:
        assert SEED.text[a.start : a.end] == a.quote  # offsets point at the quote


PRONOUN_AND_PARAGRAPHS = """Mayor Olga Brennan opened the new tram line on Saturday.

“This line will change how the whole city moves,” Brennan said. “It took us four years,
but every month of it was worth it.

“We will start on the second line next spring.”

She added that fares would stay unchanged until the end of the year.

Councillor Pavel Brennan, the mayor's brother, said the project ran 18 months late and far over budget."""


def test_pronoun_multi_paragraph_quote_and_same_surname():
    text = Article(title="Tram opens", text=PRONOUN_AND_PARAGRAPHS.replace("year,\n", "year, ")).text
    found = extract(text)
    olga = by("Olga Brennan", found)
    quotes = " ".join(a.quote for a in olga)
    assert "change how the whole city moves" in quotes
    assert "We will start on the second line next spring." in quotes  # the next paragraph
    assert any(a.kind == "reported" and a.quote.startswith("fares would stay unchanged") for a in olga)  # "She"
    pavel = by("Pavel Brennan", found)
    assert [a.kind for a in pavel] == ["reported"] and "18 months late" in pavel[0].quote
    assert all("18 months" not in a.quote for a in olga)


def test_reported_speech_after_a_clause_or_with_a_party_and_state():
    found = found_in(
        "Councillor Dana Whitfield opened the new depot in March.",
        "When she took office, Ms. Whitfield said the depot would pay for itself within a decade.",
        "Sen. Marcus Oyelaran (D-Ore.) said the rail grant was never in doubt this year.",
        "The plan that the transit authority said would cost billions was dropped in June.",
        "“The depot is only the start,” said Rep. Lena Ashdown (R-Idaho).",
    )
    assert [(a.speaker, a.kind, a.quote) for a in found if a.is_person] == [
        ("Dana Whitfield", "reported", "the depot would pay for itself within a decade"),
        ("Marcus Oyelaran", "reported", "the rail grant was never in doubt this year"),
        ("Lena Ashdown", "direct", "The depot is only the start"),  # the party and state are not her name
    ]  # and an organisation's reported words are not a person's


def test_a_circumstance_after_the_cue_and_a_work_in_quotation_marks_are_not_what_was_said():
    found = found_in(
        "Former Fed chairman Walter Greenhalgh died on Monday at 98.",
        "Greenhalgh, however, said in an interview with USA TODAY in September 2007 that he didn't deserve so much credit.",
        "Rumors of what he said in private speeches moved financial markets for years.",
        "Greenhalgh said Wednesday after the latest talks between the U.S. and Japan that he considers the deal to be over.",
        "Famous for veiled speeches that he often wrote in his bathtub, Greenhalgh said in 1987 that he had learned to mumble.",
        "His book, which he mostly wrote in longhand, landed at No. 1 on the best-seller list in 2007.",
        "Greenhalgh went to Washington in 1974, a development that Greenhalgh said in his book brought him fame.",
        "The “timing couldn’t have been better,” he said ahead of the release of his book, “The Age of Turbulence.”",
        "“I can still recite the lineup of the 1936 Yankees,” Greenhalgh said in “The Age of Turbulence.”",
    )
    assert [(a.kind, a.quote) for a in by("Walter Greenhalgh", found)] == [
        ("reported", "he didn't deserve so much credit"),
        ("reported", "he considers the deal to be over"),
        ("reported", "he had learned to mumble"),
        ("direct", "timing couldn’t have been better"),
        ("direct", "I can still recite the lineup of the 1936 Yankees"),
    ]


def test_a_pronoun_stands_for_the_subject_named_just_before():
    found = found_in(
        "Harbour master Tomas Reyes said the port would reopen on Monday.",
        "Engineer Ada Lindqvist, who led the repairs, described the damage to the sea wall.",
        "Mayor Ruth Okafor praised the crews. “They worked through three storms to get this done,” she said.",
        "Reyes later toured the site. “The wall is stronger than it was before the winter,” he said.",
    )
    said = {a.quote: a.speaker for a in found if a.kind == "direct"}
    assert said == {
        "They worked through three storms to get this done": "Ruth Okafor",  # not the last one quoted
        "The wall is stronger than it was before the winter": "Tomas Reyes",
    }


def test_speaker_questions_are_recognised():
    assert speaker_question("what did Lukyanova say?") == ("Lukyanova", None)
    assert speaker_question("What has Mukhin said about Gudkov?") == ("Mukhin", "Gudkov")
    assert speaker_question("Lukyanova's comments on the party") == ("Lukyanova", "the party")
    assert speaker_question("how many delegates attended?") is None
    # When the words were said is not what they were about.
    for asked in ("What did Powell say in March 2024?", "what did Lukyanova say last week?", "What did she say on Tuesday?",
                  "What did Powell say on 5 May 2024?", "What did Powell say on March 5, 2024?", "What did Powell say yesterday?"):
        assert speaker_question(asked)[1] is None, asked
    assert speaker_question("What did Powell say about rates in March 2024?") == ("Powell", "rates")
    assert speaker_question("What did Powell say about inflation in Europe?") == ("Powell", "inflation in Europe")
    assert speaker_question("What did Powell say on the economy?") == ("Powell", "the economy")


def test_a_follow_up_naming_only_a_topic_asks_for_the_same_persons_words():
    asked = ["what did Trump say about Iran?"]
    assert Question.parse("and about the ceasefire?", asked).speaker_named() == ("Trump", "the ceasefire")
    assert Question.parse("what about Israel?", asked).speaker_named() == ("Trump", "Israel")
    assert Question.parse("and on Tuesday?", asked).speaker_named() == ("Trump", None)  # when, not what about
    assert Question.parse("how about Spain?", asked + ["and about the ceasefire?"]).speaker_named() == ("Trump", "Spain")
    assert Question.parse("what about Mironov?", ["what did Lukyanova say?", "and what did she say about Gudkov?"]).speaker_named() == (
        "Lukyanova", "Mironov")
    # Not after a question about something else, and not for a question of its own.
    assert Question.parse("and about the ceasefire?", ["who won the vote?"]).speaker is None
    assert Question.parse("and about Israel?", ["what did Trump say?", "who won the vote?"]).speaker is None
    assert Question.parse("and what is the ceasefire?", asked).speaker is None
    assert Question.parse("about what?", asked).speaker is None


def test_engine_quotes_update_with_the_article_and_answer_questions(engine):
    assert [(q.kind, q.quote[:40]) for q in engine.quotes("Gudkov")] == [
        ("reported", "all left-leaning forces to unite under t"),  # "Gudkov ... called for all ..."
        ("direct", "Today we need to create the foundations "),
    ]
    assert engine.quotes("Mr. Lukyanova", about="Khodorkovsky")[0].kind == "reported"
    assert engine.quotes("Nobody Atall") == [] and engine.quotes("Mironov") == []  # named, never quoted
    answer = engine.ask("what did Lukyanova say?")
    assert {q.quote for q in answer.quotes} >= {"Either the party will reform, or it will face hard times"}
    assert all(q.speaker == "Yelena Lukyanova" for q in answer.quotes)
    assert engine.ask("how many delegates attended?").quotes == []
    follow = engine.ask("and what did she say about Khodorkovsky?", follow_up=FollowUp(["what did Lukyanova say?"]))
    assert follow.quotes and all("Khodorkovsky" in q.quote for q in follow.quotes)
    short = engine.ask("and about Khodorkovsky?", follow_up=FollowUp(["what did Lukyanova say?"]))
    assert [q.quote for q in short.quotes] == [q.quote for q in follow.quotes]
    assert engine.ask("what did Lukyanova say?", asked_on=date(2011, 1, 1)).quotes == []

    article = Article(title="Gudkov again", url="https://x.example/g", published=date(2013, 1, 1),
                      text="Gennady Gudkov spoke on Monday.\n“We will not leave the party,” Gudkov said.")
    engine.add([article])
    assert engine.quotes("Gudkov")[0].quote == "We will not leave the party"  # newest first
    engine.add([Article(title="Gudkov again", url="https://x.example/g", published=date(2013, 1, 1),
                        text="Gennady Gudkov spoke on Monday.\n“We may leave the party after all,” Gudkov said.")])
    assert [q.quote for q in engine.quotes("Gudkov")][:1] == ["We may leave the party after all"]
    # A statement two articles carry is listed once, from the newer.
    engine.add([Article(title="Gudkov, a week on", url="https://x.example/g2", published=date(2013, 1, 8),
                        text="Gennady Gudkov was asked again.\n“We may leave the party after all,” Gudkov said.")])
    listed = [(q.quote, q.url) for q in engine.quotes("Gudkov")]
    assert listed[0] == ("We may leave the party after all", "https://x.example/g2")
    assert [quote for quote, _ in listed].count("We may leave the party after all") == 1 and len(listed) == 3
    # Asked before the newer carried it, it is listed from the older, not lost with the newer.
    before = engine.ask("what did Gudkov say?", asked_on=date(2013, 1, 2)).quotes
    assert (before[0].quote, before[0].url) == ("We may leave the party after all", "https://x.example/g")
    engine.remove("https://x.example/g2")
    engine.remove("https://x.example/g")
    assert len(engine.quotes("Gudkov")) == 2  # the seed article's two again


def test_existing_store_is_migrated_with_attributions(settings):
    """A store written before attributions were kept (and before migrations were named: it
    counted them in `user_version`) gets the later tables, its articles' attributions found."""
    with Engine(settings):
        pass
    db = sqlite3.connect(settings.data_dir / "store.sqlite3")
    for table in ("attributions", "handled_updates", "outbox", "source_entries", "followed_sources", "follows", "alerts_sent", "digests", "paragraphs", "unanswered", "speaker_keys", "migrations"):
        db.execute(f"DROP TABLE {table}")
    db.execute("PRAGMA user_version=2")
    db.commit()
    db.close()
    with Engine(settings) as engine:
        assert engine.quotes("Lukyanova")
        applied = [r[0] for r in engine.store.query("SELECT name FROM migrations ORDER BY name")]
        assert applied == sorted(["articles", "index-log", "conversations-feedback", "attributions", "handled-updates", "outbox",
                                  "followed-sources", "outbox-alerts", "follows", "paragraph-keys", "unanswered",
                                  "speaker-keys"])



def test_quotes_command_json(tmp_path):
    result = CliRunner().invoke(cli, ["--data-dir", str(tmp_path / "d"), "quotes", "Lukyanova", "--json"], obj={})
    data = json.loads(result.stdout)
    assert data["name"] == "Lukyanova" and len(data["quotes"]) == 3
    assert set(data["quotes"][0]) >= {"speaker", "quote", "cue", "kind", "url", "title", "published", "article_id"}
    asked = CliRunner().invoke(cli, ["--data-dir", str(tmp_path / "d"), "ask", "what did Gudkov say?", "--json"], obj={})
    assert {"direct", "reported"} == {q["kind"] for q in json.loads(asked.stdout)["quotes"]}


def test_attributions_found_by_older_rules_are_found_again(settings):
    with Engine(settings) as engine:
        assert not engine.attributions_stale()
        engine.store.set_meta("attribution_rules", "an older version")
        with engine.store.transaction() as db:
            db.execute("DELETE FROM attributions")
        assert engine.quotes("Lukyanova") == []
    with Engine(settings) as engine:  # a small store: found again on open
        assert not engine.attributions_stale() and engine.quotes("Lukyanova")
        engine.store.set_meta("attribution_rules", "an older version")
        thread = engine.refresh_attributions_in_background()  # what `newsbot run` does
        thread.join(timeout=60)
        assert not engine.attributions_stale() and engine.quotes("Lukyanova")


def test_a_large_store_with_older_attributions_is_told_not_held_up(settings, monkeypatch):
    with Engine(settings) as engine:
        engine.store.set_meta("attribution_rules", "an older version")
    # 30 articles with the tagger (588 with the rules alone) are found again while opening.
    assert upkeep.inline_refresh_articles(engine.attributor) == (30 if engine.attributor.tagger else 588)
    monkeypatch.setattr(upkeep, "INLINE_REFRESH_SECONDS", 0.0)  # the seed corpus counts as large
    notices: list[str] = []
    with Engine(settings, notice=notices.append) as engine:
        assert engine.attributions_stale()  # not found again while opening
        assert any("found by older rules" in n and "newsbot reindex" in n for n in notices)
        assert upkeep.refresh_attributions(engine.store, engine.attributor) > 0 and not engine.attributions_stale()


def test_one_word_is_a_surname_before_it_is_a_first_name(engine):
    """"What did Grant say?" asks for Ivo Grant, not Grant Fielding; "Ivo", nobody's surname,
    still finds Ivo Grant by his first name."""
    engine.add([Article(title="Budget vote", url="https://x.example/budget", published=date(2013, 2, 1), text=(
        "Senator Ivo Grant opened the debate on Tuesday.\n"
        "“This budget keeps every clinic open,” Grant said.\n"
        "Grant Fielding, the opposition leader, answered him.\n"
        "“It closes three of them by spring,” Fielding said."))])
    assert [(q.speaker, q.quote) for q in engine.quotes("Grant")] == [("Ivo Grant", "This budget keeps every clinic open")]
    assert [q.speaker for q in engine.quotes("Fielding")] == ["Grant Fielding"]
    assert [q.speaker for q in engine.quotes("Ivo")] == ["Ivo Grant"]
    assert [q.speaker for q in engine.quotes("Grant Fielding")] == ["Grant Fielding"]
    answer = engine.ask("what did Grant say?")
    assert [q.speaker for q in answer.quotes] == ["Ivo Grant"]
    assert engine.profile("Grant").beside == ["Grant Fielding"]  # /who: quoted beside him, not him


def test_a_name_is_looked_up_by_the_words_it_is_made_of(engine):
    """Speakers are found through the words of their names (the speaker keys), whatever the
    letters ("wałęsa"), and a word that only begins a name finds nobody: "Grant" is not "Granton"."""
    engine.add([Article(title="Harbour wind farm", url="https://x.example/wind", published=date(2013, 3, 1), text=(
        "“The turbines will power every home in Valmora,” Lech Wałęsa said on Monday.\n"
        "“We will start building in May,” said Ivo Granton, the contractor.\n"
        "“Roads will close for a week,” the Valmora Fire Department said."))])
    assert [q.speaker for q in engine.quotes("wałęsa")] == ["Lech Wałęsa"]
    assert engine.profile("Granton").beside == ["Lech Wałęsa"]  # a body is not a person quoted beside him
    assert engine.store.speaker_counts("wałęsa") == {"Lech Wałęsa": 1}
    assert engine.quotes("Grant") == [] and [q.speaker for q in engine.quotes("granton")] == ["Ivo Granton"]
    assert engine.store.speaker_counts("grant") == {}


def test_a_name_opened_by_a_capital_beyond_ascii_is_a_name(engine):
    """"Mesut Özil said" is Mesut Özil's, not "Mesut"'s; and "özil", typed in lower case, finds
    him, where SQLite's LIKE, which ignores the case of ASCII letters only, would not."""
    engine.add([Article(title="Stadium plans", url="https://x.example/stadium", published=date(2013, 4, 1), text=(
        "“We will start building in May,” Mesut Özil said on Monday.\n"
        "Later, Özil said the plan was ready. “Łódź will host the final,” said Łukasz Nowak."))])
    assert ("Mesut Özil", "We will start building in May") in [(q.speaker, q.quote) for q in engine.quotes("özil")]
    assert {q.speaker for q in engine.quotes("Özil")} == {"Mesut Özil"}
    assert [q.speaker for q in engine.quotes("łukasz nowak")] == ["Łukasz Nowak"]


def test_a_capitalized_pronoun_is_nobodys_name():
    """"What I would say … is that …" is no statement of a person named "I", and a "he" after it
    is not taken for them."""
    from retrieval.attribution import extract
    from retrieval.attribution.names import person_name

    assert person_name("What I") is None and person_name("There") is None and person_name("Ivo Grant") == "Ivo Grant"
    text = ("What I would say to the average Iranian is that for us, talking to them is the way forward.\n"
            "The movies, he said, were just for fun.")
    assert not any(a.is_person for a in extract(text))


#: Who a subject names, article by article (paragraphs): an adverb set off before it ("Instead,
#: he said" is his), "Others" and "Only", the tail of a body's longer name ("Prevention"), a body's
#: head word ("Department", after a title word or before "of"), a place or time after the name
#: ("Tom Reyes in April", "on Monday"), a cue before the name ("Says Whitfield"); and what stays a
#: person's: the last of two named, the name after an office, a surname that is a body's word too.
SUBJECTS_READ = [
    (("Ivo Grant opened the depot on Monday. Instead, he said, the trams would wait.",), [("Ivo Grant", True)]),
    (("Others say the depot is too small. Only Paula said it was big enough.",), [("others", False), ("Paula", True)]),
    (("The Centers for Disease Control and Prevention said the virus was spreading.",),
     [("centers for disease control and prevention", False)]),
    (("Mayor Tom Reyes and Dana Whitfield said the clinics would stay open.",), [("Dana Whitfield", True)]),
    (("Secretary of Health and Human Services Ada Lin said the clinics would get more nurses.",), [("Ada Lin", True)]),
    (("Mayor Tom Reyes in April acknowledged that the tram fares would rise.",), [("Tom Reyes", True)]),
    (("Dana Whitfield on Monday said the depot would open in June.", "Officials on Monday said the depot would close in July.",
      "Says Whitfield, “The trams will run all night in June.”"),
     [("Dana Whitfield", True), ("officials on monday", False), ("Dana Whitfield", True)]),
    (("The Justice Department said on Monday that it would appeal the ruling.", "“We will appeal,” the State Department said."),
     [("the justice department", False), ("the state department", False)]),
    (("The Health Department opened a clinic. The Department of Human Services says meetings will be held.",),
     [("the department of human services", False)]),
    (("Labour Party leader Keir Starmer said the vote was lost.", "Margaret Court said she would not attend the final."),
     [("Keir Starmer", True), ("Margaret Court", True)]),
    # an office of many words before the name; the last words of a body or a place after "of"
    # run into the name; a body "of" or "for" something is no person called by its last word
    (("Health and Human Services Secretary Ada Q. Lin Jr. said the clinics would stay open.",
      "Chair of the Harbour Authority Tom Reyes said the depot would open.",
      "People for the Ethical Treatment of Animals said the zoo should close.",
      "The Union of Concerned Scientists said the reactor was unsafe."),
     [("Ada Q Lin", True), ("Tom Reyes", True), ("people for the ethical treatment of animals", False),
      ("the union of concerned scientists", False)]),
    # an answer's verb, a plural subject's cue; "hard to believe" is nobody's statement
    (("“We will rebuild the depot,” Tom Reyes answered.", "Mayor Tom Reyes and Dana Whitfield argue that the depot is too small.",
      "It is hard to believe that the depot will open in June."),
     [("Tom Reyes", True), ("Dana Whitfield", True)]),
    # a role in lower case between a body's name and a person's
    (("Department of Public Works spokesman Ivo Grant said the depot would open in June.",
      "Friends of the Harbour said the depot was too big."),
     [("Ivo Grant", True), ("friends of the harbour", False)]),
    # a plural the article also writes in lower case is no one "he" stands for; "Bishop" is a title
    (("Bishop Ivo Grant spoke to the parish. “It is a fine school,” Grant said.",
      "Parents came to hear about the school, as parents do. “We will keep it open,” he said."),
     [("Ivo Grant", True), ("Ivo Grant", True)]),
    # an adverb opening a sentence is no first name
    (("Increasingly Ivo Grant is seen as the favourite. “We will win,” Grant said.",), [("Ivo Grant", True)]),
    # a body named for its purpose ("to …") is no person called by its last words, nor its office
    (("The Committee to Protect Depots said the closure was unlawful.",
      "Committee to Protect Depots Executive Director Ivo Grant said the depot would open."),
     [("the committee to protect depots", False), ("Ivo Grant", True)]),
]


@pytest.mark.parametrize(("paragraphs", "speakers"), SUBJECTS_READ)
def test_who_a_subject_names(paragraphs, speakers):
    assert [(a.speaker, a.is_person) for a in found_in(*paragraphs)] == speakers


def test_a_title_word_before_a_body_names_no_one():
    from retrieval.attribution.names import person_name

    assert person_name("The Justice Department") is None and person_name("Justice Ruth Bader Ginsburg") == "Ruth Bader Ginsburg"


def test_a_roundups_place_is_no_speaker_but_an_interviews_label_is():
    """"Oklahoma City: Authorities say …" under a roundup's heading for the state is the
    authorities' statement, not one of a person named Oklahoma City; an interview's "Ross: My plans
    are …" is Ross's turn, and so is one that tells what another said."""
    found = found_in("Oklahoma", "Oklahoma City: The governor said the state would pay for the repairs.",
                     "Editor Adam Ross took over in May.", "Ross: My plans are to finish the novel this winter.",
                     "Ross: After the reading, the poet told me that she would send a new essay.",
                     "Ross: Los Lobos said they would tour again next spring.")
    assert [(a.speaker, a.is_person, a.quote) for a in found] == [
        ("the governor", False, "the state would pay for the repairs"),
        ("Adam Ross", True, "My plans are to finish the novel this winter"),
        ("Adam Ross", True, "After the reading, the poet told me that she would send a new essay"),
        ("Adam Ross", True, "Los Lobos said they would tour again next spring")]


def test_an_answer_reads_a_persons_statements_a_page_at_a_time(engine, monkeypatch):
    """The first few statements, read a page at a time, are the first of the whole list: newest
    first, a statement two articles carry once, a topic's only, none after the asking date."""
    from retrieval.attribution import quotes as quotes_module

    said = ["The harbour will reopen in May", "The tram fares will not rise", "The budget keeps every clinic open",
            "The ferry will run all winter"]
    engine.add([Article(title=f"Council day {n}", url=f"https://x.example/day{n}", published=date(2013, 5, 1 + n), text=(
        f"“{said[n % len(said)]},” Ivo Grant said on Monday.\n“We have the money for it,” Grant said.")) for n in range(6)])
    whole = engine.quotes("Grant")
    assert len(whole) == 5  # four statements carried twice, one said every day: each once
    monkeypatch.setattr(quotes_module, "PAGE", 2)
    assert [engine.quotes("Grant", limit=n) for n in (1, 3, 5, 9)] == [whole[:1], whole[:3], whole, whole]
    monkeypatch.setattr(quotes_module, "PROFILE_QUOTES", 2)
    assert engine.profile("Grant").quotes == whole[:2]  # /who: the latest it shows
    assert engine.quotes("Grant", about="ferry", limit=1) == [q for q in whole if "ferry" in q.quote]
    by = engine.quotes("Grant", by=date(2013, 5, 2), limit=3)
    assert by == engine.quotes("Grant", by=date(2013, 5, 2)) and {q.published for q in by} <= {"2013-05-01", "2013-05-02"}


def _counting_reads(engine, monkeypatch) -> list[int]:
    """The number of statements each read of the store returned, as the look-ups run."""
    reads: list[int] = []
    statements_by = engine.store.statements_by

    def counted(*args, **kwargs):
        rows = statements_by(*args, **kwargs)
        reads.append(len(rows))
        return rows

    monkeypatch.setattr(engine.store, "statements_by", counted)
    return reads


def test_a_period_asked_about_is_read_outward_from_it_not_every_statement(engine, monkeypatch):
    """"What did Grant say in March 2013?": the statements nearest the month, the newer first at
    the same distance, the undated last, as sorting every statement by distance orders them; read
    from the month outward, a few from each side."""
    from retrieval.attribution import quotes as quotes_module
    from retrieval.timeliness import Period

    days = [date(2013, 1, 5), date(2013, 2, 27), date(2013, 3, 2), date(2013, 3, 30), date(2013, 4, 2),
            date(2013, 4, 3), date(2013, 6, 1), date(2013, 9, 1), date(2012, 3, 10), None]
    engine.add([Article(title=f"Council item {n}", url=f"https://x.example/item{n}", published=day,
                        text=f"“The item numbered {n} is settled,” Ivo Grant said.") for n, day in enumerate(days)])
    march = Period(date(2013, 3, 1), date(2013, 3, 31), "March 2013")
    every = engine.quotes("Grant", by=date(2013, 8, 1))
    assert len(every) == 9  # not the one published after the asking date
    undated = [q for q in every if q.published is None]
    reference = sorted((q for q in every if q.published), key=lambda q: march.distance(date.fromisoformat(q.published))) + undated
    monkeypatch.setattr(quotes_module, "PAGE", 2)
    reads = _counting_reads(engine, monkeypatch)
    for limit in (1, 2, 3, 4, 6, 9, 12):
        reads.clear()
        assert engine.quotes("Grant", by=date(2013, 8, 1), limit=limit, period=march) == reference[:limit]
        assert sum(reads) <= 4 * (limit + quotes_module.PAGE)  # at most a page or so past `limit` from each side
        assert limit > 2 or sum(reads) < len(every)  # the month alone answers
    assert [q.published for q in reference[:4]] == ["2013-03-30", "2013-03-02", "2013-04-02", "2013-02-27"]
    answer = engine.ask("What did Ivo Grant say in March 2013?", asked_on=date(2013, 8, 1))
    assert [q.published for q in answer.quotes] == [q.published for q in reference]


def test_a_persons_statements_are_read_in_pages_that_grow_to_the_largest(backend_settings, monkeypatch):
    """The first few from a small page on; all of them a largest page at a time, never more, each
    page from where the last ended: three articles a day, two statements an article, on each backend."""
    from retrieval.attribution import quotes as quotes_module

    with Engine(backend_settings) as engine:
        engine.add([Article(title=f"Budget day {n}", url=f"https://x.example/budget{n}", published=date(2014, 1, 1 + n // 3),
                            text=f"“Line {n} of the budget is final,” Ivo Grant said. “Page {n} is printed,” Grant said.")
                    for n in range(20)])
        whole = engine.quotes("Grant")  # one read
        assert len(whole) == 40 and [q.published for q in whole] == sorted((q.published for q in whole), reverse=True)
        monkeypatch.setattr(quotes_module, "PAGE", 2)
        monkeypatch.setattr(quotes_module, "LARGEST_PAGE", 5)
        reads = _counting_reads(engine, monkeypatch)
        assert engine.quotes("Grant", limit=15) == whole[:15] and reads == [2, 4, 5, 5]
        reads.clear()
        assert engine.quotes("Grant") == whole and reads == [5] * 8 + [0]


def test_newsbot_quotes_prints_every_statement_as_it_reads_them(tmp_path):
    """The listing is printed as it is read; --json is the object json.dumps writes for it."""
    from dataclasses import asdict

    settings_dir = tmp_path / "d"
    from retrieval.settings import EngineSettings

    with Engine(EngineSettings(data_dir=settings_dir)) as engine:
        engine.add([Article(title=f"Ferry day {n}", url=f"https://x.example/ferry{n}", published=date(2015, 2, 1 + n),
                            text=f"“Ferry {n} will run all winter,” Ivo Grant said.") for n in range(3)])
        expected = {"name": "Grant", "about": None, "quotes": [asdict(q) for q in engine.quotes("Grant")]}
    result = CliRunner().invoke(cli, ["--data-dir", str(settings_dir), "quotes", "Grant", "--json"], obj={})
    assert result.exit_code == 0 and result.output.strip() == json.dumps(expected, ensure_ascii=False)
    listed = CliRunner().invoke(cli, ["--data-dir", str(settings_dir), "quotes", "Grant"], obj={}).output
    assert [line.split("Ferry ")[1][0] for line in listed.splitlines() if "Ferry " in line and "will run" in line] == ["2", "1", "0"]
    elsewhere = CliRunner().invoke(cli, ["--data-dir", str(settings_dir), "quotes", "Grant", "--about", "tram"], obj={}).output
    assert "No statements by Grant about tram" in elsewhere and "3 statements on other topics" in elsewhere


def test_she_passes_over_the_man_quoted_before_her():
    """"she said" after a man's quote and a woman's description is the woman's: the article
    calls him "he" ("Grant said he …"), and the woman opens her sentence with a description
    ("Tennis great Dana Whitfield remembered …")."""
    found = found_in(
        "Ivo Grant said he was looking forward to the final. “These are the matches you play for,” he said.",
        "Tennis great Dana Whitfield remembered the old stadium as fun to be around.",
        "“He always waved at me from the stands,” she said.",
    )
    assert [(a.speaker, a.quote[:22]) for a in found if a.kind == "direct"] == [
        ("Ivo Grant", "These are the matches "), ("Dana Whitfield", "He always waved at me ")]


def test_an_honorific_tells_which_of_two_people_she_is():
    """"Ms. Lin" is a woman, "Mr. Reyes" a man; "she" after a sentence about him is hers, and
    no one is "she" where the article names no woman near."""
    found = found_in(
        "Ada Lin, the depot's manager, and Tom Reyes, the mayor, met on Monday. Ms. Lin wants the depot open.",
        "Mr. Reyes spoke first. “We will find the money,” she said.",
    )
    assert [a.speaker for a in found if a.kind == "direct"] == ["Ada Lin"]


def test_a_surname_two_people_share_tells_no_one_apart():
    """"Mrs. Grant" beside Ivo and Ada Grant says nothing of either; their first names, given
    with the honorific or the pronoun, tell them apart."""
    from retrieval.attribution.genders import Genders

    genders = Genders("Mrs. Grant came late.", [["Ivo", "Grant"], ["Ada", "Grant"]])
    assert genders.of("Ivo Grant") is None and genders.fits("Ada Grant", "he")
    genders = Genders("Ms. Ada Grant came late. Ivo Grant said he would stay. Ivo Grant said he was tired.",
                      [["Ivo", "Grant"], ["Ada", "Grant"]])
    assert genders.of("Ada Grant") == "f" and genders.of("Ivo Grant") == "m" and not genders.fits("Ivo Grant", "she")
    # one "X said he" is no evidence: a woman says it of a man as often ("Ali said he gave a speech")
    assert Genders("Rita Ali said he gave a speech.", [["Rita", "Ali"]]).of("Rita Ali") is None


def test_a_description_before_a_name_opens_the_sentence_he_stands_for():
    """"Grant's son, Tom Grant, announced …" makes Tom Grant the "he" of the quote after it, not
    the father named the sentence before; a heading naming someone is nobody's turn to speak."""
    found = found_in(
        "Former mayor Ivo Grant died on Saturday at the age of 85.",
        "Grant's son, Tom Grant, announced his death outside the hospital. “He went when he decided to go,” he said.",
    )
    assert [(a.speaker, a.is_person) for a in found if a.kind == "direct"] == [("Tom Grant", True)]
    found = found_in("Depot manager Ada Lin opens the season", "The trams ran late on Sunday. “We will do better,” she said.")
    assert [(a.speaker, a.is_person) for a in found if a.kind == "direct"] == [("she", False)]


def test_a_phrasal_verb_is_no_cue_and_either_is_no_first_name():
    """"signed up" and "called off" say nothing; "Either Ada Lin doesn't know …" names Ada Lin,
    not a person called "Either Ada Lin"."""
    found = found_in("Tom Reyes signed up for the council race.", "Ada Lin called off the meeting.")
    assert found == []
    found = found_in("Either Ada Lin doesn’t know the depot – or she forgot. Lin told reporters, “The depot will open in June.”")
    assert [a.speaker for a in found] == ["Ada Lin"]


def test_an_acronym_a_participle_a_prosecutor_and_a_count():
    """An acronym is a body's whole name (no "Sullivan NWS" for "NWS says" after "the Sullivan NWS
    office"); "Joining Reyes on stage, …" names no one called "Joining Reyes"; "Prosecutor" is
    a title; "Currently" no one; a count that grew ("the county added 20 cases") nobody's words."""
    found = found_in(
        "The Sullivan NWS office issued a warning. The rain was a 1000-year event, NWS says.",
        "Joining Tom Reyes on stage, the band played. Speaking later, Reyes said the depot would open.",
        "Prosecutor Ada Lin said the trial would start in June.",
        "Currently, officials say the depot is shut for the winter.",
        "Gallatin County added 20 new cases on Monday.",
    )
    assert [(a.speaker, a.is_person) for a in found] == [
        ("NWS", True), ("Tom Reyes", True), ("Ada Lin", True), ("officials", False)]


def test_a_label_is_a_speaker_only_when_the_article_names_them_or_it_heads_a_claim():
    """A fact check's "Facts First:", a corrections list's "Sports:" (not "Depot Sports") and a
    roundup's place under its state's heading say nothing; an interview's turn and a headline's
    claim are their labels' statements."""
    found = found_in(
        "The Depot Sports desk covered the final. Tom Reyes claimed the fares were the lowest in the state.",
        "Facts First: The claim about the fares is false, and the depot has raised them twice.",
        "Sports: An earlier version of this story misstated the score of the final.",
        "Arkansas",
        "Little Rock: The university's board approved a plan to keep the statue in place.",
        "Depot Digest editor Ivo Grant met the historian Ada Lin in May.",
        "Ivo Grant: When did the first tram run through the city?",
        "Cecile Richards: ‘I’m Sick Of Men Telling Us What To Do With The Depot’",
    )
    assert [(a.speaker, a.kind) for a in found] == [
        ("Tom Reyes", "reported"), ("Ivo Grant", "reported"), ("Cecile Richards", "reported")]


def test_a_surname_stands_for_the_name_a_whole_run_of_capitals_ends_with():
    """"Lin said" is Ada Lin's after "Depot Authority Press Secretary Ada Lin", "Reyes said" Tom
    F. Reyes's after "… Human Services Secretary Tom F. Reyes" (read four words at a time, the
    run ends "F. Reyes"), and a one-off run ("Stop Ivo Grant!") gives way to the name the article
    repeats."""
    found = found_in(
        "Depot Authority Press Secretary Ada Lin spoke on Monday. Lin said the trams would run all night.",
        "Health and Human Services Secretary Tom F. Reyes visited. Reyes said the clinics would stay open.",
        "Ivo Grant opened the depot. Ivo Grant waved. Protesters shouted “Stop Ivo Grant!” at him.",
        "Grant said the depot would open in June.",
    )
    assert [a.speaker for a in found if a.kind == "reported"] == ["Ada Lin", "Tom F Reyes", "Ivo Grant"]
