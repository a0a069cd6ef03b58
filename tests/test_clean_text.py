"""Every format loads into one clean text form, and its chunks read as the document does.

Each test writes a real file, loads and chunks it, and checks what a user would see: the
section path of a passage and its words, without markup, furniture or page debris.
"""

from __future__ import annotations

import re
from pathlib import Path

from fpdf import FPDF

from coach.settings import REPO_ROOT
from ingest.chunking import Chunk, chunk_document
from ingest.loaders import load_document

CORPUS_FILE = REPO_ROOT / "corpus" / "mentor-partnership-part-one.md"
MARKUP = re.compile(r"\*\*|__|\]\(|\[!|!!!|https?://|<[a-z/]|^>|\|", re.MULTILINE)


def chunks_of(path: Path, text: str | None = None) -> list[Chunk]:
    if text is not None:
        path.write_text(text, encoding="utf-8")
    return chunk_document(load_document(path), path.name)


def sections(chunks: list[Chunk]) -> list[str]:
    return list(dict.fromkeys(c.metadata["section"] for c in chunks))


def all_text(chunks: list[Chunk]) -> str:
    return "\n\n".join(c.text for c in chunks)


# --- markdown -------------------------------------------------------------------------------

def test_a_page_with_only_level_three_headings_gets_one_section_per_heading(
        tmp_path: Path) -> None:
    chunks = chunks_of(tmp_path / "faq.md", (
        "# Placement FAQ\n\n### Who signs my timesheet?\n\nYour site supervisor does.\n\n"
        "### Can I swap shifts?\n\nOnly with two days' notice.\n"))
    assert sections(chunks) == ["Who signs my timesheet?", "Can I swap shifts?"]
    assert chunks[1].text == "Only with two days' notice."


def test_nested_headings_label_passages_with_their_path(tmp_path: Path) -> None:
    chunks = chunks_of(tmp_path / "h.md", (
        "---\ntitle: Scheme guide\n---\n\nWelcome aboard.\n\n## Ending the relationship\n\n"
        "It ends in June.\n\n### The final session\n\nLook back together.\n"))
    assert [(c.metadata["section"], c.text) for c in chunks] == [
        ("Introduction", "Welcome aboard."),
        ("Ending the relationship", "It ends in June."),
        ("Ending the relationship › The final session", "Look back together."),
    ]
    assert chunks[2].embed_text == ("Scheme guide — Ending the relationship › The final session\n"
                                    "Look back together.")


def test_emphasis_links_and_images_leave_only_their_words(tmp_path: Path) -> None:
    text = all_text(chunks_of(tmp_path / "e.md", (
        "## Time\n\n![diagram of a week](week.png)\n\n"
        "Plan **one hour** a week and *protect it*; see the [planning sheet](https://x.org/p) "
        "or <https://x.org/help>.\n\n- - **manage your calendar**\n  - say __no__ to clashes\n")))
    assert text == ("Plan one hour a week and protect it; see the planning sheet or "
                    "https://x.org/help.\n\n- manage your calendar\n- say no to clashes")


def test_tip_and_note_boxes_become_sentences(tmp_path: Path) -> None:
    text = all_text(chunks_of(tmp_path / "b.md", (
        "## Meetings\n\n> [!TIP]\n> Bring a notebook.\n\n> [!WARNING]\n> Never record a call "
        "without asking.\n\n!!! note \"Rooms\"\n    Book the room a week ahead.\n\n"
        "    Cancel it if plans change.\n\nAfter the box.\n")))
    assert text.split("\n\n") == [
        "Tip: Bring a notebook.",
        "Warning: Never record a call without asking.",
        "Note: Rooms. Book the room a week ahead.",
        "Cancel it if plans change.",
        "After the box.",
    ]


