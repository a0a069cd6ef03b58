"""Fit the composer's weights leave-one-document-out, replaying cached evidence.

Retrieval and embedding run once per question and mode (isolated: each document in a store of
its own; library: all of them in one), as `coach eval --suite` asks them; the composer's inputs
(its candidate units with their unweighted score parts and vectors, and each unit as it would be
said) are pickled. A parameter vector (`coach.compose.Weights`) is then scored by the composer's
own `score_candidates` and `select_points` on the cache, with no embedding, and the reply measured
as `coach.suite.measure_reply` measures a live one (the replay of the shipped weights is checked to
give the live figures item for item).

    PYTHONPATH=. python bench/calibrate.py capture          # ~40 s here, once
    PYTHONPATH=. python bench/calibrate.py fit [--out F] [k=v ...]  # LODO coordinate descent;
                                                  # k=v: a proposed vector to report beside it
    PYTHONPATH=. python bench/calibrate.py single [k=v ...]  # each parameter alone, LODO

Objective on a training set, per mode, summed over both modes: gold-first share + gold-in-reply
share, minus 2 x (mean sentences per reply - 3.8) when above 3.8, minus 0.05 for each
out-of-scope question answered beyond the shipped weights' count. For each of the 7 documents the
weights are fitted on the other 6 and applied to it; the table gives those held-out figures
beside the shipped weights' and the vector fitted on all documents.
"""
from __future__ import annotations

import dataclasses
import json
import pickle
import sys
import tempfile
import time
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from coach import compose as C
from coach import suite as S
from coach.results import Passage
from coach.settings import Settings

CACHE = Path(".artifacts/calibrate")
MODES = ("isolated", "library")
SENTENCE_TARGET = 3.8
SENTENCE_PENALTY = 2.0  # per sentence of mean reply length above the target
OOS_PENALTY = 0.05  # per out-of-scope question answered
GRID: dict[str, Sequence[float]] = {
    "sentence_weight": (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9),
    "overlap_weight": (0.0, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4),
    "carry": (0.7, 0.8, 0.85, 0.9, 0.95, 1.0),
    "type_bonus": (0.0, 0.05, 0.1, 0.15, 0.2, 0.3),
    "story_penalty": (0.0, 0.05, 0.1, 0.15, 0.2, 0.3),
    "action_weight": (0.0, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4),
    "fact_action_weight": (-0.1, -0.05, 0.0, 0.05, 0.1, 0.15),
    "answer_margin": (0.0, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2),
    "sentence_floor": (0.2, 0.25, 0.3, 0.35),
    "support_floor": (0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5),
    "support_relative": (0.5, 0.6, 0.7, 0.8, 0.85, 0.9),
    "mmr_lambda": (0.5, 0.6, 0.7, 0.8, 0.9, 1.0),
    "max_support": (1, 2, 3, 4),
    "max_sentences": (3, 4, 5),
}


@dataclass
class Case:
    """One suite question as the live run met it, with what its composer was given."""

    item: S.SuiteItem  # the live outcome (rank, kind and reply figures)
    expect: list[str]
    question: str  # what the mentee asked last: its form is read
    top_k: int
    candidates: list[C.Candidate] | None = None  # None: the composer was never asked
    said: dict[tuple, C.Point] = field(default_factory=dict)
    reply: str = ""  # the live reply's advice text, to show where a replay differs
    said_before: list[str] = field(default_factory=list)  # a follow-up's last answer line
    focus_vec: Any = None  # ... and the follow-up's own vector (`C.not_said_before`)


def _key(passage: Passage, unit: Any) -> tuple:
    """A unit of one passage text (a passage's text, and so its units, can differ between
    questions under one id; its citation number differs too, so a `Point` is per case).
    Units may share a start (a sentence alone, and with the one leaning on it)."""
    return (passage.id, zlib.crc32(passage.text.encode()), unit.start, unit.size,
            tuple(sorted(unit.keys)))


