"""Check the varied guidance set: every expect phrase must occur verbatim in its document.

Usage: python tests/guidance/check_set.py [GUIDANCE_DIR]   (default: this file's folder)

Generic over GUIDANCE_DIR/docs/ (md, txt, html, pdf) and GUIDANCE_DIR/questions/*.jsonl.
Visible text: md/txt as written; HTML via BeautifulSoup get_text() with script/style removed;
PDF via pypdf extract_text(). Both sides are lower-cased, curly quotes straightened and whitespace
collapsed before matching. Errors (exit code 1) are things the spec forbids; warnings are style
points a person should look at. Prints per-document counts at the end.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

ALLOWED_TOPICS = {"medication", "therapy", "immigration", "tax", "salary", "legal",
                  "hr-discipline", "equity", "company-policy", "other"}
MARKUP = set("*_`[]<>|#")
PRONOUNS = {"i", "you", "he", "she", "they", "it", "we", "this", "that", "these", "those",
            "your", "her", "his", "their", "its", "our"}
# Words that suggest a forbidden topic leaked into a document (checked on word boundaries).
FORBIDDEN = ["medication", "medicine", "therapy", "therapist", "counselling", "counseling",
             "mental health", "visa", "immigration", "tax", "taxes", "salary", "salaries",
             "pay rise", "lawyer", "lawsuit", "legal", "disciplinary", "grievance",
             "stock option", "stock options", "equity"]


def normalise(text: str) -> str:
    """Lower-case, straighten curly quotes, replace no-break spaces, collapse whitespace."""
    table = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"',
                           "\u00a0": " "})
    return " ".join(text.translate(table).lower().split())


def visible_text(path: Path) -> str:
    """Return the text a reader sees in `path`, by file type."""
    suffix = path.suffix.lower()
    if suffix in {".md", ".txt"}:
        return path.read_text(encoding="utf-8")
    if suffix in {".html", ".htm"}:
        from bs4 import BeautifulSoup

        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        for tag in soup(["script", "style"]):
            tag.decompose()
        return soup.get_text()
    if suffix == ".pdf":
        from pypdf import PdfReader

        return "\n".join(page.extract_text() or "" for page in PdfReader(str(path)).pages)
    raise ValueError(f"{path.name}: unsupported document type {suffix!r}; use md, txt, html, pdf")


def load_items(path: Path) -> tuple[list[dict], list[str]]:
    """Parse one JSONL file; return items and parse errors naming the line."""
    items, errors = [], []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            items.append(json.loads(line))
        except json.JSONDecodeError as exc:
            errors.append(f"{path.name}:{number}: invalid JSON ({exc.msg}); fix the line")
    return items, errors


def phrase_warnings(phrase: str) -> list[str]:
    """Style points from the spec: 5-10 words, no markup, not starting with a pronoun."""
    notes = []
    words = phrase.split()
    if not 5 <= len(words) <= 10:
        notes.append(f"{len(words)} words (spec: 5-10)")
    if MARKUP & set(phrase):
        notes.append("contains markup characters")
    if words and words[0].lower().strip("'\"") in PRONOUNS:
        notes.append(f"starts with pronoun {words[0]!r}")
    return notes


def check_history(item: dict) -> list[str]:
    """A follow-up's history must be user/assistant turns with content."""
    history = item["history"]
    if not isinstance(history, list) or not history:
        return ["history must be a non-empty list"]
    roles = [turn.get("role") for turn in history]
    problems = [] if roles[-1] == "assistant" else ["history should end with an assistant turn"]
    if any(role not in {"user", "assistant"} or not turn.get("content")
           for role, turn in zip(roles, history, strict=True)):
        problems.append("history turns need role user/assistant and content")
    return problems


def check_in_scope(item: dict, docs: dict[str, str], where: str) -> tuple[list[str], list[str]]:
    """Errors and warnings for one in-scope question."""
    errors, warnings = [], []
    doc = item.get("doc")
    if doc not in docs:
        return [f"{where}: doc {doc!r} not found in docs/"], []
    expect = item.get("expect")
    if not isinstance(expect, list) or not 1 <= len(expect) <= 3:
        errors.append(f"{where}: expect must be a list of 1-3 phrases")
        expect = expect if isinstance(expect, list) else []
    text = docs[doc]
    for phrase in expect:
        found = text.count(normalise(phrase))
        if found == 0:
            errors.append(f"{where}: phrase not in {doc}: {phrase!r}")
        elif found > 1:
            warnings.append(f"{where}: phrase occurs {found} times in {doc}: {phrase!r}")
        warnings += [f"{where}: {phrase!r}: {note}" for note in phrase_warnings(phrase)]
    if "history" in item:
        errors += [f"{where}: {problem}" for problem in check_history(item)]
    return errors, warnings


