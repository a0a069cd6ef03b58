"""Why is the gold sentence missing from (or not first in) a suite reply? Mechanical causes.

For every labelled question of `tests/guidance` whose gold passage was in the evidence, the
composer's own scores are replayed to name the step that lost the gold sentence: it never became
a unit (and why: too short, a question, a table row, leaning with no predecessor ...), it scored
below the sentence floor, the answer pick chose another unit (near or below the margin), a
support floor or MMR or the sentence budget left it out, or it was said but gold matching failed.

    PYTHONPATH=. python bench/gold_diag.py [--library] [--out FILE.json] [--suite DIR]

`--suite DIR` diagnoses another question set of the same layout (its own documents only).

Prints the suite table, then cause counts overall and per document; `--out` keeps per-item rows
(question, cause, gold and answer units with scores, the reply) and the suite report beside it.
"""
from __future__ import annotations

import json
import sys
import tempfile
from collections import Counter
from pathlib import Path

from coach import compose as C
from coach import suite as S
from coach import voice as V
from coach.api import Coach
from coach.evaluation import normalise
from coach.settings import Settings
from coach.text import split_sentences


def unit_has_gold(unit: V.Unit, phrases: list[str]) -> bool:
    return S.gold_hit(unit.text, phrases) or any(S.gold_hit(s, phrases) for s in unit.sentences)


def why_no_unit(passage_text: str, phrases: list[str]) -> str:
    """The gold phrase is in the passage but in no unit: find the mechanical reason."""
    ptext = normalise(V.strip_markup(passage_text))
    blocks = V._blocks(V._CODE_ELEMENT.sub(" ", passage_text))
    for kind, payload in blocks:
        if kind == "list":
            for _, item in payload:
                for s in split_sentences(item):
                    if S.gold_hit(s, phrases):
                        return _sentence_reason(s, "list-item")
            continue
        sentences = split_sentences(payload)
        lead = isinstance(kind, tuple)
        if lead:
            items = kind[1]
            if any(S.gold_hit(t, phrases) for _, t in items):
                if len(items) > V.LIST_MAX_ITEMS:
                    return "list-too-long"
                return "lead-list-item?"
            if S.gold_hit(sentences[-1], phrases) and len(items) > V.LIST_MAX_ITEMS:
                return "lead-of-long-list"
        for i, s in enumerate(sentences):
            if S.gold_hit(s, phrases):
                if len(sentences) == 1 and len(s.split()) < V.TOPIC_MAX_WORDS and not lead:
                    return "topic-line"
                return _sentence_reason(s, "para", sentences[i - 1] if i else None)
        if S.gold_hit(payload, phrases):
            return "phrase-spans-sentence-split"
    # not found in blocks: noise line (heading/table) or other
    for raw in passage_text.splitlines():
        if S.gold_hit(V.strip_markup(raw), phrases) and V._NOISE_LINE.match(raw):
            return "noise-line(heading/table/quote)"
    if any(normalise(p) in ptext for p in phrases):
        return "phrase-across-lines/blocks"
    return "not-found-in-blocks"


def _sentence_reason(s: str, where: str, prev: str | None = None) -> str:
    words = s.split()
    if len(words) < 5:
        return f"{where}:too-short"
    if s.rstrip().endswith("?"):
        return f"{where}:question-mark"
    if V._PAGE_INTERFACE.match(s.strip()):
        return f"{where}:page-interface"
    if V._TABLE_ROW.match(s.strip()):
        return f"{where}:table-row"
    if V.looks_like_injection(s):
        return f"{where}:injection"
    if V.leans_on_predecessor(s):
        if prev is None or not V.is_candidate(prev):
            return f"{where}:leans-no-predecessor"
        return f"{where}:leans-too-long"
    return f"{where}:unknown"


