"""The embedded default generator: answers made of cited guidance sentences, deterministic."""

from __future__ import annotations

import numpy as np
import pytest

from coach import voice as V
from coach.compose import (
    GroundedComposer,
    NothingRelevant,
    Point,
    _Scored,
    is_advice_candidate,
    select_points,
    unit_texts,
)
from coach.results import Passage
from coach.store import embeddings
from coach.verify import Verifier

SILENT = ("Mentor relationships are like any other relationships. If your mentor stops returning "
          "calls, your best bet is to back way off. Likely, she feels overwhelmed and can't deal "
          "with another demand on her time. Send her a note, thanking her for her continued help, "
          "and let her know you'd like to be back in touch when she's ready.")
GIFTS = ("On occasion, it's appropriate to thank your mentor with a small token (food is always "
         "good), should the situation warrant it. You're better off buying her lunch or writing a "
         "sincere note.")


def passage(n: int, text: str, section: str, score: float = 0.6) -> Passage:
    return Passage(id=f"p{n}", text=text, title="Guide", section=section, source="corpus/g.md",
                   score=score, n=n)


@pytest.fixture(scope="module")
def composer() -> GroundedComposer:
    return GroundedComposer(embeddings(), Verifier(embeddings()))


def test_answers_with_the_guidance_sentences_closest_to_the_question(composer):
    evidence = [passage(1, GIFTS, "Follow through", 0.4),
                passage(2, SILENT, "Troubleshoot proactively", 0.7)]
    text = "".join(composer.stream("My mentor stopped returning my calls", evidence))
    assert "back way off [2]." in text and "a note, thanking her" in text
    assert "small token" not in text


def test_the_reply_opens_with_the_thing_to_do_in_second_person(composer):
    evidence = [passage(1, SILENT, "Troubleshoot proactively", 0.7)]
    composition = composer.compose("My mentor stopped returning my calls. What should I do?",
                                   evidence)
    text = "".join(composer.stream("My mentor stopped returning my calls. What should I do?",
                                   evidence))
    first = text.split("\n", 1)[0]
    # The first paragraph is a thing to do, not the article's scene-setting sentence.
    assert first.startswith(("If your mentor stops returning calls", "Send your mentor")), text
    assert "Relationships are like" not in first and not text.startswith("Here's")
    assert "Send your mentor a note, thanking her" in text
    # The passage shown as the source keeps the guidance's own wording.
    assert "Send her a note" in composition.answer.passage.text
    offer = [s for s in composition.suggestions if s.kind == "draft"]
    assert offer and offer[0].draft_kind == "back-off"


def test_no_padding_a_narrow_question_gets_only_what_clears_the_floors(composer):
    evidence = [passage(1, SILENT, "Troubleshoot proactively", 0.7),
                passage(2, GIFTS, "Follow through", 0.3)]
    composition = composer.compose("My mentor stopped returning my calls", evidence)
    assert len(composition.points) <= 3
    assert all(p.passage.n == 1 for p in composition.points)


def test_is_deterministic(composer):
    evidence = [passage(1, SILENT, "Troubleshoot proactively")]
    q = "what if my mentor goes quiet?"
    assert "".join(composer.stream(q, evidence)) == "".join(composer.stream(q, evidence))


def test_refuses_to_compose_from_unrelated_evidence(composer):
    with pytest.raises(NothingRelevant):
        list(composer.stream("How do I bake sourdough bread?",
                             [passage(1, GIFTS, "Follow through", 0.05)]))


def test_headings_fragments_and_rhetorical_questions_are_not_advice():
    assert not is_advice_candidate("## Find a mentor")
    assert not is_advice_candidate("Wow!")
    assert not is_advice_candidate("So what do you do if your mentor goes AWOL?")
    # a question the page wrote with a full stop sets up its answer
    assert not is_advice_candidate("But what if you aren't getting a detailed response from "
                                   "your mentor.")
    assert is_advice_candidate("What you bring to the meeting matters more than its length.")
    # a pointer to a link the coach does not have sends the mentee nowhere
    assert not is_advice_candidate("Read this article to learn more about feedback.")
    assert not is_advice_candidate("For the sign-up form, click here and fill it in.")
    assert is_advice_candidate("If she declines, let it go and move on.")


