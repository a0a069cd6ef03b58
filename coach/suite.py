"""A guidance suite: several documents and labelled questions, scored per document.

A suite is a folder with `docs/` (guidance files in any supported format) and `questions/`
(`*.jsonl`, one labelled item per line, each in-scope item naming its `doc`). The shipped
article and its labelled set can be added to any suite, so a library of several documents is
scored as users meet it: every document ingested into one store, every question asked of it.

Figures are reported per document, because a pipeline tuned on one document can look good on
average and fail on the others; and the decline threshold is checked leave-one-document-out:
picked on every other document's questions, then applied to the held-out one.
"""

from __future__ import annotations

import json
import re
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from coach.evaluation import (
    EvalSetError,
    K,
    advice_sentences,
    advice_text,
    first_hit,
    load_items,
    normalise,
)
from coach.text import citations, content_words, strip_citations

if TYPE_CHECKING:
    from coach.api import Coach
    from coach.settings import Settings

SHIPPED_DOC = "mentor-partnership-part-one.md"
OUT_OF_SCOPE = "(out of scope)"
# Markup that must never reach a reply: emphasis, link and image syntax, admonition markers,
# headings, HTML tags, table pipes, doubled bullets, code ticks, presenter-note carets.
DEBRIS = re.compile(r"\*\*|__|(?<![\w])_(?=\w)|\]\(|!\[|\[!|!!!|^#{1,6}\s|<[a-zA-Z/][^>]*>|"
                    r"\|\s*\w+\s*\||\s\|\s*$|^\s*\|\s|^\s*[-*]\s+[-*]\s|`|^\s*>\s|"
                    r"(?:^|\s)#{2,6}[A-Za-z]|^\s*(?:[-*]\s+)?\^\s",
                    re.MULTILINE)
# A sentence that leans on a neighbour it was cut from ("This kind of talk...", "Below are...").
DANGLING = re.compile(r"^(?:(?:this|that|these|those|it|they|them|such|below|above|here|the "
                      r"following|following|as (?:mentioned|noted|discussed)|another|similarly|"
                      r"likewise|the same|the rest|as a result|therefore|thus|hence|otherwise|"
                      r"yet|however)\b|still,|[^,;:]{0,40},\s*(?:though|however),"
                      # "If you fall into any of these patterns, ...": the patterns came before
                      r"|[^,;:]*\b(?:of|in|into|to|with|from|like) (?:these|those) (?!who\b)\w+"
                      # "Remember that your mentor agreed to this."
                      r"|.*\b(?:to|do|about|like|with|of) this[.!?]?$)", re.IGNORECASE)

# "It's fine to ...", "It also helps to ...", "It is your call whether ...": an "it" standing for
# the clause that follows.
POINTS_AHEAD = re.compile(r"^it(?:['\u2019]s| is| was)?\s+(?:[\w'\u2019-]+\s+){0,5}?"
                          r"(?:to \w+|that |whether |if )|"
                          # "It's not uncommon for mentor and mentee to stay in touch."
                          r"^it(?:['\u2019]s| is)\s+(?:[\w'\u2019-]+\s+){1,3}?for\s+"
                          r"(?:[\w'\u2019-]+\s+){1,3}?to \w+", re.IGNORECASE)


@dataclass
class SuiteItem:
    """One question's outcome: retrieval rank, what the reply did, and its answerability score."""

    doc: str
    question: str
    out_of_scope: bool
    confidence: float | None
    answer_kind: str
    rank: int | None = None
    gold_in_answer: bool = False
    gold_first: bool = False
    gold_first_point: bool = False
    gold_retrieved: bool = False
    sentences: int = 0
    debris: list[str] = field(default_factory=list)
    dangling: list[str] = field(default_factory=list)


@dataclass
class DocFigures:
    """Shares are 0..1; None when the document has no item of that kind."""

    doc: str
    questions: int = 0
    out_of_scope: int = 0
    hit_at_1: float | None = None
    hit_at_3: float | None = None
    mrr: float | None = None
    false_refusals: float | None = None
    declined: float | None = None
    gold_in_answer: float | None = None
    gold_first: float | None = None
    gold_first_point: float | None = None
    gold_when_retrieved: float | None = None
    gold_first_when_retrieved: float | None = None
    gold_first_point_when_retrieved: float | None = None
    avg_sentences: float | None = None
    debris: int = 0
    dangling: int = 0
    lodo_threshold: float | None = None
    lodo_false_refusals: float | None = None
    lodo_declined: float | None = None


