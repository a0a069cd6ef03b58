"""`coach eval --suite DIR`: per-document figures for a library of several guidance documents."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from coach.cli import main
from coach.settings import Settings

pytestmark = pytest.mark.model

# Two small guidance documents of our own, in two formats, with labelled questions.
CALLS = """# Video calls with your mentor

## Setting up
Put the camera at eye level and sit facing the light so your mentor can see your face.

## When the line drops
Agree at the start that if the video fails twice you will both switch to a phone call.
"""
GOALS = """Setting goals with a mentor

Pick one goal for the next three months and write down how you will know you reached it.
Review the goal with your mentor at every third meeting and change it if it no longer fits.
"""
QUESTIONS = [
    {"question": "how should I position my webcam for a call?", "doc": "calls.md",
     "expect": ["Put the camera at eye level"]},
    {"question": "what if the connection keeps failing?", "doc": "calls.md",
     "expect": ["switch to a phone call"]},
    {"question": "how far ahead should my goals look?", "doc": "goals.txt",
     "expect": ["Pick one goal for the next three months"]},
    {"question": "How much tax will I pay on my mentoring stipend?", "out_of_scope": True},
]


def make_suite(root: Path) -> Path:
    (root / "docs").mkdir(parents=True)
    (root / "questions").mkdir()
    (root / "docs" / "calls.md").write_text(CALLS, encoding="utf-8")
    (root / "docs" / "goals.txt").write_text(GOALS, encoding="utf-8")
    (root / "questions" / "set.jsonl").write_text(
        "\n".join(json.dumps(q) for q in QUESTIONS) + "\n", encoding="utf-8")
    return root


def run(settings: Settings, *args: str):  # noqa: ANN201
    return CliRunner().invoke(main, ["--data-dir", str(settings.data_dir), *args], obj=settings)


def test_eval_suite_prints_a_row_per_document_and_leaves_the_users_store_alone(
        tmp_path: Path) -> None:
    settings = Settings.from_env(env={}, data_dir=tmp_path / "data")
    result = run(settings, "eval", "--suite", str(make_suite(tmp_path / "suite")),
                 "--no-shipped")
    assert result.exit_code == 0, result.output
    rows = {line.split()[0] for line in result.output.splitlines() if line.strip()}
    assert {"calls.md", "goals.txt", "all"} <= rows
    header = next(line for line in result.output.splitlines() if line.startswith("document"))
    assert "hit@3" in header and "declined" in header and "LODO cut" in header
    assert not (tmp_path / "data" / "chroma").exists()  # a temporary store, not the user's


def test_eval_suite_json_carries_per_document_figures(tmp_path: Path) -> None:
    settings = Settings.from_env(env={}, data_dir=tmp_path / "data")
    result = run(settings, "eval", "--suite", str(make_suite(tmp_path / "suite")),
                 "--no-shipped", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output.splitlines()[-1])
    docs = {row["doc"]: row for row in report["docs"]}
    assert set(docs) == {"calls.md", "goals.txt"}
    assert docs["calls.md"]["questions"] == 2 and docs["calls.md"]["hit_at_3"] == 1.0
    assert report["total"]["declined"] == 1.0  # the tax question


def test_eval_suite_on_a_folder_that_is_not_a_suite_is_a_clean_error(tmp_path: Path) -> None:
    settings = Settings.from_env(env={}, data_dir=tmp_path / "data")
    result = run(settings, "eval", "--suite", str(tmp_path))
    assert result.exit_code == 2 and "docs/" in result.output
