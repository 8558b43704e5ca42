"""The ``export``, ``show``, ``stats`` and ``schema`` commands.

Thin click wrappers: load a Document through :mod:`mailarchive.api`, hand it
to a writer of :mod:`mailarchive.export`, write to ``--output`` (``-`` is
stdout). stdout carries data only; the summary line goes to stderr. Exit
codes as everywhere: 0 done, 1 an error (:class:`click.ClickException`), 2 a
bad option combination (:class:`click.UsageError`).

The commands are plain :func:`click.command` objects; ``mailarchive.cli``
registers them on the group.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator, Sequence
from datetime import timedelta
from pathlib import Path

import click

from mailarchive import api
from mailarchive.cli.common import errors_as_exit, frozen_heap, summary
from mailarchive.cli.options import open_output, output_option, source_options, thread_options
from mailarchive.cli.progress import Progress
from mailarchive.export import csvout, html, jsonout, markdown, mboxout
from mailarchive.export.schema import schema_text
from mailarchive.export.stats import compute_stats, stats_text, stats_to_json
from mailarchive.export.tree import render_tree
from mailarchive.model import Document, Email

FORMATS = ("json", "jsonl", "csv", "mbox", "markdown", "html")
DIRECTORY_FORMATS = ("html",)

EXAMPLES_EXPORT = """\b
Examples:
  mailarchive export list.mbox --format html -o site/
  mailarchive export ~/Maildir --format mbox --per-thread -o threads/
  mailarchive export notes.txt --format csv -o messages.csv
  mailarchive export list.mbox --format jsonl | head -1
"""

EXAMPLES_SHOW = """\b
Examples:
  mailarchive show '<b1@example.com>' list.mbox
  mailarchive show t4ca516095d3579a796c9 list.mbox ~/Maildir
"""

EXAMPLES_STATS = """\b
Examples:
  mailarchive stats list.mbox
  mailarchive stats ~/Maildir --format json -o stats.json
"""

EXAMPLES_SCHEMA = """\b
Examples:
  mailarchive schema -o mailarchive.schema.json
  mailarchive schema | jq '."$defs" | keys'
"""


def _load(
    sources: Sequence[str],
    *,
    input_format: str | None,
    strict: bool,
    no_split: bool,
    subject_grouping: str,
    subject_window: int,
) -> tuple[Document, api.Stats]:
    """Read and thread SOURCE...; returns the Document and the api's stats."""
    with Progress() as progress:
        stats = api.Stats(on_count=progress.tick)
        doc = api.load_document(
            list(sources),
            input_format=input_format,
            split=not no_split,
            strict=strict,
            subject_grouping=subject_grouping,
            subject_window=timedelta(days=subject_window),
            stats=stats,
        )
    return doc, stats


def _raw_stream(
    doc: Document, sources: Sequence[str], input_format: str | None
) -> Iterator[tuple[str, bytes]]:
    """(email id, original bytes) of the real messages, from a second streaming pass.

    Nothing is kept: :func:`mboxout.write_mbox` writes each message as it
    comes. stdin cannot be read twice, so messages from ``-`` are rebuilt
    from their records instead.
    """
    files = [s for s in sources if s != "-"]
    if len(files) < len(sources):
        click.echo(
            "note: messages read from stdin are rebuilt from their records, "
            "not copied byte for byte",
            err=True,
        )
    if not files or not any(mboxout.is_real(e) for e in doc.emails.values()):
        return
    with Progress("messages re-read for mbox") as progress:
        for eid, data in api.iter_raw(files, input_format):
            progress.tick()
            yield eid, data


