"""The ``mailarchive`` command: a thin click layer over :mod:`mailarchive.api`.

stdout carries data only; the summary line, progress and errors go to stderr.
Exit codes: 0 done (defects are reported, not fatal), 1 an error (missing
file, unknown format, a defect under ``--strict``), 2 bad usage.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import click

from mailarchive import api
from mailarchive.cli.options import open_output, output_option, source_options, thread_options
from mailarchive.cli.progress import Progress
from mailarchive.errors import MailarchiveError
from mailarchive.export import jsonout, table, tree
from mailarchive.model import Email


@contextmanager
def errors_as_exit() -> Iterator[None]:
    """Turn library errors into one clean line on stderr and exit 1."""
    try:
        yield
    except MailarchiveError as exc:
        raise click.ClickException(str(exc)) from exc
    except BrokenPipeError:
        # The reader went away (``| head``): stop quietly, as Unix tools do.
        sys.stderr.close()
        sys.exit(0)


def summary(verb: str, stats: api.Stats, extra: str = "") -> None:
    """The one-line summary on stderr."""
    embedded = f" (+{stats.embedded} embedded)" if stats.embedded else ""
    click.echo(
        f"{verb} {plural(stats.messages, 'message')}{embedded} "
        f"from {plural(stats.sources, 'source')}, "
        f"{stats.with_defects} with defects{extra}",
        err=True,
    )


def plural(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def ensure_newline(text: str) -> str:
    return text if text.endswith("\n") else text + "\n"


def counted(emails: Iterator[Any], progress: Progress) -> Iterator[Any]:
    for email in emails:
        progress.tick()
        yield email


def email_json_line(email: Email) -> str:
    """One JSON Lines record (module level so worker processes can run it)."""
    return json.dumps(jsonout.email_to_json(email), ensure_ascii=False) + "\n"


EXAMPLES_PARSE = """\b
Examples:
  mailarchive parse fixtures/sources/list.mbox --format table
  mailarchive parse archive.mbox.gz --format jsonl -o emails.jsonl
  cat message.eml | mailarchive parse -
"""


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="mailarchive")
def cli() -> None:
    """Turn email archives (mbox, Maildir, MH, .eml, pipermail, pasted text)
    into clean, threaded, structured data."""


@cli.command(epilog=EXAMPLES_PARSE)
@source_options
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "jsonl", "table"]),
    default="json",
    show_default=True,
    help="json: one document; jsonl: one email per line (streams); table: a listing.",
)
@output_option
def parse(
    sources: tuple[str, ...],
    input_format: str | None,
    strict: bool,
    no_split: bool,
    fmt: str,
    output: str,
) -> None:
    """Parse every message in SOURCE... into structured records.

    Embedded forwards, quoted replies and attached messages come out as
    records of their own (unless --no-split). SOURCE is a file, a directory
    (Maildir, MH, a tree of .eml files) or - for stdin.
    """
    stats = api.Stats()
    with errors_as_exit(), Progress() as progress, open_output(output) as out:
        common: dict[str, Any] = {
            "input_format": input_format,
            "split": not no_split,
            "strict": strict,
            "stats": stats,
        }
        if fmt == "jsonl":
            lines = api.iter_emails(list(sources), transform=email_json_line, **common)
            for line in counted(lines, progress):
                out.write(line)
        elif fmt == "table":
            emails = counted(api.iter_emails(list(sources), **common), progress)
            out.write(ensure_newline(table.emails_table(emails)))
        else:
            doc = api.load_document(list(sources), thread=False, **common)
            jsonout.write_json(doc, out)
    summary("parsed", stats)


EXAMPLES_THREADS = """\b
Examples:
  mailarchive threads fixtures/sources/list.mbox --format tree
  mailarchive threads ~/Maildir --format table --subject-grouping off
  mailarchive threads notes.txt --format json -o threads.json
"""


@cli.command(epilog=EXAMPLES_THREADS)
@source_options
@thread_options
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "jsonl", "table", "tree"]),
    default="tree",
    show_default=True,
    help="json: one document; jsonl: one thread per line; table: one row per thread; "
    "tree: each thread drawn as a tree.",
)
@click.option(
    "--full",
    is_flag=True,
    help="With table or tree: parse bodies too, to link forwards and quoted copies (slower).",
)
@output_option
def threads(
    sources: tuple[str, ...],
    input_format: str | None,
    strict: bool,
    no_split: bool,
    subject_grouping: str,
    subject_window: int,
    fmt: str,
    full: bool,
    output: str,
) -> None:
    """Reconstruct the threads of SOURCE...: replies, forwards and quoted copies.

    table and tree read headers only, which is fast but misses the links
    found inside bodies (forwards, quoted copies, pasted text): add --full
    for those. json and jsonl always read everything. Text dumps are always
    read in full.
    """
    stats = api.Stats()
    headers_only = fmt in ("table", "tree") and not full
    with errors_as_exit(), open_output(output) as out:
        doc = api.load_document(
            list(sources),
            input_format=input_format,
            split=not no_split,
            strict=strict,
            headers_only=headers_only,
            subject_grouping=subject_grouping,
            subject_window=timedelta(days=subject_window),
            stats=stats,
        )
        writers: dict[str, Callable[[], None]] = {
            "json": lambda: jsonout.write_json(doc, out),
            "jsonl": lambda: jsonout.write_jsonl_threads(doc, out),
            "table": lambda: out.write(ensure_newline(table.threads_table(doc))),
            "tree": lambda: out.write(ensure_newline(tree.render_tree(doc))),
        }
        writers[fmt]()
    summary("threaded", stats, f", {plural(len(doc.threads), 'thread')}")


def _register_more() -> None:
    """Commands defined in their own modules."""
    from mailarchive.cli import export_cmds

    for name in ("export", "show", "stats", "schema"):
        command = getattr(export_cmds, name, None)
        if isinstance(command, click.Command):
            cli.add_command(command)


_register_more()


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point."""
    cli.main(args=argv, prog_name="mailarchive")
