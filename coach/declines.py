"""Every reply the coach gives when it declines to answer, in one place.

A decline says what the coach can help with (guidance-grounded advice, email drafts) and, for a
sensitive topic the guidance does not discuss, who can: advice on medicine, law, visas, tax or
pay from quotes about mentoring would be worse than none.
"""

from __future__ import annotations

HELP = ("I can help with what your mentoring guidance covers — finding and approaching a mentor, "
        "preparing for meetings, working well together, feedback, and what to do when things "
        "stall — or draft an outreach, thank-you, follow-up or back-off email.")

REFUSAL = f"The guidance I have doesn't cover that, so I won't guess. {HELP}"

# Asked to write or edit something that is not a note to a mentor (an essay, a CV).
OTHER_WRITING = ("I can't write or edit that for you: I draft notes to a mentor — outreach, "
                 "thank-you, follow-up, back-off or meeting — and answer questions from your "
                 "mentoring guidance. Ask me for one of those notes, or ask what the guidance "
                 "says about your situation.")

# topic → (what the question is about, who can properly answer it)
SENSITIVE: dict[str, tuple[str, str]] = {
    "medical": ("medicine or health", "a doctor or pharmacist"),
    "mental-health": ("mental-health treatment",
                      "a doctor or a qualified therapist or counsellor"),
    "legal": ("a legal matter", "a lawyer or a legal advice service"),
    "immigration": ("visas or immigration",
                    "an immigration adviser or lawyer, or your employer's immigration team"),
    "tax": ("tax", "an accountant or tax adviser"),
    "pay": ("pay or salary figures", "HR, your manager or salary surveys for your field"),
    "equity": ("equity or stock options", "HR and an independent financial adviser"),
    "finance": ("personal finance or investments", "an independent financial adviser"),
    "employment": ("a workplace disciplinary or grievance matter",
                   "HR or an employee representative"),
    "private": ("your mentor's private life", "your mentor, if they choose to share it"),
    "products": ("which product to buy or use", "reviews, or people in your field who use them"),
    "tech": ("fixing a device or a program", "its support pages or your IT team"),
    "policy": ("a particular employer's policies", "that employer's HR team or its published "
               "policies"),
}


def sensitive_decline(topic: str) -> str:
    """The kind reply for a question on a sensitive `topic` the guidance doesn't discuss."""
    about, who = SENSITIVE[topic]
    return (f"That's a question about {about}, and the guidance I have doesn't cover it. "
            f"For that, turn to {who}. {HELP}")
