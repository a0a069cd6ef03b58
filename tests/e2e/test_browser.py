"""The web page in a real headless Chromium: chat with sources, drafts, uploads, inert markup."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

pytest_plugins = ["app_server"]  # the app_server, browser, page and screenshot fixtures
pytestmark = [pytest.mark.e2e, pytest.mark.slow]

REVERSE_MENTORING_DOC = """---
title: Reverse Mentoring for Mentees
publisher: Test Guidance
source_kind: guide
---

# Reverse Mentoring for Mentees

## Offer reverse mentoring in return

Offer your mentor reverse mentoring: in a reverse mentoring session the junior person teaches
the senior mentor something they know better, such as a new tool or how younger customers
think. Reverse mentoring gives back to your mentor and makes the partnership two-way.
"""

HOSTILE_DOC = """---
title: Hostile <script>window.__pwned=1</script> Guide
---

# Hostile guide

## Keep a mentoring scrapbook

Keep a mentoring scrapbook of every note your mentor sends <script>window.__pwned=1</script>
and every article she recommends <img src=x onerror="window.__pwned=2">, so the mentoring
scrapbook reminds you what to thank her for.
"""


# The coach's replies, without the "Sources (n)" panels grouped under them.
ANSWERS = "#chatbot .message:not(.thought) > [data-testid='bot']"


def ask(tab: Any, question: str) -> Any:
    """Type a question, send it, wait for the whole reply; return the coach's replies."""
    from playwright.sync_api import expect

    replies = tab.locator(ANSWERS)
    before = replies.count()
    tab.locator("#chat-input textarea").fill(question)
    tab.locator("#chat-input textarea").press("Enter")
    expect(tab.locator("#chatbot [data-testid='user']").last).to_contain_text(question[:30])
    # The input box is locked while the coach replies and unlocked when the reply is complete.
    expect(tab.locator("#chat-input textarea")).to_be_editable(timeout=120_000)
    expect(replies).not_to_have_count(before)
    return replies


def open_last_sources(tab: Any) -> Any:
    """Open the collapsed sources panel under the latest reply; return its (visible) content."""
    from playwright.sync_api import expect

    group = tab.locator("#chatbot .thought-group").last
    expect(group.locator(".content")).to_have_count(0)  # collapsed until asked
    group.locator(".title").click()
    content = group.locator(".content")
    expect(content).to_be_visible()
    return content


def go_to(tab: Any, name: str) -> None:
    tab.get_by_role("tab", name=name).click()


def upload(tab: Any, path: Path) -> str:
    """Upload one guidance file on the Guidance tab and return the summary it shows."""
    from playwright.sync_api import expect

    go_to(tab, "Guidance")
    tab.locator("#upload-files input[type=file]").set_input_files(str(path))
    expect(tab.locator("#upload-files").get_by_role("cell", name=path.name)).to_be_visible()
    tab.locator("#upload-btn").click()
    summary = tab.locator("#ingest-summary")
    expect(summary).to_contain_text("Passages:", timeout=120_000)
    return summary.inner_text()


def test_chat_answers_shows_sources_and_takes_a_follow_up(page: Any, screenshot: Any) -> None:
    from playwright.sync_api import expect

    replies = ask(page, "How do I find a mentor?")

    expect(replies.first).not_to_be_empty()
    sources = page.locator("#chatbot .thought-group .title").last
    expect(sources).to_contain_text("Sources (")
    panel = open_last_sources(page)
    expect(panel).to_contain_text("Making the Mentor Partnership Work")
    expect(panel).to_contain_text("relevance")
    expect(panel.locator("blockquote").first).to_be_visible()

    # Alone, "What if she says no?" is out of scope; with the conversation it is answered.
    ask(page, "What if she says no?")
    expect(page.locator("#chatbot [data-testid='user']")).to_have_count(2)
    expect(page.locator("#chatbot .thought-group")).to_have_count(2)
    expect(replies.last).not_to_be_empty()
    screenshot("chat")

    page.get_by_role("button", name="New conversation").click()
    expect(page.locator("#chatbot [data-testid='user']")).to_have_count(0)


def test_out_of_scope_questions_get_the_coachs_refusal(page: Any) -> None:
    from playwright.sync_api import expect

    from coach.conversation import REFUSAL

    ask(page, "What is the best recipe for banana bread?")

    expect(page.locator(ANSWERS).last).to_have_text(REFUSAL)
    expect(page.locator("#chatbot .thought-group")).to_have_count(0)


def test_a_draft_asked_for_in_chat_appears_in_the_chat(page: Any) -> None:
    from playwright.sync_api import expect

    replies = ask(page, "Draft a note thanking Marcus for reviewing my CV last week")

    expect(replies.last).to_contain_text("Subject:")
    expect(replies.last).to_contain_text("Marcus")


