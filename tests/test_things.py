""""What is X?": answered by the sentences that say what X is, on the real engine and index; the
question's forms and the introductions read from their words."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from retrieval.answers import Described
from retrieval.engine import FollowUp
from retrieval.question import Question

from .test_answers import HARBOUR, ORCHARD, story

ASKED_ON = date(2024, 6, 1)

TRANSIT = [
    story("vta-fares", "Tram fares rise in Valmora", date(2024, 5, 20),
          "VTA raised tram fares by ten cents on Monday.",
          "The VTA said the money would pay for new trams. VTA trams carry 20,000 riders a day."),
    story("vta-board", "Transit board meets", date(2024, 5, 10),
          "The board of the Valmora Transit Authority (VTA) met on Tuesday to plan the new line.",
          "“We expect the line to open next spring,” the VTA said."),
    story("harbourline", "Ferry service expands", date(2024, 5, 25),
          "The ferry operator Harbourline will add two boats to its Valmora route.",
          "Harbourline said demand had doubled. VTA tickets will be valid on board."),
]


def test_what_is_answered_by_the_sentences_that_say_what_it_is(backend_settings):
    from retrieval.engine import Engine

    with Engine(backend_settings) as engine:
        engine.add([HARBOUR, ORCHARD, *TRANSIT])
        answer = engine.ask("What is the VTA?", asked_on=ASKED_ON)
        assert not answer.no_answer and answer.person is None
        # What the initials stand for, from the article that spells them out, though the
        # others name VTA more often and more recently.
        assert answer.subject == Described("VTA", "Valmora Transit Authority", 1)
        first = answer.citations[0]
        assert first.url == TRANSIT[1].url
        assert first.excerpt[first.highlights[0][0] : first.highlights[0][1]].startswith("The board of the Valmora Transit Authority (VTA)")
        assert {c.url for c in answer.citations} >= {TRANSIT[0].url, TRANSIT[1].url}
        assert answer.to_json()["subject"] == {"name": "VTA", "description": "Valmora Transit Authority", "rank": 1}
        assert "person" not in answer.to_json()
        # The cited articles quote the VTA: what it said is offered next, and answered.
        assert answer.next_questions[:1] == ["What did VTA say?"]
        said = engine.ask("What did VTA say?", asked_on=ASKED_ON).quotes
        assert {q.quote for q in said} == {"the money would pay for new trams", "We expect the line to open next spring"}
        spelled = engine.ask("what does VTA stand for?", asked_on=ASKED_ON)
        assert spelled.subject == answer.subject
        # What kind of thing, said before its name; asked as a follow-up too.
        ferry = engine.ask("what is harbourline?", asked_on=ASKED_ON)
        assert ferry.subject == Described("Harbourline", "the ferry operator", 1)
        assert ferry.citations[0].url == TRANSIT[2].url
        carried = engine.ask("and Harbourline?", asked_on=ASKED_ON, follow_up=FollowUp(["What is the VTA?"]))
        assert carried.subject == ferry.subject
        # /who counts the articles naming a word through the keyword index, on either backend.
        assert engine.profile("Harbourline").articles == 1 and engine.profile("VTA").articles == 3
        # Nothing says what the thing is: the ordinary answer, without a subject.
        plain = engine.ask("What is Valmora?", asked_on=ASKED_ON)
        ordinary = engine.searcher.search(replace(Question.parse("What is Valmora?"), thing=""), 3, ASKED_ON)
        assert plain.subject is None and "subject" not in plain.to_json()
        assert [c.url for c in plain.citations] == [c.url for c in ordinary.citations]


def test_what_is_questions_are_told_from_their_words():
    from retrieval.question import thing_asked

    forms = {
        "What is FEMA?": "FEMA", "what is fema?": "fema", "what are the Houthis?": "the Houthis",
        "What is the Doomsday Clock?": "the Doomsday Clock", "what does DOGE stand for?": "DOGE",
        "What is the Bank of England?": "the Bank of England", "What was Operation Midnight Hammer?": "Operation Midnight Hammer",
        # A question for a fact, someone's thing, or no name: answered as any other.
        "What is the capital of France?": None, "what is Trump's plan?": None, "what is it?": None,
        "what is going on?": None, "What is the name of the film?": None, "what is a filibuster?": None,
        "what is happening in Gaza?": None, "What is Taylor Swift's new album?": None,
    }
    assert {asked: thing_asked(asked) for asked in forms} == forms
    # "And ICE?" after what FEMA is asks what ICE is, through such follow-ups too.
    assert Question.parse("and ICE?", ["what is FEMA?"]).thing == "ICE"
    assert Question.parse("what about DOGE?", ["what is FEMA?", "and ICE?"]).thing == "DOGE"
    assert Question.parse("and ICE?", ["who is Mamdani?"]).thing == ""
    question = Question.parse("what does FEMA stand for?")
    assert question.thing == "FEMA" and question.search_text == "what is FEMA" and question.person == ""


def test_what_a_thing_is_is_read_from_its_initials_or_around_its_name():
    from retrieval.things import introduction

    cases = {
        "Residents may look to the Federal Emergency Management Agency, also known as FEMA.":
            ("FEMA", "FEMA", "Federal Emergency Management Agency"),
        "Remember the Department of Government Efficiency, aka DOGE, the plaything?": ("DOGE", "DOGE", "Department of Government Efficiency"),
        "DOGE (Department of Government Efficiency) cut jobs.": ("DOGE", "DOGE", "Department of Government Efficiency"),
        "FEMA, the Federal Emergency Management Agency, said so.": ("fema", "FEMA", "Federal Emergency Management Agency"),
        "Strikes answered projectiles fired by the militant group Hezbollah.": ("Hezbollah", "Hezbollah", "the militant group"),
        "It kicked off when the Iranian-backed militia, Hezbollah, began launching rockets.":
            ("hezbollah", "Hezbollah", "the Iranian-backed militia"),
        "Amazon works with artificial intelligence firm Anthropic.": ("Anthropic", "Anthropic", "artificial intelligence firm"),
        "Anthropic, the AI company behind Claude, said on Monday it would grow.": ("Anthropic", "Anthropic", "the AI company behind Claude"),
        "A strike like Operation Midnight Hammer, the bombing last June of Iran's nuclear facilities, may follow.":
            ("Operation Midnight Hammer", "Operation Midnight Hammer", "the bombing last June of Iran's nuclear facilities"),
        # A clause set off after the name, or a list before it, says nothing of what it is.
        "Hamas, the group said, was ready.": ("Hamas", "Hamas", ""),
        "Stocks fell amid war, Fed decision.": ("the Fed", "Fed", ""),
        "As the primary customer on the lunar mission, NASA paid for it.": ("NASA", "NASA", ""),
        "A volunteer with the group DJ at the Polls spoke.": ("DJ", "DJ", ""),  # "the group" says too little
        "He punched a strip club DJ in 2005.": ("DJ", "DJ", ""),
        "Wagner, the attorney who represents him, spoke.": ("Wagner", "Wagner", ""),  # a person, not a thing
        "It is Donald Trump's MAGA (Make America Great Again) agenda.": ("MAGA", "MAGA", "Make America Great Again"),
    }
    for text, (asked, name, description) in cases.items():
        found = introduction(text, asked)
        assert found is not None and (found.name, found.description) == (name, description), text
    # Not the name asked about: another word's part, a longer name, a sentence's first word.
    assert introduction("The ICE Cream Social opens. Grass-Fed bars sell.", "ICE") is None
    assert introduction("Grass-Fed bars sell well.", "the Fed") is None
    assert introduction("Hilton works with 211 LA, a local non-profit organization.", "LA") is None
    assert introduction("Pilot Travel Centers LLC, the largest network of travel centers, grows.", "LLC") is None
    assert introduction("They spoke before a Senate committee, WUSA-TV reports.", "WUSA") is None
    assert introduction("Next, the company said it would grow.", "next") is None