def capture(isolated: bool) -> list[Case]:
    """Ask every suite question once, as `coach eval --suite` does; keep the composer's inputs."""
    from coach.api import Coach

    settings = Settings.from_env()
    docs, items = S.load_suite(Path("tests/guidance"),
                               with_shipped=settings.corpus_dir / S.SHIPPED_DOC)
    groups = S._isolated_groups(docs, items) if isolated else [(list(docs), list(items))]
    cases: list[Case] = []
    for gdocs, gitems in groups:
        with tempfile.TemporaryDirectory(prefix="coach-calib-") as tmp:
            coach = Coach(S._ingested(settings, Path(tmp), gdocs))
            cases += _capture_group(coach, gitems)
        print(f"  {len(cases)}/{len(items)} questions", file=sys.stderr, flush=True)
    return cases


def _capture_group(coach: Any, items: list[dict]) -> list[Case]:
    composer = coach.composer
    real = composer.compose
    seen: dict[str, Any] = {}  # "args": compose's arguments, "answer": the Answer

    def compose(question: str, evidence: list[Passage], *, focus: str | None = None,
                said_before: Sequence[str] = ()):
        seen["args"] = (question, evidence, focus, list(said_before))
        return real(question, evidence, focus=focus, said_before=said_before)

    def ask(question: str, history: Any = None, _ask: Any = coach.ask) -> Any:
        seen["answer"] = answer = _ask(question, history)
        return answer

    composer.compose, coach.ask = compose, ask
    said: dict[tuple, C.Point] = {}
    out = []
    for item in items:
        seen.clear()
        live = S.score_item(coach, item)
        case = Case(live, list(item.get("expect") or []), item["question"],
                    coach.settings.top_k, reply=S.advice_text(seen["answer"]))
        if "args" in seen:
            question, evidence, focus, said_before = seen["args"]
            case.question = focus or question
            case.candidates = composer.candidates(question, evidence, focus)
            if said_before and focus:  # a follow-up: what the last reply opened with
                case.said_before = said_before
                case.focus_vec = np.asarray(composer.embeddings.embed_query(focus),
                                            dtype=np.float32)
            for c in case.candidates:
                key = _key(c.passage, c.unit)
                if key not in said:
                    said[key] = composer._said(C._Scored(0.0, c.passage, c.unit, c.vec, 0.0))
                case.said[key] = C.Point(c.passage, said[key].sentences, said[key].items)
        out.append(case)
    return out


class Replayer:
    """Score a `Weights` on cached cases; replies with the same points are measured once."""

    def __init__(self, cases: list[Case]) -> None:
        self.cases = cases
        self._measured: dict[tuple, S.SuiteItem] = {}
        self._runs: dict[C.Weights, list[S.SuiteItem]] = {}

    def run(self, w: C.Weights) -> list[S.SuiteItem]:
        if w not in self._runs:
            self._runs[w] = [self._one(i, c, w) for i, c in enumerate(self.cases)]
        return self._runs[w]

    def _one(self, i: int, case: Case, w: C.Weights) -> S.SuiteItem:
        if case.candidates is None:
            return case.item
        scored = C.score_candidates(case.candidates, w)
        refused = replace(case.item, answer_kind="refusal", gold_retrieved=False,
                          gold_in_answer=False, gold_first=False, gold_first_point=False,
                          sentences=0, debris=[], dangling=[])
        if not scored or max(s.score for s in scored) < w.sentence_floor:
            return refused
        if case.focus_vec is not None:
            scored = C.not_said_before(scored, case.said_before, case.focus_vec, w.sentence_floor)
        comp = C.select_points(case.question, scored,
                               lambda s: case.said[_key(s.passage, s.unit)], w)
        # The said points live in `case.said`, so their ids name the units (answer first).
        key = (i, tuple(id(p) for p in comp.points), comp.sources_line)
        hit = self._measured.get(key)
        if hit is None:
            base = replace(refused, answer_kind="answer")
            if not base.out_of_scope:
                base.gold_retrieved = base.rank is not None and base.rank <= case.top_k
                base = S.measure_reply(base, "".join(C.render(comp)), case.expect)
            hit = self._measured[key] = base
        return hit


