""""Who is X?": answered by the sentences that introduce X, on the real engine and index; the
question's forms and the introductions read from their words."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from retrieval.answers import Described
from retrieval.engine import FollowUp
from retrieval.question import Question

from .test_answers import HARBOUR, ORCHARD, story

ASKED_ON = date(2024, 6, 1)

VARGA = [
    story("varga-tram", "New tram line opens in Valmora", date(2024, 5, 20),
          "Valmora's mayor Yelena Varga opened the city's new tram line on Monday.",
          "The line runs from the harbour to the university.",
          "Varga said the tram would carry 20,000 riders a day. Varga rode the first tram. Riders cheered Varga."),
    story("varga-budget", "Valmora budget passes", date(2024, 5, 28),
          "The Valmora council passed its budget on Tuesday.",
          "Yelena Varga, the city's mayor since 2019, called the vote a win for riders.",
          "Varga thanked the council. Varga will present the budget to the region."),
    # Another Varga: not the one asked about by her full name.
    story("varga-driver", "Tram driver retires", date(2024, 5, 30),
          "Tomas Varga, a Valmora tram driver for forty years, retired on Friday."),
]


def test_who_is_answered_by_the_sentences_that_introduce_the_person(backend_settings):
    from retrieval.engine import Engine

    with Engine(backend_settings) as engine:
        engine.add([HARBOUR, ORCHARD, *VARGA])
        answer = engine.ask("Who is Yelena Varga?", asked_on=ASKED_ON)
        assert not answer.no_answer and answer.person is not None
        # What she is, from the newest article that says it (a role changes).
        assert answer.person == Described("Yelena Varga", "the city's mayor since 2019", 1)
        # Each article once, shown from where it introduces her, though later sentences name
        # her more often; the other Varga is not her.
        assert sorted(c.url for c in answer.citations) == sorted(a.url for a in VARGA[:2])
        shown = {c.url: c.excerpt[c.highlights[0][0] : c.highlights[0][1]] for c in answer.citations}
        assert shown[VARGA[0].url] == "Valmora's mayor Yelena Varga opened the city's new tram line on Monday."
        assert shown[VARGA[1].url].startswith("Yelena Varga, the city's mayor since 2019,")
        assert answer.to_json()["person"] == {"name": "Yelena Varga", "description": "the city's mayor since 2019", "rank": 1}

        # An older profile that search ranks first gives her role then; the newest that says it heads.
        engine.add([story("varga-profile", "Who is Yelena Varga? Meet Valmora's deputy mayor", date(2019, 3, 1),
                          "Valmora's deputy mayor Yelena Varga grew up by the harbour.",
                          "Yelena Varga studied law. Varga joined the council in 2015. Varga, Varga, Varga.")])
        again = engine.ask("Who is Yelena Varga?")  # asked without a date: no preference for recent coverage
        assert again.person == Described("Yelena Varga", "the city's mayor since 2019", 1)
        assert [c.published for c in again.citations] == ["2024-05-28", "2024-05-20", "2019-03-01"]

        # "And the latest?" after who she is: the newest coverage of her, newest first.
        latest = engine.ask("and the latest?", asked_on=ASKED_ON, follow_up=FollowUp(["Who is Yelena Varga?"]))
        assert latest.by_date == "newest first"
        assert [c.url for c in latest.citations] == [VARGA[1].url, VARGA[0].url, "https://example.org/varga-profile"]

        # "She", after a question about her, is her.
        carried = engine.ask("who is she?", asked_on=ASKED_ON, follow_up=FollowUp(["what did Yelena Varga say?"]))
        assert carried.person is not None and carried.person.name == "Yelena Varga"
        # Nobody the news names: no answer, the closest headlines offered.
        nobody = engine.ask("Who is Ilse Brandauer?", asked_on=ASKED_ON)
        assert nobody.no_answer and nobody.person is None
        # Words no article names anyone by: the ordinary answer, without a person.
        master = engine.ask("who is harbour master?", asked_on=ASKED_ON)
        ordinary = engine.searcher.search(replace(Question.parse("who is harbour master?"), person=""), 3, ASKED_ON)
        assert master.person is None and [c.url for c in master.citations] == [c.url for c in ordinary.citations]
        assert master.no_answer == ordinary.no_answer
        # A role asks for a name: the ordinary answer, without a person.
        role = engine.ask("Who is the mayor of Valmora?", asked_on=ASKED_ON)
        assert role.person is None and "person" not in role.to_json() and "Varga" in role.citations[0].excerpt


def test_who_is_questions_are_told_from_their_words():
    from retrieval.question import Question, person_asked

    forms = {
        "Who is Yelena Varga?": "Yelena Varga", "who's Varga": "Varga", "who was Alan Greenspan?": "Alan Greenspan",
        "and who is Bessent?": "Bessent", "who is the mayor of Valmora?": None, "who is in charge?": None,
        "who is behind the attack?": None, "who is she?": None, "who won the election?": None,
        "what did Varga say?": None, "who is responsible for the attack?": None, "who is it?": None,
        "who's there?": None, "who is Will Smith?": "Will Smith",
    }
    assert {asked: person_asked(asked) for asked in forms} == forms
    assert person_asked("who is she?", ["what did Yelena Varga say?"]) == "Yelena Varga"
    latest = Question.parse("and the latest?", ["who is Varga?"])
    assert latest.by_date == "newest first" and latest.terms == ["varga"] and latest.person == ""
    assert person_asked("who is he?", ["who is Bessent?", "what did he say?"]) == "Bessent"
    question = Question.parse("who is she?", ["who is Varga?"])
    assert question.person == "Varga" and question.search_text == "who is Varga" and question.speaker is None
    # "And Cuomo?" after who someone is asks who Cuomo is; a role still asks for a name.
    assert Question.parse("and Cuomo?", ["who is Mamdani?"]).person == "Cuomo"
    assert Question.parse("what about Cuomo?", ["who is Mamdani?", "and Adams?"]).person == "Cuomo"
    assert Question.parse("and the mayor?", ["who is Mamdani?"]).person == ""
    assert Question.parse("and Cuomo?", ["what did Mamdani say?"]).person == ""
    # Asked who someone is, "what did she say?" is then about them.
    assert Question.parse("what did she say?", ["who is Varga?"]).speaker_named() == ("Varga", None)


def test_what_a_person_is_is_read_before_or_after_their_name():
    from retrieval.people import introduction

    cases = {
        "In response to questions, New York City Mayor Zohran Mamdani said the building was stable.":
            ("Mamdani", "Zohran Mamdani", "New York City Mayor"),
        "Former professional boxer Iwao Hakamada was acquitted.": ("Hakamada", "Iwao Hakamada", "former professional boxer"),
        "The economy grew. Alan Greenspan, the former Fed chairman, died on Friday.":
            ("greenspan", "Alan Greenspan", "the former Fed chairman"),
        "It was the second time Trump has instructed Treasury Secretary Scott Bessent to halt trade.":
            ("Bessent", "Scott Bessent", "Treasury Secretary"),
        "Secretary of State Marco Rubio said so.": ("Rubio", "Marco Rubio", "Secretary of State"),
        "Luxury wedding planner Sonal Shah told the Post.": ("Shah", "Sonal Shah", "Luxury wedding planner"),
        "Cristiano Ronaldo, 41, the Portugal captain, scored.": ("Ronaldo", "Cristiano Ronaldo", "the Portugal captain"),
        # Said at the second mention: the name in full comes from the first.
        "Gennady Ivanov spoke first. Ivanov, a Duma deputy, left.": ("Ivanov", "Gennady Ivanov", "a Duma deputy"),
        # Nothing said of what they are; a sentence-opening word is not a first name.
        "Yesterday Mamdani said things.": ("Mamdani", "Mamdani", ""),
        "The Mamdani administration said. Mayor Zohran Mamdani spoke.": ("Mamdani", "Zohran Mamdani", "Mayor"),
    }
    for text, (asked, name, description) in cases.items():
        found = introduction(text, asked)
        assert found is not None and (found.name, found.description) == (name, description), text
    assert introduction("But Monday Gov. John Bel Edwards said so.", "Edwards").description == "Gov."  # a day is no role
    assert introduction("Tomas Varga, a tram driver, retired.", "Yelena Varga") is None
    assert introduction("The varga is a dish.", "Varga") is None


def test_a_role_a_live_blog_ran_its_heading_and_byline_into_gives_way_to_another():
    from retrieval.people import _run_in

    run_in = ("Iran Kim Hjelmgaard Russian President", "US Christopher Cann Iran Foreign Minister", "Trump Eduardo Cuevas Rep.")
    plain = ("New York City Mayor", "Russian President", "Homeland Security Secretary", "Senate Majority Leader",
             "the former Fed chairman", "former professional boxer")
    assert [_run_in(d) for d in run_in] == [1, 1, 1] and [_run_in(d) for d in plain] == [0] * len(plain)
