"""Grounding quality on a labelled set: retrieval hits, refusals, citations, support, drafts."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from coach.errors import EvalSetError
from coach.results import Answer, Passage
from coach.text import citations, content_words, split_sentences, strip_citations

if TYPE_CHECKING:
    from coach.api import Coach

K = 5  # hit@k and MRR look at the top 5 retrieved passages
LEXICAL_MIN = 0.60  # the independent check: share of a sentence's words found in its citation
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})
_BULLET = re.compile(r"^\s*(?:[-*\u2022]|\d+[.)])\s+")

# --min-* flags of `coach eval`, mapped to the figures they bound.
THRESHOLDS = {
    "hit3": ("hit@3", "hit_at_3"),
    "mrr": ("MRR", "mrr"),
    "refusal": ("refusal accuracy", "refusal_accuracy"),
    "coverage": ("citation coverage", "citation_coverage"),
    "support": ("support", "support"),
}


@dataclass
class ItemResult:
    """How one labelled item fared (only the fields that apply to its kind are filled)."""

    kind: str  # "in_scope", "out_of_scope" or "draft"
    question: str
    rank: int | None = None  # 1-based rank of the first passage with an expected phrase
    answer_kind: str | None = None
    advice_sentences: int = 0
    cited_sentences: int = 0
    supported_verifier: int = 0
    supported_lexical: int = 0
    unsupported: list[str] = field(default_factory=list)
    checks: dict[str, bool] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        if self.kind == "out_of_scope":
            return self.answer_kind == "refusal"
        if self.kind == "draft":
            return all(self.checks.values())
        return self.rank is not None and self.answer_kind != "refusal"


@dataclass
class EvalReport:
    """The figures `coach eval` prints; shares are 0..1 (None when nothing was measured)."""

    in_scope: int = 0
    out_of_scope: int = 0
    drafts: int = 0
    hit_at_1: float | None = None
    hit_at_3: float | None = None
    hit_at_5: float | None = None
    mrr: float | None = None
    refusal_accuracy: float | None = None
    false_refusal_rate: float | None = None
    citation_coverage: float | None = None
    support_verifier: float | None = None
    support_lexical: float | None = None
    drafts_passed: int = 0
    draft_checks_passed: int = 0
    draft_checks: int = 0
    items: list[ItemResult] = field(default_factory=list)

    @property
    def support(self) -> float | None:
        """The lower of the two support figures: both checks must agree a sentence is backed."""
        values = [v for v in (self.support_verifier, self.support_lexical) if v is not None]
        return min(values) if values else None

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["support"] = self.support
        out["items"] = [{**asdict(i), "ok": i.ok} for i in self.items]
        return out

    def below(self, minimums: Mapping[str, float | None]) -> list[str]:
        """One line per threshold (`THRESHOLDS` key → minimum) the report falls short of."""
        failures = []
        for key, minimum in minimums.items():
            if minimum is None:
                continue
            label, attr = THRESHOLDS[key]
            value = getattr(self, attr)
            if value is None or value < minimum:
                shown = "not measured" if value is None else f"{value:.3f}"
                failures.append(f"{label} {shown} is below the minimum {minimum:.3f}")
        return failures


def load_items(path: Path | str | None = None) -> list[dict[str, Any]]:
    """The labelled items of `path` (default: the set shipped with the package), validated."""
    if path is None:
        source = resources.files("coach").joinpath("eval/questions.jsonl")
        name = "coach/eval/questions.jsonl"
    else:
        source, name = Path(path), str(path)
    try:
        text = source.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise EvalSetError(f"cannot read the evaluation set {name}: {exc}") from None
    items = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            raise EvalSetError(f"{name}:{number}: not valid JSON ({exc.msg})") from None
        problem = _problem(item)
        if problem:
            raise EvalSetError(f"{name}:{number}: {problem}")
        items.append(item)
    if not items:
        raise EvalSetError(f"the evaluation set {name} has no items")
    return items


def _problem(item: Any) -> str | None:
    if not isinstance(item, dict):
        return "each line must be a JSON object"
    if "draft" in item:
        draft = item["draft"]
        if not isinstance(draft, dict) or not all(draft.get(k) for k in ("kind", "to", "context")):
            return 'a "draft" item needs "kind", "to" and "context"'
        return None
    if not isinstance(item.get("question"), str) or not item["question"].strip():
        return 'an item needs a "question" (or a "draft")'
    expect = item.get("expect")
    if not item.get("out_of_scope") and (
            not isinstance(expect, list) or not expect
            or not all(isinstance(p, str) and p.strip() for p in expect)):
        return 'an in-scope item needs "expect": a list of phrases (or "out_of_scope": true)'
    history = item.get("history", [])
    if not isinstance(history, list) or not all(isinstance(t, dict) for t in history):
        return '"history" must be a list of {"role", "content"} messages'
    return None


def evaluate(coach: Coach, items: Iterable[Mapping[str, Any]],
             progress: Callable[[int, int], None] | None = None) -> EvalReport:
    """Run every item through `coach`'s real pipeline and score it.

    `progress(done, total)` is called after each item.
    """
    from coach.conversation import resolve_follow_up
    from coach.drafts import check_draft

    report = EvalReport()
    items = list(items)
    for done, item in enumerate(items, 1):
        if progress is not None and done > 1:
            progress(done - 1, len(items))
        if "draft" in item:
            spec = item["draft"]
            draft = coach.draft(spec["kind"], spec["to"], spec["context"], spec.get("sender"))
            checks = check_draft(draft, spec["context"])
            report.items.append(ItemResult("draft", f"{spec['kind']} to {spec['to']}",
                                           answer_kind="draft", checks=checks))
            continue
        question = item["question"]
        history = list(item.get("history") or [])
        answer = coach.ask(question, history)
        if item.get("out_of_scope"):
            report.items.append(ItemResult("out_of_scope", question, answer_kind=answer.kind))
            continue
        # The same query the chat retrieves with, so follow-ups are scored as users meet them.
        passages = coach.retriever.search(resolve_follow_up(question, history), k=K)
        result = score_answer(answer, coach.verifier, question)
        result.rank = first_hit(passages, item["expect"])
        report.items.append(result)
    if progress is not None:
        progress(len(items), len(items))
    _summarise(report)
    return report


def normalise(text: str) -> str:
    """Lower-case, straight quotes, single spaces: how expected phrases are matched."""
    return " ".join(text.translate(_QUOTES).lower().split())


def first_hit(passages: Sequence[Passage], expect: Sequence[str]) -> int | None:
    """1-based rank of the first passage containing any expected phrase, or None."""
    phrases = [normalise(p) for p in expect]
    for rank, passage in enumerate(passages, 1):
        text = normalise(passage.text)
        if any(p in text for p in phrases):
            return rank
    return None


def advice_sentences(text: str) -> list[str]:
    """The answer's sentences minus the lead-in line ("Here's what the guidance recommends:")."""
    lines = text.strip().split("\n", 1)
    if len(lines) == 2 and lines[0].rstrip().endswith(":") and not citations(lines[0]):
        text = lines[1]
    out: list[str] = []
    for sentence in split_sentences(text):
        sentence = _BULLET.sub("", sentence).strip()
        if not strip_citations(sentence):
            if out:  # a citation on a line of its own belongs to the sentence above
                out[-1] = f"{out[-1]} {sentence}"
            continue
        out.append(sentence)
    return out