def test_points_from_two_documents_get_one_line_saying_so(composer):
    a = passage(1, "Meet every three weeks for about an hour, and book the next date before "
                   "you leave.", "Meeting cadence", 0.7)
    b = Passage(id="q1", text="Meet every six weeks so you have time to act on the advice you "
                "got.", title="Quick Start | Bridgeway", section="Rules", source="q.md",
                score=0.7, n=2)
    text = "".join(composer.stream("How often should we meet?", [a, b]))
    line = text.rsplit("\n", 1)[-1]
    assert "differ on this" in line and "Guide [1]" in line and "Quick Start [2]" in line, text
    assert "Guide says every three weeks" in line and "Quick Start says every six weeks" in line


def test_two_documents_that_say_different_things_get_no_line_claiming_they_agree():
    import numpy as np

    from coach.compose import Point, _Scored, select_points
    from coach.voice import Unit

    a = passage(1, "Book the next date before you leave each meeting.", "Meetings", 0.7)
    b = Passage(id="q1", text="Keep a short diary of what you learn from each call.",
                title="Quick Start | Bridgeway", section="Rules", source="q.md", score=0.7, n=2)

    def reply(vec_b: list[float]) -> str | None:
        scored = [_Scored(0.70, a, Unit([a.text]), np.array([1.0, 0.0]), 0.8),
                  _Scored(0.69, b, Unit([b.text]), np.array(vec_b), 0.8)]
        composition = select_points("What should I do after each meeting?", scored,
                                    lambda s: Point(s.passage, s.unit.sentences))
        assert [p.passage.n for p in composition.points] == [1, 2]
        return composition.sources_line

    assert reply([0.0, 1.0]) is None  # two different points: no "both cover this"
    assert reply([1.0, 0.0]) == "Guide [1] and Quick Start [2] both cover this."


def test_a_reply_from_two_documents_stays_within_the_sentence_budget(composer):
    a = passage(1, "Meet your mentor regularly, about once a month. Book the next meeting before "
                   "you leave the current one. Send a short agenda two days before each meeting. "
                   "Keep each meeting to about an hour.", "Meetings", 0.7)
    b = Passage(id="q1", text="Meet your mentor regularly, roughly once a month. Put the next "
                "meeting in both calendars before you leave.", title="Quick Start | Bridgeway",
                section="Rules", source="q.md", score=0.7, n=2)
    composition = composer.compose("How should I arrange meetings with my mentor?", [a, b])
    said = sum(len(p.sentences) + len(p.items) for p in composition.points)
    assert said + bool(composition.sources_line) <= 4, composition


def test_an_answer_that_is_a_list_leaves_room_for_one_more_point():
    from coach.voice import Unit

    a = passage(1, "Bring these to the first meeting:", "First meeting", 0.7)
    b = passage(2, "Send your mentor a short agenda two days before you meet.", "Agenda", 0.7)
    lead = Unit(["Bring these to the first meeting:"],
                [(0, "a goal"), (0, "a question you are stuck on"), (0, "your calendar")])
    scored = [_Scored(0.70, a, lead, np.array([1.0, 0.0]), 0.8),
              _Scored(0.66, b, Unit([b.text]), np.array([0.0, 1.0]), 0.8)]
    composition = select_points("How do I prepare for our first meeting?", scored,
                                lambda s: Point(s.passage, s.unit.sentences, s.unit.items))
    assert [p.passage.n for p in composition.points] == [1, 2]


WHY = ("Sending your questions before the call lets your mentor decide whether she can help and "
       "arrive with real answers. Keep the list to two or three questions.")


def test_a_why_question_is_answered_by_the_reason_not_the_instruction_beside_it(composer):
    # Both sentences are about questions sent ahead, about as relevant; "why" asks for the
    # reason, which the instruction does not give however actionable it is.
    evidence = [passage(1, WHY, "Before the call")]
    why = composer.compose("Why would I send my questions before the call?", evidence)
    assert why.answer.text.startswith("Sending your questions before the call")
    should = composer.compose("Should I send my questions before the call?", evidence)
    assert should.answer.text.startswith("Keep the list to two or three questions")