def test_other_box_syntaxes_become_sentences_too(tmp_path: Path) -> None:
    # Docusaurus/VitePress `:::` boxes and GitHub's older `> **Note**` quotes
    text = all_text(chunks_of(tmp_path / "d.md", (
        "## Before you meet\n\n:::warning\nDo not bring confidential papers.\n:::\n\n"
        "::: tip Agenda\nShare it a day ahead.\n:::\n\n> **Note**\n> Sessions last an hour.\n"
        "\nAfter the boxes.\n")))
    assert text.split("\n\n") == [
        "Warning: Do not bring confidential papers.",
        "Tip: Agenda. Share it a day ahead.",
        "Note: Sessions last an hour.",
        "After the boxes.",
    ]


def test_footnotes_toc_markers_and_small_print_leave_no_debris(tmp_path: Path) -> None:
    text = all_text(chunks_of(tmp_path / "f.md", (
        "# Circle notes\n\n[TOC]\n\n## Talking\n\nListen for half the time.[^1]\n\n"
        "[^1]: Past mentors mentioned this most.\n\n---\n\n"
        "*Last updated: March 2026* · [Privacy](https://x.org/p) · © Programme Office\n")))
    assert text == "Listen for half the time.\n\nPast mentors mentioned this most."


def test_a_slide_decks_presenter_notes_are_its_prose(tmp_path: Path) -> None:
    text = all_text(chunks_of(tmp_path / "talk.md", (
        "# Being mentored\n\n---\n\n## Asks\n\n"
        "^ Bring one specific ask to each call. Vague asks get vague help.\n\n"
        "x^2 grows fast.\n")))
    assert text == ("Bring one specific ask to each call. Vague asks get vague help.\n\n"
                    "x^2 grows fast.")


def test_a_bold_label_on_its_own_line_is_not_read_into_the_next_sentence(
        tmp_path: Path) -> None:
    # "Step 4: Interview Every applicant will ..." was said as one sentence
    text = all_text(chunks_of(tmp_path / "steps.md", (
        "## Joining\n\n**Step 2: Interview**  \nEvery applicant has a short call with us.\n\n"
        "**Be on time.**\nIt shows respect.\n")))
    assert text == ("Step 2: Interview\n\nEvery applicant has a short call with us.\n\n"
                    "Be on time. It shows respect.")


def test_heading_and_block_attributes_leave_no_debris(tmp_path: Path) -> None:
    chunks = chunks_of(tmp_path / "a.md", (
        "## First message {#first-message}\n\nSay who you are in one line.\n\n{: .note}\n\n"
        "## Later {.unnumbered}\n\nKeep it {mostly} short.\n"))
    assert sections(chunks) == ["First message", "Later"]
    assert all_text(chunks) == "Say who you are in one line.\n\nKeep it {mostly} short."


def test_a_note_of_where_the_post_first_appeared_is_small_print(tmp_path: Path) -> None:
    text = all_text(chunks_of(tmp_path / "post.md", (
        "# Coaching\n\nWrite down one change you will try before the next session.\n\n"
        "*Note: This post was first published on our club's blog, a volunteer initiative where "
        "members give free one-to-one sessions to people changing careers.*\n")))
    assert text == "Write down one change you will try before the next session."


def test_a_byline_is_small_print_but_a_sentence_starting_with_by_is_not(tmp_path: Path) -> None:
    text = all_text(chunks_of(tmp_path / "b.txt", (
        "Video mentoring\n\n\u2026 By Pia Holm\n\nWritten by J. Ortiz | 3 min read\n\n"
        "By Monday, send your mentor the agenda.\n")))
    assert text == "By Monday, send your mentor the agenda."


def test_emoji_codes_task_boxes_and_superscript_marks_leave_only_words(tmp_path: Path) -> None:
    text = all_text(chunks_of(tmp_path / "t.md", (
        "## Start\n\nWelcome! :wave: Read this before your first call.\n\n"
        "- [ ] Book your first call within two weeks.\n- [x] Fill in the goals form.\n\n"
        "Track actions in the shared notes.<sup>1</sup> "
        "Meet at 10:30:00 on the 2<sup>nd</sup>.\n")))
    assert text == ("Welcome! Read this before your first call.\n\n"
                    "- Book your first call within two weeks.\n- Fill in the goals form.\n\n"
                    "Track actions in the shared notes. Meet at 10:30:00 on the 2nd.")


