"""The `coach` command line: a click group; each command is a thin wrapper over the library."""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import json
import logging
import os
import sys
from collections.abc import Callable
from dataclasses import asdict
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import click

from coach.cli_workspace import COMMANDS
from coach.errors import CoachError, SettingsError, StoreError
from coach.settings import REPO_ROOT, Settings
from coach.text import excerpt
from coach.vocabulary import DRAFT_KINDS, GENERATOR_NAMES

F = TypeVar("F", bound=Callable[..., Any])
log = logging.getLogger("coach.cli")
APOLOGY = ("Sorry, something went wrong inside the coach; the details are logged above. "
           "Please report it with the command you ran.")


class UserError(click.ClickException):
    """A problem the user can fix (bad setting, missing or unusable store): message, exit 2."""

    exit_code = 2


class CoachGroup(click.Group):
    """The one error handler of every command.

    A `CoachError` is the user's to fix: its message as `Error: ...`, exit code 2. Anything
    else is our bug: the traceback goes to the log, the user gets an apology, exit code 1.
    click's own exceptions (usage errors, `ctx.exit`, Ctrl-C) pass through untouched.
    """

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except CoachError as exc:
            raise UserError(str(exc)) from None
        except (click.exceptions.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except BrokenPipeError:
            # `coach ask ... | head`: the reader stopped reading, which is not an error. Point
            # stdout at devnull so the interpreter's final flush does not raise again.
            with contextlib.suppress(OSError, ValueError):  # (no real stdout under a test)
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            ctx.exit(0)
        except Exception:
            log.exception("unexpected error in `coach %s`", ctx.invoked_subcommand or "")
            click.echo(f"Error: {APOLOGY}", err=True)
            ctx.exit(1)


def command_settings(ctx: click.Context, **overrides: object) -> Settings:
    """The group's Settings (from env and global options) with this command's options applied."""
    settings = ctx.find_root().obj
    if not isinstance(settings, Settings):
        settings = Settings.from_env()
    return settings.with_(**overrides)


@click.group(cls=CoachGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--data-dir", type=click.Path(path_type=Path), default=None,
              help="Where the guidance store lives (default: $COACH_DATA_DIR or "
                   "~/.local/share/mentee-coach).")
@click.option("--chroma-url", default=None,
              help="Use a Chroma server instead of the on-disk store (e.g. http://127.0.0.1:8000).")
@click.pass_context
def main(ctx: click.Context, data_dir: Path | None, chroma_url: str | None) -> None:
    """Mentee Coach: grounded mentoring advice and email drafts from guidance documents."""
    # Tests may hand in ready-made Settings via `obj=`; the options still apply on top.
    base = ctx.obj if isinstance(ctx.obj, Settings) else Settings.from_env()
    ctx.obj = base.with_(data_dir=data_dir, chroma_url=chroma_url)


@main.command("ingest")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of text.")
@click.option("--data-dir", type=click.Path(path_type=Path), default=None,
              help="Where the guidance store lives (overrides the global option).")
@click.option("--watch", "watch_dir", type=click.Path(path_type=Path, file_okay=False),
              default=None, help="Keep the library in sync with this folder until Ctrl-C "
                                 "(files added, edited or deleted there).")
@click.pass_context
def ingest_command(ctx: click.Context, paths: tuple[Path, ...], as_json: bool,
                   data_dir: Path | None, watch_dir: Path | None) -> None:
    """Add or refresh guidance files and folders (default: the shipped corpus).

    Only changed passages are re-embedded; files deleted from an ingested folder are removed
    from the store. Exit code 1 if some file could not be ingested, 2 if the store is unusable.
    With --watch DIR: sync DIR, then again after every change in it, one line per sync.
    """
    settings = command_settings(ctx, data_dir=data_dir)
    from coach.api import passage_texts
    from coach.store import open_store
    from ingest.indexer import sync

    store = open_store(settings, create=True, passage_texts=passage_texts)
    if watch_dir is not None:
        if paths:
            raise UserError("give either PATHS or --watch DIR, not both")
        _watch(store, watch_dir, as_json)
        return
    report = sync(store, list(paths) or [settings.corpus_dir], embedded=_warming_note(as_json))
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


def _warming_note(as_json: bool) -> Callable[[str, int, int], None] | None:
    """On a terminal, a progress line for the answer-cache step that follows the files' bar
    (it takes about twice as long as the embedding; without a line the ingest looks stuck)."""
    if as_json or not sys.stderr.isatty():
        return None
    from ingest.indexer import WARM_LABEL

    def note(what: str, n: int, of: int) -> None:
        if what == WARM_LABEL:
            end = "\n" if n >= of else ""
            click.echo(f"\rpreparing faster answers: {n} of {of} new passages", err=True, nl=False)
            click.echo(end, err=True, nl=False)

    return note


def _watch(store: Any, folder: Path, as_json: bool) -> None:
    """`coach ingest --watch`: one line (or JSON object) per sync, until Ctrl-C."""
    from ingest.watch import watch

    def say(report: Any, message: str) -> None:
        if as_json:
            message = json.dumps({"ok": bool(report and report.ok), "message": message,
                                  **(report.to_dict() if report else {})}, ensure_ascii=False)
        click.echo(message)

    click.echo(f"Watching {folder} (Ctrl-C to stop)...", err=True)
    with contextlib.suppress(KeyboardInterrupt):
        watch(store, folder, on_sync=say)


@main.command("sources")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list instead of a table.")
@click.pass_context
def sources_command(ctx: click.Context, as_json: bool) -> None:
    """List the ingested documents with their chunk counts and when they were ingested."""
    settings = command_settings(ctx)
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
    from coach.store import open_store
    from ingest.indexer import remove_source

    removed = remove_source(open_store(settings), source)
    if not removed:
        raise click.ClickException(f"no document {source!r} in the store; `coach sources` "
                                   "lists them")
    click.echo(f"Removed {source} ({removed} chunks).")


def generator_options(command: F) -> F:
    """Options shared by the commands that answer: which generator, which model server."""
    options = [
        click.option("--generator", type=click.Choice(GENERATOR_NAMES),
                     default=None,
                     help="Answer generator (default: $COACH_GENERATOR or grounded)."),
        click.option("--base-url", "openai_base_url", default=None,
                     help="OpenAI-compatible server URL (default: $OPENAI_BASE_URL)."),
        click.option("--model", default=None, help="Model name on that server ($COACH_MODEL)."),
        click.option("--timeout", "llm_timeout", type=float, default=None,
                     help="Seconds to wait for the model server before falling back."),
        click.option("--top-k", type=int, default=None, help="Passages retrieved per answer."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _coach(ctx: click.Context, **overrides: object):  # noqa: ANN202 - Coach imports torch lazily
    from coach.api import Coach

    return Coach(command_settings(ctx, **overrides))


def _stream_answer(coach, question: str, history: list[dict[str, str]],  # noqa: ANN001, ANN202
                   through: Callable[[Any], Any] = lambda pieces: pieces):
    """Echo the answer as it streams (`through` may save it); return the final `Answer`."""
    answer = None
    for piece in through(coach.stream(question, history)):
        if isinstance(piece, str):
            click.echo(piece, nl=False)
        else:
            answer = piece
    click.echo()
    assert answer is not None
    return answer


def _print_answer(answer, stream_pieces: bool) -> None:  # noqa: ANN001
    if not stream_pieces:
        click.echo(answer.text)
    if answer.notice:
        click.secho(f"\nNote: {answer.notice}", fg="yellow", err=True)
    if answer.sources:
        click.echo("\nSources:")
        for p in answer.sources:
            click.echo(f"  [{p.n}] {p.label} (score {p.score:.2f})\n      {excerpt(p.text, 160)}")


@main.command("ask")
@click.argument("question")
@click.option("--json", "as_json", is_flag=True, help="Print the Answer as one JSON object.")
@generator_options
@click.pass_context
def ask_command(ctx: click.Context, question: str, as_json: bool, **overrides: object) -> None:
    """Ask the coach one question; the answer cites the guidance it rests on."""
    coach = _coach(ctx, **overrides)
    if as_json:
        click.echo(json.dumps(coach.ask(question).to_dict(), ensure_ascii=False))
        return
    answer = _stream_answer(coach, question, [])
    _print_answer(answer, stream_pieces=True)
    if answer.kind == "invalid":
        ctx.exit(1)


@main.command("draft")
@click.argument("kind", type=click.Choice(DRAFT_KINDS))
@click.option("--to", "to", required=True, help="Who the email is for.")
@click.option("--context", required=True, help="What happened / what you want, in your words.")
@click.option("--sender", default=None, help="Your name, for the sign-off.")
@click.option("--json", "as_json", is_flag=True, help="Print the Draft as one JSON object.")
@click.pass_context
def draft_command(ctx: click.Context, kind: str, to: str, context: str, sender: str | None,
                  as_json: bool) -> None:
    """Draft an email of the chosen kind, citing the guidance it follows."""
    draft = _coach(ctx).draft(kind, to=to, context=context, sender=sender)
    if as_json:
        click.echo(json.dumps(draft.to_dict(), ensure_ascii=False))
        return
    click.echo(draft.as_text())
    if draft.points:
        click.echo("\nFollows this guidance:")
        for point in draft.points:
            click.echo(f"  - {point}")
    if draft.notice:
        click.secho(f"\nNote: {draft.notice}", fg="yellow", err=True)
    for p in draft.sources:
        click.echo(f"  [{p.n}] {p.label}")


@main.command("check")
@click.argument("kind", type=click.Choice(DRAFT_KINDS))
@click.argument("file", type=click.File("r", encoding="utf-8", errors="replace"))
@click.option("--json", "as_json", is_flag=True, help="Print the result as one JSON object.")
@click.pass_context
def check_command(ctx: click.Context, kind: str, file: Any, as_json: bool) -> None:
    """Check an email you wrote (FILE, or - for stdin) against the guidance for its KIND.

    Exits 1 when a guidance point is missing or contradicted.
    """
    result = _coach(ctx).check(kind, file.read())
    if as_json:
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False))
    else:
        click.echo(result.as_text())
        if result.notice:
            click.secho(f"\nNote: {result.notice}", fg="yellow", err=True)
        for p in result.sources:
            click.echo(f"  [{p.n}] {p.label}")
    if not result.ok:
        ctx.exit(1)


@main.command("chat")
@click.option("--resume", "resume_id", default=None,
              help="Continue a saved conversation (`coach conversations` lists them).")
@click.option("--user", default=None,
              help="Whose workspace: a COACH_AUTH login (default: the local user).")
@generator_options
@click.pass_context
def chat_command(ctx: click.Context, resume_id: str | None, user: str | None,
                 **overrides: object) -> None:
    """A conversation in the terminal, saved as you go (empty line or Ctrl-D to quit)."""
    from coach.workspace import LOCAL_OWNER, Workspace, open_database, relay

    ws = Workspace(open_database(command_settings(ctx)), user or LOCAL_OWNER)
    conversation_id = ws.conversations.get(resume_id).id if resume_id else None
    if conversation_id:
        _replay(ws.conversations.get(conversation_id).history())
    coach = _coach(ctx, **overrides)
    click.echo("Ask about finding or working with a mentor, or ask for a draft. "
               "Empty line to quit.")
    while True:
        try:
            question = click.prompt("\nyou", default="", show_default=False, prompt_suffix="> ")
        except (EOFError, click.Abort):
            break
        if not question.strip():
            break
        conversation_id = conversation_id or ws.conversations.create().id
        history = ws.conversations.get(conversation_id).history()
        recorder = ws.record(conversation_id, question)  # saved before the coach starts
        click.echo("coach> ", nl=False)
        answer = _stream_answer(coach, question, history, partial(relay, recorder))
        _print_answer(answer, stream_pieces=True)
    if conversation_id:
        click.echo(f"\nSaved as conversation {conversation_id}: `coach chat --resume "
                   f"{conversation_id}` continues it.")


def _replay(history: list[dict[str, str]], turns: int = 3) -> None:
    """The last few turns of a resumed conversation, so the user knows where they were."""
    earlier = history[-2 * turns:]
    if len(history) > len(earlier):
        click.echo(f"({len(history) - len(earlier)} earlier messages)")
    for message in earlier:
        who = "you" if message["role"] == "user" else "coach"
        text = " ".join(message["content"].split())
        click.echo(f"{who}> {text if len(text) <= 300 else text[:297] + '...'}")


_SHARE = click.FloatRange(0.0, 1.0)


@main.command("eval")
@click.option("--set", "set_path", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="A labelled JSONL set (default: the one shipped in coach/eval/).")
@click.option("--suite", "suite_dir", type=click.Path(path_type=Path, file_okay=False),
              default=None, help="A guidance suite folder (docs/ and questions/): ingest its "
                                 "documents into a temporary store and print per-document figures.")
@click.option("--no-shipped", is_flag=True,
              help="With --suite: leave the shipped article and its labelled set out.")
@click.option("--isolated", is_flag=True,
              help="With --suite: each document in a store of its own (one guide per user), "
                   "instead of one library holding them all.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of a table.")
@click.option("--min-hit3", type=_SHARE, default=None, help="Fail (exit 1) if hit@3 is lower.")
@click.option("--min-mrr", type=_SHARE, default=None, help="Fail if MRR is lower.")
@click.option("--min-refusal", type=_SHARE, default=None,
              help="Fail if fewer out-of-scope questions are refused.")
@click.option("--min-coverage", type=_SHARE, default=None,
              help="Fail if fewer advice sentences carry a citation.")
@click.option("--min-support", type=_SHARE, default=None,
              help="Fail if fewer cited sentences are supported (verifier and lexical check).")
@generator_options
@click.pass_context
def eval_command(ctx: click.Context, set_path: Path | None, suite_dir: Path | None,
                 no_shipped: bool, isolated: bool, as_json: bool, min_hit3: float | None,
                 min_mrr: float | None, min_refusal: float | None,
                 min_coverage: float | None, min_support: float | None,
                 **overrides: object) -> None:
    """Grounding quality on the labelled set, through the real pipeline and store.

    Thresholds are shares between 0 and 1. Exit code 1 if a result is below a threshold,
    2 if the store is missing or empty or the set cannot be read. With `--suite DIR`, the
    suite's documents (and the shipped article, unless `--no-shipped`) are ingested into a
    temporary store, your own store is left alone, and the table has one row per document.
    """
    settings = command_settings(ctx, **overrides)
    if suite_dir is not None:
        _eval_suite(settings, suite_dir, with_shipped=not no_shipped, isolated=isolated,
                    as_json=as_json)
        return
    from coach.api import Coach
    from coach.evaluation import evaluate, format_report, load_items
    from coach.store import open_store

    items = load_items(set_path)
    store = open_store(settings)
    if store.count() == 0:
        raise StoreError(f"the guidance store in {settings.chroma_url or settings.data_dir} "
                         "is empty; run `coach ingest` first")
    coach = Coach(settings, store=store)
    with click.progressbar(length=len(items), label="evaluating", file=sys.stderr) as bar:
        report = evaluate(coach, items, progress=lambda done, total: bar.update(done - bar.pos))
    failures = report.below({"hit3": min_hit3, "mrr": min_mrr, "refusal": min_refusal,
                             "coverage": min_coverage, "support": min_support})
    if as_json:
        click.echo(json.dumps({**report.to_dict(), "failures": failures}, ensure_ascii=False))
    else:
        click.echo(format_report(report))
        for line in failures:
            click.echo(f"FAIL: {line}", err=True)
    ctx.exit(1 if failures else 0)


def _eval_suite(settings: Settings, folder: Path, *, with_shipped: bool, isolated: bool,
                as_json: bool) -> None:
    from coach import suite
    from coach.api import Coach
    from coach.errors import EvalSetError

    shipped = settings.corpus_dir / suite.SHIPPED_DOC
    if with_shipped and not shipped.is_file():
        raise EvalSetError(f"the shipped article {shipped} is missing; pass --no-shipped or set "
                           "COACH_CORPUS_DIR to the folder that holds it")
    docs, items = suite.load_suite(folder, with_shipped=shipped if with_shipped else None)
    with click.progressbar(length=len(items), label="evaluating", file=sys.stderr) as bar:
        report = suite.run_suite(lambda s: Coach(s), settings, docs, items, isolated=isolated,
                                 progress=lambda done, total: bar.update(done - bar.pos))
    click.echo(suite.dump(report) if as_json else suite.format_suite(report))


def _sizes(ctx: click.Context, param: click.Parameter, value: str | None) -> list[int] | None:
    if value is None:
        return None
    try:
        sizes = [int(v.replace("_", "")) for v in value.split(",") if v.strip()]
    except ValueError:
        raise click.BadParameter("give store sizes as numbers, e.g. 10000,100000") from None
    if not sizes or any(n < 10 for n in sizes):
        raise click.BadParameter("give one or more store sizes of at least 10, e.g. 10000,100000")
    return sizes


def load_bench() -> Any:
    """The checkout's `bench` package: a dev tool, kept out of the installed library."""
    root = REPO_ROOT  # the checkout, when the coach is installed from one (pip install -e)
    if (root / "bench" / "__init__.py").is_file() and str(root) not in sys.path:
        sys.path.insert(0, str(root))
    try:
        bench = importlib.import_module("bench")
    except ModuleNotFoundError as exc:
        if exc.name != "bench":
            raise
        raise CoachError("coach bench needs a source checkout: run `make bench`") from None
    missing = [name for name in bench.NEEDS if importlib.util.find_spec(name) is None]
    if missing:
        raise CoachError(f"coach bench needs the dev extras ({', '.join(missing)} not installed): "
                        "run `make bench`")
    return bench


@main.command("bench")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of a table.")
@click.option("--quick", is_flag=True,
              help="CI-sized run: stores of 2,000 and 10,000 chunks, a 10-document corpus.")
@click.option("--smoke", is_flag=True,
              help="Every section once at toy sizes, to check the bench runs (figures mean "
                   "nothing).")
@click.option("--sizes", callback=_sizes, default=None,
              help="Synthetic store sizes for the retrieval benchmark (default 10000,100000).")
@click.option("--profile", is_flag=True,
              help="Also show where the coach's retrieval spends its time (pyinstrument).")
@click.pass_context
def bench_command(ctx: click.Context, as_json: bool, quick: bool, smoke: bool,
                  sizes: list[int] | None, profile: bool) -> None:
    """Speed, side by side with naive approaches, all in temporary data dirs.

    Re-ingest vs a LangChain-tutorial rebuild, retrieval vs raw Chroma at scale, answer
    latency, embedding throughput and the web app's peak memory. Your store is never touched.
    """
    settings = command_settings(ctx)
    if not settings.corpus_dir.is_dir():
        raise SettingsError(f"the corpus folder {settings.corpus_dir} does not exist; set "
                            "COACH_CORPUS_DIR to a folder of guidance documents")
    bench = load_bench()
    result = bench.run_bench(settings, sizes=sizes, quick=quick, smoke=smoke, profile=profile,
                             log=lambda message: click.echo(f"bench: {message}", err=True))
    click.echo(bench.to_json(result) if as_json else bench.format_bench(result))


for _command in COMMANDS:  # conversations, export, mentors, log, due, prep, debrief, gaps
    main.add_command(_command)