STEPS = ("Here is what works for us:\n"
         "- Wait until you have met a few times.\n"
         "- Make the request easy to turn down.\n"
         "  - Don't name a person until your mentor offers.\n"
         "- Explain why you want that conversation.\n"
         "- Reply within a day once the introduction arrives.\n"
         "- Tell your mentor how the conversation went.\n")


def test_a_long_list_is_said_as_its_items_closest_to_the_question_in_list_order():
    from coach.compose import trim_list
    from coach.voice import build_units

    unit = build_units(STEPS)[0]
    assert len(unit.items) == 6
    # the sub-item scores best: it brings its parent, and one more item fits
    kept = trim_list(unit, np.array([0.1, 0.3, 0.9, 0.2, 0.5, 0.0]))
    assert [t for _, t in kept.items] == ["Make the request easy to turn down.",
                                          "Don't name a person until your mentor offers.",
                                          "Reply within a day once the introduction arrives."]
    assert kept.sentences == unit.sentences  # the lead-in stays


def test_a_list_item_that_leans_on_the_one_before_is_said_with_it_or_not_at_all():
    from coach.compose import trim_list
    from coach.voice import Unit

    unit = Unit(["Cold messages to strangers are:"],
                [(0, "quick to send"), (0, "easy to ignore"), (0, "low effort"),
                 (0, "thus, low return"), (0, "rarely answered")])
    kept = trim_list(unit, np.array([0.1, 0.2, 0.3, 0.9, 0.4]))
    assert [t for _, t in kept.items] == ["low effort", "thus, low return", "rarely answered"]
    kept = trim_list(unit, np.array([0.1, 0.2, 0.3, 0.9, 0.4]), keep=1)
    assert [t for _, t in kept.items] == ["rarely answered"]


def test_a_lead_in_that_counts_its_items_keeps_every_counted_one():
    from coach.compose import trim_list
    from coach.voice import build_units

    unit = build_units(STEPS.replace("Here is what works for us:",
                                     "We suggest five steps:"))[0]
    kept = trim_list(unit, np.array([0.1, 0.3, 0.9, 0.2, 0.5, 0.0]))
    assert [d for d, _ in kept.items] == [0, 0, 0, 0, 0]  # "five steps": five said, no sub-item


@pytest.mark.model
def test_a_reply_says_the_items_of_a_long_list_that_answer(composer):
    said = composer.select("How do I ask for an introduction without putting my mentor on the "
                           "spot?", [passage(1, STEPS, "Asking for introductions")])
    point = said[0][1]
    assert "easy to turn down" in point
    assert sum(step in point for step in ("Wait until", "easy to turn down", "Don't name",
                                          "Explain why", "Reply within", "Tell your mentor")) == 3


def test_a_sentence_a_page_repeats_is_said_once(composer):
    repeated = "Agree at the start how often you will meet and how you will keep in touch."
    evidence = [passage(1, f"{repeated} Put the dates in both calendars.", "Setting up", 0.7),
                passage(2, f"Remote pairs need this most. {repeated}", "Remote", 0.6)]
    text = "".join(composer.stream("How often should we meet?", evidence))
    assert text.count("Agree at the start how often") == 1, text


def test_a_don_ts_list_is_never_said_as_advice_to_follow(composer):
    donts = passage(1, "- Expect your mentor to find you a job.\n"
                       "- Cancel meetings at the last minute without a good reason.\n"
                       "- Ask your mentor to fix problems you have not tried to solve.",
                    "Being a mentee \u203a Don'ts", 0.7)
    text = "".join(composer.stream("Is it fine to cancel a meeting at the last minute?",
                                   [donts]))
    assert text.startswith("Don't cancel meetings at the last minute"), text
    assert "\nCancel" not in text and "- Cancel" not in text and "- Expect" not in text
    chase = passage(3, "- Send a follow-up email every day until your mentor replies.",
                    "Don'ts", 0.7)
    reply = composer.compose("Should I send a follow-up email when my mentor is slow?", [chase])
    assert not [s for s in reply.suggestions if s.kind == "draft"]
    led = passage(2, "In your first meeting:\n- Talk only about yourself.\n"
                     "- Ask for a job.", "Things to avoid", 0.7)
    text = "".join(composer.stream("What should I not do in a first meeting?", [led]))
    assert "Don't talk only about yourself" in text and "Don't ask for a job" in text, text


