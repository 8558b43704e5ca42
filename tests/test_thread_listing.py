"""``build_threads(keep_emails=False)``: the same threads as with the records, none kept.

Messages without body or derivation are cut down to what threads need as
they arrive; body evidence then reads stand-ins for them. Both must give the
very same Thread records as the full run, on every fixture mailbox (full
parse and headers only), and on records whose bodies were dropped so that
stand-ins meet real forwards and quoted copies.
"""

from __future__ import annotations

import pickle
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from mailarchive import api
from mailarchive.model import (
    Content,
    Derivation,
    DerivationKind,
    Email,
    EmailAddress,
    SourceKind,
    SourceRef,
)
from mailarchive.thread import build_threads
from mailarchive.thread import threader as threader_module
from mailarchive.thread.threader import Listed, listing_record
from tests.conftest import FIXTURES

_SKIP = {".md", ".json", ".html", ".csv", ".py", ".txt"}
MAILBOXES = sorted(
    p
    for sub in ("sources", "threads", "export", "demo", "messages")
    for p in (FIXTURES / sub).rglob("*")
    if p.is_file() and p.suffix not in _SKIP
)


def _read(path: Path, headers_only: bool) -> list[Email]:
    return list(api.iter_emails([str(path)], workers=1, headers_only=headers_only))


def _same_threads(emails: list[Email]) -> None:
    for grouping in ("auto", "on", "off"):
        full = build_threads(emails, subject_grouping=grouping)
        listing = build_threads(emails, subject_grouping=grouping, keep_emails=False)
        assert listing.emails == {}
        assert listing.threads == full.threads
        # Equal datetimes may differ in zone: compare them as written too.
        assert repr(listing.threads) == repr(full.threads)


@pytest.mark.parametrize("headers_only", [False, True], ids=["full", "headers"])
def test_fixture_mailboxes_same_threads(headers_only: bool) -> None:
    assert len(MAILBOXES) > 10
    read = 0
    for path in MAILBOXES:
        try:
            emails = _read(path, headers_only)
        except Exception:  # not a mailbox (an unreadable fixture is tested elsewhere)
            continue
        read += 1
        _same_threads(emails)
    assert read > 10


def _without_body(email: Email) -> Email:
    return replace(email, text_body=(), html_body=(), body_values={}, content=Content())


def test_stand_ins_meet_body_evidence(monkeypatch: pytest.MonkeyPatch) -> None:
    """Top-level records lose their bodies; what was found inside them stays.

    The embedded records then link to messages only known by a stand-in
    (Message-ID owners, containers), the path the headers-only listing takes
    for mailboxes holding rebuilt copies.
    """
    made: list[str] = []
    real = threader_module._stand_in

    def counting(*args: object) -> Email:
        email = real(*args)  # type: ignore[arg-type]
        made.append(email.id)
        return email

    monkeypatch.setattr(threader_module, "_stand_in", counting)
    derived = 0
    for path in MAILBOXES:
        try:
            emails = _read(path, False)
        except Exception:
            continue
        if not any(e.derivation is not None for e in emails):
            continue
        derived += 1
        _same_threads([e if e.derivation is not None else _without_body(e) for e in emails])
    assert derived >= 3
    assert made  # the stand-ins were read


def test_rebuilt_copies_headers_only_listing() -> None:
    """The exported sample (rebuilt copies read back): links by Message-ID, same threads."""
    emails = _read(FIXTURES / "export" / "sample" / "all.mbox", True)
    assert any(e.derivation is not None for e in emails)
    _same_threads(emails)
    full = build_threads(emails)
    assert any(
        e.threading is not None and e.threading.duplicate_of is not None
        for e in full.emails.values()
    )


def test_listing_drops_records_as_they_come() -> None:
    """The briefs replace the Emails: nothing of the input is kept past threading."""
    emails = _read(FIXTURES / "threads" / "broken-headers.mbox", True)
    doc = build_threads(iter(emails), keep_emails=False)
    assert doc.emails == {}
    assert sum(t.message_count for t in doc.threads) == len(emails) - 1  # one duplicate


def _message(eid: str, mid: str, offset: int, **more: object) -> Email:
    return Email(
        id=eid,
        source=SourceRef(kind=SourceKind.MBOX, path="box.mbox", offset=offset),
        message_id=(mid,),
        subject="Plans",
        sent_at=datetime(2024, 5, 1, 9, tzinfo=UTC),
        from_=(EmailAddress("Ann", "ann@example.org"),),
        **more,  # type: ignore[arg-type]
    )


def test_stand_ins_own_their_message_ids() -> None:
    """A forwarded copy is the message of its Message-ID: the oldest record holding it.

    Both records holding ``a@x`` have no body (briefs, read through stand-ins);
    they were sent at the same time, so their place in the file decides which
    one owns the id. The copy found inside ``c`` must hang under that one.
    """
    first = _message("first", "a@x", 100)
    second = _message("second", "a@x", 50)  # earlier in the file: the owner
    container = _message(
        "c",
        "c@x",
        200,
        in_reply_to=("z@x",),
        content=Content(authored="see below", embedded=("c/1",)),
    )
    copy = Email(
        id="c/1",
        source=SourceRef(kind=SourceKind.SEGMENT),
        message_id=("a@x",),
        subject="Plans",
        derivation=Derivation("c", DerivationKind.FORWARD, 1),
    )
    emails = [first, second, container, copy]
    full = build_threads(emails)
    threading = full.emails["c/1"].threading
    assert threading is not None and threading.duplicate_of == "second"
    _same_threads(emails)


def test_listing_records_cross_processes() -> None:
    """Records cut down where they are made (workers), pickled: the same threads."""
    for path in (FIXTURES / "threads" / "broken-headers.mbox", FIXTURES / "demo" / "team.mbox"):
        emails = _read(path, True)
        listed = pickle.loads(pickle.dumps([listing_record(e) for e in emails]))
        assert all(isinstance(r, Listed) for r in listed)
        for grouping in ("auto", "on", "off"):
            full = build_threads(emails, subject_grouping=grouping)
            listing = build_threads(listed, subject_grouping=grouping, keep_emails=False)
            assert repr(listing.threads) == repr(full.threads)
    with pytest.raises(ValueError, match="keep_emails"):
        build_threads(listed)


def test_listing_record_keeps_what_evidence_needs() -> None:
    """Messages with a body or a derivation stay whole: body evidence reads them."""
    emails = _read(FIXTURES / "export" / "sample" / "all.mbox", False)
    kept = [e for e in emails if listing_record(e) is e]
    assert any(e.derivation is not None for e in kept)
    assert all(e.derivation is not None or e.text_body or e.html_body for e in kept)
    mixed = [listing_record(e) for e in emails]
    assert repr(build_threads(mixed, keep_emails=False).threads) == repr(
        build_threads(emails).threads
    )
