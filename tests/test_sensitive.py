"""Which sensitive domain a question asks about: judged on the part that asks, not the story."""

from __future__ import annotations

import pytest

from coach.results import Passage
from coach.sensitive import asking_part, uncovered_sensitive_topic

COACHING = [Passage(id="1", text="Send a short agenda two days before you meet.", title="t",
                    section="Before the meeting", source="x", score=0.5)]
HEALTH = [Passage(id="2", text="If nerves keep you awake, ask a doctor before you take any "
                  "medication or supplements.", title="t", section="Stress", source="x",
                  score=0.5)]
PAY = [Passage(id="3", text="Ask your mentor how she prepared for salary talks.", title="t",
               section="Pay", source="x", score=0.5)]


def test_the_asking_part_leaves_the_story_out() -> None:
    question = "My mentor is a corporate lawyer. how do I prepare for our first call?"
    assert asking_part(question) == "how do I prepare for our first call?"
    assert asking_part("Tell me about agendas") == "Tell me about agendas"


@pytest.mark.parametrize("question", [
    "My mentor is a corporate lawyer and I work in retail. How do I get useful advice from her?",
    "My mentor coached me for my salary negotiation and I got the raise! How do I thank her?",
    "My visa runs out next spring. How do we end the mentoring well if we stop early?",
    "How do I ask my mentor for advice on negotiating?",
    "After a hard disciplinary hearing I need to move our session. How much notice should I give?",
])
def test_a_coaching_question_with_a_sensitive_word_in_its_story_is_not_flagged(
        question: str) -> None:
    assert uncovered_sensitive_topic(question, COACHING) is None


@pytest.mark.parametrize(("question", "topic"), [
    # the story names the domain, the ask asks what that domain answers
    ("My mentor swears by beta blockers before talks. Should I take some before mine?",
     "medical"),
    ("My mentor's startup offered me stock options. How do I work out what they're worth?",
     "equity"),
    ("My contract says I can't join a competitor. Would I be allowed to join my mentor's firm?",
     "legal"),
    ("I'm on a student visa and my mentor found me weekend work. How many hours can I do?",
     "immigration"),
    # no domain word at all: the shape of the ask gives it away
    ("I shake before big calls. Is there something I can take to calm down first?", "medical"),
    # the drug is in the story; the ask points back at it
    ("My mentor uses sleeping pills on long trips. Could I borrow a couple of hers?", "medical"),
    ("They offered me 38k for the role. How much more should I ask for?", "pay"),
    ("I'm on a final written warning at work. Can they sack me for one more late day?",
     "employment"),
    ("My mentor says I'm worth more. What number should I counter with after their offer?",
     "pay"),
    ("What are Siemens' rules on staff mentoring people outside the company?", "policy"),
    ("Does Unilever let employees mentor people at other firms?", "policy"),
    # an employer named by where the mentee works, and what its rules say (own wording)
    ("Does Brightwell let you move teams in your first year?", "policy"),
    ("What does the Harbour Trust I work for say about gifts to mentors?", "policy"),
    ("We use Teams at Orbis Ltd. What does their recording policy say?", "policy"),
    ("My mentor says to apply for a blue card. What papers does a blue card need?",
     "immigration"),
    ("Should I exercise my options early like my mentor did?", "equity"),
    # fixing a device or a program is technical support
    ("My laptop froze before my mentor call. How do I reinstall the wifi driver?", "tech"),
    ("My laptop shows a black screen and my call is in ten minutes. How do I fix it?", "tech"),
    ("Does Brightwell's internal mentoring scheme count towards promotion?", "policy"),
    # supplements and the family doctor are the medical domain's words too
    ("My mentor takes zinc before long trips. How much should I take for mine?", "medical"),
    ("My hands shake in every meeting. Should I see a GP about it?", "medical"),
    # legal, pay, tax and discipline asks worded without the domain's name
    ("My landlord kept my deposit when I moved nearer my mentor. Do I have a claim?", "legal"),
    ("What should someone with eight years in nursing be on?", "pay"),
    ("My mentor's company refunded my train fare. Do I list it on my tax return?", "tax"),
    ("HR called me to a formal hearing next week. Can I bring a colleague?", "employment"),
    ("I was handed a final warning for lateness. How do I get it overturned?", "employment"),
    # a condition or a drink in the story, a remedy or an amount in the ask
    ("I get migraines after long calls. What should I take to stop them?", "medical"),
    ("My mentor drinks a beer before pitching. How many would be fine for me?", "medical"),
    # the story names the condition; the ask has no subject of its own
    ("My mentor wonders if I'm dyslexic. How do I get that confirmed?", "mental-health"),
    ("My mentor thinks my low mood is more than stress. Where do I get treated for it?",
     "mental-health"),
    ("A former client's letter says I copied her designs. How do I reply so I don't get sued?",
     "legal"),
    ("Should I pay off my credit card or start a pension first?", "finance"),
    # an employer named with "&", or named in the story and asked about as "they"
    ("Does Baker & Lowe give interns paid study leave?", "policy"),
    ("My mentor works at Accenture. Do they give new joiners a mentoring allowance?", "policy"),
])
def test_a_near_topic_question_is_flagged_by_what_it_asks(question: str, topic: str) -> None:
    assert uncovered_sensitive_topic(question, COACHING) == topic