def test_the_remedy_beside_a_named_pitfall_is_never_said_as_its_opposite(composer):
    # "Pitfalls to avoid" with each pitfall named in a label: "Strive for independence" was
    # said as "Don't strive for independence"
    pitfalls = passage(1, "Watch out for these:\n\n"
                          "1. Overdependence: Leaning on your mentor for every answer slows you "
                          "down. Strive to solve problems yourself before you ask.\n"
                          "2. Skipping preparation: Arriving with nothing wastes the hour. "
                          "Always bring two questions to each session.\n",
                       "Common pitfalls to avoid", 0.7)
    text = "".join(composer.stream("Is it bad to ask my mentor for help every time I'm stuck?",
                                   [pitfalls]))
    assert "Don't strive" not in text and "Don't always" not in text, text
    assert "Strive to solve problems yourself" in text or "Always bring" in text, text
    from coach.voice import as_warning
    assert as_warning("Use your mentor as a guide rather than a crutch.") == \
        "Use your mentor as a guide rather than a crutch."


def test_a_mentee_s_pledge_list_is_said_to_the_reader_not_in_the_writer_s_first_person(
        composer):
    pledges = passage(1, "My ground rules for working with a mentor.\n\nI will ...\n"
                         "- not miss meetings because I feel unprepared\n"
                         "- let my mentor know when I cannot meet\n", "Ground rules", 0.7)
    text = "".join(composer.stream("Should I skip our meeting if I haven't prepared anything?",
                                   [pledges]))
    assert "Don't miss meetings because you feel unprepared" in text, text
    assert "because I feel" not in text and "let my mentor" not in text.lower(), text


def test_a_list_item_that_leads_in_to_sub_items_is_said_with_all_of_them_or_not_at_all():
    from coach.compose import trim_list
    from coach.voice import build_units

    unit = build_units("Before the meeting, do the following:\n"
                       "- Read your mentor's profile again.\n"
                       "- Write a short paragraph about where you are now:\n"
                       "  - your current role;\n"
                       "  - what is going well;\n"
                       "  - what feels stuck.\n"
                       "- Send the agenda two working days ahead.\n")[0]
    kept = trim_list(unit, np.array([0.5, 0.9, 0.1, 0.1, 0.1, 0.6]))
    assert [t for _, t in kept.items] == ["Read your mentor's profile again.",
                                          "Send the agenda two working days ahead."]
    kept = trim_list(unit, np.array([0.5, 0.1, 0.1, 0.9, 0.1, 0.6]), keep=4)
    assert [t for _, t in kept.items][:2] == ["Write a short paragraph about where you are now:",
                                              "your current role;"]
    assert len(kept.items) == 4


def test_a_numbered_list_is_steps_in_an_order_and_is_said_whole():
    from coach.compose import trim_list
    from coach.voice import build_units

    unit = build_units("The structure I use every time is:\n1. Who I am.\n2. What I work on.\n"
                       "3. The ask itself.\n4. Two or three questions.\n5. An easy way out.\n")[0]
    assert unit.ordered and len(trim_list(unit, np.arange(5.0)).items) == 5


def test_a_numbered_set_of_points_is_trimmed_like_any_list():
    from coach.compose import trim_list
    from coach.voice import build_units

    # seven numbered traits under "Great mentees:" were said whole, an eight-line reply
    unit = build_units("Great mentees:\n1. Keep every session.\n2. Come with a question.\n"
                       "3. Reply within a day.\n4. Share setbacks too.\n5. Say thank you.\n")[0]
    kept = trim_list(unit, np.array([0.1, 0.9, 0.2, 0.8, 0.7]))
    assert [t for _, t in kept.items] == ["Come with a question.", "Share setbacks too.",
                                          "Say thank you."]


def _unit_scored(n: int, score: float, vec: list[float]) -> _Scored:
    text = f"Point number {n} says something a mentee could do."
    return _Scored(score, passage(n, text, "Tips"), V.Unit([text], start=0, keys=frozenset({0})),
                   np.asarray(vec, dtype=np.float32), 0.0)


