"""The coach in conversation: cited answers, refusals, small talk, follow-ups, drafts from chat."""

from __future__ import annotations

import re

import pytest

from coach.api import Coach
from coach.conversation import REFUSAL, mentor_name, named_person, resolve_follow_up
from coach.declines import OTHER_WRITING
from coach.text import citations, split_sentences, strip_citations
from tests import labelled


@pytest.fixture(scope="module")
def coach(corpus_store) -> Coach:
    return Coach(corpus_store)


def advice_sentences(answer) -> list[str]:
    # The answer paragraph, then "- " bullets (list items indented under a lead-in); an offer
    # to draft ("Want me to draft ...?") or the sources line is not advice.
    offers = {s.label for s in answer.suggestions}
    lines = [re.sub(r"^\s*- ", "", line) for line in answer.text.splitlines()
             if line.strip() and line.strip() not in offers
             and not line.endswith(("both cover this.", "differ on this."))]
    return [s for line in lines for s in split_sentences(line) if s.strip()]


def test_nearly_every_in_scope_question_gets_a_grounded_answer(coach):
    answers = [coach.ask(item["question"]) for item in labelled.IN_SCOPE]
    refused = [i["question"] for i, a in zip(labelled.IN_SCOPE, answers, strict=True)
               if a.kind != "answer"]
    assert len(refused) <= len(answers) // 10, refused


@pytest.mark.parametrize("item", labelled.IN_SCOPE[:12], ids=lambda i: i["question"][:40])
def test_every_advice_sentence_cites_a_shown_passage_that_contains_it(coach, item):
    answer = coach.ask(item["question"])
    if answer.kind == "refusal":
        pytest.skip("refused (counted by the test above)")
    assert answer.grounded, answer.text
    sentences = advice_sentences(answer)
    assert sentences
    shown = {p.n: p for p in answer.sources}
    for sentence in sentences:
        cited = citations(sentence)
        assert cited, f"uncited advice: {sentence!r}"
        for n in cited:
            assert n in shown, f"[{n}] cited but not shown"
            # Said in the guidance's words, or reworded by rule and checked by the verifier.
            said = strip_citations(sentence).rstrip(".:;")[-30:]
            assert said in _plain(shown[n].text) or coach.verifier.check(
                sentence, [shown[n]]).supported, sentence


def _plain(text: str) -> str:
    return " ".join(re.sub(r"\*\*|__|`", "", text).split())


def test_a_silent_mentor_gets_the_back_off_advice(coach):
    answer = coach.ask("My mentor has stopped answering my calls. What now?")
    assert "back way off" in answer.text
    assert any(p.section == "Troubleshoot proactively" for p in answer.sources)


def test_the_reply_opens_with_the_answer_not_a_lead_in(coach):
    answer = coach.ask("My mentor has stopped answering my calls. What now?")
    first = answer.text.split("\n", 1)[0]
    assert not first.startswith("Here's") and citations(first), answer.text
    assert "**" not in answer.text


def test_a_yes_to_the_offered_draft_gets_that_draft_for_the_named_mentor(coach):
    history = [{"role": "user", "content": "My mentor Ana has stopped answering my calls since "
                                            "my project review. What now?"}]
    reply = coach.ask(history[0]["content"])
    offer = next((s for s in reply.suggestions if s.kind == "draft"), None)
    assert offer is not None, reply.text
    assert reply.text.endswith(offer.label) and "Ana" in offer.label
    history.append({"role": "assistant", "content": reply.text})
    answer = coach.ask("yes please", history)
    assert answer.kind == "draft" and answer.draft is not None
    assert answer.draft.kind == offer.draft_kind and answer.draft.to == "Ana"


def offered_and_accepted(coach, said: str, offer: str, yes: str = "yes please"):
    """The answer to `yes` after `said` got a reply ending in the draft `offer`."""
    reply = coach.ask(said)
    assert reply.text.endswith(offer), reply.text
    history = [{"role": "user", "content": said}, {"role": "assistant", "content": reply.text}]
    return coach.ask(yes, history)


def test_a_mentor_named_with_a_title_gets_a_draft_that_greets_and_thanks_them(coach):
    said = ("My mentor Dr. Priya Shah helped me prepare my fellowship application last spring, "
            "but she has stopped replying to my emails. What should I do?")
    answer = offered_and_accepted(coach, said, "Want me to draft a back-off note to Dr. Priya "
                                                "Shah?")
    assert answer.draft is not None and answer.draft.to == "Dr. Priya Shah"
    assert answer.draft.body.startswith("Hi Dr. Shah,")
    assert "for helping me prepare my fellowship application last spring" in answer.draft.body


