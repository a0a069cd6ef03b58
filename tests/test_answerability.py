"""Answerability: one confidence from several signals, and kind declines on sensitive topics."""

from __future__ import annotations

from pathlib import Path

import pytest

from coach.answerability import (
    Answerability,
    combine,
    signals,
    uncovered_sensitive_topic,
    uncovered_words,
)
from coach.api import Coach
from coach.declines import REFUSAL, sensitive_decline
from coach.retrieval import Retriever
from coach.settings import Settings
from coach.store import open_store
from ingest.indexer import sync

pytestmark = pytest.mark.model

# Guidance of our own, on topics the shipped article does not cover.
MEETINGS = """# Running a good mentoring meeting

## Before the meeting
Send your mentor a short agenda two days ahead with the one question you most want to discuss.
Keep it to three bullet points so your mentor can think about them on the way in.

## During the meeting
Take notes by hand rather than on a laptop, so your mentor sees you are listening.
Leave the last five minutes to agree what each of you will do before you next meet.

## After the meeting
Write a recap the same evening listing the actions you agreed, and send it within a day.
"""
HEALTH = """# Looking after yourself

## Stress before meetings
If nerves before a meeting keep you awake, a doctor can tell you whether any medication
would suit you; never borrow pills from a mentor or a friend.
"""


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    root = tmp_path_factory.mktemp("answerability")
    (root / "meetings.md").write_text(MEETINGS, encoding="utf-8")
    settings = Settings.from_env(env={}, data_dir=root / "data")
    assert sync(open_store(settings, create=True), [root / "meetings.md"], progress=False).ok
    return settings


@pytest.fixture(scope="module")
def judge(library: Settings):
    retriever = Retriever(open_store(library), library)
    rule = Answerability(retriever.library, library.min_confidence)
    return lambda q: rule.judge(q, retriever.search(q))


def test_a_question_the_guidance_answers_is_judged_answerable(judge) -> None:
    verdict = judge("what should I send my mentor before we meet?")
    assert verdict.answerable and verdict.confidence >= 0.5


def test_a_near_topic_question_whose_words_the_library_never_uses_is_declined(judge) -> None:
    # Mentoring words keep a cosine floor happy; "kiln", "glaze" appear nowhere here.
    verdict = judge("My mentor took up pottery last year; how hot should a kiln be for a glaze?")
    assert not verdict.answerable and verdict.reply == REFUSAL
    assert verdict.confidence < judge("how do I take notes in a mentoring meeting?").confidence


@pytest.mark.parametrize(("question", "topic", "who"), [
    ("Which medication should I take before my mentoring meeting to calm my nerves?",
     "medical", "doctor"),
    ("Can my mentor help me get an H-1B visa so I can stay after the programme?",
     "immigration", "immigration adviser"),
    ("Do I have to pay tax on the stipend the mentoring scheme gives me?", "tax", "accountant"),
    ("My mentor says I'm underpaid. What salary should I ask for in my review?", "pay", "HR"),
])
def test_a_sensitive_question_the_guidance_does_not_discuss_gets_a_kind_pointer(
        judge, question: str, topic: str, who: str) -> None:
    verdict = judge(question)
    assert not verdict.answerable and verdict.topic == topic and verdict.confidence == 0.0
    assert who in verdict.reply and "draft" in verdict.reply  # who can help, what the coach can


def test_a_sensitive_question_in_words_no_lexicon_lists_is_declined(judge) -> None:
    # The part that asks ("Which ones work fastest?") names no term, but the question means
    # medicine more than any guidance here does.
    verdict = judge("My mentor thinks I should be on anxiety tablets. Which ones work fastest?")
    assert not verdict.answerable and verdict.confidence == 0.0 and verdict.reply == REFUSAL
    assert judge("what should I send my mentor before we meet?").answerable


@pytest.mark.parametrize("question", [
    "I come out in hives before every video call with my mentor. Which cream clears them up?",
    "My mood has been low and hopeless for most of this year and my mentor has noticed. How "
    "do I get better?",
    "The landlord of my flat is keeping my whole deposit after I moved out. What are my "
    "options?",
    "A company my mentor introduced me to asked what I earn now. Should I round the figure up?",
    "Could you recommend a quiet restaurant near the station for lunch with my mentor?",
])
def test_a_near_topic_question_in_everyday_words_is_declined(judge, question: str) -> None:
    # A symptom, a low mood, a tenancy dispute, a figure to give an employer: each domain is
    # described in the everyday shapes its questions take, and judged on what is asked.
    assert not judge(question).answerable


