"""Uploaded guidance files: safe names, size limit, saved under the data dir, then ingested."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from coach.errors import UploadRejected
from coach.settings import Settings
from coach.store import Store
from ingest.indexer import sync

UPLOAD_TYPES = (".md", ".txt", ".html", ".pdf")


def uploads_dir(settings: Settings) -> Path:
    """Where uploaded files are kept (their source keys read "uploads/NAME")."""
    return settings.data_dir / "uploads"


@dataclass
class UploadOutcome:
    """What an upload did: the ingest report (None if nothing reached sync) and refused files."""

    report: Any = None
    saved: list[str] = field(default_factory=list)
    rejected: list[tuple[str, str]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        out = self.report.to_dict() if self.report is not None else {
            "num_added": 0, "num_updated": 0, "num_skipped": 0, "num_deleted": 0,
            "total_chunks": 0, "errors": []}
        out["saved"] = list(self.saved)
        out["rejected"] = [{"file": name, "reason": reason} for name, reason in self.rejected]
        return out


def safe_upload_name(name: str) -> str:
    """The basename of a client-supplied file name, made safe; never a path, never a dotfile."""
    base = PurePosixPath(name.replace("\\", "/")).name.strip()
    if not base or base in {".", ".."}:
        raise UploadRejected("has no usable file name")
    if base.startswith("."):
        raise UploadRejected("is a hidden file (its name starts with a dot)")
    base = re.sub(r"[^A-Za-z0-9._ -]+", "_", base)
    suffix = PurePosixPath(base).suffix.lower()
    if suffix not in UPLOAD_TYPES:
        raise UploadRejected(f"has an unsupported type {suffix or '(no extension)'!r}; "
                             f"use one of {', '.join(UPLOAD_TYPES)}")
    return base


def _mb(n: int) -> str:
    return f"{n / 1_048_576:.1f} MB"


def ingest_uploads(store: Store, files: Sequence[str | Path],
                   progress: Callable[[int, int, str], None] | None = None) -> UploadOutcome:
    """Copy uploaded files into uploads/ under safe names, then ingest just those files.

    Client-supplied names are reduced to a safe basename, so nothing is written outside the
    data dir; refused files are listed with the reason and change nothing.
    """
    outcome = save_uploads(store.settings, files)
    if outcome.saved:
        outcome.report = sync(store, saved_paths(store.settings, outcome),
                              progress=progress or False)
    return outcome


def saved_paths(settings: Settings, outcome: UploadOutcome) -> list[Path]:
    """The files an upload saved. Only those are ingested, never the whole folder: mirroring
    uploads/ would delete what other app instances sharing a Chroma server uploaded to theirs."""
    return [uploads_dir(settings) / name for name in outcome.saved]


def save_uploads(settings: Settings, files: Sequence[str | Path]) -> UploadOutcome:
    """Copy uploaded files into uploads/ under safe names (`saved`) or refuse them
    (`rejected`, with the reason); ingests nothing."""
    folder = uploads_dir(settings)
    outcome = UploadOutcome()
    folder.mkdir(parents=True, exist_ok=True)
    for file in files or []:
        path = Path(file)
        shown = PurePosixPath(str(file).replace("\\", "/")).name or str(file)
        try:
            name = safe_upload_name(shown)
            size = path.stat().st_size
            if size > settings.max_upload_bytes:
                raise UploadRejected(f"is {_mb(size)}, over the "
                                     f"{_mb(settings.max_upload_bytes)} upload limit")
            shutil.copyfile(path, folder / name)
        except UploadRejected as exc:
            outcome.rejected.append((shown, str(exc)))
        except OSError as exc:
            outcome.rejected.append((shown, f"could not be saved ({exc.strerror})"))
        else:
            outcome.saved.append(name)
    return outcome