def test_in_a_close_call_the_near_equals_of_the_answer_are_said_too_but_only_two():
    said = lambda s: Point(s.passage, list(s.unit.sentences))  # noqa: E731
    # The best unit is weak (0.45): units within the answer margin of it are as relevant, though
    # under the support floor, and two of them follow the answer; a clearly weaker one does not.
    weak = [_unit_scored(1, 0.45, [1, 0, 0]), _unit_scored(2, 0.38, [0, 1, 0]),
            _unit_scored(3, 0.37, [0, 0, 1]), _unit_scored(4, 0.36, [0, 0.6, 0.8]),
            _unit_scored(5, 0.30, [0.6, 0.8, 0])]
    composition = select_points("what should I do?", weak, said)
    assert [p.passage.n for p in composition.points] == [1, 2, 3]
    # A confident answer (0.70) keeps the floors: a unit at 0.45 is no supporting point.
    strong = [_unit_scored(1, 0.70, [1, 0, 0]), _unit_scored(2, 0.62, [0, 1, 0]),
              _unit_scored(3, 0.45, [0, 0, 1])]
    assert [p.passage.n for p in select_points("what should I do?", strong, said).points] == [1, 2]


def test_a_page_for_mentors_and_mentees_gives_the_mentees_lists_and_not_the_mentors():
    # "Tips for Mentors and Mentees" was taken for a mentors' section: the whole passage was
    # left out and the question it answered was refused
    text = ("Good mentees:\n1. Keep every session you book.\n2. Come with a question.\n\n"
            "Poor mentees:\n1. Cancel on the morning of a session.\n\n"
            "Good mentors:\n1. Set aside an hour a month for each mentee.")
    units, _ = unit_texts(text, "Tips for Mentors and Mentees")
    assert [u.sentences for u in units] == [["Good mentees:"], ["Poor mentees:"]]
    assert V.warning_list("Poor mentees:") == "mistakes"


def test_a_note_from_a_supporting_point_is_offered_only_when_the_mentee_asked_what_to_do():
    said = lambda s: Point(s.passage, list(s.unit.sentences))  # noqa: E731
    privacy = "Keep out of your mentor's private life unless she brings it up."
    thanks = "Send your mentor a thank-you note after each session."
    scored = [_Scored(0.70, passage(1, privacy, "Boundaries"), V.Unit([privacy], start=0,
                      keys=frozenset({0})), np.asarray([1, 0], dtype=np.float32), 0.8),
              _Scored(0.66, passage(2, thanks, "Gratitude"), V.Unit([thanks], start=0,
                      keys=frozenset({0})), np.asarray([0, 1], dtype=np.float32), 0.8)]
    # "Is my mentor married?" got "Want me to draft a thank-you note?" from the second point
    asked_how_it_is = select_points("Is my mentor married?", scored, said)
    assert [p.passage.n for p in asked_how_it_is.points] == [1, 2]
    assert not [s for s in asked_how_it_is.suggestions if s.kind == "draft"]
    asked_what_to_do = select_points("How should I thank my mentor?", scored, said)
    assert [s.draft_kind for s in asked_what_to_do.suggestions if s.kind == "draft"] == [
        "thank-you"]


def test_a_sample_message_is_words_to_use_when_asked_and_an_example_otherwise(composer):
    # a sample in the first person ("I've been thinking ...") had counted as the writer's story
    # even when the mentee asked what to say, so an instruction beside it always won
    text = ("Keep the goodbye short and warm.\n\n"
            "\u201cI've really valued our talks this year, and I think it's time for me to wrap "
            "up our sessions. Thank you for everything you've shared.\u201d")
    evidence = [passage(1, text, "Ending well")]
    sample = next(c for c in composer.candidates("What can I actually say to end it?", evidence)
                  if V.is_sample(c.unit))
    assert sample.action == V.INSTRUCTION
    elsewhere = next(c for c in composer.candidates("How long should a mentorship last?",
                                                    evidence) if V.is_sample(c.unit))
    assert elsewhere.action < 0