def test_a_coaching_ask_after_a_story_that_brushes_a_domain_is_answered(judge) -> None:
    # What is asked is the recap; the story's tax exams are background.
    verdict = judge("After our call about my tax exams, what should my recap to my mentor say?")
    assert verdict.answerable, verdict


def test_the_sensitive_rule_stands_aside_when_the_evidence_discusses_the_term(
        tmp_path: Path) -> None:
    (tmp_path / "health.md").write_text(HEALTH, encoding="utf-8")
    settings = Settings.from_env(env={}, data_dir=tmp_path / "data")
    assert sync(open_store(settings, create=True), [tmp_path / "health.md"], progress=False).ok
    coach = Coach(settings)
    answer = coach.ask("Should I take some of my mentor's pills for my nerves before we meet?")
    assert answer.kind == "answer" and "doctor" in answer.text
    assert answer.confidence is not None and answer.confidence > 0


def test_a_programme_s_own_hours_are_its_guidance_not_an_employer_s_rule(tmp_path: Path) -> None:
    # "How many hours a week are we expected to put in?" was declined as a named employer's
    # policy: the description of that domain spoke of "how many days, hours or benefits"
    (tmp_path / "programme.md").write_text(
        "# Programme rules\n\n## Commitment\nInterns are expected to treat the internship as a "
        "full-time job, at least 35 hours each week, and to attend the weekly sync.\n",
        encoding="utf-8")
    settings = Settings.from_env(env={}, data_dir=tmp_path / "data")
    assert sync(open_store(settings, create=True), [tmp_path / "programme.md"], progress=False).ok
    answer = Coach(settings).ask("how many hours a week are we expected to put in during the "
                                 "working period?")
    assert answer.kind == "answer" and "35 hours each week" in answer.text, answer.text
    decline = Coach(settings).ask("How many weeks of paid parental leave does Acme give its "
                                  "engineers?")
    assert decline.kind == "refusal", decline.text


def test_sensitive_terms_match_whole_words_only() -> None:
    from coach.results import Passage

    evidence = [Passage(id="1", text="Agree the agenda first.", title="t", section="s",
                        source="x", score=0.5)]
    assert uncovered_sensitive_topic("How do I stay visible to my mentor?", evidence) is None
    assert uncovered_sensitive_topic("Is a taxing week a reason to cancel?", evidence) is None
    assert uncovered_sensitive_topic("Will my visa run out?", evidence) == "immigration"


def test_every_answered_or_refused_question_carries_a_confidence(library: Settings) -> None:
    coach = Coach(library)
    answered = coach.ask("what should I write after a mentoring meeting?")
    refused = coach.ask("Which tax form do I file for my mentoring stipend?")
    assert answered.kind == "answer" and 0 < answered.confidence <= 1
    assert refused.kind == "refusal" and refused.confidence == 0.0
    assert refused.text == sensitive_decline("tax")
    assert coach.ask("hello").confidence is None


def test_a_dosage_question_without_a_drug_name_is_pointed_to_a_doctor(library: Settings) -> None:
    # The mentee never names a medicine; asking for something to take for nerves is the tell.
    answer = Coach(library).ask("My mentor takes something for her nerves before big talks. "
                                "How many should I have before our first meeting?")
    assert answer.kind == "refusal" and "doctor or pharmacist" in answer.text


def test_a_coaching_question_that_mentions_negotiation_is_answered(library: Settings) -> None:
    # The pay words are the story; what is asked (the recap) is what the guidance covers.
    answer = Coach(library).ask("My mentor helped me get ready for my salary negotiation. "
                                "What should I put in the recap after our meeting?")
    assert answer.kind == "answer" and "recap" in answer.text.lower()


def test_a_near_topic_question_that_hinges_on_a_word_the_guidance_never_uses_is_declined(
        library: Settings) -> None:
    # "agenda", "meetings", "mentor" match the guidance well enough for the sentence signals;
    # what is asked ("how much is a first class stamp") is in no token of the evidence.
    question = "Before meetings my mentor sends an agenda by post. How much is a first class stamp?"
    coach = Coach(library)
    assert coach.ask(question).kind == "refusal"
    assert coach.ask("Should the agenda go out the day before or earlier?").kind == "answer"
    # It is the token rule that declines it: the sentence signals alone would answer.
    evidence = coach.retriever.search(question)
    s = signals(question, evidence, coach.retriever.library(),
                coach.answerability._domain_cosine(question),
                coach.answerability._coverage(question, evidence))
    assert combine(s) >= library.min_confidence and uncovered_words(s)
    assert uncovered_sensitive_topic(question, evidence) is None