# -- figures and objective ------------------------------------------------------------------------

def figures(items: Sequence[S.SuiteItem]) -> dict[str, float]:
    """gold in reply, gold first, opening point (shares of in-scope), sentences per answer."""
    scoped = [i for i in items if not i.out_of_scope]
    answered = [i for i in scoped if i.answer_kind == "answer"]
    n = len(scoped) or 1
    return {"n": len(scoped),
            "in": sum(i.gold_in_answer for i in scoped) / n,
            "first": sum(i.gold_first for i in scoped) / n,
            "point": sum(i.gold_first_point for i in scoped) / n,
            "sent": sum(i.sentences for i in answered) / (len(answered) or 1),
            "refused": sum(i.answer_kind == "refusal" for i in scoped),
            "oos_answered": sum(i.answer_kind == "answer" for i in items if i.out_of_scope)}


def objective(items: Sequence[S.SuiteItem], oos_allowed: float) -> float:
    """Gold first + gold in reply, less the length penalty, less `OOS_PENALTY` for each
    out-of-scope question answered beyond `oos_allowed` (the shipped weights' count: declining
    is the answerability check's job, so the fit gains nothing by refusing more)."""
    f = figures(items)
    return (f["first"] + f["in"] - SENTENCE_PENALTY * max(0.0, f["sent"] - SENTENCE_TARGET)
            - OOS_PENALTY * max(0, f["oos_answered"] - oos_allowed))


Selector = Callable[[S.SuiteItem], bool]


def with_value(w: C.Weights, name: str, value: float) -> C.Weights:
    """`w` with the field `name` set to `value` (a `GRID` value: an int for the count fields)."""
    changes: dict[str, Any] = {name: value}  # the field is named at run time: no static type
    return replace(w, **changes)


def leave_out(doc: str) -> Selector:
    """Every item but those of `doc`."""
    return lambda i: i.doc != doc


def total_objective(replayers: dict[str, Replayer], w: C.Weights, keep: Selector) -> float:
    total = 0.0
    for r in replayers.values():
        today = figures([i for i in r.run(C.WEIGHTS) if keep(i)])["oos_answered"]
        total += objective([i for i in r.run(w) if keep(i)], today)
    return total


def descend(replayers: dict[str, Replayer], keep: Selector, start: C.Weights = C.WEIGHTS,
            sweeps: int = 4) -> C.Weights:
    """Coordinate descent over `GRID`: each parameter in turn set to its best grid value
    (a tie keeps the current one), until a sweep changes nothing."""
    w, best = start, total_objective(replayers, start, keep)
    for _ in range(sweeps):
        changed = False
        for name, values in GRID.items():
            for value in values:
                trial = with_value(w, name, value)
                score = total_objective(replayers, trial, keep)
                if score > best + 1e-9:
                    w, best, changed = trial, score, True
        if not changed:
            break
    return w


def gold(items: Sequence[S.SuiteItem]) -> float:
    f = figures(items)
    return f["first"] + f["in"]


def lodo_single(replayers: dict[str, Replayer], docs: list[str], name: str,
                base: C.Weights = C.WEIGHTS) -> tuple[dict[str, C.Weights], int, int]:
    """`name` alone fitted on every 6 documents: each fold's weights, and in how many folds the
    held-out document's gold (first + in reply, both modes) rose or fell against `base`."""
    fitted, better, worse = {}, 0, 0
    for doc in docs:
        def keep(i: S.SuiteItem, d: str = doc) -> bool:
            return i.doc != d

        def score(v: Any) -> tuple[float, bool]:
            trial = with_value(base, name, v)
            return total_objective(replayers, trial, keep), v == getattr(base, name)

        fitted[doc] = with_value(base, name, max(GRID[name], key=score))
        delta = sum(gold([i for i in r.run(fitted[doc]) if i.doc == doc])
                    - gold([i for i in r.run(base) if i.doc == doc]) for r in replayers.values())
        better += delta > 1e-9
        worse += delta < -1e-9
    return fitted, better, worse


