"""The embedded default generator: answers made of cited guidance sentences, deterministic."""

from __future__ import annotations

import pytest

from coach.compose import GroundedComposer, NothingRelevant, is_advice_candidate, voice
from coach.results import Passage
from coach.store import embeddings

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
    return GroundedComposer(embeddings())


def test_answers_with_the_guidance_sentences_closest_to_the_question(composer):
    evidence = [passage(1, GIFTS, "Follow through", 0.4),
                passage(2, SILENT, "Troubleshoot proactively", 0.7)]
    text = "".join(composer.stream("My mentor stopped returning my calls", evidence))
    assert "back way off. [2]" in text and "Send her a note" in text
    assert "small token" not in text


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
    assert is_advice_candidate("If she declines, let it go and move on.")


def test_voice_drops_flow_connectives_but_keeps_hedges():
    assert voice("Again, if she politely refuses, move on.") == "If she politely refuses, move on."
    assert voice("And let her guide the conversation.") == "Let her guide the conversation."
    assert voice("Likely, she feels overwhelmed.") == "Likely, she feels overwhelmed."
