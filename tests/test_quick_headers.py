"""parse.quick: what the headers-only reader shares between records to stay small.

(That its records equal the compat32 ones is tests/test_parse_quick.py.)
"""

from __future__ import annotations

import pytest

from mailarchive.model import SourceKind, SourceRef
from mailarchive.parse import quick
from mailarchive.sources.raw import RawMessage


def _raw(text: str, offset: int = 0) -> RawMessage:
    return RawMessage(
        text.encode("utf-8"), SourceRef(kind=SourceKind.MBOX, path="box", offset=offset)
    )


ROOT = "Message-ID: <root@x>\nFrom: Ann <ann@x.org>\nTo: list@x.org\nSubject: Plans\n\nbody\n"
REPLY = (
    "Message-ID: <reply@x>\nIn-Reply-To: <root@x>\nReferences: <root@x>\n"
    "From: Ann <ann@x.org>\nTo: list@x.org\nSubject: Re: Plans\n\nbody\n"
)


def test_a_reply_shares_the_id_strings_of_what_it_answers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(quick, "_SEEN_IDS", {})  # not cleared between the two
    root = quick.read_headers(_raw(ROOT), "r")
    reply = quick.read_headers(_raw(REPLY, 100), "s")
    assert root is not None and reply is not None
    assert root.message_id == ("root@x",)
    assert reply.in_reply_to == reply.references == ("root@x",)
    assert reply.in_reply_to[0] is root.message_id[0]
    assert reply.references[0] is root.message_id[0]


def test_repeated_address_lists_are_one_object() -> None:
    root = quick.read_headers(_raw(ROOT), "r")
    reply = quick.read_headers(_raw(REPLY, 100), "s")
    assert root is not None and reply is not None
    assert reply.from_ is root.from_ and reply.to is root.to


def test_the_shared_id_table_stays_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(quick, "_SEEN_IDS", {})
    monkeypatch.setattr(quick, "_MAX_SEEN_IDS", 50)
    for k in range(200):
        email = quick.read_headers(_raw(f"Message-ID: <m{k}@x>\nFrom: a@x\n\n"), f"e{k}")
        assert email is not None and email.message_id == (f"m{k}@x",)
        assert len(quick._SEEN_IDS) <= 50


def test_unusual_spellings_of_wanted_names_are_read() -> None:
    lines = quick.header_lines(b"MESSAGE-ID: <a@x>\nfrom: a@x\nSUBJECT:  hi\n there\n\n")
    assert lines == {"message-id": ["<a@x>"], "from": ["a@x"], "subject": ["hi\n there"]}
