"""Build docs/cross-cultural-mentoring.pdf, a 3-4 page mentee guide, with fpdf2.

Run from anywhere: `python tests/guidance/make_pdf.py`. The text lives in the BLOCKS list below.
The creation date is fixed so rebuilding gives byte-identical output (fpdf2 derives the file /ID
from the content, so the only varying field was the timestamp).
"""

from __future__ import annotations

import datetime
from pathlib import Path

from fpdf import FPDF

OUT = Path(__file__).resolve().parent / "docs" / "cross-cultural-mentoring.pdf"
RUNNING_HEADER = "Bridging Differences \u2014 A Mentee\u2019s Guide"
ORGANISATION = "Meridian Mentoring Collective"
FIXED_DATE = datetime.datetime(2024, 3, 1, 9, 0, tzinfo=datetime.UTC)

# ("title", text) | ("h", heading) | ("p", paragraph) | ("ul", [items])
BLOCKS: list[tuple[str, object]] = [
    ("title", "Bridging Differences: Mentoring Across Levels and Cultures"),
    ("p", "Many of the most valuable mentoring relationships are between people who are not "
          "alike. Your mentor may be twenty years further into her career, may run a division "
          "you have only seen on an organisation chart, or may have grown up with very different "
          "ideas about how a junior person should speak to a senior one. These differences are "
          "exactly why the relationship can teach you so much. They are also where most "
          "misunderstandings start. This guide offers practical habits for the mentee side of "
          "such a partnership."),

    ("h", "1. When your mentor is a senior executive"),
    ("p", "Being paired with someone very senior can feel intimidating. It is common for junior "
          "mentees to over-prepare, speak too fast, and apologise for taking up time. Remember "
          "that your mentor agreed to this. Most executives who mentor do so because they "
          "enjoy hearing what the organisation looks like from a different level, and your "
          "view from the front line is part of what you bring."),
    ("p", "Executives live in a world of short slots and dense calendars, so adapt your habits "
          "to theirs:"),
    ("ul", [
        "Open each meeting with a one-sentence summary of what you want from it, for "
        "example \u201cI\u2019d like your view on whether to volunteer for the new "
        "reporting project.\u201d",
        "Send any reading at least three days ahead, and keep it to a single page.",
        "Work through her assistant for scheduling if she has one; treat the assistant as a "
        "colleague, not a gatekeeper.",
        "Expect meetings to move at short notice, and reply to a cancellation with two new "
        "options rather than disappointment.",
    ]),
    ("p", "Do not assume a senior mentor will take the lead. Many senior people hold back in "
          "mentoring conversations precisely because they know their words carry weight. "
          "Bring a real question every time, and say plainly when you would like her to be "
          "more direct with you."),
    ("p", "It also helps to know what an executive can and cannot offer. She can explain how "
          "decisions are really made at her level, what she looks for when she reads a "
          "proposal, and which skills mattered most on her way up. She is unlikely to know the "
          "details of your team\u2019s daily tools, so give just enough context for her to "
          "follow and spend the time on the question itself."),
    ("p", "Finally, be careful about what you ask for. A mentor is there to help you think, not "
          "to open doors on your behalf. If she offers an introduction, accept it gratefully, but "
          "never ask a senior mentor to intervene in a decision your own manager is making."),

    ("h", "2. Working across cultures"),
    ("p", "Culture shapes almost every part of a mentoring conversation: how directly people "
          "disagree, how much they defer to seniority, what silence means, and how they expect "
          "to be addressed. None of these habits is right or wrong, but a mismatch that nobody "
          "names can leave both people feeling misunderstood. The four areas below are where "
          "mentees most often report friction."),

    ("h", "Directness"),
    ("p", "In some places a comment like \u201cthat could be an interesting approach\u201d is "
          "warm encouragement; in others it is a polite way of saying the idea will not work. "
          "If you are unsure which one you heard, ask a gentle checking question such as "
          "\u201cShould I take that as a go-ahead, or do you have doubts?\u201d Asking is far "
          "better than guessing, and most mentors are relieved to be asked."),

    ("h", "Hierarchy"),
    ("p", "If you come from a setting where juniors rarely contradict seniors, you may find it "
          "hard to disagree with your mentor. Yet a mentor who only ever hears agreement cannot "
          "help you much. One way in is to frame disagreement as curiosity: \u201cI\u2019ve seen "
          "it done differently, could I describe that and hear what you think?\u201d The reverse "
          "also applies. If your mentor comes from a more hierarchical tradition, she may "
          "expect a little more formality in the first few meetings than you are used to."),

    ("h", "Silence"),
    ("p", "Pauses mean different things to different people. For some, a pause shows respect "
          "and careful thought; for others it signals that something has gone wrong. When your "
          "mentor goes quiet after a question, wait a full ten seconds before filling the "
          "gap. On video calls, where delays add to the confusion, you can say \u201cTake "
          "your time\u201d so the silence feels intended rather than awkward."),

    ("h", "Small talk and time"),
    ("p", "Expectations about how a meeting begins vary as well. Some mentors like to spend the "
          "first ten minutes on family, travel or the weekend before any business; others see "
          "that as lost time and want to start straight away. Follow your mentor\u2019s lead in "
          "the first meeting, and if you are the one who needs a warm-up, say so. Norms about "
          "lateness differ too, so for video calls agree how long each of you should wait before "
          "sending a message if the other has not joined."),

    ("h", "Names and titles"),
    ("p", "Getting names right matters more than many people realise. Before your first "
          "meeting, check how your mentor signs her emails and follow her lead. If you are "
          "unsure, simply ask: \u201cHow would you like me to address you?\u201d Learn to "
          "pronounce her name properly, asking once and writing it down phonetically if you "
          "need to. Please ask early, because it gets harder to correct after several meetings."),
    ("p", "A few habits help whatever the cultural mix:"),
    ("ul", [
        "Say out loud what you are assuming, for instance how formal you expect meetings to be.",
        "Summarise agreements in writing after each meeting, since written words survive "
        "differences in accent and pace better than spoken ones.",
        "Ask your mentor what surprised her when she first worked with people from your "
        "background; the answer is often the most useful conversation of the year.",
    ]),

    ("h", "3. Asking for and receiving feedback across cultures"),
    ("p", "Feedback is where cultural differences show most clearly. A mentor raised in a direct "
          "feedback culture may list your weaknesses in the first five minutes, meaning it as a "
          "sign of respect. A mentor from a more indirect culture may wrap a serious concern "
          "inside so much praise that you miss it entirely."),
    ("p", "To ask for feedback in a way that works for both of you:"),
    ("ul", [
        "Tell your mentor how you like feedback delivered, for example \u201cI\u2019d rather "
        "hear the hard part first.\u201d",
        "Ask for a specific number, such as \u201cwhat are two things you would change about "
        "this proposal?\u201d, which gives an indirect mentor permission to criticise.",
        "Offer a private channel: some mentors find written comments easier than saying "
        "criticism to your face.",
        "Ask again a week later if the first answer was all praise; a second request signals "
        "that you truly want the critical part.",
    ]),
    ("p", "When you receive feedback, listen for the message beneath the style. Blunt feedback "
          "is not necessarily harsh, and gentle feedback is not necessarily minor. If you are "
          "unsure how serious a comment was, repeat it back in your own words and ask how "
          "much it matters compared with the other things you are working on."),
    ("p", "Giving feedback to your mentor can feel even harder, especially across a large gap "
          "in seniority. Start small, with something like telling her which piece of advice "
          "helped most and why. Once that habit is set, it becomes much easier to say that "
          "meetings feel rushed or that you would like more time on a particular topic."),

    ("h", "4. When things go wrong"),
    ("p", "Misunderstandings will happen, and they are rarely anyone\u2019s fault. If a "
          "conversation left you uneasy, raise it at the start of the next meeting rather "
          "than letting it grow. Keep it about the moment, not the person: \u201cLast time "
          "I wasn\u2019t sure whether you were happy with my plan, and I\u2019ve been "
          "wondering since.\u201d"),
    ("p", "If the same friction keeps coming back after two honest conversations, it is fine to "
          "talk to the person who arranged the match about finding a better fit. A change of "
          "mentor is not a failure on either side; sometimes two good people simply work "
          "best with someone else."),
    ("p", "Differences in level and background can make mentoring slower to start, but they "
          "also make it richer. With patience, clear questions and a willingness to say "
          "what you are assuming, you will learn far more than you would from someone just "
          "like you."),
]