def test_the_answer_leads_and_its_draft_offer_is_one_click_away(page: Any, screenshot: Any
                                                                ) -> None:
    from playwright.sync_api import expect

    replies = ask(page, "My mentor Ana has stopped replying to my emails. What should I do?")

    # The direct answer opens the reply, set apart from the supporting points.
    expect(replies.last.locator("strong").first).to_be_visible()
    offer = page.locator("#offer-draft")
    expect(offer).to_be_visible()
    expect(offer).to_contain_text("back-off")
    screenshot("answer-with-offer")

    offer.click()
    expect(page.locator("#chatbot [data-testid='user']").last).to_contain_text("draft it")
    expect(page.locator("#chat-input textarea")).to_be_editable(timeout=120_000)
    expect(replies.last).to_contain_text("Subject:")
    expect(replies.last).to_contain_text("Ana")
    expect(offer).to_be_hidden()


def test_draft_tab_writes_a_copyable_email_with_its_guidance(page: Any, screenshot: Any) -> None:
    from playwright.sync_api import expect

    go_to(page, "Draft an email")
    page.locator("#draft-kind input").click()
    page.get_by_role("option", name="thank-you").click()
    page.get_by_label("Recipient").fill("Dana Whitfield")
    page.get_by_label("Your name").fill("Alex")
    page.get_by_label("Context").fill("she reviewed my CV and introduced me to her team lead")
    page.locator("#draft-btn").click()

    subject = page.locator("#draft-subject textarea")
    expect(subject).not_to_have_value("", timeout=120_000)
    expect(page.locator("#draft-body textarea")).to_have_value(
        re.compile(r"Dana[\s\S]*Alex"))
    expect(page.locator("#draft-points")).to_contain_text("Guidance this draft follows")
    expect(page.locator("#draft-subject").get_by_label("Copy")).to_be_visible()
    page.get_by_text("Cited passages").click()
    expect(page.locator("#draft-cited")).to_contain_text("relevance")
    screenshot("draft")


def test_draft_tab_asks_for_missing_fields_instead_of_failing(page: Any) -> None:
    from playwright.sync_api import expect

    go_to(page, "Draft an email")
    page.get_by_label("Recipient").fill("")
    page.locator("#draft-btn").click()

    expect(page.locator("#draft-status")).to_contain_text("Please fill in a recipient")
    expect(page.locator("#draft-subject textarea")).to_have_value("")


def test_an_uploaded_guidance_document_is_listed_and_cited_in_chat(
        page: Any, tmp_path: Path, screenshot: Any) -> None:
    from playwright.sync_api import expect

    doc = tmp_path / "reverse-mentoring.md"
    doc.write_text(REVERSE_MENTORING_DOC)

    summary = upload(page, doc)

    assert "reverse-mentoring.md" in summary and "added" in summary
    expect(page.locator("#library-table")).to_contain_text("Reverse Mentoring for Mentees")
    screenshot("guidance")

    go_to(page, "Chat")
    ask(page, "How can I offer reverse mentoring to my mentor?")
    panel = open_last_sources(page)
    expect(panel).to_contain_text("Reverse Mentoring for Mentees")


def test_markup_in_documents_and_messages_is_shown_as_inert_text(
        page: Any, tmp_path: Path, screenshot: Any) -> None:
    from playwright.sync_api import expect

    doc = tmp_path / "scrapbook.md"
    doc.write_text(HOSTILE_DOC)
    upload(page, doc)
    expect(page.locator("#library-table")).to_contain_text("<script>")

    go_to(page, "Chat")
    ask(page, 'Should I keep a mentoring scrapbook? <img src=x onerror="window.__pwned=3">')
    sources = open_last_sources(page)

    expect(page.locator("#chatbot [data-testid='user']").last).to_contain_text("<img src=x")
    expect(sources).to_contain_text("mentoring scrapbook")
    # The loader drops scripts and tags from a document's text (they are markup, not guidance);
    # the words around them are quoted as they were.
    expect(sources.locator("blockquote")).to_contain_text("every note your mentor sends")
    expect(sources.locator("blockquote")).not_to_contain_text("__pwned")
    expect(sources.locator("blockquote")).to_be_visible()
    expect(page.locator("#chatbot img[src='x']")).to_have_count(0)
    assert page.evaluate("typeof window.__pwned") == "undefined"
    screenshot("inert-markup")


def test_a_document_can_be_removed_and_the_corpus_re_ingested(
        page: Any, app_server: Any, tmp_path: Path, screenshot: Any) -> None:
    from playwright.sync_api import expect

    doc = tmp_path / "short-lived.md"
    doc.write_text("---\ntitle: Short-Lived Guidance\n---\n# Short-lived\n\n## Note\n\n"
                   "Bring a notebook to every mentoring lunch and write down one next step.\n")
    upload(page, doc)
    table = page.locator("#library-table")
    expect(table).to_contain_text("Short-Lived Guidance")

    page.locator("#remove-source input").click()
    page.get_by_role("option", name=re.compile("Short-Lived Guidance")).click()
    page.locator("#remove-btn").click()

    expect(page.locator("#ingest-summary")).to_contain_text("Removed")
    expect(table).not_to_contain_text("Short-Lived Guidance")
    assert not (app_server.data_dir / "uploads" / "short-lived.md").exists()

    page.locator("#reingest-btn").click()
    expect(page.locator("#ingest-summary")).to_contain_text("Re-ingested")
    expect(page.locator("#ingest-summary")).to_contain_text("unchanged")
    expect(table).to_contain_text("Making the Mentor Partnership Work")
    screenshot("guidance-after-remove")