def test_a_superscript_footnote_mark_in_html_is_dropped(tmp_path: Path) -> None:
    text = all_text(chunks_of(tmp_path / "s.html", (
        "<html><body><main><h2>Notes</h2><p>Track actions in the shared notes.<sup>[1]</sup> "
        "Meet on the 2<sup>nd</sup> Monday.</p></main></body></html>")))
    assert text == "Track actions in the shared notes. Meet on the 2nd Monday."


def test_a_pull_quote_is_a_plain_paragraph(tmp_path: Path) -> None:
    [chunk] = chunks_of(tmp_path / "q.md", "Advice.\n\n> \"Ask small, ask often.\"\n")
    assert chunk.text == "Advice.\n\n\"Ask small, ask often.\""


def test_table_rows_read_as_sentences(tmp_path: Path) -> None:
    [chunk] = chunks_of(tmp_path / "t.md", (
        "## Deadlines\n\n| Form | Due | Sent to |\n|---|---|---|\n"
        "| Learning agreement | Week 2 | Your tutor |\n| Reflection | **Week 10** |  |\n"))
    assert chunk.text == ("Form: Learning agreement; Due: Week 2; Sent to: Your tutor.\n"
                          "Form: Reflection; Due: Week 10.")


def test_a_pipe_table_typed_in_a_text_file_reads_as_rows(tmp_path: Path) -> None:
    # Pasted from elsewhere: a cell's text keeps its line break, the row goes on below.
    [chunk] = chunks_of(tmp_path / "t.txt", (
        "Meeting habits\n\nWhat works for most pairs:\n"
        "| Situation | Do | Don't |\n|---|---|---|\n"
        "| Running late | Message your mentor before the start time |\n"
        "Turn up without a word |\n"
        "| Nothing to discuss | Send a short update instead | Cancel silently |\n"))
    assert chunk.text == (
        "What works for most pairs:\n"
        "Situation: Running late; Do: Message your mentor before the start time; "
        "Don't: Turn up without a word.\n"
        "Situation: Nothing to discuss; Do: Send a short update instead; Don't: Cancel silently.")


def test_code_blocks_stay_verbatim(tmp_path: Path) -> None:
    code = "ssh you@lab.example\n\n  cd ~/notes   # keep spacing"
    [chunk] = chunks_of(tmp_path / "c.md", f"Run:\n\n```\n{code}\n```\n")
    assert chunk.text == f"Run:\n\n```\n{code}\n```"


def test_link_only_share_line_and_related_list_are_dropped(tmp_path: Path) -> None:
    chunks = chunks_of(tmp_path / "post.md", (
        "## Saying thanks\n\nWrite within a day.\n\n**Share this post:** [Mastodon](https://m.x) "
        "| [Email](mailto:?s=x)\n\n## Related posts\n\n- [Five habits](https://b.x/1)\n"
        "- [Cold emails](https://b.x/2)\n"))
    assert [c.text for c in chunks] == ["Write within a day."]


def test_a_nested_table_of_contents_is_dropped(tmp_path: Path) -> None:
    # a real mentee guide opened with a nested contents list: its entry "Be Respectful of Your
    # Mentor's Time" was said as an order in a reply
    chunks = chunks_of(tmp_path / "guide.md", (
        "# Guide\n\n* [Before you start](#before)\n    + [Practice](#practice)\n"
        "    + [Be Respectful of Your Mentor's Time](#respect)\n  * [Feedback](#feedback)\n\n"
        "## Before you start\n\nSet up your tools in the first week.\n"))
    assert [c.text for c in chunks] == ["Set up your tools in the first week."]


def test_the_shipped_corpus_keeps_its_five_sections() -> None:
    chunks = chunk_document(load_document(CORPUS_FILE), CORPUS_FILE.name)
    assert sections(chunks) == ["Introduction", "Understand what a mentor is…and is not",
                                "Find a mentor", "Respect her time and needs", "Follow through",
                                "Troubleshoot proactively"]
    assert not MARKUP.search(all_text(chunks))


