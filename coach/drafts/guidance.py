"""The guidance points a draft shows: each step it took, the sentence it follows, `[n]`."""

from __future__ import annotations

from dataclasses import replace

from coach.drafts.steps import Retrieve, Step, Steps
from coach.results import Passage

__all__ = ["Retrieve", "guidance_points", "step_label"]


def step_label(step: Step) -> str:
    """What the note does for this step, with the concrete detail the guidance gave."""
    f, slot = step.facts, step.slot
    if slot == "ask" and f.ask:
        return f"Asks for {f.ask}"
    if slot == "prepare" and f.in_advance:
        return f"Offers to send {f.questions or 'a few'} questions in advance"
    if slot == "prepare" and f.no_advance:
        return "Sends no questions in advance"
    if slot == "slots" and f.slots:
        return f"Offers {f.slots} possible times"
    if slot == "wait" and f.unanswered:
        return f"Sent after {f.unanswered} unanswered message{'' if f.unanswered == 'one' else 's'}"
    if slot == "wait" and f.span:
        return f"Sent after waiting {f.span} without a reply"
    if slot == "escalate" and f.escalate_to:
        return f"Lets your {f.escalate_to} know"
    if slot == "escalate" and f.no_escalation:
        return "Involves no one else"
    if slot == "timing" and f.span:
        return f"Sent {f.span}"
    return step.spec.label


def guidance_points(steps: Steps) -> tuple[list[str], list[Passage]]:
    """`label: "sentence" [n]` per sentence followed (labels joined when one serves several),
    and the passages they cite renumbered 1..m in order of first use."""
    chosen: list[tuple[list[str], Step]] = []
    for step in steps.by_slot.values():
        same = next((labels for labels, s in chosen if s.sentence == step.sentence), None)
        label = step_label(step)
        if same is None:
            chosen.append(([label], step))
        elif label.lower() not in (x.lower() for x in same):
            same.append(label[:1].lower() + label[1:])
    sources: list[Passage] = []
    numbers: dict[str, int] = {}
    points = []
    for labels, step in chosen:
        passage = step.passage
        if passage.id not in numbers:
            numbers[passage.id] = len(sources) + 1
            sources.append(replace(passage, n=numbers[passage.id]))
        points.append(f"{'; '.join(labels)}: \"{step.sentence}\" [{numbers[passage.id]}]")
    return points, sources