def pooled_held_out(replayers: dict[str, Replayer], fitted: dict[str, C.Weights]
                    ) -> dict[str, dict[str, float]]:
    """Each document's items under its own fold's weights, pooled per mode."""
    return {m: figures([i for d, w in fitted.items() for i in r.run(w) if i.doc == d])
            for m, r in replayers.items()}


def single(replayers: dict[str, Replayer], docs: list[str], base: C.Weights = C.WEIGHTS) -> None:
    """Each parameter alone, fitted leave-one-document-out from `base`: folds where the
    held-out gold rose / fell, and the pooled held-out figures per mode."""
    today = pooled_held_out(replayers, {d: base for d in docs})
    print(f"{'parameter':20s} {'up':>3s} {'down':>4s}  isolated in/first/sent  "
          f"library in/first/sent   fitted values")
    print(f"{'(base)':20s} {'':8s}  {_fig(today['isolated'])}  {_fig(today['library'])}")
    for name in GRID:
        fitted, better, worse = lodo_single(replayers, docs, name, base)
        pooled = pooled_held_out(replayers, fitted)
        print(f"{name:20s} {better:3d} {worse:4d}  {_fig(pooled['isolated'])}  "
              f"{_fig(pooled['library'])}   {[getattr(w, name) for w in fitted.values()]}")


def _fig(f: dict[str, float]) -> str:
    return f"{f['in']:5.1%} {f['first']:5.1%} {f['sent']:4.2f}"


def _row(items: Sequence[S.SuiteItem]) -> str:
    f = figures(items)
    return f"{f['in']:5.0%} {f['first']:5.0%} {f['point']:5.0%} {f['sent']:4.1f}"


def diff(w: C.Weights) -> str:
    return ", ".join(f"{k}={v}" for k, v in dataclasses.asdict(w).items()
                     if getattr(C.WEIGHTS, k) != v) or "(shipped)"


def load(mode: str) -> list[Case]:
    path = CACHE / f"{mode}.pkl"
    if not path.exists():
        raise SystemExit(f"no cache at {path}: run `python bench/calibrate.py capture` first")
    return pickle.loads(path.read_bytes())


def check_replay(replayers: dict[str, Replayer]) -> None:
    """Today's weights replayed must give the live run's reply figures, item for item."""
    fields = ("answer_kind", "gold_in_answer", "gold_first", "gold_first_point", "sentences")
    for mode, r in replayers.items():
        bad = [c.item.question for c, i in zip(r.cases, r.run(C.WEIGHTS), strict=True)
               if any(getattr(c.item, f) != getattr(i, f) for f in fields)]
        print(f"replay check {mode}: {len(r.cases) - len(bad)}/{len(r.cases)} identical"
              + (f"; differ: {bad[:5]}" if bad else ""))


def fit(out: Path | None, proposed: C.Weights) -> None:
    replayers = {m: Replayer(load(m)) for m in MODES}
    check_replay(replayers)
    docs = sorted({c.item.doc for c in replayers["isolated"].cases if not c.item.out_of_scope})
    fitted: dict[str, C.Weights] = {}
    for doc in docs:
        t0 = time.time()
        fitted[doc] = descend(replayers, leave_out(doc))
        print(f"fold {doc[:34]:34s} {time.time() - t0:5.0f}s  {diff(fitted[doc])}", flush=True)
    every = descend(replayers, lambda i: True)
    print(f"all documents: {diff(every)}")
    report(replayers, docs, fitted, every, proposed, out)