# --- html -----------------------------------------------------------------------------------

FAQ_PAGE = """<!doctype html><html><head><title>Lab FAQ | Example University</title>
<script>track()</script><style>p{}</style></head><body>
<a class="skip-link" href="#main">Skip to content</a>
<div class="cookie-banner">We use cookies. <button>Accept</button></div>
<header><a href="/">Example University</a><nav><a href="/a">About</a></nav></header>
<nav class="breadcrumb"><a href="/">Home</a> / FAQ</nav>
<div class="layout"><main id="main">
<h1>Lab placement FAQ</h1>
<p>Answers for <em>new</em> placement students.</p>
<div class="callout tip"><p>Keep this page bookmarked.</p></div>
<h2>Safety</h2>
<details><summary>Do I need a lab coat?</summary><p>Yes, from the first day.</p></details>
<details><summary>Who do I tell about a spill?</summary>
<p>Tell the technician on duty:</p><ul><li>what spilled</li><li>where it is</li></ul></details>
<aside class="note">Goggles are provided at the door.</aside>
<table><tr><th>Room</th><th>Open</th></tr><tr><td>B12</td><td>9 to 5</td></tr></table>
<div class="share-this">Share: <a href="https://t.x">Post</a></div>
<form><label>Rate this page</label><input type="text"></form>
</main>
<aside class="sidebar"><h3>Related</h3><p>Other departments' pages.</p></aside></div>
<footer role="contentinfo"><p>Copyright Example University</p></footer>
</body></html>"""


def test_html_page_furniture_is_dropped_and_details_become_sections(tmp_path: Path) -> None:
    chunks = chunks_of(tmp_path / "faq.html", FAQ_PAGE)
    assert load_document(tmp_path / "faq.html").title == "Lab placement FAQ"
    assert [(c.metadata["section"], c.text) for c in chunks] == [
        ("Introduction", "Answers for new placement students.\n\n"
                         "Tip: Keep this page bookmarked."),
        ("Safety › Do I need a lab coat?", "Yes, from the first day."),
        ("Safety › Who do I tell about a spill?",
         "Tell the technician on duty:\n- what spilled\n- where it is\n\n"
         "Note: Goggles are provided at the door.\n\nRoom: B12; Open: 9 to 5."),
    ]
    text = all_text(chunks)
    for furniture in ("Skip", "cookies", "Accept", "About", "Home", "Share", "Rate", "Related",
                      "departments", "Copyright", "track"):
        assert furniture not in text


def test_an_accordion_faq_keeps_its_questions_and_drops_its_widgets(tmp_path: Path) -> None:
    # Bootstrap-style accordions put each question in a <button>; "Was this page helpful?"
    # and "Back to top" are page widgets, not guidance.
    chunks = chunks_of(tmp_path / "acc.html", (
        "<html><body><main><h1>Mentoring FAQ</h1>"
        "<h3><button aria-expanded='false'>How long does a match last?</button></h3>"
        "<div><p>One academic year.</p></div>"
        "<div class='callout'><strong>Good to know:</strong> mentors are volunteers.</div>"
        "<div>Was this page helpful? <button>Yes</button> <button>No</button></div>"
        "<a href='#top'>Back to top</a></main></body></html>"))
    assert [(c.metadata["section"], c.text) for c in chunks] == [
        ("How long does a match last?",
         "One academic year.\n\nGood to know: mentors are volunteers.")]


# --- pdf ------------------------------------------------------------------------------------

class _Handbook(FPDF):
    def header(self) -> None:
        self.set_font("Helvetica", size=8)
        self.cell(0, 6, "Volunteer Handbook - Riverside Food Bank", new_x="LMARGIN",
                  new_y="NEXT")

    def footer(self) -> None:
        self.set_y(-15)
        self.set_font("Helvetica", size=8)
        self.cell(0, 6, f"Page {self.page_no()} of 3", align="C")