def lexical_support(sentence: str, passage_text: str) -> float:
    """Share of the sentence's content words that occur in the passage (0..1)."""
    words = set(content_words(strip_citations(sentence)))
    if not words:
        return 0.0
    return len(words & set(content_words(passage_text))) / len(words)


def advice_text(answer: Answer) -> str:
    """The reply minus its offer line ("Want me to draft ...?"): a next step, not advice."""
    offers = {s.label for s in answer.suggestions}
    return "\n".join(line for line in answer.text.splitlines() if line.strip() not in offers)


def score_answer(answer: Answer, verifier: Any, question: str = "") -> ItemResult:
    """Citation coverage and support of one answer (counts; only for kind "answer").

    A cited sentence counts as supported by the pipeline's `verifier` when one of the passages
    it cites supports it, and lexically when one of them holds >= 60% of its content words.
    """
    result = ItemResult("in_scope", question or answer.query or "", answer_kind=answer.kind)
    if answer.kind != "answer":
        return result
    by_number = {p.n: p for p in answer.sources}
    for sentence in advice_sentences(advice_text(answer)):
        result.advice_sentences += 1
        if not citations(sentence):
            continue
        result.cited_sentences += 1
        # Only the passages it cites count: a sentence backed by some other passage still
        # misleads a reader who follows the citation.
        cited = [by_number[n] for n in citations(sentence) if n in by_number]
        by_verifier = bool(cited) and verifier.check(sentence, cited).supported
        by_words = any(lexical_support(sentence, p.text) >= LEXICAL_MIN for p in cited)
        result.supported_verifier += by_verifier
        result.supported_lexical += by_words
        if not (by_verifier and by_words):
            result.unsupported.append(sentence)
    return result


