"""Split a loaded document into sections by heading, then into content-addressed chunks."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from ingest.loaders import Document

CHUNK_SIZE = 800
CHUNK_OVERLAP = 120
INTRODUCTION = "Introduction"
# Paragraphs first, then lines, then sentences, then words: a chunk breaks at the largest unit.
SEPARATORS = ["\n\n", "\n", ". ", "? ", "! ", "; ", ", ", " ", ""]

_HEADING = re.compile(r"^(#{1,2})[ \t]+(.+?)[ \t#]*$")
_FENCE = re.compile(r"^\s*(```|~~~)")


@dataclass
class Chunk:
    """One passage: `text` is shown to users, `embed_text` (with title and section) is embedded."""

    id: str
    text: str
    embed_text: str
    metadata: dict[str, Any] = field(default_factory=dict)


def split_sections(text: str, title: str = "") -> list[tuple[str, str]]:
    """`(section, body)` pairs in document order; text before the first heading is "Introduction".

    `#` and `##` headings start sections, except a `#` heading that repeats the document title
    (it names the whole document). Deeper headings stay inside their section's text, and lines
    inside code fences are never headings. Sections with no body are dropped.
    """
    sections: list[tuple[str, list[str]]] = [(INTRODUCTION, [])]
    in_fence = False
    for line in text.splitlines():
        if _FENCE.match(line):
            in_fence = not in_fence
        match = None if in_fence else _HEADING.match(line)
        if match is None:
            sections[-1][1].append(line)
            continue
        heading = match.group(2).strip()
        if match.group(1) == "#" and heading == title.strip():
            continue
        sections.append((heading, []))
    out = []
    for name, lines in sections:
        body = "\n".join(lines).strip()
        if body:
            out.append((name, body))
    return out


def chunk_id(source: str, embed_text: str) -> str:
    """Derived from content (not position), so unchanged passages keep their id across edits."""
    return hashlib.sha256(f"{source}\x00{embed_text}".encode()).hexdigest()[:32]


def chunk_document(doc: Document, source: str, *, chunk_size: int = CHUNK_SIZE,
                   chunk_overlap: int = CHUNK_OVERLAP) -> list[Chunk]:
    """All chunks of `doc`, numbered by `position`; a repeated passage keeps only its first copy."""
    splitter = _splitter(chunk_size, chunk_overlap)
    chunks: list[Chunk] = []
    seen: set[str] = set()
    for section, body in split_sections(doc.text, doc.title):
        for text in splitter.split_text(body):
            embed_text = f"{doc.title} — {section}\n{text}"
            cid = chunk_id(source, embed_text)
            if cid in seen:
                continue
            seen.add(cid)
            chunks.append(Chunk(id=cid, text=text, embed_text=embed_text, metadata={
                "title": doc.title,
                "section": section,
                "source": source,
                "position": len(chunks),
                "content_hash": hashlib.sha256(embed_text.encode()).hexdigest(),
                "publisher": str(doc.metadata.get("publisher") or ""),
                "source_kind": str(doc.metadata.get("source_kind") or ""),
            }))
    return chunks


@cache
def _splitter(chunk_size: int, chunk_overlap: int) -> Any:
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    return RecursiveCharacterTextSplitter(chunk_size=chunk_size, chunk_overlap=chunk_overlap,
                                          separators=SEPARATORS, keep_separator="end")
