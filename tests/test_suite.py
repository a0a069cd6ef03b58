"""How the guidance suite judges a reply: is the answering sentence in it, and first?"""

from __future__ import annotations

from coach.suite import gold_hit, opening_point

LISTED = ("A few small habits make video calls easier [1]:\n"
          "  - Sit facing a window so your face is lit [1].\n"
          "  - Put the camera at eye level [1].\n"
          "\n"
          "- Agree a fallback plan for a dropped line [2].")


def test_a_lead_in_opens_the_reply_together_with_its_list():
    opening = opening_point(LISTED)
    assert any(gold_hit(s, ["Put the camera at eye level"]) for s in opening)
    assert not any(gold_hit(s, ["Agree a fallback plan"]) for s in opening)  # a later point


def test_the_opening_point_is_the_first_paragraph_not_the_supporting_bullets():
    text = ("Mentors are not tutors [1]. They do not mark your work [1].\n\n"
            "- Agree a plan [2].")
    assert opening_point(text) == ["Mentors are not tutors [1].", "They do not mark your work [1]."]


def test_a_reworded_sentence_still_counts_as_the_gold_one():
    assert gold_hit("Send your mentor a note, thanking her for her help [2].",
                    ["Send her a note, thanking her for her help"])
    assert not gold_hit("Send your mentor an agenda [2].", ["Send her a note, thanking her"])


def test_the_suite_counts_points_that_lean_on_a_missing_neighbour():
    from coach.suite import DANGLING, POINTS_AHEAD

    for point in ["More common, though, is when you have to make the first move.",
                  "If you find yourself in any of these patterns, find a new mentor.",
                  "Remember that your mentor agreed to this.", "Another option is to wait.",
                  "Yet a mentor who only hears agreement cannot help you."]:
        assert DANGLING.match(point), point
    for point in ["Send a short note the same day.", "Talk to those who know the scheme.",
                  "It's fine to keep your own notes from meetings.",
                  "It is your call whether to take the advice.",
                  "It's worth bearing in mind that a title does not make a mentor.",
                  "It is the mentee's job to book each meeting.",
                  "It's not uncommon for mentor and mentee to stay in touch afterwards.",
                  "Before your first call, write down all of these things: goals, dates."]:
        assert not DANGLING.match(point) or POINTS_AHEAD.match(point), point


def test_the_suite_counts_markup_left_in_a_reply_as_debris():
    from coach.suite import DEBRIS

    for sentence in ["Read the **whole** guide.", "See [the FAQ](faq.md).", "| When | What |",
                     "Give your mentor time to adjust |", "> Keep it short.",
                     "^ Bring one ask to each call."]:
        assert DEBRIS.search(sentence), sentence
    for sentence in ["Give your mentor time to adjust.", "Ask either/or questions.",
                     "Meet at 10:30 - or 11 - on Monday.", "Growth like x^2 is rare."]:
        assert not DEBRIS.search(sentence), sentence


def test_a_labelled_history_is_replayed_with_the_coach_s_own_replies():
    from types import SimpleNamespace

    from coach.suite import lived

    asked: list[tuple[str, list]] = []

    class Coach:
        def ask(self, question: str, history: list) -> SimpleNamespace:
            asked.append((question, list(history)))
            return SimpleNamespace(text=f"reply to {question}")

    history = [{"role": "user", "content": "How often should we meet?"},
               {"role": "assistant", "content": "(every few weeks)"},
               {"role": "user", "content": "and for how long?"},
               {"role": "assistant", "content": "(an hour)"}]
    replayed = lived(Coach(), history)  # type: ignore[arg-type]
    assert [t["content"] for t in replayed] == [
        "How often should we meet?", "reply to How often should we meet?",
        "and for how long?", "reply to and for how long?"]
    assert asked[1] == ("and for how long?", replayed[:2])  # asked with the thread so far
    assert history[1]["content"] == "(every few weeks)"  # the labels are left as they were