def report(replayers: dict[str, Replayer], docs: list[str], fitted: dict[str, C.Weights],
           every: C.Weights, proposed: C.Weights, out: Path | None) -> None:
    """Per document: the shipped weights, its fold's fitted ones (held out), the vector fitted
    on all documents (in-sample), and `proposed`."""
    rows: dict[str, Any] = {}
    names = ("shipped", "LODO-fitted", "fit on all", "proposed")
    for mode, r in replayers.items():
        print(f"\n{mode}: gold in reply, gold first, opening point, sentences per reply")
        print(f"{'document':30s} " + " | ".join(f"{n:>22s}" for n in names))
        pooled: dict[str, list[S.SuiteItem]] = {n: [] for n in names}
        for doc in docs:
            def mine(w: C.Weights, d: str = doc, r: Replayer = r) -> list[S.SuiteItem]:
                return [i for i in r.run(w) if i.doc == d]
            cols = dict(zip(names, (mine(C.WEIGHTS), mine(fitted[doc]), mine(every),
                                    mine(proposed)), strict=True))
            for k, v in cols.items():
                pooled[k] += v
            rows[f"{mode}/{doc}"] = {k: figures(v) for k, v in cols.items()}
            print(f"{doc[:30]:30s} " + " | ".join(_row(v) for v in cols.values()))
        rows[f"{mode}/pooled"] = {k: figures(v) for k, v in pooled.items()}
        print(f"{'pooled':30s} " + " | ".join(_row(v) for v in pooled.values()))
        oos = [figures([i for i in r.run(w) if i.out_of_scope])["oos_answered"]
               for w in (C.WEIGHTS, every, proposed)]
        print(f"out-of-scope answered: shipped {oos[0]}, fit on all {oos[1]}, "
              f"proposed {oos[2]}")
    if out:
        out.write_text(json.dumps({"rows": rows, "folds": {d: dataclasses.asdict(w)
                                                           for d, w in fitted.items()},
                                   "all": dataclasses.asdict(every),
                                   "proposed": dataclasses.asdict(proposed)}, indent=1))


def parse_weights(args: Sequence[str]) -> C.Weights:
    """`name=value` arguments over the shipped weights."""
    w = C.WEIGHTS
    fields = [f.name for f in dataclasses.fields(C.Weights)]
    for arg in args:
        name, _, value = arg.partition("=")
        if name not in fields or not value:
            raise ValueError(f"{arg!r} is not name=value for a weight; the names: "
                             + ", ".join(fields))
        kind = type(getattr(C.WEIGHTS, name))
        w = replace(w, **{name: kind(float(value)) if kind is not bool else value == "1"})
    return w


def main() -> None:
    # The pickle names `bench.calibrate.Case`, not `__main__.Case`, so any importer can load it.
    from bench import calibrate as this

    command = sys.argv[1] if len(sys.argv) > 1 else "fit"
    if command == "capture":
        CACHE.mkdir(parents=True, exist_ok=True)
        for mode in MODES:
            t0 = time.time()
            cases = this.capture(isolated=mode == "isolated")
            (CACHE / f"{mode}.pkl").write_bytes(pickle.dumps(cases))
            print(f"{mode}: {len(cases)} questions in {time.time() - t0:.0f}s")
    elif command == "single":
        replayers = {m: Replayer(this.load(m)) for m in MODES}
        docs = sorted({c.item.doc for c in replayers["isolated"].cases
                       if not c.item.out_of_scope})
        this.single(replayers, docs, parse_weights(sys.argv[2:]))
    elif command == "fit":
        args = sys.argv[2:]
        out = Path(args.pop(args.index("--out") + 1)) if "--out" in args else None
        args = [a for a in args if a != "--out"]
        this.fit(out, parse_weights(args))
    else:
        raise SystemExit("usage: calibrate.py capture | single [k=v ...] | "
                         "fit [--out FILE.json] [k=v ...]")


if __name__ == "__main__":
    main()
