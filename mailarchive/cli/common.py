"""What every command shares: clean errors, the summary line, small text helpers."""

from __future__ import annotations

import gc
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import IO

import click

from mailarchive import api
from mailarchive.errors import MailarchiveError
from mailarchive.export import jsonout
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


def email_json_line(email: Email) -> bytes:
    """One JSON Lines record, as ``jsonout.write_jsonl_emails`` writes it.

    Module level so worker processes can run it: JSON encoding then runs in
    parallel too.
    """
    return jsonout.encode_line(jsonout.email_to_json(email))


def bytes_writer(out: IO[str]) -> Callable[[bytes], object]:
    """A writer of UTF-8 bytes to the text stream ``out``: straight to its
    binary buffer when it has one (stdout, files), else decoded."""
    out.flush()
    buffer = getattr(out, "buffer", None)
    if buffer is None:
        return lambda data: out.write(data.decode("utf-8"))
    write: Callable[[bytes], object] = buffer.write
    return write


def email_json_entry(email: Email) -> tuple[str, str]:
    """(id, member of the JSON document's ``emails`` object), as ``jsonout.write_json``
    writes it; module level so worker processes can run it."""
    return email.id, jsonout.email_entry(email)


@contextmanager
def frozen_heap() -> Iterator[None]:
    """Keep what is alive now out of the cyclic garbage collector's passes, for a while.

    For writing out a Document just built: that allocates many more
    objects, and each full collection would rescan every record (at 100,000
    messages, a third of a second a pass, for nothing: records hold no cycles
    to free). ``gc.freeze`` moves them to the permanent generation, which no
    pass scans; on exit they go back to the oldest generation.
    """
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