class GuidePDF(FPDF):
    """An A4 page layout with a running header and a 'Page N of M' footer."""

    def header(self) -> None:
        self.set_font("Helvetica", "I", 9)
        self.set_text_color(90, 90, 90)
        self.cell(0, 8, RUNNING_HEADER, align="R", new_x="LMARGIN", new_y="NEXT")
        self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
        self.ln(6)
        self.set_text_color(0, 0, 0)

    def footer(self) -> None:
        self.set_y(-15)
        self.set_font("Helvetica", "", 9)
        self.set_text_color(90, 90, 90)
        self.cell(0, 8, ORGANISATION, align="L")
        self.set_x(self.l_margin)
        self.cell(0, 8, f"Page {self.page_no()} of {{nb}}", align="R")


def render(pdf: GuidePDF, kind: str, content: object) -> None:
    """Write one block: title, heading, paragraph or bulleted list."""
    width = pdf.w - pdf.l_margin - pdf.r_margin
    if kind == "title":
        pdf.set_font("Helvetica", "B", 18)
        pdf.multi_cell(width, 9, str(content), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(4)
    elif kind == "h":
        pdf.ln(2)
        pdf.set_font("Helvetica", "B", 13)
        pdf.multi_cell(width, 7, str(content), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)
    elif kind == "p":
        pdf.set_font("Helvetica", "", 11)
        pdf.multi_cell(width, 5.6, str(content), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2.5)
    elif kind == "ul":
        pdf.set_font("Helvetica", "", 11)
        for item in content:  # type: ignore[union-attr]
            pdf.set_x(pdf.l_margin + 4)
            pdf.cell(5, 5.6, "\u2022")
            pdf.multi_cell(width - 9, 5.6, str(item), new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)
        pdf.ln(1.5)
    else:
        raise ValueError(f"unknown block kind {kind!r}; use title, h, p or ul")


def build(out: Path = OUT) -> Path:
    """Render BLOCKS to `out` deterministically and return the path."""
    pdf = GuidePDF(format="A4")
    pdf.core_fonts_encoding = "windows-1252"  # allows dashes, curly quotes and bullets
    pdf.set_creation_date(FIXED_DATE)
    pdf.set_title("Bridging Differences: Mentoring Across Levels and Cultures")
    pdf.set_author(ORGANISATION)
    pdf.set_margins(22, 18, 22)
    pdf.set_auto_page_break(auto=True, margin=22)
    pdf.add_page()
    for kind, content in BLOCKS:
        render(pdf, kind, content)
    out.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(out))
    return out


if __name__ == "__main__":
    path = build()
    print(f"wrote {path} ({path.stat().st_size} bytes)")
