"""Listings for people: emails and threads as tabulate tables.

``emails_table`` is ``parse --format table`` (date, from, subject, defects);
``threads_table`` is ``threads --format table`` (subject, messages,
participants, first and last date). Long cells are cut with an ellipsis so a
row fits a terminal line; the JSON formats carry the full values.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from tabulate import tabulate

from mailarchive.export._common import display_name, format_addresses, short_date
from mailarchive.model import Document, Email

MAX_SUBJECT = 60
MAX_FROM = 32


def cut(text: str | None, width: int) -> str:
    """``text`` on one line, at most ``width`` characters (ending in … when cut)."""
    flat = " ".join((text or "").split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def defects_cell(email: Email) -> str:
    """``2: bad-date, missing-message-id`` (kinds counted, sorted), empty when clean."""
    if not email.defects:
        return ""
    kinds = Counter(d.kind for d in email.defects)
    names = ", ".join(k if n == 1 else f"{k}×{n}" for k, n in sorted(kinds.items()))
    return f"{len(email.defects)}: {names}"


def emails_table(emails: Iterable[Email]) -> str:
    """One row per email: date, from, subject, defects."""
    rows = [
        (
            short_date(e.sent_at or e.received_at),
            cut(format_addresses(e.from_) or display_name(e.sender), MAX_FROM),
            cut(e.subject, MAX_SUBJECT),
            defects_cell(e),
        )
        for e in emails
    ]
    return tabulate(rows, headers=("date", "from", "subject", "defects"), tablefmt="simple")


class _Text:
    """A table cell that tabulate writes as ``text``, exactly.

    Before formatting, tabulate finds each cell's type; for a str that
    means an ANSI-stripping regex substitution (through Python code in
    ``re``), a failed ``isoformat`` lookup and bool tests. An object with an
    ``isoformat`` attribute is text at once (tabulate's test for dates),
    formatted as ``format(cell, "")`` and read as ``str(cell)``: the same
    bytes (``tests/test_thread_table.py`` pins them) for an eighth less
    work. Only for non-empty cells other than tabulate's separating line
    (``"\\x01"``), which tabulate reads by their text.
    """

    __slots__ = ("text",)
    isoformat = None  # what tabulate looks for

    def __init__(self, text: str) -> None:
        self.text = text

    def __str__(self) -> str:
        return self.text

    def __format__(self, spec: str) -> str:
        return self.text


_SEPARATING_LINE = "\x01"  # a row whose first cell reads so is a line to tabulate
# Counts as cells made once (an int costs tabulate a failed isoformat lookup).
_COUNTS = tuple(_Text(str(k)) for k in range(256))


def threads_table(doc: Document) -> str:
    """One row per thread: subject, messages, participants, first and last date."""
    rows = []
    counts = _COUNTS
    small = len(counts)
    for t in doc.threads:
        first = t.first_sent_at
        last = t.last_sent_at
        subject = cut(t.subject, MAX_SUBJECT)
        text = short_date(first)
        start = _Text(text) if text else ""
        end = start  # a thread of one message: its date twice
        if last is not first:
            text = short_date(last)
            end = _Text(text) if text else ""
        rows.append(
            (
                _Text(subject) if subject and subject != _SEPARATING_LINE else subject,
                counts[k] if 0 <= (k := t.message_count) < small else k,
                counts[k] if (k := len(t.participants)) < small else k,
                start,
                end,
            )
        )
    return tabulate(
        rows,
        headers=("subject", "messages", "participants", "first", "last"),
        tablefmt="simple",
        disable_numparse=True,
    )
