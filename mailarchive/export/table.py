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


def threads_table(doc: Document) -> str:
    """One row per thread: subject, messages, participants, first and last date."""
    rows = []
    for t in doc.threads:
        first = t.first_sent_at
        last = t.last_sent_at
        shown = short_date(first)
        rows.append(
            (
                cut(t.subject, MAX_SUBJECT),
                t.message_count,
                len(t.participants),
                shown,
                shown if last is first else short_date(last),  # a thread of one message
            )
        )
    return tabulate(
        rows,
        headers=("subject", "messages", "participants", "first", "last"),
        tablefmt="simple",
        disable_numparse=True,
    )