@dataclass
class SuiteReport:
    docs: list[DocFigures]
    total: DocFigures
    items: list[SuiteItem]

    def to_dict(self) -> dict[str, Any]:
        return {"docs": [asdict(d) for d in self.docs], "total": asdict(self.total),
                "items": [asdict(i) for i in self.items]}


def load_suite(folder: Path, *, with_shipped: Path | None = None
               ) -> tuple[list[Path], list[dict[str, Any]]]:
    """The suite's document files and labelled items (plus the shipped article's, if given)."""
    docs_dir, questions_dir = Path(folder) / "docs", Path(folder) / "questions"
    if not docs_dir.is_dir() or not questions_dir.is_dir():
        raise EvalSetError(f"{folder} is not a suite: it needs a docs/ and a questions/ folder")
    docs = sorted(p for p in docs_dir.iterdir() if p.is_file() and not p.name.startswith("."))
    items: list[dict[str, Any]] = []
    for path in sorted(questions_dir.glob("*.jsonl")):
        items += load_items(path)
    known = {p.name for p in docs}
    if with_shipped is not None:
        docs.append(with_shipped)
        known.add(with_shipped.name)
        items += [{**item, "doc": with_shipped.name} for item in load_items()
                  if "question" in item and not item.get("out_of_scope")]
        items += [item for item in load_items() if item.get("out_of_scope")]
    for item in items:
        doc = item.get("doc")
        if not item.get("out_of_scope") and "question" in item and doc not in known:
            raise EvalSetError(f"question {item['question']!r} names doc {doc!r}, which is not "
                               f"in {docs_dir}")
    return docs, [i for i in items if "question" in i]


def gold_hit(sentence: str, phrases: Sequence[str]) -> bool:
    """True when `sentence` says one of the gold phrases: verbatim, or nearly all its words.

    The coach may reword a sentence ("she" → "your mentor", a connective dropped), so a phrase
    also counts when >= 80% of its content words are in the sentence.
    """
    text = normalise(strip_citations(sentence))
    words = set(content_words(text))
    for phrase in phrases:
        if normalise(phrase) in text:
            return True
        wanted = set(content_words(phrase))
        if wanted and len(wanted & words) / len(wanted) >= 0.8:
            return True
    return False


def score_item(coach: Coach, item: dict[str, Any]) -> SuiteItem:
    """Ask the coach one labelled question and measure the reply as a mentee meets it."""
    from coach.conversation import resolve_follow_up

    question, history = item["question"], lived(coach, list(item.get("history") or []))
    answer = coach.ask(question, history)
    out = SuiteItem(doc=item.get("doc") or OUT_OF_SCOPE, question=question,
                    out_of_scope=bool(item.get("out_of_scope")),
                    confidence=getattr(answer, "confidence", None), answer_kind=answer.kind)
    if out.out_of_scope:
        return out
    passages = coach.retriever.search(resolve_follow_up(question, history), k=K)
    out.rank = first_hit(passages, item["expect"])
    if answer.kind != "answer":
        return out
    out.gold_retrieved = out.rank is not None and out.rank <= coach.settings.top_k
    return measure_reply(out, advice_text(answer), item["expect"])


