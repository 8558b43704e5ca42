"""Threads of our own fixtures, read by the real sources and parser (headers only)."""

from __future__ import annotations

from mailarchive.model import Relation
from mailarchive.thread import build_threads
from tests.conftest import FIXTURES
from tests.test_thread_support import check_forest, load_messages, shape


def test_broken_headers_mbox() -> None:
    emails = load_messages(FIXTURES / "threads" / "broken-headers.mbox")
    assert len(emails) == 9
    label = {e.id: e.message_id[0].split("@")[0] for e in emails if e.message_id}
    doc = build_threads(emails)
    check_forest(doc, emails)
    by_label = {label[e.id]: doc.emails[e.id] for e in emails}
    for thread in doc.threads:
        for eid in thread.email_ids:
            if eid not in label:
                label[eid] = "*" + (doc.emails[eid].message_id or ("?",))[0]
    # The second copy of offsite-1 is kept, marked, and placed like the first.
    copies = [e for e in emails if e.message_id == ("offsite-1@example.org",)]
    second = doc.emails[copies[1].id].threading
    assert second is not None and second.duplicate_of == copies[0].id
    label[copies[1].id] = "offsite-1 (copy)"
    assert shape(doc, label) == [
        ["offsite-1", ["offsite-2", "offsite-3"], "offsite-4"],
        "offsite-1 (copy)",
        ["loop-1", "loop-2"],
        ["*budget-1@example.org", "budget-2", "budget-3"],
    ]
    dan = by_label["offsite-4"].threading
    assert dan is not None and (dan.relation, dan.method) == (Relation.REPLY, "subject")
    offsite = doc.threads[0]
    assert offsite.subject == "Offsite planning"
    assert offsite.message_count == 4
    assert set(offsite.methods) == {"in-reply-to", "references", "subject"}