def _share(part: float, whole: float) -> float | None:
    return round(part / whole, 4) if whole else None


def _summarise(report: EvalReport) -> None:
    scoped = [i for i in report.items if i.kind == "in_scope"]
    outside = [i for i in report.items if i.kind == "out_of_scope"]
    drafts = [i for i in report.items if i.kind == "draft"]
    report.in_scope, report.out_of_scope, report.drafts = len(scoped), len(outside), len(drafts)
    n = len(scoped)
    ranks = [i.rank for i in scoped]
    report.hit_at_1 = _share(sum(r is not None and r <= 1 for r in ranks), n)
    report.hit_at_3 = _share(sum(r is not None and r <= 3 for r in ranks), n)
    report.hit_at_5 = _share(sum(r is not None and r <= 5 for r in ranks), n)
    report.mrr = _share(sum(1 / r for r in ranks if r), n)
    report.refusal_accuracy = _share(sum(i.answer_kind == "refusal" for i in outside), len(outside))
    report.false_refusal_rate = _share(sum(i.answer_kind == "refusal" for i in scoped), n)
    advice = sum(i.advice_sentences for i in scoped)
    cited = sum(i.cited_sentences for i in scoped)
    report.citation_coverage = _share(cited, advice)
    report.support_verifier = _share(sum(i.supported_verifier for i in scoped), cited)
    report.support_lexical = _share(sum(i.supported_lexical for i in scoped), cited)
    report.drafts_passed = sum(all(i.checks.values()) for i in drafts)
    report.draft_checks = sum(len(i.checks) for i in drafts)
    report.draft_checks_passed = sum(sum(i.checks.values()) for i in drafts)


def format_report(report: EvalReport) -> str:
    """The human-readable table `coach eval` prints, then the items that went wrong."""

    def pct(value: float | None) -> str:
        return "—" if value is None else f"{value:.1%}"

    rows = [
        (f"retrieval ({report.in_scope} in-scope questions, top {K})", ""),
        ("  hit@1", pct(report.hit_at_1)),
        ("  hit@3", pct(report.hit_at_3)),
        ("  hit@5", pct(report.hit_at_5)),
        ("  MRR", "—" if report.mrr is None else f"{report.mrr:.3f}"),
        ("refusals", ""),
        (f"  refused out of scope ({report.out_of_scope})", pct(report.refusal_accuracy)),
        (f"  refused in scope ({report.in_scope}, lower is better)",
         pct(report.false_refusal_rate)),
        ("answers", ""),
        ("  advice sentences citing a passage", pct(report.citation_coverage)),
        ("  cited sentences supported (verifier)", pct(report.support_verifier)),
        (f"  cited sentences supported (lexical, >= {LEXICAL_MIN:.0%} words)",
         pct(report.support_lexical)),
        ("drafts", ""),
        ("  drafts passing every check",
         f"{report.drafts_passed}/{report.drafts}" if report.drafts else "—"),
        ("  checks passed",
         f"{report.draft_checks_passed}/{report.draft_checks}" if report.draft_checks else "—"),
    ]
    width = max(len(label) for label, _ in rows) + 2
    lines = [f"{label:<{width}}{value:>7}" if value else label for label, value in rows]
    misses = []
    for item in report.items:
        if item.kind == "in_scope" and item.rank is None:
            misses.append(f"  not in top {K}: {item.question}")
        if item.kind == "in_scope" and item.answer_kind == "refusal":
            misses.append(f"  refused in scope: {item.question}")
        if item.kind == "out_of_scope" and item.answer_kind != "refusal":
            misses.append(f"  answered out of scope: {item.question}")
        misses += [f"  unsupported: {s}" for s in item.unsupported]
        failed = [name for name, ok in item.checks.items() if not ok]
        if failed:
            misses.append(f"  draft {item.question} failed: {', '.join(failed)}")
    if misses:
        lines += ["", "Needs attention:", *misses]
    return "\n".join(lines)