def lived(coach: Coach, history: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A labelled history as the mentee would have lived it: each assistant turn is the coach's
    own reply to the user turn before it (a label's hand-written summary of the answer is not
    what the coach said, and a follow-up is read against what it said)."""
    lived_turns: list[dict[str, Any]] = []
    for turn in history:
        if turn.get("role") == "assistant" and lived_turns and \
                lived_turns[-1].get("role") == "user":
            reply = coach.ask(str(lived_turns[-1]["content"]), lived_turns[:-1]).text
            turn = {"role": "assistant", "content": reply}
        lived_turns.append(dict(turn))
    return lived_turns


def measure_reply(out: SuiteItem, text: str, expect: Sequence[str]) -> SuiteItem:
    """Fill `out`'s reply figures from the advice text of an answer (gold, sentences, markup)."""
    sentences = advice_sentences(text)
    out.sentences = len(sentences)
    out.gold_in_answer = any(gold_hit(s, expect) for s in sentences)
    out.gold_first = bool(sentences) and gold_hit(sentences[0], expect)
    out.debris = [s for s in sentences if DEBRIS.search(strip_citations(s))]
    leads = lead_ins_with_lists(text)
    out.gold_first_point = any(gold_hit(s, expect) for s in opening_point(text))
    openers = line_openers(text)
    # A pointing word dangles only where a reader meets it first: at the start of a paragraph
    # or bullet. After the sentence it points to, in the same paragraph, it reads fine.
    out.dangling = [s for s in sentences if _dangles(strip_citations(s), openers, leads)]
    return out


def _dangles(body: str, openers: set[str], leads: set[str]) -> bool:
    """A leaning opener where a reader meets it first, or a lead-in with no list after it."""
    if body in leads:
        return False
    return ((bool(DANGLING.match(body)) and not POINTS_AHEAD.match(body)
             and body[:40] in openers) or body.rstrip().endswith(":"))


_BULLET_LINE = re.compile(r"^(\s*)[-*\u2022]\s+(.*)$")


def opening_point(text: str) -> list[str]:
    """The sentences of the reply's opening point: its first paragraph and that paragraph's list.

    The composer opens with one unit: a sentence, a sentence with the ones that lean on it
    ("They do not mark your work ..."), or a lead-in with its list ("A few things help:").
    A mentee reads that unit as the answer, so the gold counts as leading the reply when it is
    anywhere in it ("1st pt"); "gold 1st" stays the strict first sentence.
    """
    lines = [ln for ln in text.strip().splitlines()]
    if lines and lines[0].rstrip().endswith(":") and not citations(lines[0]):
        lines = lines[1:]  # a generator's "Here's what the guidance says:" line
    while lines and not lines[0].strip():
        lines = lines[1:]
    if not lines:
        return []
    point = [lines[0]]
    for line in lines[1:]:
        if not line.strip() or not line.startswith((" ", "\t")):
            break  # the opening point's list ends before the supporting points
        point.append(_BULLET_LINE.sub(r"\2", line.strip()))
    return [s for part in point for s in advice_sentences(part)]


def line_openers(text: str) -> set[str]:
    """The first 40 characters of each paragraph or bullet, citations and bullets removed."""
    return {strip_citations(_BULLET_LINE.sub(r"\2", line.strip()))[:40]
            for line in text.splitlines() if line.strip()}


def lead_ins_with_lists(text: str) -> set[str]:
    """Lines ending in ":" whose list follows, indented deeper: they do not dangle (nor does
    the line's last sentence, the lead-in itself, when a sentence it leans on comes first)."""
    lines = [ln for ln in text.splitlines() if ln.strip()]
    out = set()
    for line, nxt in zip(lines, lines[1:], strict=False):
        body = strip_citations(line)
        if not body.rstrip().endswith(":"):
            continue
        own = _BULLET_LINE.match(line)
        item = _BULLET_LINE.match(nxt)
        if item and len(item.group(1)) > (len(own.group(1)) if own else -1):
            said = strip_citations(own.group(2) if own else line.strip())
            out |= {said, strip_citations(advice_sentences(said)[-1])}
    return out


def run_suite(make_coach: Callable[[Settings], Coach], settings: Settings, docs: Sequence[Path],
              items: Sequence[dict[str, Any]], *, isolated: bool = False,
              progress: Callable[[int, int], None] | None = None) -> SuiteReport:
    """Ask every item of a fresh store holding `docs` (in a temporary data dir); score per doc.

    `isolated`: each document in a store of its own, asked its own questions and its share of
    the out-of-scope ones — a user who ingests one guide. Otherwise one library holds them all,
    and a question may be answered from any document (only its own document's gold counts).
    """
    groups = _isolated_groups(docs, items) if isolated else [(list(docs), list(items))]
    scored: list[SuiteItem] = []
    for group_docs, group_items in groups:
        with tempfile.TemporaryDirectory(prefix="coach-suite-") as tmp:
            coach = make_coach(_ingested(settings, Path(tmp), group_docs))
            for item in group_items:
                scored.append(score_item(coach, item))
                if progress is not None:
                    progress(len(scored), len(items))
    return summarise(scored)


def _isolated_groups(docs: Sequence[Path], items: Sequence[dict[str, Any]]
                     ) -> list[tuple[list[Path], list[dict[str, Any]]]]:
    """One (document, its questions + a round-robin share of the out-of-scope ones) per doc."""
    outside = [i for i in items if i.get("out_of_scope")]
    groups = []
    for n, doc in enumerate(docs):
        mine = [i for i in items if i.get("doc") == doc.name and not i.get("out_of_scope")]
        groups.append(([doc], mine + outside[n::len(docs)]))
    return groups


def _ingested(settings: Settings, data_dir: Path, docs: Sequence[Path]) -> Settings:
    from coach.api import passage_texts
    from coach.store import open_store
    from ingest.indexer import sync

    local = settings.with_(data_dir=data_dir, chroma_url=None)
    report = sync(open_store(local, create=True, passage_texts=passage_texts), list(docs),
                  progress=False)
    if not report.ok:
        raise EvalSetError("some suite documents could not be ingested: "
                           + "; ".join(report.errors))
    return local


def summarise(items: Sequence[SuiteItem]) -> SuiteReport:
    """Per-document figures, the total, and the leave-one-document-out decline threshold."""
    in_scope_docs = sorted({i.doc for i in items if not i.out_of_scope})
    outside = [i for i in items if i.out_of_scope]
    folds = {doc: outside[n::len(in_scope_docs)] for n, doc in enumerate(in_scope_docs)}
    rows = []
    for doc in in_scope_docs:
        mine = [i for i in items if i.doc == doc and not i.out_of_scope]
        row = figures(doc, mine + folds[doc])
        _lodo(row, [i for i in items if i.doc != doc and not i.out_of_scope]
              + [i for d, f in folds.items() if d != doc for i in f], mine + folds[doc])
        rows.append(row)
    total = figures("all documents", list(items))
    _lodo_total(total, rows)
    return SuiteReport(rows, total, list(items))


def figures(doc: str, items: Sequence[SuiteItem]) -> DocFigures:
    scoped = [i for i in items if not i.out_of_scope]
    outside = [i for i in items if i.out_of_scope]
    answered = [i for i in scoped if i.answer_kind == "answer"]
    ranks = [i.rank for i in scoped]
    row = DocFigures(doc, questions=len(scoped), out_of_scope=len(outside))
    row.hit_at_1 = _share(sum(r is not None and r <= 1 for r in ranks), len(scoped))
    row.hit_at_3 = _share(sum(r is not None and r <= 3 for r in ranks), len(scoped))
    row.mrr = _share(sum(1 / r for r in ranks if r), len(scoped))
    row.false_refusals = _share(sum(i.answer_kind == "refusal" for i in scoped), len(scoped))
    row.declined = _share(sum(i.answer_kind == "refusal" for i in outside), len(outside))
    row.gold_in_answer = _share(sum(i.gold_in_answer for i in scoped), len(scoped))
    row.gold_first = _share(sum(i.gold_first for i in scoped), len(scoped))
    row.gold_first_point = _share(sum(i.gold_first_point for i in scoped), len(scoped))
    # What the composer controls: the gold passage was in the evidence it was given.
    retrieved = [i for i in scoped if i.gold_retrieved]
    row.gold_when_retrieved = _share(sum(i.gold_in_answer for i in retrieved), len(retrieved))
    row.gold_first_when_retrieved = _share(sum(i.gold_first for i in retrieved), len(retrieved))
    row.gold_first_point_when_retrieved = _share(sum(i.gold_first_point for i in retrieved),
                                                 len(retrieved))
    row.avg_sentences = _share(sum(i.sentences for i in answered), len(answered))
    row.debris = sum(bool(i.debris) for i in scoped)
    row.dangling = sum(bool(i.dangling) for i in scoped)
    return row


def best_threshold(items: Iterable[SuiteItem]) -> float | None:
    """The confidence cut that best separates answerable from out-of-scope questions.

    Maximises balanced accuracy (declined share of out-of-scope + answered share of in-scope);
    ties go to the lower cut, which refuses less. None when no item carries a confidence.
    """
    scored = [i for i in items if i.confidence is not None]
    if not scored:
        return None
    cuts = sorted({round(_conf(i), 4) for i in scored} | {0.0})
    best, best_value = None, -1.0
    for cut in cuts:
        value = _balanced(scored, cut)
        if value > best_value + 1e-9:
            best, best_value = cut, value
    return best


def _balanced(items: Sequence[SuiteItem], cut: float) -> float:
    inside = [i for i in items if not i.out_of_scope]
    outside = [i for i in items if i.out_of_scope]
    kept = sum(_conf(i) >= cut for i in inside) / len(inside) if inside else 1.0
    declined = sum(_conf(i) < cut for i in outside) / len(outside) if outside else 1.0
    return (kept + declined) / 2


def _conf(item: SuiteItem) -> float:
    return item.confidence if item.confidence is not None else 0.0


def _lodo(row: DocFigures, train: Sequence[SuiteItem], test: Sequence[SuiteItem]) -> None:
    cut = best_threshold(train)
    if cut is None:
        return
    inside = [i for i in test if not i.out_of_scope and i.confidence is not None]
    outside = [i for i in test if i.out_of_scope and i.confidence is not None]
    row.lodo_threshold = cut
    row.lodo_false_refusals = _share(sum(_conf(i) < cut for i in inside), len(inside))
    row.lodo_declined = _share(sum(_conf(i) < cut for i in outside), len(outside))


def _lodo_total(total: DocFigures, rows: Sequence[DocFigures]) -> None:
    """Pool the held-out results: each document's items judged by the cut its fold chose."""
    measured = [r for r in rows if r.lodo_threshold is not None]
    if not measured:
        return
    inside = sum(r.questions for r in measured)
    outside = sum(r.out_of_scope for r in measured)
    total.lodo_false_refusals = _share(
        sum((r.lodo_false_refusals or 0) * r.questions for r in measured), inside)
    total.lodo_declined = _share(
        sum((r.lodo_declined or 0) * r.out_of_scope for r in measured), outside)


def _share(part: float, whole: float) -> float | None:
    return round(part / whole, 4) if whole else None


def format_suite(report: SuiteReport) -> str:
    """The per-document table `coach eval --suite` prints, then what needs attention."""
    header = ("document", "Q", "OOS", "hit@1", "hit@3", "MRR", "refused", "declined", "gold",
              "gold 1st", "1st pt", "gold|ret", "1st|ret", "pt|ret", "sent.", "debris", "dangl.",
              "LODO cut", "LODO refused", "LODO declined")
    lines = []
    for row in [*report.docs, report.total]:
        lines.append((row.doc[:34], str(row.questions), str(row.out_of_scope), _p(row.hit_at_1),
                      _p(row.hit_at_3), _f(row.mrr), _p(row.false_refusals), _p(row.declined),
                      _p(row.gold_in_answer), _p(row.gold_first), _p(row.gold_first_point),
                      _p(row.gold_when_retrieved), _p(row.gold_first_when_retrieved),
                      _p(row.gold_first_point_when_retrieved), _f(row.avg_sentences, 1),
                      str(row.debris), str(row.dangling), _f(row.lodo_threshold),
                      _p(row.lodo_false_refusals), _p(row.lodo_declined)))
    widths = [max(len(r[c]) for r in [header, *lines]) for c in range(len(header))]
    out = ["  ".join(h.ljust(w) if c == 0 else h.rjust(w) for c, (h, w)
                     in enumerate(zip(r, widths, strict=True)))
           for r in [header, *lines]]
    out.insert(1, "-" * len(out[0]))
    out.insert(len(out) - 1, "-" * len(out[0]))
    misses = []
    for item in report.items:
        if item.out_of_scope and item.answer_kind != "refusal":
            misses.append(f"  answered out of scope: {item.question}")
        elif not item.out_of_scope:
            if item.rank is None:
                misses.append(f"  [{item.doc}] gold not in top {K}: {item.question}")
            if item.answer_kind == "refusal":
                misses.append(f"  [{item.doc}] refused in scope: {item.question}")
            misses += [f"  [{item.doc}] markup: {s}" for s in item.debris]
            misses += [f"  [{item.doc}] dangling: {s}" for s in item.dangling]
    if misses:
        out += ["", "Needs attention:", *misses]
    return "\n".join(out)


def _p(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def _f(value: float | None, digits: int = 2) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def dump(report: SuiteReport) -> str:
    return json.dumps(report.to_dict(), ensure_ascii=False)