def test_asking_how_to_approach_someone_offers_an_outreach_draft_to_them(coach):
    said = ("I met Dr. Ana Ruiz at a data science meetup last month and I'd love her to mentor "
            "me on moving into machine learning. How do I approach her?")
    answer = offered_and_accepted(coach, said, "Want me to draft an outreach email to Dr. Ana "
                                                "Ruiz?")
    assert answer.draft is not None and answer.draft.kind == "outreach"
    assert answer.text.startswith("Here's an outreach draft for Dr. Ana Ruiz:")
    assert answer.draft.body.startswith("Dear Dr. Ruiz,")
    assert "machine learning" in answer.draft.body and "?" not in answer.draft.body.split(
        "\n\n")[1]  # the mentee's question to the coach is not told to Dr. Ruiz


def test_a_draft_tells_the_mentor_what_happened_not_what_the_mentee_asked_the_coach(coach):
    said = ("My mentor Sam Lee reviewed my CV last week and I got the interview! How should I "
            "thank him?")
    body = offered_and_accepted(coach, said, "Want me to draft a thank-you note to Sam Lee?",
                                yes="sure").draft.body
    assert "for reviewing my CV last week" in body and "I got the interview!" in body
    assert "How should I" not in body and "thank you?" not in body


def test_yes_without_an_offer_is_not_a_draft_request(coach):
    history = [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "Hi!"}]
    assert coach.ask("yes", history).kind != "draft"


@pytest.mark.parametrize("item", labelled.OUT_OF_SCOPE, ids=lambda i: i["question"][:40])
def test_out_of_scope_questions_are_refused_without_invented_advice(coach, item):
    answer = coach.ask(item["question"])
    assert answer.kind == "refusal"
    assert not answer.grounded and not answer.sources
    assert "doesn't cover" in answer.text and "draft" in answer.text  # says what it CAN do


@pytest.mark.parametrize("question", [
    "Which headphones should I buy for long video calls with my mentor?",
    "What's the best webcam to buy for calls with my mentor?",
])
def test_which_product_to_buy_is_declined_however_near_mentoring_it_sounds(coach, question):
    answer = coach.ask(question)
    assert answer.kind == "refusal" and not answer.sources, answer.text


@pytest.mark.parametrize("message", [
    "can you write the intro to my dissertation? my mentor says it is weak",
    "Could you proofread my cover letter before I show it to my mentor?",
    "My mentor runs marathons and I want to start. Write me a 10-week running plan.",
])
def test_writing_that_is_not_a_note_to_a_mentor_is_declined_saying_what_it_can_draft(
        coach, message):
    answer = coach.ask(message)
    assert answer.kind == "refusal" and answer.text == OTHER_WRITING and not answer.sources


@pytest.mark.parametrize("message", ["Can you help me write my first message to a potential "
                                     "mentor?", "Could you write a thank-you note to Sam?",
                                     "Make me a plan for our first meeting."])
def test_a_note_to_a_mentor_is_still_drafted_or_asked_about(coach, message):
    assert coach.ask(message).text != OTHER_WRITING


@pytest.mark.parametrize("message", ["hi", "Hello!", "thanks", "Thank you so much!",
                                     "what can you do?", "bye"])
def test_small_talk_gets_a_short_reply_that_cites_nothing(coach, message):
    answer = coach.ask(message)
    assert answer.kind == "smalltalk"
    assert not answer.sources and not citations(answer.text)
    assert len(answer.text) < 600


@pytest.mark.parametrize("item", labelled.FOLLOW_UPS, ids=lambda i: i["question"][:40])
def test_follow_ups_are_resolved_against_the_earlier_turns(coach, item):
    answer = coach.ask(item["question"], history=item["history"])
    assert answer.kind == "answer", answer.text
    assert any(labelled.hits(p.text, item["expect"]) for p in answer.sources), answer.text


def test_a_follow_up_alone_lacks_the_context_its_history_gives():
    history = [{"role": "user", "content": "How should I ask someone to be my mentor?"},
               {"role": "assistant", "content": "..."}]
    assert resolve_follow_up("What if she says no?", []) == "What if she says no?"
    resolved = resolve_follow_up("What if she says no?", history)
    assert "ask someone to be my mentor" in resolved and "says no" in resolved
    # A fresh, self-contained question is not glued to the previous topic.
    assert resolve_follow_up("Is it okay to give my mentor a gift?", history) == \
        "Is it okay to give my mentor a gift?"


def test_a_follow_up_about_a_thing_already_discussed_is_read_with_it():
    history = [{"role": "user", "content": "How do I remind my mentor about our call?"},
               {"role": "assistant", "content": "Send a short note the day before."}]
    for follow_up in ["what should that reminder actually say?", "ok and what if she ignores it?",
                      "what do I put in it?"]:
        assert "remind my mentor" in resolve_follow_up(follow_up, history), follow_up
    for fresh in ["How do I find a mentor in a new city?", "Is it okay to ask twice?"]:
        assert resolve_follow_up(fresh, history) == fresh


def test_a_question_that_answers_back_is_read_with_the_earlier_turn():
    history = [{"role": "user", "content": "How often should I meet my mentor?"},
               {"role": "assistant", "content": "Keep in regular contact."}]
    for follow_up in ["does it have to be face to face though?", "how often is regular then?",
                      "ok I've picked a day. what goes in the invite?"]:
        assert "meet my mentor" in resolve_follow_up(follow_up, history), follow_up
    fresh = "Should I thank my mentor after every meeting?"
    assert resolve_follow_up(fresh, history) == fresh


