"""`coach eval`: what the grounding report measures, and how the command behaves for a user."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from coach.api import Coach
from coach.evaluation import (
    EvalSetError,
    advice_sentences,
    evaluate,
    first_hit,
    lexical_support,
    load_items,
    score_answer,
)
from coach.results import Answer, Passage
from coach.settings import Settings
from coach.text import split_sentences
from tests.support import run_cli

GENDER = {"question": "Can my mentor be a different gender from me?",
          "expect": ["need not be the same gender as you"]}
FOLLOW_UP = {"history": [{"role": "user", "content": "How should I ask someone to be my mentor?"}],
             "question": "What if she says no?", "expect": ["If she declines, let it go"]}
OFF_TOPIC = {"question": "How do I bake sourdough bread?", "out_of_scope": True}
THANKS = {"draft": {"kind": "thank-you", "to": "Marcus", "sender": "Priya",
                    "context": "he referred me to the hiring manager at Acme and I got the job"}}
NOT_IN_GUIDANCE = {"question": "How do I find a mentor?",
                   "expect": ["a phrase that appears nowhere in the guidance"]}


def passage(text: str, n: int = 1) -> Passage:
    return Passage(id=f"p{n}", text=text, title="Guide", section="Section", source="g.md",
                   score=0.8, n=n)


def write_set(path: Path, *items: dict) -> Path:
    path.write_text("\n".join(json.dumps(i) for i in items) + "\n", encoding="utf-8")
    return path



# --- the measures ---------------------------------------------------------------------------

def test_expected_phrases_match_regardless_of_curly_quotes_case_and_line_breaks() -> None:
    passages = [passage("Nothing relevant here.", 1),
                passage("You don\u2019t need to do\nanything to FORMALLY end it.", 2)]

    assert first_hit(passages, ["you don't need to do anything to formally end"]) == 2
    assert first_hit(passages, ["not in any passage"]) is None


def test_the_lead_in_line_is_not_advice_but_every_bullet_is() -> None:
    text = ("Here's what the guidance recommends:\n\n- Start with coffee. [1]\n"
            "- Ask what means of contact she prefers. [2]\n- Be patient.")

    assert advice_sentences(text) == ["Start with coffee. [1]",
                                      "Ask what means of contact she prefers. [2]",
                                      "Be patient."]


def test_lexical_support_is_the_share_of_the_sentences_words_found_in_the_passage() -> None:
    source = "If she declines, let it go and thank her for her time."

    assert lexical_support("If she declines, let it go. [1]", source) == 1.0
    assert lexical_support("Send her flowers every week. [1]", source) < 0.6


def test_uncited_and_fabricated_sentences_lower_coverage_and_support(
        corpus_store: Settings) -> None:
    coach = Coach(corpus_store)
    evidence = coach.retriever.search("My mentor has stopped returning my calls")
    quoted = next(p for p in evidence if "back way off" in p.text)
    true_sentence = next(s for s in split_sentences(quoted.text) if "back way off" in s)
    answer = Answer(
        "Here's what the guidance recommends:\n\n"
        f"- {true_sentence} [1]\n"
        "- Send your mentor an expensive gift basket every week until she answers. [1]\n"
        "- Mentors secretly enjoy being chased.",
        grounded=True, sources=[Passage(**{**quoted.__dict__, "n": 1})], kind="answer")

    scored = score_answer(answer, coach.verifier)

    assert (scored.advice_sentences, scored.cited_sentences) == (3, 2)
    assert scored.supported_verifier == 1 and scored.supported_lexical == 1
    assert scored.unsupported == [
        "Send your mentor an expensive gift basket every week until she answers. [1]"]


def test_a_refusal_has_no_advice_to_score(corpus_store: Settings) -> None:
    refusal = Answer("The guidance I have doesn't cover that.", grounded=False, kind="refusal")

    assert score_answer(refusal, Coach(corpus_store).verifier).advice_sentences == 0


# --- the labelled set -----------------------------------------------------------------------

def test_the_shipped_set_has_questions_follow_ups_off_topic_items_and_drafts() -> None:
    items = load_items()

    assert sum(bool(i.get("expect")) for i in items) >= 30
    assert any(i.get("history") for i in items)
    assert sum(bool(i.get("out_of_scope")) for i in items) >= 5
    assert {i["draft"]["kind"] for i in items if "draft" in i} == {
        "outreach", "thank-you", "back-off", "follow-up"}


@pytest.mark.parametrize(("line", "problem"), [
    ("{not json", "not valid JSON"),
    ('{"question": "How do I find a mentor?"}', '"expect"'),
    ('{"draft": {"kind": "thank-you", "to": "Marcus"}}', '"context"'),
])
def test_a_malformed_set_names_the_file_the_line_and_the_problem(
        tmp_path: Path, line: str, problem: str) -> None:
    path = tmp_path / "set.jsonl"
    path.write_text(json.dumps(GENDER) + "\n" + line + "\n", encoding="utf-8")

    with pytest.raises(EvalSetError, match=rf"set\.jsonl:2: .*{problem}"):
        load_items(path)


# --- the real pipeline ----------------------------------------------------------------------

def test_evaluate_scores_questions_follow_ups_refusals_and_drafts(corpus_store: Settings) -> None:
    report = evaluate(Coach(corpus_store), [GENDER, FOLLOW_UP, OFF_TOPIC, THANKS])

    assert (report.in_scope, report.out_of_scope, report.drafts) == (2, 1, 1)
    assert report.hit_at_5 == 1.0 and report.mrr > 0
    assert report.refusal_accuracy == 1.0 and report.false_refusal_rate == 0.0
    assert report.citation_coverage == 1.0
    assert report.support_verifier == report.support_lexical == 1.0
    assert report.draft_checks == len(report.items[-1].checks) > 0
    assert report.below({"hit3": 0.9, "support": 0.9, "mrr": None}) == []


def test_a_miss_shows_in_hits_and_in_the_threshold_failures(corpus_store: Settings) -> None:
    report = evaluate(Coach(corpus_store), [GENDER, NOT_IN_GUIDANCE])

    assert report.hit_at_5 == 0.5
    assert report.below({"hit3": 0.9}) == ["hit@3 0.500 is below the minimum 0.900"]


# --- the command ----------------------------------------------------------------------------

def test_eval_without_an_ingested_store_tells_the_user_to_ingest(
        settings: Callable[..., Settings]) -> None:
    result = run_cli(settings(), "eval")

    assert result.exit_code == 2
    assert "coach ingest" in result.output and "Traceback" not in result.output


def test_eval_json_reports_the_figures_and_exits_1_below_a_threshold(
        corpus_store: Settings, tmp_path: Path) -> None:
    path = write_set(tmp_path / "set.jsonl", GENDER, NOT_IN_GUIDANCE, OFF_TOPIC)

    passing = run_cli(corpus_store, "eval", "--set", str(path), "--json", "--min-hit3", "0.5",
                        "--min-refusal", "1")
    failing = run_cli(corpus_store, "eval", "--set", str(path), "--min-hit3", "0.9")

    assert passing.exit_code == 0, passing.output
    report = json.loads(passing.stdout)
    assert report["hit_at_3"] == 0.5 and report["refusal_accuracy"] == 1.0
    assert report["failures"] == [] and len(report["items"]) == 3
    assert failing.exit_code == 1
    assert "hit@3" in failing.stdout and "FAIL: hit@3 0.500" in failing.stderr


def test_eval_with_an_unreadable_set_is_a_clean_error(corpus_store: Settings,
                                                      tmp_path: Path) -> None:
    path = tmp_path / "broken.jsonl"
    path.write_text("{oops\n", encoding="utf-8")

    result = run_cli(corpus_store, "eval", "--set", str(path))

    assert result.exit_code == 2
    assert "broken.jsonl:1" in result.output and "Traceback" not in result.output
