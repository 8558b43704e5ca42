"""One CSV row per message, in tree order, for spreadsheets and data tools.

Columns: ``thread_id, depth, relation, date, from, to, subject, authored``.
``date`` is RFC 3339 as in the JSON; ``from``/``to`` are ``Name <addr>``
joined by ``, ``; ``authored`` is the text the sender wrote (newlines kept,
quoted by the csv module). Phantoms keep their row (with empty sender and
text) so ``depth`` stays meaningful; emails no thread reaches come last with
an empty ``thread_id``.
"""

from __future__ import annotations

import csv
from typing import IO

from mailarchive.export._common import format_addresses, is_phantom, rfc3339, walk
from mailarchive.model import Document

COLUMNS = ("thread_id", "depth", "relation", "date", "from", "to", "subject", "authored")


def write_csv(doc: Document, fp: IO[str]) -> None:
    """Write the header and one row per message."""
    writer = csv.writer(fp, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for v in walk(doc):
        e = v.email
        phantom = e is None or is_phantom(e)
        writer.writerow(
            (
                v.thread.id if v.thread is not None else "",
                v.depth,
                v.relation.value,
                (rfc3339(e.sent_at) or "") if e is not None else "",
                "" if e is None or phantom else format_addresses(e.from_),
                "" if e is None or phantom else format_addresses(e.to),
                (e.subject or "") if e is not None else "",
                "" if e is None or phantom else e.content.authored,
            )
        )
