"""`bench/calibrate.py`: replaying cached evidence gives the replies the live coach gives."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from bench import calibrate as K
from coach import compose as C
from coach import suite as S
from coach.api import Coach
from coach.settings import Settings

pytestmark = pytest.mark.model

SUITE = Path(__file__).parent / "guidance"
DOC = "quick-start-for-mentees.md"
REPLY = ("answer_kind", "gold_in_answer", "gold_first", "gold_first_point", "sentences")


def _items() -> list[dict]:
    lines = (SUITE / "questions" / f"{Path(DOC).stem}.jsonl").read_text().splitlines()
    outside = (SUITE / "questions" / "out-of-scope-a.jsonl").read_text().splitlines()[:3]
    return [{"doc": DOC, **json.loads(x)} for x in lines if x.strip()] + [
        json.loads(x) for x in outside]


@pytest.fixture(scope="module")
def suite_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    base = Settings.from_env(env={}, data_dir=tmp_path_factory.mktemp("calib"))
    return S._ingested(base, tmp_path_factory.mktemp("calib-store"), [SUITE / "docs" / DOC])


@pytest.fixture(scope="module")
def cases(suite_settings: Settings) -> list[K.Case]:
    return K._capture_group(Coach(suite_settings), _items())


def test_replaying_todays_weights_gives_the_live_replies_item_for_item(cases) -> None:
    replayed = K.Replayer(cases).run(C.WEIGHTS)

    assert any(c.candidates for c in cases) and any(c.candidates is None for c in cases)
    for case, item in zip(cases, replayed, strict=True):
        assert [getattr(item, f) for f in REPLY] == [getattr(case.item, f) for f in REPLY], \
            case.question


def test_a_composer_given_other_weights_says_what_their_replay_predicts(
        cases, suite_settings: Settings) -> None:
    short = replace(C.WEIGHTS, max_sentences=2, max_support=1)
    coach = Coach(suite_settings)
    coach.composer.weights = short
    live = [S.score_item(coach, {"doc": DOC, **i}) for i in _items() if not i.get(
        "out_of_scope")]

    replayed = [i for i in K.Replayer(cases).run(short) if not i.out_of_scope]
    assert [i.sentences for i in replayed] == [i.sentences for i in live]
    assert [i.gold_in_answer for i in replayed] == [i.gold_in_answer for i in live]
    # The budget binds: no reply longer than the answer unit plus one supporting sentence.
    assert max(i.sentences for i in live) < max(c.item.sentences for c in cases)


def test_coordinate_descent_never_ends_below_where_it_started(cases) -> None:
    replayers = {"isolated": K.Replayer(cases)}

    def keep(item: S.SuiteItem) -> bool:
        return True

    start = K.total_objective(replayers, C.WEIGHTS, keep)
    fitted = K.descend(replayers, keep, sweeps=1)
    assert K.total_objective(replayers, fitted, keep) >= start


def test_weights_on_the_command_line_name_a_field_or_fail_naming_them() -> None:
    assert K.parse_weights(["mmr_lambda=0.5", "max_support=2"]) == replace(
        C.WEIGHTS, mmr_lambda=0.5, max_support=2)
    with pytest.raises(ValueError, match="mmr_lambda"):
        K.parse_weights(["no_such_weight=1"])