CHAPTERS = {
    "Arriving for a shift": "Every shift starts with a short briefing from the shift lead, who "
                            "explains which tasks come first and where the chilled stock is "
                            "kept that day. Sign in at the desk before you put on an apron. ",
    "Handling food safely": "Wash your hands before and after sorting, and check every date "
                            "label. Anything past its use-by date goes in the grey crate, never "
                            "back on the shelf, even when stock is running low. ",
    "Leaving the site": "Tidy your station and return the trolleys to the loading bay. The "
                        "last volunteer out checks the back door and switches off the lights "
                        "in the sorting room. ",
}


def _write_pdf(path: Path) -> Path:
    pdf = _Handbook()
    pdf.set_title("Volunteer handbook")
    for repeat, (chapter, body) in enumerate(CHAPTERS.items(), 1):
        pdf.add_page()
        pdf.set_font("Helvetica", "B", 16)
        pdf.cell(0, 10, chapter, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", size=11)
        for line in (body * repeat, "", "Before you go, check these:", "- the fridge door is shut",
                     "- the sign-out sheet has your name", "",
                     f"Ask the lead if anything about {chapter.lower()} is unclear, or about "
                     "the stock-\ntaking routine."):
            if line:
                pdf.multi_cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
            else:
                pdf.ln(4)
    pdf.output(str(path))
    return path


def test_pdf_headers_footers_and_page_numbers_vanish_and_headings_are_found(
        tmp_path: Path) -> None:
    chunks = chunks_of(_write_pdf(tmp_path / "handbook.pdf"))
    assert sections(chunks) == ["Arriving for a shift", "Handling food safely",
                                "Leaving the site"]
    text = all_text(chunks)
    assert "Riverside" not in text and "Page" not in text
    assert not re.search(r"^\d+$", text, re.MULTILINE)
    assert f"\n{(CHAPTERS['Leaving the site'] * 3).strip()}\n" in f"\n{text}\n", "wraps rejoined"
    assert ("Before you go, check these:\n- the fridge door is shut\n"
            "- the sign-out sheet has your name") in text
    assert "the stocktaking routine." in text


# --- plain text -----------------------------------------------------------------------------

GUIDE_TXT = """Peer Tutoring Guide

Read this before your first session.

1. Before you start

Book a quiet room and bring the module handbook. Tutors who plan the
first ten minutes find the rest of the hour much easier to run.

WHAT TO BRING

- a pen and paper
* last week's problem sheet
\u2022 your timetable

2. During the session

Follow these steps:
1) Ask what the student found hardest.
2) Work one example together, then let
   them try the next one alone.
"""


def test_txt_headings_lists_and_rejoined_paragraphs(tmp_path: Path) -> None:
    path = tmp_path / "guide.txt"
    chunks = chunks_of(path, GUIDE_TXT)
    assert load_document(path).title == "Peer Tutoring Guide"
    assert [(c.metadata["section"], c.text) for c in chunks] == [
        ("Introduction", "Read this before your first session."),
        ("1. Before you start", "Book a quiet room and bring the module handbook. Tutors who "
                                "plan the first ten minutes find the rest of the hour much "
                                "easier to run."),
        ("WHAT TO BRING", "- a pen and paper\n- last week's problem sheet\n- your timetable"),
        ("2. During the session", "Follow these steps:\n1. Ask what the student found hardest."
                                  "\n2. Work one example together, then let them try the next "
                                  "one alone."),
    ]


def test_an_inline_script_in_markdown_leaves_neither_its_code_nor_a_gap(tmp_path):
    from ingest.loaders import load_document

    path = tmp_path / "hostile.md"
    path.write_text("# Notes\n\n## Keep notes\n\nKeep a note of every tip <script>steal()</script>"
                    " and every article <img src=x onerror=\"boom()\">, so you can thank them.\n")
    text = load_document(path).text
    assert "steal" not in text and "boom" not in text and "<" not in text
    assert "every tip and every article, so you can thank them." in text
