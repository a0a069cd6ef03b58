"""The `coach` command line: a click group; each command is a thin wrapper over the library."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path

import click

from coach.settings import Settings, SettingsError


class UserError(click.ClickException):
    """A problem the user can fix (bad setting, missing or unusable store): message, exit 2."""

    exit_code = 2


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn `StoreError` / `SettingsError` into a clean `Error: ...` line and exit code 2."""
    try:
        yield
    except SettingsError as exc:
        raise UserError(str(exc)) from None
    except Exception as exc:
        # coach.store pulls in chromadb; look it up only if it is already loaded so that
        # commands which never touch the store (and `--help`) stay fast.
        store = sys.modules.get("coach.store")
        if store is not None and isinstance(exc, store.StoreError):
            raise UserError(str(exc)) from None
        raise


def command_settings(ctx: click.Context, **overrides: object) -> Settings:
    """The group's Settings (from env and global options) with this command's options applied."""
    settings = ctx.find_root().obj
    if not isinstance(settings, Settings):
        with user_errors():
            settings = Settings.from_env()
    with user_errors():
        return settings.with_(**overrides)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--data-dir", type=click.Path(path_type=Path), default=None,
              help="Where the guidance store lives (default: $COACH_DATA_DIR or "
                   "~/.local/share/mentee-coach).")
@click.option("--chroma-url", default=None,
              help="Use a Chroma server instead of the on-disk store (e.g. http://127.0.0.1:8000).")
@click.pass_context
def main(ctx: click.Context, data_dir: Path | None, chroma_url: str | None) -> None:
    """Mentee Coach: grounded mentoring advice and email drafts from guidance documents."""
    with user_errors():
        # Tests may hand in ready-made Settings via `obj=`; the options still apply on top.
        base = ctx.obj if isinstance(ctx.obj, Settings) else Settings.from_env()
        ctx.obj = base.with_(data_dir=data_dir, chroma_url=chroma_url)


@main.command("ingest")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of text.")
@click.option("--data-dir", type=click.Path(path_type=Path), default=None,
              help="Where the guidance store lives (overrides the global option).")
@click.pass_context
def ingest_command(ctx: click.Context, paths: tuple[Path, ...], as_json: bool,
                   data_dir: Path | None) -> None:
    """Add or refresh guidance files and folders (default: the shipped corpus).

    Only changed passages are re-embedded; files deleted from an ingested folder are removed
    from the store. Exit code 1 if some file could not be ingested, 2 if the store is unusable.
    """
    settings = command_settings(ctx, data_dir=data_dir)
    with user_errors():
        from coach.store import open_store
        from ingest.indexer import sync

        store = open_store(settings, create=True)
        report = sync(store, list(paths) or [settings.corpus_dir])
    if as_json:
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False))
    else:
        for line in report.errors:
            click.echo(f"error: {line}", err=True)
        click.echo(f"{report.num_added} chunks added, {report.num_updated} updated, "
                   f"{report.num_skipped} unchanged, {report.num_deleted} deleted; "
                   f"{report.total_chunks} chunks in {settings.chroma_url or settings.data_dir}.")
        if report.errors:
            click.echo(f"{len(report.errors)} file(s) not ingested; the rest were.", err=True)
    ctx.exit(0 if report.ok else 1)


@main.command("sources")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list instead of a table.")
@click.pass_context
def sources_command(ctx: click.Context, as_json: bool) -> None:
    """List the ingested documents with their chunk counts and when they were ingested."""
    settings = command_settings(ctx)
    with user_errors():
        from coach.store import open_store

        sources = open_store(settings).sources()
    if as_json:
        click.echo(json.dumps([asdict(s) for s in sources], ensure_ascii=False))
        return
    if not sources:
        click.echo(f"No documents in {settings.chroma_url or settings.data_dir}; run "
                   "`coach ingest`.")
        return
    width = max(len(s.source) for s in sources)
    for s in sources:
        click.echo(f"{s.source:<{width}}  {s.chunks:>4} chunks  {s.ingested_at}  {s.title}")


@main.command("remove")
@click.argument("source")
@click.pass_context
def remove_command(ctx: click.Context, source: str) -> None:
    """Delete one document (as named by `coach sources`) from the store."""
    settings = command_settings(ctx)
    with user_errors():
        from coach.store import open_store
        from ingest.indexer import remove_source

        removed = remove_source(open_store(settings), source)
    if not removed:
        raise click.ClickException(f"no document {source!r} in the store; `coach sources` "
                                   "lists them")
    click.echo(f"Removed {source} ({removed} chunks).")