def check_out_of_scope(item: dict, where: str) -> list[str]:
    """Errors for one out-of-scope probe."""
    errors = []
    if item.get("topic") not in ALLOWED_TOPICS:
        errors.append(f"{where}: topic {item.get('topic')!r} not in {sorted(ALLOWED_TOPICS)}")
    if "expect" in item or "doc" in item:
        errors.append(f"{where}: out-of-scope items take no doc/expect")
    return errors


def forbidden_hits(name: str, text: str) -> list[str]:
    """Warn about forbidden-topic words appearing in a document."""
    lowered = normalise(text)
    return [f"{name}: mentions {word!r} (forbidden topic?)" for word in FORBIDDEN
            if re.search(rf"\b{re.escape(word)}\b", lowered)]


def position_buckets(text: str, phrases: list[str], buckets: int = 4) -> list[int]:
    """How many phrases fall in each quarter of the document (a rough spread measure)."""
    counts = [0] * buckets
    for phrase in phrases:
        index = text.find(normalise(phrase))
        if index >= 0:
            counts[min(buckets - 1, index * buckets // max(1, len(text)))] += 1
    return counts


Targets = Callable[[dict[str, Counter], Counter], list[str]]


def main(root: Path, targets: Targets | None = None) -> int:
    """Check every question file under `root`; print problems and per-document counts.
    `targets(per-document counts, out-of-scope topics)` adds warnings where a set's own brief
    asks for other counts."""
    doc_dir, question_dir = root / "docs", root / "questions"
    docs = {path.name: normalise(visible_text(path)) for path in sorted(doc_dir.iterdir())
            if path.suffix.lower() in {".md", ".txt", ".html", ".htm", ".pdf"}}
    errors: list[str] = []
    warnings = [w for name, text in docs.items() for w in forbidden_hits(name, text)]
    per_doc: dict[str, Counter] = {name: Counter() for name in docs}
    phrases_by_doc: dict[str, list[str]] = {name: [] for name in docs}
    topics: Counter = Counter()
    seen: set[str] = set()
    for path in sorted(question_dir.glob("*.jsonl")):
        items, parse_errors = load_items(path)
        errors += parse_errors
        for number, item in enumerate(items, start=1):
            where = f"{path.name}#{number}"
            question = item.get("question", "")
            if not question.strip():
                errors.append(f"{where}: empty question")
            if normalise(question) in seen:
                errors.append(f"{where}: duplicate question {question!r}")
            seen.add(normalise(question))
            if item.get("out_of_scope"):
                errors += check_out_of_scope(item, where)
                topics[item.get("topic")] += 1
                continue
            # A file named after a document holds that document's questions; a file named
            # after none (e.g. boundaries.jsonl) may mix documents.
            named_after_doc = path.stem in {Path(name).stem for name in docs}
            if named_after_doc and path.stem != Path(str(item.get("doc"))).stem:
                warnings.append(f"{where}: doc {item.get('doc')!r} differs from file name")
            item_errors, item_warnings = check_in_scope(item, docs, where)
            errors += item_errors
            warnings += item_warnings
            if item.get("doc") in per_doc:
                counts = per_doc[item["doc"]]
                counts["questions"] += 1
                counts["follow-ups"] += "history" in item
                counts["phrases"] += len(item.get("expect", []))
                counts["found"] += sum(docs[item["doc"]].count(normalise(p)) > 0
                                       for p in item.get("expect", []))
                phrases_by_doc[item["doc"]] += item.get("expect", [])
    if targets is not None:
        warnings += targets(per_doc, topics)
    for line in warnings:
        print(f"WARN  {line}")
    for line in errors:
        print(f"ERROR {line}")
    print("\nper document:")
    for name, counts in per_doc.items():
        spread = position_buckets(docs[name], phrases_by_doc[name])
        print(f"  {name:45s} words={len(docs[name].split()):5d} questions={counts['questions']:3d}"
              f" follow-ups={counts['follow-ups']:2d} phrases={counts['found']}/{counts['phrases']}"
              f" spread(quarters)={spread}")
    print(f"  out-of-scope: {sum(topics.values())} {dict(sorted(topics.items()))}")
    print(f"\n{len(errors)} errors, {len(warnings)} warnings")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent))