@click.command(epilog=EXAMPLES_EXPORT)
@source_options
@thread_options
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="json",
    show_default=True,
    help="json: one document (see `mailarchive schema`); jsonl: one thread per line; "
    "csv: one row per message; mbox: mboxrd a mail client opens; markdown: readable "
    "conversations; html: a static archive (needs --output DIR).",
)
@click.option(
    "--per-thread",
    is_flag=True,
    help="mbox: write one <threadId>.mbox per thread into the --output directory.",
)
@click.option(
    "--real-only",
    is_flag=True,
    help="mbox: write only the messages read from the sources, not those rebuilt from "
    "forwards, quotes and pasted text (either way, reading the result back gives the "
    "same threads).",
)
@output_option
def export(
    *,
    sources: tuple[str, ...],
    input_format: str | None,
    strict: bool,
    no_split: bool,
    subject_grouping: str,
    subject_window: int,
    fmt: str,
    per_thread: bool,
    real_only: bool,
    output: str,
) -> None:
    """Export the threads of SOURCE... as JSON, JSONL, CSV, mbox, Markdown or HTML.

    Real messages go into mbox byte for byte; messages found inside others
    are written as RFC 5322 messages rebuilt from their recovered headers.
    html writes index.html and t/<threadId>.html under the --output directory;
    the pages open from the file system with no server and no network.
    """
    if fmt in DIRECTORY_FORMATS and output == "-":
        raise click.UsageError(f"--format {fmt} writes a directory: give --output DIR")
    if per_thread and fmt != "mbox":
        raise click.UsageError("--per-thread applies to --format mbox only")
    if real_only and fmt != "mbox":
        raise click.UsageError("--real-only applies to --format mbox only")
    if per_thread and output == "-":
        raise click.UsageError("--per-thread writes a directory: give --output DIR")
    with errors_as_exit():
        doc, stats = _load(
            sources,
            input_format=input_format,
            strict=strict,
            no_split=no_split,
            subject_grouping=subject_grouping,
            subject_window=subject_window,
        )
        with frozen_heap():
            if fmt == "html":
                _directory(output)
                html.write_html(doc, Path(output))
            elif fmt == "mbox":
                raws = _raw_stream(doc, sources, input_format)
                if per_thread:
                    _directory(output)
                    mboxout.write_mbox(doc, output, raws, per_thread=True, derived=not real_only)
                elif output == "-":
                    mboxout.write_mbox(
                        doc, sys.stdout.buffer, raws, per_thread=False, derived=not real_only
                    )
                    sys.stdout.buffer.flush()
                else:
                    try:
                        mboxout.write_mbox(
                            doc, output, raws, per_thread=False, derived=not real_only
                        )
                    except OSError as exc:
                        raise click.ClickException(
                            f"cannot write {output}: {exc.strerror}"
                        ) from exc
            else:
                with open_output(output) as out:
                    if fmt == "json":
                        jsonout.write_json(doc, out)
                    elif fmt == "jsonl":
                        jsonout.write_jsonl_threads(doc, out)
                    elif fmt == "csv":
                        csvout.write_csv(doc, out)
                    else:
                        markdown.write_markdown(doc, out)
    summary("exported", stats, f", {len(doc.threads)} threads")


def _directory(path: str) -> None:
    target = Path(path)
    if target.exists() and not target.is_dir():
        raise click.UsageError(f"--output {path} exists and is not a directory")
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise click.ClickException(f"cannot create {path}: {exc.strerror}") from exc


def find_thread(doc: Document, wanted: str) -> Document | None:
    """The one-thread Document holding ``wanted``: a thread id, an email id, or a
    member's Message-ID (with or without ``<>``; exact first, then ignoring case)."""
    key = wanted.strip()
    bare = key.strip("<>").strip()

    def holds(email: Email, fold: bool) -> bool:
        ids = email.message_id or ()
        if fold:
            return bare.casefold() in {m.casefold() for m in ids}
        return bare in ids or email.id == key

    for fold in (False, True):
        for thread in doc.threads:
            members = [doc.emails[i] for i in thread.email_ids if i in doc.emails]
            if (not fold and thread.id == key) or any(holds(e, fold) for e in members):
                emails = {e.id: e for e in members}
                return Document(threads=(thread,), emails=emails)
    return None


@click.command(epilog=EXAMPLES_SHOW)
@click.argument("id_", metavar="ID")
@source_options
@thread_options
@output_option
def show(
    *,
    id_: str,
    sources: tuple[str, ...],
    input_format: str | None,
    strict: bool,
    no_split: bool,
    subject_grouping: str,
    subject_window: int,
    output: str,
) -> None:
    """Print the thread holding ID as a tree with bodies.

    ID is a thread id, an email id, or the Message-ID of any message in the
    thread. Each message shows what its sender wrote; quoted and forwarded
    history is folded to one line.
    """
    with errors_as_exit():
        doc, _stats = _load(
            sources,
            input_format=input_format,
            strict=strict,
            no_split=no_split,
            subject_grouping=subject_grouping,
            subject_window=subject_window,
        )
        one = find_thread(doc, id_)
        if one is None:
            raise click.ClickException(f"no thread or message matches {id_}")
        with open_output(output) as out:
            out.write(render_tree(one, bodies=True))


@click.command(epilog=EXAMPLES_STATS)
@source_options
@thread_options
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="table: for people; json: for programs.",
)
@click.option(
    "--top", type=click.IntRange(min=0), default=10, show_default=True, help="Senders to list."
)
@output_option
def stats(
    *,
    sources: tuple[str, ...],
    input_format: str | None,
    strict: bool,
    no_split: bool,
    subject_grouping: str,
    subject_window: int,
    fmt: str,
    top: int,
    output: str,
) -> None:
    """Count messages, threads, participants and defects by kind in SOURCE...,
    with the date range and the top senders."""
    with errors_as_exit():
        doc, _stats = _load(
            sources,
            input_format=input_format,
            strict=strict,
            no_split=no_split,
            subject_grouping=subject_grouping,
            subject_window=subject_window,
        )
        numbers = compute_stats(doc, top=top)
        with open_output(output) as out:
            if fmt == "json":
                json.dump(stats_to_json(numbers), out, ensure_ascii=False, indent=2)
                out.write("\n")
            else:
                out.write(stats_text(numbers))


@click.command(epilog=EXAMPLES_SCHEMA)
@output_option
def schema(output: str) -> None:
    """Print the JSON Schema (draft 2020-12) of the JSON that mailarchive writes."""
    with open_output(output) as out:
        out.write(schema_text())
