"""Drafts follow whichever guidance is in the library; "check my draft"; an LLM may phrase them.

Two team-written handbooks that disagree on purpose (tests/guidance/drafts/), each ingested
alone into a fresh store (real Chroma, real embeddings), get the same draft requests.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import pytest

from coach.drafts import DraftError, check_draft, check_email, compose_draft
from coach.drafts.facts import extract
from coach.drafts.phrasing import phrase_draft
from coach.errors import GeneratorUnavailable
from coach.results import Draft, Passage
from coach.retrieval import Retriever
from coach.store import open_store
from ingest.indexer import sync
from ingest.uploads import ingest_uploads

HERE = Path(__file__).parent / "guidance" / "drafts"
NORTH, SOUTH = HERE / "handbook-north.md", HERE / "handbook-south.md"
EMAILS = HERE / "emails"
POINT = re.compile(r'^(?P<label>[^"]+): "(?P<quote>.+)" \[(?P<n>\d+)\]$')
OUTREACH = ("Dr. Lee", "We met at the design meetup last month. I want guidance on moving into "
            "UX leadership")
BACK_OFF = ("Ana", "she hasn't replied to my last two emails about my portfolio review")


def _retriever(settings, *paths: Path, uploads: tuple[Path, ...] = ()):
    s = settings()
    store = open_store(s, create=True)
    if paths:
        assert sync(store, list(paths), progress=False).ok
    if uploads:
        assert ingest_uploads(store, list(uploads)).report.ok
    return functools.cache(Retriever(store, s).search)


@pytest.fixture(scope="module")
def libraries(tmp_path_factory):
    """One retriever per library: North alone, South alone, and the corpus plus a North upload."""
    from coach.settings import Settings
    from tests.conftest import CORPUS_DIR

    def settings():
        return Settings.from_env(env={}, data_dir=tmp_path_factory.mktemp("lib"),
                                 corpus_dir=CORPUS_DIR)

    return {"north": _retriever(settings, NORTH), "south": _retriever(settings, SOUTH),
            "corpus": _retriever(settings, CORPUS_DIR),
            "corpus+north": _retriever(settings, CORPUS_DIR, uploads=(NORTH,))}


def _draft(retrieve, kind, to, context):
    return compose_draft(kind, to=to, context=context, sender="Alex Kim", retrieve=retrieve)


def _assert_cited(d: Draft) -> None:
    assert d.points and d.sources
    for point in d.points:
        match = POINT.match(point)
        assert match, point
        assert match["quote"] in d.sources[int(match["n"]) - 1].text


# --------------------------------------------------------------------------- two handbooks


@pytest.mark.model
def test_north_outreach_asks_for_a_30_minute_video_call_with_questions_in_advance(libraries):
    d = _draft(libraries["north"], "outreach", *OUTREACH)
    assert "Would you be open to a 30-minute video call" in d.body
    assert "two or three questions in advance" in d.body
    assert "coffee" not in d.body and "phone" not in d.body
    _assert_cited(d)
    assert any(p.startswith("Asks for a 30-minute video call") for p in d.points)
    assert all(p.title == "North Team Mentoring Handbook" for p in d.sources)
    assert all(check_draft(d, OUTREACH[1]).values())


@pytest.mark.model
def test_south_outreach_asks_for_a_15_minute_phone_call_and_no_questions_ahead(libraries):
    d = _draft(libraries["south"], "outreach", *OUTREACH)
    assert "Would you be open to a 15-minute phone call" in d.body
    assert "in advance" not in d.body and "video" not in d.body and "coffee" not in d.body
    _assert_cited(d)
    assert any(p.startswith("Sends no questions in advance") for p in d.points)
    assert all(check_draft(d, OUTREACH[1]).values())


@pytest.mark.model
def test_north_back_off_mentions_the_programme_coordinator_and_south_does_not(libraries):
    north = _draft(libraries["north"], "back-off", *BACK_OFF)
    south = _draft(libraries["south"], "back-off", *BACK_OFF)
    assert "programme coordinator" in north.body
    assert "coordinator" not in south.body
    _assert_cited(north)
    _assert_cited(south)
    assert any("programme coordinator" in p for p in north.points)
    assert any("three weeks" in p for p in south.points)  # when to send it, from South
    assert any(p.startswith("Involves no one else") for p in south.points)
    for d in (north, south):
        assert "replied" not in d.body  # the complaint is never repeated back
        assert all(check_draft(d, BACK_OFF[1]).values())


@pytest.mark.model
def test_follow_up_timing_comes_from_the_handbook(libraries):
    context = "how the portfolio review went — I got two interviews"
    assert any("within a week" in p for p in _draft(libraries["north"], "follow-up", "Ana",
                                                    context).points)
    assert any("within a month" in p for p in _draft(libraries["south"], "follow-up", "Ana",
                                                     context).points)


@pytest.mark.model
def test_meeting_note_follows_each_handbook(libraries):
    context = "she agreed to meet; I want guidance on moving into UX leadership"
    north = _draft(libraries["north"], "meeting", "Jordan", context)
    south = _draft(libraries["south"], "meeting", "Jordan", context)
    assert "30-minute video call" in north.body and "two or three possible times" in north.body
    assert "15-minute phone call" in south.body
    for d in (north, south):
        assert "moving into UX leadership" in d.body
        assert all(check_draft(d, context).values())
        _assert_cited(d)


@pytest.mark.model
def test_an_upload_wins_over_the_shipped_article_and_the_draft_says_so(libraries):
    d = _draft(libraries["corpus+north"], "outreach", *OUTREACH)
    assert "30-minute video call" in d.body and "coffee" not in d.body
    assert d.notice and "North Team Mentoring Handbook" in d.notice
    assert "your own upload" in d.notice
    ask = next(p for p in d.points if p.startswith("Asks for"))
    n = int(POINT.match(ask)["n"])
    assert d.sources[n - 1].source.startswith("uploads/")


@pytest.mark.model
def test_the_shipped_article_alone_still_asks_for_coffee(libraries):
    d = _draft(libraries["corpus"], "outreach", *OUTREACH)
    assert "Would you be open to a coffee" in d.body and d.notice is None
    assert all(check_draft(d, OUTREACH[1]).values())


@pytest.mark.model
def test_with_no_relevant_guidance_the_draft_says_so_and_keeps_the_neutral_structure(settings):
    d = _draft(_retriever(settings), "outreach", *OUTREACH)
    assert d.points == [] and d.notice.startswith("I couldn't find the guidance")
    assert "a coffee or a short call" in d.body


# --------------------------------------------------------------------------- facts


@pytest.mark.parametrize(("sentence", "expected"), [
    ("Ask for a 30-minute video call.", {"duration": "30-minute", "channel": "video call"}),
    ("Request 15 minutes on the phone.", {"duration": "15-minute", "channel": "phone call"}),
    ("Suggest lunch near their office.", {"channel": "lunch"}),
    ("Offer half an hour over Zoom.", {"duration": "30-minute", "channel": "video call"}),
    ("Reply within two days.", {"span": "within two days"}),
    ("After three unanswered emails, tell your line manager.",
     {"unanswered": "three", "escalate_to": "line manager"}),
    ("Don't send an agenda in advance.", {"no_advance": True}),
    ("Share four questions beforehand.", {"questions": "four", "in_advance": True}),
])
def test_concrete_steps_are_read_from_any_wording(sentence, expected):
    facts = extract(sentence)
    assert {k: getattr(facts, k) for k in expected} == expected


# --------------------------------------------------------------------------- check my draft


def _check(libraries, library, kind, name):
    return check_email(kind, (EMAILS / f"{name}.txt").read_text(), libraries[library])


def _status(result, label_start):
    return next(i.status for i in result.items if i.label.startswith(label_start))


@pytest.mark.model
@pytest.mark.parametrize(("kind", "name"), [("outreach", "outreach-good"),
                                            ("thank-you", "thank-you-good"),
                                            ("back-off", "back-off-good")])
def test_good_emails_pass(libraries, kind, name):
    result = _check(libraries, "corpus", kind, name)
    assert result.ok, result.as_text()
    assert all(i.quote in result.sources[i.n - 1].text for i in result.items if i.n)


@pytest.mark.model
def test_an_over_long_outreach_with_a_big_ask_is_flagged(libraries):
    result = _check(libraries, "corpus", "outreach", "outreach-long")
    assert not result.ok and result.words > 150
    assert _status(result, "Keeps the request short") == "contradicted"
    assert _status(result, "Asks for") == "contradicted"  # weekly for a year is not small
    assert _status(result, "Makes it easy to say no") == "missing"


@pytest.mark.model
def test_a_missing_ask_is_flagged_with_the_handbooks_own_ask(libraries):
    email = "Dear Dr. Lee,\n\nMy name is Alex. I'd value your perspective on UX leadership.\n\nAlex"
    result = check_email("outreach", email, libraries["south"])
    item = next(i for i in result.items if i.label.startswith("Asks for"))
    assert item.status == "missing" and "15-minute phone call" in item.suggestion
    assert item.quote == "Ask for a 15-minute phone call."


@pytest.mark.model
def test_asking_for_coffee_contradicts_a_handbook_that_asks_for_a_video_call(libraries):
    result = _check(libraries, "north", "outreach", "outreach-good")
    assert _status(result, "Asks for a 30-minute video call") == "contradicted"
    assert _status(result, "Offers to send two or three questions") in ("met", "missing")


@pytest.mark.model
def test_a_thank_you_without_thanks_and_with_a_new_request_is_flagged(libraries):
    result = _check(libraries, "corpus", "thank-you", "thank-you-no-thanks")
    assert _status(result, "Thanks them for something specific") == "missing"
    assert _status(result, "Keeps it a sincere note") == "contradicted"


@pytest.mark.model
def test_guilt_in_a_back_off_note_is_flagged_line_by_line(libraries):
    result = _check(libraries, "corpus", "back-off", "back-off-guilt")
    guilt = next(i for i in result.items if i.label == "No guilt or pressure")
    assert guilt.status == "contradicted"
    for line in ("I guess you're too busy for me these days.", "still waiting",
                 "you promised to look at my portfolio"):
        assert line in guilt.suggestion
    assert _status(result, "Thanks them and offers to reconnect") == "missing"


@pytest.mark.model
def test_north_back_off_check_asks_for_the_coordinator(libraries):
    result = _check(libraries, "north", "back-off", "back-off-good")
    assert _status(result, "Lets your programme coordinator know") == "missing"
    assert _status(result, "No guilt") == "met"


@pytest.mark.parametrize("text", ["", "   \n "])
def test_an_empty_email_is_refused(text):
    with pytest.raises(DraftError, match="Paste the email"):
        check_email("outreach", text, lambda q: [])


def test_the_cli_checks_a_file_and_stdin(corpus_store, tmp_path):
    from click.testing import CliRunner

    from coach.cli import main

    args = ["--data-dir", str(corpus_store.data_dir), "check"]
    runner = CliRunner()
    good = runner.invoke(main, [*args, "outreach", str(EMAILS / "outreach-good.txt")])
    assert good.exit_code == 0, good.output
    assert "✓ met" in good.output and "✗" not in good.output
    bad = runner.invoke(main, [*args, "back-off", "-"],
                        input=(EMAILS / "back-off-guilt.txt").read_text())
    assert bad.exit_code == 1 and "No guilt or pressure" in bad.output
    assert "✗ contradicted" in bad.output


# --------------------------------------------------------------------------- LLM phrasing


class _FakeModel:
    name = "fake"

    def __init__(self, reply: str | Exception) -> None:
        self.reply = reply
        self.prompts: list[str] = []

    def stream(self, question, evidence, history):
        self.prompts.append(question)
        if isinstance(self.reply, Exception):
            raise self.reply
        yield self.reply


@pytest.fixture(scope="module")
def verifier(corpus_store):
    from coach.verify import Verifier

    return Verifier(open_store(corpus_store).embeddings)


def _north_draft(libraries):
    return _draft(libraries["north"], "outreach", *OUTREACH)


@pytest.mark.model
def test_a_faithful_phrasing_is_used_without_its_citation_marks(libraries, verifier):
    d = _north_draft(libraries)
    reply = ("Dear Dr. Lee,\n\nIt was lovely meeting you at the design meetup last month. My name "
             "is Alex Kim, and I'm reaching out for some guidance as I grow in my field; I'd "
             "value your perspective on moving into UX leadership.\n\nWould you be open to a "
             "30-minute video call at a time that suits you? [1] I'll send two or three "
             "questions in advance.\n\nIf now isn't a good time, no worries at all.\n\n"
             "Thank you for considering it.\n\nBest regards,\nAlex Kim")
    model = _FakeModel(reply)
    out = phrase_draft(d, OUTREACH[1], model, verifier)
    assert "lovely meeting you" in out.body and "[1]" not in out.body
    assert out.points == d.points and out.sources == d.sources and out.notice == d.notice
    assert d.body in model.prompts[0]


@pytest.mark.parametrize(("reply", "why"), [
    ("Dear Dr. Lee,\n\nMy name is Alex Kim. I'd value your perspective on moving into UX "
     "leadership. Would you be open to a long lunch? If now isn't a good time, no worries.\n\n"
     "Alex Kim", "lunch"),
    ("Dear Dr. Lee,\n\nMy name is Alex Kim. I'd value your perspective on moving into UX "
     "leadership. Would you be open to a 30-minute video call? Mentors should always reply "
     "within a day. [1] If now isn't a good time, no worries.\n\nAlex Kim", "does not say"),
    ("Dear Dr. Lee,\n\nWould you be my mentor for the next year? Let's meet weekly.\n\nAlex Kim",
     "lost"),
    (GeneratorUnavailable("the model server at http://x is down"), "down"),
])
@pytest.mark.model
def test_an_unfaithful_or_failed_phrasing_falls_back_to_the_grounded_draft(libraries, verifier,
                                                                           reply, why):
    d = _north_draft(libraries)
    out = phrase_draft(d, OUTREACH[1], _FakeModel(reply), verifier)
    assert out.body == d.body
    assert out.notice and "did not hold up" in out.notice and why in out.notice


def test_the_coach_phrases_drafts_only_with_a_model_configured(corpus_store):
    from coach.api import Coach

    model = _FakeModel(GeneratorUnavailable("down"))
    d = Coach(settings=corpus_store, generator=model).draft("thanks", "Marcus",
                                                            "for the referral — I got the job")
    assert model.prompts and d.notice and "did not hold up" in d.notice
    plain = Coach(settings=corpus_store).draft("thanks", "Marcus",
                                               "for the referral — I got the job")
    assert plain.notice is None and plain.body == d.body


@pytest.mark.model
def test_passages_in_check_results_are_numbered_from_one(libraries):
    result = _check(libraries, "south", "back-off", "back-off-good")
    assert [p.n for p in result.sources] == list(range(1, len(result.sources) + 1))
    assert all(isinstance(p, Passage) for p in result.sources)


def test_a_step_quoted_from_a_list_item_is_quoted_without_its_bullet():
    from coach.drafts.steps import find_steps

    text = ("When you say thank you, tell them how it went:\n"
            "- If it worked out, share the outcome and what made the difference.\n"
            "- If not, say what you learned; that is a useful result too.")
    passage = Passage("h#1", text, "Handbook", "Saying thanks", "corpus/h.md", 0.6, n=1)
    step = find_steps("thank-you", lambda query: [passage]).get("outcome")
    assert step is not None and step.sentence in text
    assert step.sentence.startswith("If it worked out")  # not "- If it worked out"
