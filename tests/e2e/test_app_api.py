"""The web app's named API (/ask, /draft, /ingest) as a gradio_client user sees it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.documents import JOURNAL_DOC

pytest_plugins = ["app_server"]  # the app_server fixture
pytestmark = pytest.mark.e2e



@pytest.fixture(scope="module")
def client(app_server: Any):
    from gradio_client import Client

    return Client(app_server.url, verbose=False)


def test_the_api_offers_ask_draft_and_ingest(client) -> None:
    endpoints = client.view_api(print_info=False, return_format="dict")["named_endpoints"]
    assert {"/ask", "/draft", "/ingest"} <= set(endpoints)


def test_ask_answers_an_in_scope_question_with_its_sources(client) -> None:
    text, sources = client.predict("How do I find a mentor?", "[]", api_name="/ask")

    assert text.strip()
    assert sources, "an in-scope answer must cite guidance"
    first = sources[0]
    assert first["title"].startswith("Making the Mentor Partnership Work")
    assert first["text"].strip()
    assert isinstance(first["score"], float)


def test_ask_follows_up_on_the_conversation_so_far(client) -> None:
    question = "My mentor stopped returning my calls. What should I do?"
    first, _ = client.predict(question, "[]", api_name="/ask")
    history = json.dumps([{"role": "user", "content": question},
                          {"role": "assistant", "content": first}])

    text, sources = client.predict("What if she still doesn't answer?", history, api_name="/ask")

    assert text.strip() and sources
    assert any("Troubleshoot" in s["section"] or "back" in s["text"].lower() for s in sources)


def test_ask_refuses_a_question_the_guidance_does_not_cover(client) -> None:
    from coach.conversation import REFUSAL

    text, sources = client.predict("How do I change the brake pads on my car?", "[]",
                                   api_name="/ask")

    assert text == REFUSAL
    assert sources == []


def test_ask_rejects_a_malformed_history_with_a_clear_message(client) -> None:
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError, match="history_json"):
        client.predict("How do I find a mentor?", '{"not": "a list"}', api_name="/ask")


def test_draft_returns_a_subject_a_body_and_the_points_it_follows(client) -> None:
    subject, body, points = client.predict(
        "thank-you", "Dana", "she reviewed my CV and introduced me to her team lead", "Alex",
        api_name="/draft")

    assert subject.strip()
    assert "Dana" in body
    assert "Alex" in body
    assert points and all(isinstance(p, str) and p for p in points)


def test_draft_explains_a_bad_request_instead_of_crashing(client) -> None:
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError) as caught:
        client.predict("love-letter", "Dana", "we met at a meetup", "Alex", api_name="/draft")
    assert "love-letter" in str(caught.value) or "kind" in str(caught.value).lower()


def test_an_uploaded_document_is_ingested_and_then_cited(
        client, app_server: Any, tmp_path: Path) -> None:
    from gradio_client import handle_file

    doc = tmp_path / "mentoring-journal.md"
    doc.write_text(JOURNAL_DOC)

    summary = client.predict([handle_file(str(doc))], api_name="/ingest")

    assert summary["saved"] == ["mentoring-journal.md"]
    assert summary["num_added"] >= 1 and summary["errors"] == [] and summary["rejected"] == []
    assert (app_server.data_dir / "uploads" / "mentoring-journal.md").is_file()
    text, sources = client.predict("What should I write in a mentoring journal?", "[]",
                                   api_name="/ask")
    assert any(s["title"] == "Keeping a Mentoring Journal" for s in sources), text


def test_ingest_rejects_hidden_and_unsupported_files_with_reasons(
        client, app_server: Any, tmp_path: Path) -> None:
    from gradio_client import handle_file

    hidden = tmp_path / ".env.md"
    hidden.write_text("SECRET=1\n")
    binary = tmp_path / "tool.exe"
    binary.write_bytes(b"MZ\x00\x00")

    summary = client.predict([handle_file(str(hidden)), handle_file(str(binary))],
                             api_name="/ingest")

    reasons = {r["file"]: r["reason"] for r in summary["rejected"]}
    assert "hidden" in reasons[".env.md"]
    assert "unsupported" in reasons["tool.exe"]
    assert summary["saved"] == [] and summary["num_added"] == 0
    assert not (app_server.data_dir / "uploads" / ".env.md").exists()


@pytest.mark.parametrize("name, saved_as", [
    ("../../etc/passwd.md", "passwd.md"),
    ("..\\..\\windows\\notes.txt", "notes.txt"),
    ("/abs/path/guide.PDF", "guide.PDF"),
    ("my guide (final).html", "my guide _final_.html"),
])
def test_upload_names_are_reduced_to_a_safe_basename(name: str, saved_as: str) -> None:
    from ingest.uploads import safe_upload_name

    assert safe_upload_name(name) == saved_as


@pytest.mark.parametrize("name", [".bashrc.md", "../.hidden.txt", "..", "", "notes.exe",
                                  "README"])
def test_upload_names_that_are_hidden_empty_or_unsupported_are_refused(name: str) -> None:
    from ingest.uploads import UploadRejected, safe_upload_name

    with pytest.raises(UploadRejected):
        safe_upload_name(name)


def test_a_draft_asked_for_in_chat_comes_back_as_an_email(client) -> None:
    text, sources = client.predict(
        "Draft a note thanking Marcus for reviewing my CV last week", "[]", api_name="/ask")

    assert "Subject:" in text and "Marcus" in text
    assert sources
