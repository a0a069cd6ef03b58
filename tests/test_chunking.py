"""Chunking: sections come from headings, ids from content, and every chunk carries its metadata."""

from __future__ import annotations

import hashlib
import re

import pytest

from coach.settings import REPO_ROOT
from ingest.chunking import CHUNK_SIZE, chunk_document, chunk_id, split_sections
from ingest.loaders import Document, load_document

CORPUS_FILE = REPO_ROOT / "corpus" / "mentor-partnership-part-one.md"

SOURCE = "corpus/guide.md"


def doc(text: str, title: str = "Guide", **meta: str) -> Document:
    return Document(text=text, title=title, metadata={"title": title, **meta})


def paragraph(topic: str, n: int = 6) -> str:
    return " ".join(f"Sentence {i} explains how a mentee handles {topic} well." for i in range(n))


def sentences_filling(share: float, topic: str = "reviews") -> int:
    """How many of `paragraph`'s sentences fill `share` of a chunk (fixtures follow CHUNK_SIZE)."""
    return max(1, int(share * CHUNK_SIZE / len(paragraph(topic, 1))))


# --- sections -------------------------------------------------------------------------------

def test_text_before_first_heading_is_the_introduction_and_title_heading_is_dropped() -> None:
    text = ("# Guide\n\nOpening words.\n\n## Find a mentor\n\nLook around.\n\n"
            "## Follow through\n\nDo it.")
    assert split_sections(text, "Guide") == [
        ("Introduction", "Opening words."),
        ("Find a mentor", "Look around."),
        ("Follow through", "Do it."),
    ]


def test_every_heading_level_starts_a_section_named_by_its_path() -> None:
    text = ("# Guide\n\nOpening.\n\n## Email\n\nWhy email.\n\n### Subject line\n\nKeep it short."
            "\n\n#### Length\n\nUnder ten words.\n\n### Sign-off\n\nUse your name.\n\n"
            "## Calls\n\nBook ahead.\n\n```\n# not a heading\n```")
    assert split_sections(text, "Guide") == [
        ("Introduction", "Opening."),
        ("Email", "Why email."),
        ("Email › Subject line", "Keep it short."),
        ("Email › Subject line › Length", "Under ten words."),
        ("Email › Sign-off", "Use your name."),
        ("Calls", "Book ahead.\n\n```\n# not a heading\n```"),
    ]


def test_the_only_top_level_heading_names_the_document_not_a_section() -> None:
    text = "# A handbook heading unlike the title\n\nWelcome.\n\n## Dates\n\nIn May."
    assert split_sections(text, "Front matter title") == [("Introduction", "Welcome."),
                                                          ("Dates", "In May.")]


def test_other_top_level_headings_start_sections_and_empty_sections_vanish() -> None:
    text = "# Part one\n\nFirst.\n\n## Empty\n\n# Part two\n\nSecond."
    assert split_sections(text, "Guide") == [("Part one", "First."), ("Part two", "Second.")]


# --- chunks ---------------------------------------------------------------------------------

def test_every_chunk_carries_title_section_source_position_hash_and_publisher() -> None:
    chunks = chunk_document(doc("Intro.\n\n## Asking\n\nAsk well.", publisher="TechWhirl",
                                source_kind="published article"), SOURCE)
    assert [c.metadata["section"] for c in chunks] == ["Introduction", "Asking"]
    second = chunks[1]
    assert second.text == "Ask well."
    assert second.embed_text == "Guide — Asking\nAsk well."
    assert second.metadata == {
        "title": "Guide", "section": "Asking", "source": SOURCE, "position": 1,
        "content_hash": hashlib.sha256(second.embed_text.encode()).hexdigest(),
        "publisher": "TechWhirl", "source_kind": "published article",
    }
    assert second.id == chunk_id(SOURCE, second.embed_text) and len(second.id) == 32


def test_missing_publisher_and_kind_are_empty_strings_not_none() -> None:
    [chunk] = chunk_document(doc("Just text."), SOURCE)
    assert chunk.metadata["publisher"] == "" and chunk.metadata["source_kind"] == ""


def test_long_sections_split_at_paragraphs_with_bounded_size() -> None:
    # Five paragraphs of about 0.6 chunk each: no two fit together, so at least three chunks.
    text = "## Meetings\n\n" + "\n\n".join(
        paragraph(t, sentences_filling(0.6, t)) for t in ("time", "agenda", "notes",
                                                          "follow-up", "thanks"))
    chunks = chunk_document(doc(text), SOURCE)
    assert len(chunks) >= 3
    assert all(len(c.text) <= CHUNK_SIZE for c in chunks)
    assert all(c.metadata["section"] == "Meetings" for c in chunks)
    assert [c.metadata["position"] for c in chunks] == list(range(len(chunks)))


def test_one_huge_paragraph_splits_at_sentences_with_overlap() -> None:
    chunks = chunk_document(doc(paragraph("long meetings", 40)), SOURCE)
    assert len(chunks) >= 3
    assert all(c.text.endswith(".") for c in chunks[:-1]), "chunks should end at a sentence"
    for first, second in zip(chunks, chunks[1:], strict=False):
        assert re.split(r"(?<=\.) ", first.text)[-1] in second.text, "neighbours share context"


def test_ids_survive_a_position_shift() -> None:
    body = "## Asking\n\nAsk well.\n\n## Thanking\n\nSay thanks."
    before = chunk_document(doc(body), SOURCE)
    after = chunk_document(doc("## New first section\n\nSomething new.\n\n" + body), SOURCE)
    assert {c.id for c in before} < {c.id for c in after}
    moved = {c.id: c.metadata["position"] for c in after}
    assert [moved[c.id] for c in before] == [1, 2]