def diagnose(coach: Coach, item: dict, captured: dict) -> dict:
    res = S.score_item(coach, item)
    out = {"doc": res.doc, "q": item["question"], "in": res.gold_in_answer,
           "first": res.gold_first, "retrieved": res.gold_retrieved, "kind": res.answer_kind,
           "sentences": res.sentences, "first_point": res.gold_first_point,
           "_item": res}
    if item.get("out_of_scope") or res.answer_kind != "answer" or not res.gold_retrieved:
        return out
    answer = captured["answer"]
    out["reply"] = S.advice_text(answer)
    if res.gold_in_answer and res.gold_first:
        out["cause"] = "ok"
        return out
    if res.gold_first_point:
        out["cause"] = "ok(opening point holds it: lead-in list or leaning chain)"
        return out
    phrases = item["expect"]
    comp: C.Composition = captured["composition"]
    scored: list[C._Scored] = captured["scored"]
    evidence = captured["evidence"]
    gold_passages = [p for p in evidence if any(normalise(ph) in normalise(p.text)
                                                 for ph in phrases)]
    golds = [s for s in scored if s.passage in gold_passages and unit_has_gold(s.unit, phrases)]
    chosen_units = [comp.answer, *comp.support]
    chosen_texts = [p.text for p in chosen_units]
    if not gold_passages:
        out["cause"] = "gold-passage-not-in-evidence"
        return out
    if not golds:
        out["cause"] = "no-unit:" + why_no_unit(gold_passages[0].text, phrases)
        return out
    gold = max(golds, key=lambda s: s.score)
    best = max(s.score for s in scored)
    answer_s = C._pick_answer(scored, C._action_weight(item["question"]))
    out["gold_unit"] = gold.unit.text[:200]
    out["gold_score"] = round(gold.score, 3)
    out["best"] = round(best, 3)
    out["answer_unit"] = answer_s.unit.text[:200]
    out["answer_score"] = round(answer_s.score, 3)
    out["gold_action"] = gold.action
    out["answer_action"] = answer_s.action
    gold_said = any(unit_has_gold(s.unit, phrases) and s.passage in gold_passages
                    for s in [answer_s])
    in_chosen = any(gold.unit.text in t or any(g.unit.text[:60] in t for g in golds)
                    for t in chosen_texts)
    if res.gold_in_answer and not res.gold_first:
        near = gold.score >= best - C.ANSWER_MARGIN
        out["cause"] = "first:" + ("answer-pick(near,action)" if near
                                   else "answer-pick(below-margin)")
        if gold_said:
            out["cause"] = "first:gold-unit-is-answer-but-not-first-sentence"
        return out
    # not in answer at all
    if gold_said or in_chosen:
        out["cause"] = "matching:chosen-but-gold_hit-fails"
        return out
    # The composer's own bounds: a unit within the answer margin of the best is always above
    # this floor (a close call), so no gold unit is lost as "near the answer, under the floor".
    floor, cap = C.support_bounds(scored, answer_s)
    if gold.score < C.SENTENCE_FLOOR:
        c = "below-SENTENCE_FLOOR"
    elif gold.story:
        c = "support:story-unit"
    elif gold.score < floor:
        c = ("support:below-SUPPORT_FLOOR" if gold.score < C.SUPPORT_FLOOR
             else "support:below-RELATIVE")
    elif any(gold.passage.id == t.passage.id and gold.unit.keys & t.unit.keys
             for t in [answer_s]):
        c = "support:overlaps-answer-keys"
    elif gold.unit.size > C.support_budget(answer_s):
        c = "support:too-big-for-budget"
    else:
        # was it dropped by MMR, cap, budget, or sources_line?
        support = C._pick_support(scored, answer_s)
        out["gold_red"] = round(float(gold.vec @ answer_s.vec), 3)
        out["gold_lex"] = round(_lex(gold, answer_s), 3)
        out["chosen"] = [(round(x.score, 3), round(float(x.vec @ answer_s.vec), 3),
                          round(_lex(x, answer_s), 3),
                          x.passage.section == answer_s.passage.section,
                          x.unit.text[:60]) for x in support]
        out["gold_same_section"] = gold.passage.section == answer_s.passage.section
        if any(s is gold for s in support):
            c = "support:dropped-by-sources-line"
        elif len(support) >= cap:
            c = "support:lost-MMR(cap)"
        else:
            c = "support:lost-MMR/budget"
    out["cause"] = c
    return out


def _lex(a, b) -> float:
    from coach.text import content_words
    x, y = set(content_words(a.unit.text)), set(content_words(b.unit.text))
    return len(x & y) / (len(x | y) or 1)


def main() -> None:
    library = "--library" in sys.argv
    outfile = sys.argv[sys.argv.index("--out") + 1] if "--out" in sys.argv else None
    suite = sys.argv[sys.argv.index("--suite") + 1] if "--suite" in sys.argv else None
    settings = Settings.from_env()
    docs, items = S.load_suite(Path(suite or "tests/guidance"),
                               with_shipped=None if suite else settings.corpus_dir / S.SHIPPED_DOC)
    oos: list = []
    items = [i for i in items if not i.get("out_of_scope")]
    groups = [(list(docs), items)] if library else S._isolated_groups(docs, items)
    rows = []
    for gdocs, gitems in groups:
        with tempfile.TemporaryDirectory() as tmp:
            coach = Coach(S._ingested(settings, Path(tmp), gdocs))
            captured: dict = {}
            comp = coach.composer
            orig_score, orig_compose = comp._score, comp.compose
            orig_ask = coach.ask

            def score(q, ev, focus, _o=orig_score, captured=captured):
                captured["evidence"] = ev
                captured["scored"] = r = _o(q, ev, focus)
                return r

            def compose(q, ev, *, focus=None, said_before=(), _o=orig_compose,
                        captured=captured):
                captured["composition"] = r = _o(q, ev, focus=focus, said_before=said_before)
                return r

            def ask(q, h=None, _o=orig_ask, captured=captured):
                captured["answer"] = r = _o(q, h)
                return r
            comp._score, comp.compose, coach.ask = score, compose, ask  # type: ignore[method-assign]  # to diagnose
            for item in gitems:
                captured.clear()
                rows.append(diagnose(coach, item, captured))
    report = S.summarise([r.pop("_item") for r in rows] + oos)
    if outfile:
        Path(outfile).with_suffix(".report.json").write_text(S.dump(report))
    print(S.format_suite(report).split("Needs attention")[0])
    causes = Counter(r.get("cause", "n/a(not retrieved/refused)") for r in rows)
    n = len(rows)
    ret = [r for r in rows if r["retrieved"]]
    print(f"items {n}; gold in {sum(r['in'] for r in rows)/n:.0%}; first "
          f"{sum(r['first'] for r in rows)/n:.0%}; retrieved {len(ret)}; in|ret "
          f"{sum(r['in'] for r in ret)/len(ret):.0%}; first|ret "
          f"{sum(r['first'] for r in ret)/len(ret):.0%}")
    for cause, count in causes.most_common():
        print(f"{count:4d}  {cause}")
    by_doc = Counter((r["doc"], r.get("cause", "-")) for r in rows)
    print()
    for (doc, cause), count in sorted(by_doc.items()):
        if cause not in ("ok", "-"):
            print(f"  {doc[:30]:30s} {count:3d} {cause}")
    if outfile:
        Path(outfile).write_text(json.dumps(rows, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
