"""``parse`` and ``threads``: records and threads from SOURCE..."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import timedelta
from typing import Any

import click

from mailarchive import api
from mailarchive.cli.common import (
    bytes_writer,
    email_json_entry,
    email_json_line,
    ensure_newline,
    errors_as_exit,
    frozen_heap,
    plural,
    summary,
)
from mailarchive.cli.options import open_output, output_option, source_options, thread_options
from mailarchive.cli.progress import Progress
from mailarchive.export import jsonout, table, tree

EXAMPLES_PARSE = """\b
Examples:
  mailarchive parse fixtures/sources/list.mbox --format table
  mailarchive parse archive.mbox.gz --format jsonl -o emails.jsonl
  cat message.eml | mailarchive parse -
"""


@click.command(epilog=EXAMPLES_PARSE)
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
    with errors_as_exit(), Progress() as progress, open_output(output) as out:
        stats = api.Stats(on_count=progress.tick)
        common: dict[str, Any] = {
            "input_format": input_format,
            "split": not no_split,
            "strict": strict,
            "stats": stats,
        }
        if fmt == "jsonl":
            blocks = api.iter_encoded(list(sources), email_json_line, **common)
            write = bytes_writer(out)  # the workers' UTF-8, as it is
            for block in blocks:
                write(block)
        elif fmt == "table":
            emails = api.iter_emails(list(sources), **common)
            out.write(ensure_newline(table.emails_table(emails)))
        else:  # the document jsonout.write_json writes, streamed
            entries = api.iter_emails(list(sources), transform=email_json_entry, **common)
            jsonout.write_document(out, _first_of_each_id(entries))
    summary("parsed", stats)


def _first_of_each_id(entries: Iterable[tuple[str, str]]) -> Iterator[str]:
    """The entries of distinct records: a source given twice gives its records
    once (as in a Document, whose emails are keyed by id)."""
    seen: set[str] = set()
    for eid, entry in entries:
        if eid not in seen:
            seen.add(eid)
            yield entry


EXAMPLES_THREADS = """\b
Examples:
  mailarchive threads fixtures/sources/list.mbox --format tree
  mailarchive threads ~/Maildir --format table --subject-grouping off
  mailarchive threads notes.txt --format json -o threads.json
"""


@click.command(epilog=EXAMPLES_THREADS)
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
    headers_only = fmt in ("table", "tree") and not full
    with errors_as_exit(), Progress() as progress, open_output(output) as out:
        stats = api.Stats(on_count=progress.tick)
        doc = api.load_document(
            list(sources),
            input_format=input_format,
            split=not no_split,
            strict=strict,
            headers_only=headers_only,
            keep_emails=fmt != "table",  # a listing of threads needs no Email records
            record_ids=fmt != "table",  # nor ids: it shows none
            subject_grouping=subject_grouping,
            subject_window=timedelta(days=subject_window),
            stats=stats,
        )
        with frozen_heap():
            if fmt == "json":
                jsonout.write_json(doc, out)
            elif fmt == "jsonl":
                jsonout.write_jsonl_threads(doc, out)
            elif fmt == "table":
                out.write(ensure_newline(table.threads_table(doc)))
            else:
                out.write(ensure_newline(tree.render_tree(doc)))
    summary("threaded", stats, f", {plural(len(doc.threads), 'thread')}")