@pytest.mark.parametrize("question", [
    "What should I take to my first meeting with my mentor? I'm nervous.",
    "I'm stressed about our call. Should I take some time to prepare the night before?",
    "What number of questions should I send my mentor before we meet?",
    "Does my mentor let me set the agenda?",
    "My mentor is a pharmacist. Can I borrow some of her time next week?",
    "Who owns the agenda for our meetings, me or my mentor?",
    "How long do I have to wait before following up with a mentor who hasn't replied?",
    "I had a migraine and missed our call. How do I apologise?",
    "How do I hold my mentor to the plan we agreed?",
    "My mentor works at Shell. Does she let mentees shadow her?",
    "My mentor invited me for a glass of wine after work. How do I keep it professional?",
    "What are the symptoms of a mentorship that is fading?",
    "How do I support my mentor through her illness?",
    "Can I speak to a representative of the scheme before I sign up?",
    "How do I find a community where I won't get treated badly as the only woman?",
])
def test_everyday_coaching_asks_that_share_words_with_an_intent_are_not_flagged(
        question: str) -> None:
    assert uncovered_sensitive_topic(question, COACHING) is None


def test_the_rules_stand_aside_when_the_evidence_discusses_the_domain() -> None:
    assert uncovered_sensitive_topic(
        "I shake before big calls. Is there something I can take to calm down?", HEALTH) is None
    assert uncovered_sensitive_topic(
        "They made me an offer. How much more should I ask for?", PAY) is None
    assert uncovered_sensitive_topic(
        "What are Siemens' rules on mentoring?",
        [*COACHING, Passage(id="4", text="Siemens asks mentors to register.", title="t",
                            section="s", source="x", score=0.5)]) is None


def test_fixing_a_device_the_guidance_talks_about_is_left_to_the_guidance() -> None:
    remote = [Passage(id="5", text="If the wifi drops twice, switch to a phone call.", title="t",
                      section="Remote calls", source="x", score=0.5)]
    assert uncovered_sensitive_topic("How do I fix my wifi before the call?", remote) is None
    assert uncovered_sensitive_topic("How can I fix things with my mentor?", COACHING) is None
    assert uncovered_sensitive_topic("My mentor and I argued. How do I fix it?", COACHING) is None


def test_a_mentor_named_in_the_question_is_not_taken_for_an_employer() -> None:
    assert uncovered_sensitive_topic("Would Sarah let me record our calls?", COACHING) is None
    assert uncovered_sensitive_topic("Does Tomás give feedback in writing?", COACHING) is None
    assert uncovered_sensitive_topic("I met my mentor at Google. How do I follow up?",
                                     COACHING) is None


@pytest.mark.parametrize("question", [
    "How do I ask my mentor for advice on my salary negotiation?",
    "Should I bring my stock options decision to my mentor, or is that too specific?",
    # whether to raise it at all, and how much to share: etiquette
    "I see a counsellor for stress. Is it OK to tell my mentor, and how much should I share?",
    "Would it be rude to ask my mentor what she earns, or is that too personal?",
])
def test_raising_a_sensitive_matter_with_the_mentor_is_a_coaching_question(question: str) -> None:
    assert uncovered_sensitive_topic(question, COACHING) is None


def test_asking_the_mentor_for_the_figure_itself_is_still_flagged() -> None:
    question = "My startup offered me stock options. Should I ask my mentor what they're worth?"
    assert uncovered_sensitive_topic(question, COACHING) == "equity"


@pytest.mark.parametrize("question", [
    "My mentor never talks about a partner. Is she married?",
    "How many kids does my mentor have?",
    "He ran a marathon last spring. What's his personal best?",
])
def test_a_fact_about_the_mentor_s_private_life_is_for_the_mentor_to_share(question: str) -> None:
    assert uncovered_sensitive_topic(question, COACHING) == "private"
    # guidance on the mentor's personal life answers how to behave about it
    manners = [Passage(id="8", text="Don't intrude into your mentor's personal life.", title="t",
                       section="Boundaries", source="x", score=0.5)]
    assert uncovered_sensitive_topic(question, manners) is None


@pytest.mark.parametrize("question", [
    "My mentor is going through a divorce. What should I do?",
    "Should I send a card for her husband's birthday?",
    "How do I ask my mentor about her husband's recovery?",
])
def test_behaving_well_around_the_mentor_s_private_life_is_coaching(question: str) -> None:
    assert uncovered_sensitive_topic(question, COACHING) is None


def test_a_product_recommendation_asked_of_the_coach_is_declined_unless_the_guidance_names_one(
        ) -> None:
    assert uncovered_sensitive_topic("Can you recommend a good app for session notes?",
                                     COACHING) == "products"
    assert uncovered_sensitive_topic("What's the best online course on presenting?",
                                     COACHING) == "products"
    assert uncovered_sensitive_topic("Can my mentor recommend books for me?", COACHING) is None
    guide = [Passage(id="9", text="Most pairs keep notes in a shared notes app.", title="t",
                     section="Notes", source="x", score=0.5)]
    assert uncovered_sensitive_topic("Can you recommend a good app for session notes?",
                                     guide) is None
