"""Read one guidance file (.md, .txt, .html, .pdf) into canonical clean text plus metadata.

The canonical form is described in `ingest.formats`; each format has one converter there.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from coach.errors import LoadError

SUPPORTED = (".md", ".markdown", ".txt", ".html", ".htm", ".pdf")


@dataclass
class Document:
    """A loaded file: canonical clean text (see `ingest.formats`), its title, scalar metadata."""

    text: str
    title: str
    metadata: dict[str, Any] = field(default_factory=dict)


def load_document(path: Path, *, max_bytes: int | None = None) -> Document:
    """Load `path` by its extension; raise `LoadError` if it cannot become guidance text.

    The content is only ever parsed as data (YAML with `safe_load`, HTML as a tree): nothing
    in a document is executed or treated as an instruction.
    """
    path = Path(path)
    loader = _LOADERS.get(path.suffix.lower())
    if loader is None:
        raise LoadError(path, f"unsupported file type {path.suffix or '(no extension)'!r}; "
                              f"use one of {', '.join(SUPPORTED)}")
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise LoadError(path, f"cannot read it ({exc.strerror})") from None
    if max_bytes is not None and size > max_bytes:
        raise LoadError(path, f"is {_mb(size)}, over the {_mb(max_bytes)} size limit")
    if size == 0:
        raise LoadError(path, "is empty")
    doc = loader(path)
    if not doc.text.strip():
        raise LoadError(path, "has no text to ingest")
    return doc


def _load_markdown(path: Path) -> Document:
    from ingest.formats.markdown_text import markdown_to_text

    text = _read_text(path)
    meta: dict[str, Any] = {}
    match = re.match(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", text, re.DOTALL)
    if match:
        import yaml

        try:
            front = yaml.safe_load(match.group(1))
        except yaml.YAMLError as exc:
            raise LoadError(path, f"has invalid front matter ({_first_line(exc)})") from None
        if front is not None and not isinstance(front, dict):
            raise LoadError(path, "has front matter that is not a `key: value` mapping")
        meta = {str(k): v for k, v in (front or {}).items() if _is_scalar(v)}
        text = text[match.end():]
    body, first_h1 = markdown_to_text(text)
    title = str(meta.get("title") or first_h1 or _stem_title(path))
    meta["title"] = title
    return Document(text=body, title=title, metadata=meta)


def _load_text(path: Path) -> Document:
    from ingest.formats.markdown_text import markdown_to_text
    from ingest.formats.plain_text import markdown_in_text, text_to_text

    raw = _read_text(path)
    markdown = markdown_in_text(raw)
    # A .txt written in Markdown reads as Markdown: its "#" lines are headings, not a title
    # "## Before you meet" and paragraphs that keep their hashes.
    body, title = markdown_to_text(markdown) if markdown is not None else text_to_text(raw)
    title = title or _stem_title(path)
    return Document(text=body, title=title, metadata={"title": title})


def _load_html(path: Path) -> Document:
    from ingest.formats.html_page import html_to_text

    body, title = html_to_text(_read_text(path))
    title = title or _stem_title(path)
    return Document(text=body, title=title, metadata={"title": title})


def _load_pdf(path: Path) -> Document:
    from pypdf import PdfReader

    from ingest.formats.pdf_pages import pdf_to_text

    try:
        reader = PdfReader(path)
        if reader.is_encrypted and not reader.decrypt(""):
            raise LoadError(path, "is a password-protected PDF")
        body, first_heading = pdf_to_text(reader)
        metadata: Mapping[str, Any] = reader.metadata or {}
        info_title = str(metadata.get("/Title") or "").strip()
    except LoadError:
        raise
    except Exception as exc:  # pypdf raises many unrelated types for damaged files
        raise LoadError(path, f"is not a readable PDF ({_first_line(exc) or type(exc).__name__})"
                        ) from None
    if not body.strip():
        raise LoadError(path, "is a PDF with no extractable text (scanned images need OCR first)")
    title = info_title or first_heading or _stem_title(path)
    return Document(text=body, title=title, metadata={"title": title})


_LOADERS: dict[str, Callable[[Path], Document]] = {
    ".md": _load_markdown,
    ".markdown": _load_markdown,
    ".txt": _load_text,
    ".html": _load_html,
    ".htm": _load_html,
    ".pdf": _load_pdf,
}


def _read_text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise LoadError(path, f"cannot read it ({exc.strerror})") from None
    if b"\x00" in data:
        raise LoadError(path, "looks like a binary file, not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise LoadError(path, "is not UTF-8 text (binary, or another encoding: save it as "
                              "UTF-8)") from None
    if not text.strip():
        raise LoadError(path, "is empty")
    return text.replace("\r\n", "\n")


def _stem_title(path: Path) -> str:
    words = re.sub(r"[-_]+", " ", path.stem).strip()
    return words[:1].upper() + words[1:] if words else path.name


def _is_scalar(value: Any) -> bool:
    return isinstance(value, str | int | float | bool)


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else ""


def _mb(n: int) -> str:
    return f"{n / 1_000_000:.1f} MB" if n >= 100_000 else f"{n:,} bytes"