def test_a_question_asking_for_more_of_the_last_answer_is_read_with_it():
    history = [{"role": "user", "content": "What should I do before each meeting?"},
               {"role": "assistant", "content": "Look back over your last session."}]
    for follow_up in ["what exactly should I be looking back at?", "like what exactly? just "
                      "the notes?", "anything else after that? the last one went well",
                      "anything beyond notes though? something longer term?"]:
        assert "before each meeting" in resolve_follow_up(follow_up, history), follow_up
    for fresh in ["Even though she is busy, should I email my mentor?",
                  "How do I ask my mentor for feedback on my CV?"]:
        assert resolve_follow_up(fresh, history) == fresh


def test_a_follow_up_is_not_opened_with_what_the_last_reply_opened_with(coach):
    first = coach.ask("How do I find a mentor?")
    history = [{"role": "user", "content": "How do I find a mentor?"},
               {"role": "assistant", "content": first.text}]
    follow_up = coach.ask("where should I look then?", history)
    assert follow_up.kind == "answer"
    opening = [strip_citations(t.text.splitlines()[0]) for t in (first, follow_up)]
    assert opening[0] != opening[1], opening
    # ... unless the line said before is still what the follow-up alone asks about
    gift = coach.ask("Should I give my mentor a gift?")
    history = [{"role": "user", "content": "Should I give my mentor a gift?"},
               {"role": "assistant", "content": gift.text}]
    same_company = coach.ask("and what if we work at the same company?", history)
    assert "same company" in same_company.text.splitlines()[0]


def test_each_conversation_resolves_against_its_own_history(coach):
    gift = [{"role": "user", "content": "Should I give my mentor a gift to say thanks?"}]
    silent = [{"role": "user", "content": "My mentor stopped returning my calls."}]
    a = coach.ask("And what if we work at the same company?", history=gift)
    b = coach.ask("And what if I run into her at an event?", history=silent)
    assert any("material thank you" in p.text for p in a.sources)
    assert any("definitely say hello" in p.text for p in b.sources)


def test_stream_yields_pieces_then_the_answer_they_add_up_to(coach):
    pieces = list(coach.stream("How do I thank my mentor?"))
    *texts, answer = pieces
    assert len(texts) >= 2 and all(isinstance(t, str) for t in texts)
    assert "".join(texts) == answer.text


@pytest.mark.parametrize("message", ["", "   \n\t ", "\x00\x01\x02"])
def test_an_empty_message_gets_a_clear_prompt_not_an_error(coach, message):
    answer = coach.ask(message)
    assert answer.kind == "invalid" and "type a question" in answer.text


def test_a_huge_message_is_truncated_with_a_notice(coach):
    answer = coach.ask("How do I find a mentor? " + "blah " * 20_000)
    assert answer.notice and "4,000" in answer.notice
    assert answer.kind in {"answer", "refusal"}


def test_control_characters_are_ignored(coach):
    answer = coach.ask("How do I \x07find a\x1b mentor?")
    assert answer.kind == "answer"
    assert "\x07" not in (answer.query or "")


def test_a_draft_asked_for_in_chat_comes_back_as_a_draft(coach):
    answer = coach.ask("Draft a note thanking Marcus for the referral")
    assert answer.kind == "draft" and answer.draft is not None
    assert answer.draft.kind == "thank-you" and answer.draft.to == "Marcus"
    assert "Subject:" in answer.text and answer.sources


def test_refusal_text_is_the_same_whatever_the_question(coach):
    assert coach.ask("How do I bake sourdough bread?").text == REFUSAL


def test_a_question_word_before_my_mentor_is_not_the_mentor_s_name():
    asked = [{"role": "user", "content": "Does my mentor have to work at my company?"}]
    assert mentor_name(asked) is None
    named = [{"role": "user", "content": "Ana, my mentor, has gone quiet."}]
    assert mentor_name(named) == "Ana"
    for said, name in [("My mentor Dr. Priya Shah has gone quiet.", "Dr. Priya Shah"),
                       ("my mentor José answers slowly", "José"),
                       ("My mentor Siobhan O'Neill is away.", "Siobhan O'Neill")]:
        assert mentor_name([{"role": "user", "content": said}]) == name


def test_the_mentee_s_own_i_d_or_i_m_is_nobody_to_write_to():
    # Seen on a real page's question: the offer read "Want me to draft an outreach email to I'd?"
    for said, name in [("I read about a bridge designer and I'd love her advice.", None),
                       ("She spoke at a meetup and I’m keen to learn from her.", None),
                       ("I met Dr. Ana Ruiz at a meetup and I'd love her advice.", "Dr. Ana Ruiz")]:
        assert named_person([{"role": "user", "content": said}]) == name