def test_ids_change_with_text_section_title_or_source() -> None:
    base = chunk_document(doc("## Asking\n\nAsk well."), SOURCE)[0].id
    assert chunk_document(doc("## Asking\n\nAsk better."), SOURCE)[0].id != base
    assert chunk_document(doc("## Requesting\n\nAsk well."), SOURCE)[0].id != base
    assert chunk_document(doc("## Asking\n\nAsk well.", title="Other"), SOURCE)[0].id != base
    assert chunk_document(doc("## Asking\n\nAsk well."), "corpus/other.md")[0].id != base


def test_a_repeated_passage_in_one_section_is_kept_once() -> None:
    filler = "x" * (CHUNK_SIZE - 10)  # the two copies cannot share a chunk
    chunks = chunk_document(doc(f"## Tips\n\nBe on time.\n\n{filler}\n\nBe on time."), SOURCE)
    texts = [c.text for c in chunks]
    assert texts.count("Be on time.") == 1
    assert len({c.id for c in chunks}) == len(chunks)


def test_the_corpus_chunks_by_its_headings() -> None:
    corpus = load_document(CORPUS_FILE)
    chunks = chunk_document(corpus, "corpus/mentor-partnership-part-one.md")
    sections = list(dict.fromkeys(c.metadata["section"] for c in chunks))
    headings = re.findall(r"^## (.+)$", corpus.text, re.MULTILINE)
    assert sections == ["Introduction", *headings]
    assert all(c.embed_text.startswith(f"{corpus.title} — ") for c in chunks)
    assert chunk_document(corpus, "corpus/mentor-partnership-part-one.md") == chunks


# --- block-aware splitting ------------------------------------------------------------------

@pytest.mark.parametrize("lead_in", ["Before the review meeting, gather the following:",
                                     "Mentee don'ts",  # a label with no ":" names it too
                                     # and so does a paragraph that stops mid-clause
                                     "Once you have signed up to the scheme, you should",
                                     # or one that counts what the list gives
                                     "A recap note serves three purposes."])
def test_a_lead_in_stays_with_its_list_across_a_size_split(lead_in: str) -> None:
    items = "\n".join(f"- item {i}: the signed form for stage {i} of your placement plan"
                      for i in range(4))
    text = f"## Review\n\n{paragraph('reviews', sentences_filling(0.8))}\n\n{lead_in}\n\n{items}"
    chunks = chunk_document(doc(text), SOURCE)
    holding = [c.text for c in chunks if lead_in in c.text]
    # The next chunk may open with the paragraph's last sentence (carried context).
    assert len(holding) == 1 and holding[0].endswith(f"{lead_in}\n{items}"), \
        "lead-in and list move to the next chunk together"
    assert lead_in not in chunks[0].text
    assert not any(c.text.rstrip().endswith((":", lead_in)) for c in chunks)


def test_a_list_longer_than_a_chunk_repeats_its_lead_in_and_keeps_nested_items() -> None:
    lead_in = "Pack these for the field trip:"
    items = [f"- kit {i}: a labelled bag with spare socks, a flask and a paper map\n"
             f"  - check the map covers the northern loop {i}" for i in range(12)]
    chunks = chunk_document(doc(f"## Trip\n\n{lead_in}\n\n" + "\n".join(items)), SOURCE)
    assert len(chunks) >= 2
    for chunk in chunks:
        assert chunk.text.startswith(lead_in + "\n- kit ")
        assert len(chunk.text) <= CHUNK_SIZE
        lines = chunk.text.split("\n")[1:]
        for parent, child in zip(lines[::2], lines[1::2], strict=True):
            assert parent.split(":")[0][6:] == child.rsplit(" ", 1)[1], "child with its parent"
    assert sum(c.text.count("\n- kit ") for c in chunks) == 12


def test_a_code_block_is_never_split_even_when_larger_than_a_chunk() -> None:
    code = "\n".join(f"step_{i} = run(step_{i - 1})  # keep" for i in range(40))
    chunks = chunk_document(doc(f"## Script\n\nIntro.\n\n```\n{code}\n```\n\nAfter."), SOURCE)
    assert [c.text for c in chunks] == ["Intro.", f"```\n{code}\n```", "After."]


def test_an_article_s_reference_list_and_acknowledgements_are_not_passages() -> None:
    # a review converted from a journal had its reference list and "Address correspondence
    # to: ..." said as advice
    text = ("# Finding a mentor\n\nAsk two people you admire for a short call.\n\n"
            "# Acknowledgments\n\nWe thank the clinic's staff for their comments.\n\n"
            "# References\n\n1. Smith A, et al. Peer mentoring in medicine. 2009.\n"
            "2. Jones B. Networks of mentors. https://example.org/n 2014.\n\n"
            "Address correspondence to: A. Author, Example Clinic.\n")
    texts = " ".join(c.text for c in chunk_document(doc(text), "a.md"))
    assert "Ask two people you admire" in texts
    assert "et al" not in texts and "We thank" not in texts and "correspondence" not in texts


def test_a_references_section_about_asking_for_a_reference_is_kept() -> None:
    text = ("# References\n\nAsk your mentor for a reference only after you have worked "
            "together on something concrete.\n")
    assert "Ask your mentor for a reference" in " ".join(
        c.text for c in chunk_document(doc(text), "r.md"))
