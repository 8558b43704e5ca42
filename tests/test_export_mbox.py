"""mbox export: real messages byte for byte, embedded ones as proper RFC 5322 messages.

Read back with the standard library's ``mailbox.mbox`` (an independent
reader) and, when the pipeline is importable, with mailarchive itself for
the round trip: export, read again, same threads and same real messages.
"""

from __future__ import annotations

import email
import importlib
import io
import mailbox
from collections import Counter
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mailarchive.export import mboxout
from mailarchive.model import (
    Derivation,
    DerivationKind,
    Document,
    Email,
    EmailAddress,
    Relation,
    SourceKind,
    SourceRef,
    Thread,
    ThreadNode,
)
from mailarchive.parse import rebuilt as mailarchive_rebuilt
from mailarchive.parse.rebuilt import is_rebuilt_copy
from tests.test_export_data import RAW, T1, T2, A, B, C, D, F, P, T, sample_document


def _read(path: Path) -> list[tuple[str, bytes]]:
    box = mailbox.mbox(path, create=False)
    try:
        return [
            (box.get_message(k).get_from(), mboxout.unescape_mboxrd(box.get_bytes(k)))
            for k in box.iterkeys()
        ]
    finally:
        box.close()


def _parse(data: bytes) -> EmailMessage:
    msg = email.message_from_bytes(data, policy=policy.default)
    assert isinstance(msg, EmailMessage)
    return msg


def test_real_messages_come_back_byte_for_byte(tmp_path: Path) -> None:
    out = tmp_path / "all.mbox"
    n = mboxout.write_mbox(sample_document(), out, RAW.get, per_thread=False)
    messages = _read(out)
    assert n == len(messages) == 6  # the phantom is not written
    bodies = [data for _, data in messages]
    # Real messages first, as the raw source gives them (a lookup: tree order
    # A, B, D, C); then the synthesized ones in tree order: F, T (thread 1).
    assert bodies[:4] == [RAW[A], RAW[B], RAW[D], RAW[C]]
    assert b"\r\n" in bodies[1]  # CRLF kept as read
    assert messages[0][0] == "alice@example.org Mon Mar  5 09:00:05 2018"
    assert [_parse(d)["X-Mailarchive-Id"] for d in bodies[4:]] == [F, T]


def test_from_lines_in_bodies_are_escaped_mboxrd() -> None:
    buf = io.BytesIO()
    mboxout.write_mbox(sample_document(), buf, RAW.get, per_thread=False)
    data = buf.getvalue()
    assert b"\n>From the changelog" in data
    assert b"\n>>From here on" in data
    separators = [line for line in data.split(b"\n") if line.startswith(b"From ")]
    assert len(separators) == 6


def test_embedded_message_is_a_proper_rfc5322_message(tmp_path: Path) -> None:
    out = tmp_path / "all.mbox"
    mboxout.write_mbox(sample_document(), out, RAW.get, per_thread=False)
    _, data = _read(out)[4]
    msg = _parse(data)
    assert msg["Message-ID"] == f"<{F}@mailarchive.invalid>"
    assert msg["X-Mailarchive-Id"] == F
    assert msg["X-Mailarchive-Derived"] == "forward; depth=1; header-style=flattened"
    assert msg["X-Mailarchive-Parent"] == T
    assert msg["Subject"] == "Re: Microrobot simulation"
    assert msg["Date"] == "Fri, 16 Feb 2018 09:34:00 -0000"  # naive: zone unknown
    # A person known only by name: an empty group keeps the name, invents no address.
    assert msg["From"].groups[0].display_name == "Kristofer PISTER"
    assert [g.display_name for g in msg["Cc"].groups] == [
        "Brian Yang",
        "Grant Wang",
        "Roberto Calandra",
    ]
    body = msg.get_content()
    assert body.startswith("My summary of the meeting")
    assert not msg.defects


def test_text_dump_message_is_synthesized_and_marked(tmp_path: Path) -> None:
    out = tmp_path / "all.mbox"
    mboxout.write_mbox(sample_document(), out, RAW.get, per_thread=False)
    from_line, data = _read(out)[5]
    assert from_line == "MAILER-DAEMON Thu Jan  1 00:00:00 1970"
    msg = _parse(data)
    assert msg["X-Mailarchive-Derived"] == "synthesized; source=text"
    assert "FYI. Roberto" in msg.get_content()


def test_real_message_whose_bytes_are_lost_is_synthesized() -> None:
    data = mboxout.message_bytes(sample_document().emails[C], lambda _id: None)
    msg = _parse(data)
    assert msg["Message-ID"] == "<c1@example.net>"
    assert msg["In-Reply-To"] == "<a1@example.org>"
    assert str(msg["From"]) == "Zoë Ünal <zoe@example.net>"
    assert b"=?utf-8?" in data  # non-ASCII names encoded per RFC 2047
    assert "déjà vu" in msg.get_content()


def test_per_thread_files(tmp_path: Path) -> None:
    n = mboxout.write_mbox(sample_document(), tmp_path / "out", RAW.get, per_thread=True)
    files = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert files == sorted([f"{T1}.mbox", f"{T2}.mbox"])
    assert n == 6
    assert [d for _, d in _read(tmp_path / "out" / f"{T2}.mbox")] == [
        RAW[A],
        RAW[B],
        RAW[D],
        RAW[C],
    ]


def test_phantoms_only_on_request() -> None:
    buf = io.BytesIO()
    n = mboxout.write_mbox(sample_document(), buf, RAW.get, per_thread=False, phantoms=True)
    assert n == 7
    entries = buf.getvalue().split(b"\nFrom ")
    # After the four real messages, the synthesized ones in tree order: P first.
    msg = _parse(entries[4].split(b"\n", 1)[1])
    assert msg["X-Mailarchive-Derived"] == "phantom"
    assert msg["Message-ID"] == f"<{P}@mailarchive.invalid>"


def test_hostile_headers_never_break_the_message() -> None:
    e = Email(
        id="e-hostile",
        source=SourceRef(kind=SourceKind.SEGMENT),
        message_id=("with space@x", "second@x"),
        in_reply_to=("<>",),
        from_=(
            EmailAddress('Eve "the" \\ Hacker, Esq.', "a@b@c"),
            EmailAddress("Ünïcødé ☃", None),
            EmailAddress(None, "plain@example.org"),
        ),
        to=(EmailAddress("x\r\nBcc: victim@example.org", "to@example.org"),),
        subject="line one\nX-Injected: yes",
    )
    data = mboxout.synthesize(e)
    msg = _parse(data)
    assert msg["X-Injected"] is None
    assert msg["Bcc"] is None
    assert "line one X-Injected: yes" in str(msg["Subject"])
    assert msg["X-Mailarchive-Id"] == "e-hostile"
    assert msg.get_content().startswith("\n") or msg.get_content() == "\n"


def test_internationalized_address_is_written_as_utf8_header() -> None:
    e = Email(
        id="e-eai",
        source=SourceRef(kind=SourceKind.SEGMENT),
        from_=(EmailAddress("Marilù Gioffré ♥", "Marilù.Gioffré@esempio-università.it"),),
        to=(EmailAddress("Dörte Å. Sörensen, Jr.", "Dörte@Sörensen.example.com"),),
        subject="Ciao",
    )
    data = mboxout.synthesize(e)
    msg = email.message_from_bytes(data, policy=policy.default.clone(utf8=True))
    assert "Marilù.Gioffré@esempio-università.it" in str(msg["From"])
    assert "Dörte@Sörensen.example.com" in str(msg["To"])


_text = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["x\nBcc: v@e.org", "a\r\nX-Evil: 1", "ü@ö", '"q" <a@b>', "<>", "", "a@b@c"]),
)
_HEADERS = {
    "from",
    "to",
    "subject",
    "message-id",
    "in-reply-to",
    "content-type",
    "content-transfer-encoding",
    "mime-version",
}
_addr = st.builds(EmailAddress, st.one_of(st.none(), _text), st.one_of(st.none(), _text))


@settings(max_examples=150, deadline=None)
@given(
    st.lists(_addr, max_size=3),
    st.lists(_addr, max_size=3),
    st.one_of(st.none(), _text),
    st.lists(_text, max_size=2),
)
def test_synthesize_never_raises(
    senders: list[EmailAddress], to: list[EmailAddress], subject: str | None, mids: list[str]
) -> None:
    e = Email(
        id="e-any",
        source=SourceRef(kind=SourceKind.SEGMENT),
        from_=tuple(senders) or None,
        to=tuple(to) or None,
        subject=subject,
        message_id=tuple(mids) or None,
        in_reply_to=tuple(mids) or None,
    )
    data = mboxout.synthesize(e)
    msg = email.message_from_bytes(data, policy=policy.compat32)
    assert msg["X-Mailarchive-Id"] == "e-any"
    # No header value smuggles a line break into a new header.
    names = {k.lower() for k in msg.keys()}  # noqa: SIM118 - Message, not dict
    assert {n for n in names if not n.startswith("x-mailarchive-")} <= _HEADERS


@given(st.binary(max_size=300))
def test_mboxrd_escaping_round_trips(data: bytes) -> None:
    escaped = mboxout.escape_mboxrd(data)
    assert mboxout.unescape_mboxrd(escaped) == data
    assert not any(line.startswith(b"From ") for line in escaped.split(b"\n"))


@given(st.lists(st.sampled_from([b"From x", b">From y", b"text", b"", b">>From z"]), max_size=8))
def test_mboxrd_escaping_of_from_lines(lines: list[bytes]) -> None:
    data = b"\n".join(lines)
    assert mboxout.unescape_mboxrd(mboxout.escape_mboxrd(data)) == data


# --- Round trip through mailarchive's own reader (needs the whole pipeline).

ROOT = Path(__file__).resolve().parents[1]

_ANN = b"""From ann@example.org Mon Mar  4 08:02:00 2024
From: Ann Lee <ann@example.org>
To: Bob Stone <bob@example.com>
Subject: Budget
Date: Mon, 4 Mar 2024 09:02:00 +0100
Message-ID: <a1@example.org>

Bob, can you confirm the bus and give me a rough budget?
I have to send it to the office by Friday.

Ann

"""
_BOB_BODY = b"""The bus is booked for the 14th, leaving at 7:30 from the north gate.
Budget so far: bus 640, tickets 312, lunch around 200.

On Mon, Mar 4, 2024 at 9:02 AM Ann Lee <ann@example.org> wrote:
> Bob, can you confirm the bus and give me a rough budget?
> I have to send it to the office by Friday.
>
> Ann

"""
_BOB = (
    b"""From bob@example.com Tue Mar  5 15:12:00 2024
From: Bob Stone <bob@example.com>
To: Ann Lee <ann@example.org>
Subject: Re: Budget
Date: Tue, 5 Mar 2024 16:12:00 +0100
Message-ID: <b1@example.com>
In-Reply-To: <a1@example.org>
References: <a1@example.org>

"""
    + _BOB_BODY
)
# Ann forwards Bob's reply (Gmail style), which quotes Ann's question.
_FWD = (
    b"""From ann@example.org Wed Mar  6 09:00:00 2024
From: Ann Lee <ann@example.org>
To: Carl Diaz <carl@example.net>
Subject: Fwd: Re: Budget
Date: Wed, 6 Mar 2024 10:00:00 +0100
Message-ID: <c1@example.org>

Carl, the numbers for the trip are below.

---------- Forwarded message ---------
From: Bob Stone <bob@example.com>
Date: Tue, Mar 5, 2024 at 4:12 PM
Subject: Re: Budget
To: Ann Lee <ann@example.org>

"""
    + _BOB_BODY
)


def _pipeline() -> Any:
    try:
        return importlib.import_module("mailarchive.api")
    except ImportError as exc:  # the parser or threader is not there yet
        pytest.skip(f"pipeline not importable: {exc}")


def _source_mbox(path: Path) -> None:
    doc = sample_document()
    real = [doc.emails[i] for i in (A, B, C)]
    with open(path, "wb") as fp:
        mboxout.write_messages(real, fp, RAW.get)


def _forward_mbox(path: Path) -> Path:
    path.write_bytes(_ANN + _BOB + _FWD)
    return path


def _label(e: Email) -> Any:
    """A message across runs (ids differ): Message-ID, else subject, senders and date."""
    if e.message_id:
        return ("id", e.message_id[0])
    if mboxout.is_phantom(e):
        return ("phantom", e.subject)
    senders = tuple(sorted((a.name or "", a.email or "") for a in e.from_ or ()))
    when = e.sent_at.replace(tzinfo=None).isoformat() if e.sent_at else None
    return (e.subject, senders, when)


def _is_folded_copy(doc: Document, node: ThreadNode) -> bool:
    email = doc.emails[node.email_id]
    return is_rebuilt_copy(email) and node.relation is Relation.DUPLICATE and not node.children


def _shape(doc: Document) -> Counter[Any]:
    """Threads as nested (label, relation) trees, rebuilt copies folded away."""

    def key(node: ThreadNode) -> Any:
        kids = [key(c) for c in node.children if not _is_folded_copy(doc, c)]
        return (
            _label(doc.emails[node.email_id]),
            node.relation.value,
            tuple(sorted(kids, key=repr)),
        )

    return Counter(tuple(sorted((key(n) for n in t.tree), key=repr)) for t in doc.threads)


def _real_bytes(api: Any, path: Path) -> Counter[bytes]:
    return Counter(data for _, data in api.iter_raw([str(path)], "mbox"))


def _export(api: Any, source: Path, fmt: str, out: Path, **kw: Any) -> tuple[Document, int]:
    doc = api.load_document([str(source)], input_format=fmt, workers=1, **kw)
    n = mboxout.write_mbox(doc, out, api.iter_raw([str(source)], fmt), per_thread=False)
    return doc, n


def _assert_same_threads(first: Document, again: Document, written: int) -> None:
    assert _shape(again) == _shape(first)
    counts = Counter(t.message_count for t in first.threads)
    assert Counter(t.message_count for t in again.threads) == counts
    copies = [e for e in again.emails.values() if is_rebuilt_copy(e)]
    # Every message of the mbox is a record: real ones (split again) and the copies.
    assert sum(1 for e in again.emails.values() if e.derivation is None) + len(copies) == written
    # Each copy is a duplicate of the record split again from its container (or of
    # the record that one duplicates).
    for copy in copies:
        assert copy.threading is not None
        assert copy.threading.relation is Relation.DUPLICATE
        original = again.emails[copy.threading.duplicate_of or ""]
        assert not is_rebuilt_copy(original) and original.thread_id == copy.thread_id
    # Nothing else was added or dropped: the same records plus one per copy.
    derived = sum(1 for e in first.emails.values() if not mboxout.is_real(e))
    phantoms = sum(1 for e in first.emails.values() if mboxout.is_phantom(e))
    assert len(copies) == derived - phantoms - sum(
        1 for e in first.emails.values() if e.derivation is None and not mboxout.is_real(e)
    )
    assert len(again.emails) == len(first.emails) + len(copies)


def test_round_trip_with_splitting_forward_and_quoted_reply(tmp_path: Path) -> None:
    api = _pipeline()
    source = _forward_mbox(tmp_path / "in.mbox")
    exported = tmp_path / "out.mbox"
    first, n = _export(api, source, "mbox", exported)
    kinds = Counter(e.derivation.kind.value for e in first.emails.values() if e.derivation)
    assert kinds == Counter({"reply-quote": 2, "forward": 1})  # the fixture does what it says
    stats = api.Stats()
    again = api.load_document([str(exported)], input_format="mbox", workers=1, stats=stats)
    assert stats.messages == n  # a rebuilt copy counts as a message of the file
    # The same real messages, byte for byte; the rest are marked rebuilt copies.
    real_in, real_out = _real_bytes(api, source), _real_bytes(api, exported)
    assert sum(real_in.values()) == 3
    assert all(real_out[data] == k for data, k in real_in.items())
    extra = real_out - real_in
    assert sum(extra.values()) == 3
    assert all(b"\nX-Mailarchive-Derived: " in data for data in extra)
    _assert_same_threads(first, again, n)
    # Without the copies recognized, each embedded message would be there twice.
    assert sum(t.message_count for t in again.threads) == 3


def test_round_trip_with_splitting_pasted_text(tmp_path: Path) -> None:
    api = _pipeline()
    source = ROOT / "fixtures" / "demo" / "pasted-forward.txt"
    exported = tmp_path / "out.mbox"
    first, n = _export(api, source, "text", exported)
    assert n == len(first.emails) - sum(mboxout.is_phantom(e) for e in first.emails.values())
    again = api.load_document([str(exported)], input_format="mbox", workers=1)
    _assert_same_threads(first, again, n)
    # The pasted document itself comes back as one message holding the whole text.
    (top,) = [e for e in first.emails.values() if e.derivation is None]
    (back,) = [e for e in again.emails.values() if e.derivation is None]
    assert back.text.rstrip("\n") == top.text.rstrip("\n")
    assert back.message_id is None  # the export's invented Message-ID is dropped again
    assert back.from_ == top.from_ == (EmailAddress("Ana Duarte", None),)


@pytest.mark.parametrize("fixture", ["mbox", "text"])
def test_round_trip_is_stable(tmp_path: Path, fixture: str) -> None:
    """Exporting what was read back writes as many messages and gives the same threads."""
    api = _pipeline()
    if fixture == "mbox":
        source, fmt = _forward_mbox(tmp_path / "in.mbox"), "mbox"
    else:
        source, fmt = ROOT / "fixtures" / "demo" / "pasted-forward.txt", "text"
    first, n1 = _export(api, source, fmt, tmp_path / "one.mbox")
    _, n2 = _export(api, tmp_path / "one.mbox", "mbox", tmp_path / "two.mbox")
    third = api.load_document([str(tmp_path / "two.mbox")], input_format="mbox", workers=1)
    assert n2 == n1  # copies read back are not written again: their twins are
    assert _shape(third) == _shape(first)


def test_round_trip_per_thread_with_splitting(tmp_path: Path) -> None:
    api = _pipeline()
    source = _forward_mbox(tmp_path / "in.mbox")
    _source_mbox(tmp_path / "more.mbox")
    paths = [str(source), str(tmp_path / "more.mbox")]
    first = api.load_document(paths, input_format="mbox", workers=1)
    n = mboxout.write_mbox(
        first, tmp_path / "out", api.iter_raw(paths, "mbox"), per_thread=True, max_open=1
    )
    files = sorted((tmp_path / "out").glob("*.mbox"))
    assert len(files) == len(first.threads)
    again = api.load_document([str(p) for p in files], input_format="mbox", workers=1)
    _assert_same_threads(first, again, n)


@pytest.mark.parametrize("split", [False, True])
def test_round_trip_same_threads_and_real_messages(tmp_path: Path, split: bool) -> None:
    api = _pipeline()
    source = tmp_path / "in.mbox"
    _source_mbox(source)
    first = api.load_document([str(source)], input_format="mbox", split=split, workers=1)
    exported = tmp_path / "out.mbox"
    n = mboxout.write_mbox(first, exported, api.iter_raw([str(source)], "mbox"), per_thread=False)
    again = api.load_document([str(exported)], input_format="mbox", split=split, workers=1)
    real_in = _real_bytes(api, source)
    real_out = _real_bytes(api, exported)
    assert real_in == Counter({RAW[A]: 1, RAW[B]: 1, RAW[C]: 1})
    assert all(real_out[data] == k for data, k in real_in.items())
    assert all(b"X-Mailarchive-Derived:" in data for data in real_out - real_in)
    _assert_same_threads(first, again, n)


def test_round_trip_real_only_keeps_threads_with_splitting(tmp_path: Path) -> None:
    api = _pipeline()
    source = tmp_path / "in.mbox"
    _source_mbox(source)
    first = api.load_document([str(source)], input_format="mbox", split=True, workers=1)
    lookup = dict(api.iter_raw([str(source)], "mbox")).get
    exported = tmp_path / "out.mbox"
    mboxout.write_mbox(first, exported, lookup, per_thread=False, derived=False)
    again = api.load_document([str(exported)], input_format="mbox", split=True, workers=1)
    assert _real_bytes(api, exported) == _real_bytes(api, source)
    assert _shape(again) == _shape(first)
    assert len(again.emails) == len(first.emails)


def test_real_only_skips_synthesized_messages() -> None:
    buf = io.BytesIO()
    n = mboxout.write_mbox(sample_document(), buf, RAW.get, per_thread=False, derived=False)
    assert n == 4
    assert b"X-Mailarchive-" not in buf.getvalue()


def test_round_trip_per_thread(tmp_path: Path) -> None:
    api = _pipeline()
    source = tmp_path / "in.mbox"
    _source_mbox(source)
    first = api.load_document([str(source)], input_format="mbox", split=False, workers=1)
    lookup = dict(api.iter_raw([str(source)], "mbox")).get
    mboxout.write_mbox(first, tmp_path / "out", lookup, per_thread=True)
    files = sorted((tmp_path / "out").glob("*.mbox"))
    assert len(files) == len(first.threads)
    again = api.load_document([str(p) for p in files], input_format="mbox", split=False, workers=1)
    assert _shape(again) == _shape(first)


def test_copies_without_their_container_stay_records(tmp_path: Path) -> None:
    """Only the rebuilt copies read back (no container to split): each one is a record."""
    api = _pipeline()
    source = _forward_mbox(tmp_path / "in.mbox")
    _export(api, source, "mbox", tmp_path / "out.mbox")
    entries = _split_entries((tmp_path / "out.mbox").read_bytes())
    copies_only = [e for e in entries if b"\nX-Mailarchive-Derived: " in e]
    assert len(copies_only) == 3
    with open(tmp_path / "copies.mbox", "wb") as fp:
        for data in copies_only:
            fp.write(b"From MAILER-DAEMON Thu Jan  1 00:00:00 1970\n" + data + b"\n")
    doc = api.load_document([str(tmp_path / "copies.mbox")], input_format="mbox", workers=1)
    records = [e for e in doc.emails.values() if not mboxout.is_phantom(e)]
    assert len(records) == 3 and all(is_rebuilt_copy(e) for e in records)
    # No twin: the two copies of Ann's quoted question are one message, Bob's reply another.
    assert sum(t.message_count for t in doc.threads) == 2


# --- Reading the export's marks back (mailarchive.parse.rebuilt)


def test_marks_of_an_embedded_copy_are_read_back() -> None:
    api = _pipeline()
    data = mboxout.synthesize(sample_document().emails[F])
    (record,) = api.parse_bytes(data)  # a copy is not split again
    assert is_rebuilt_copy(record)
    assert record.derivation == Derivation(T, DerivationKind.FORWARD, 1, header_style="flattened")
    assert record.message_id is None  # <F@mailarchive.invalid> was invented by the export
    assert record.from_ == (EmailAddress("Kristofer PISTER", None),)


def test_marks_of_a_synthesized_top_message_are_read_back() -> None:
    api = _pipeline()
    records = api.parse_bytes(mboxout.synthesize(sample_document().emails[T]))
    assert records[0].derivation is None and not is_rebuilt_copy(records[0])
    assert records[0].message_id is None
    assert len(records) > 1  # a whole message: split as usual


@pytest.mark.parametrize(
    "marks",
    [
        b"X-Mailarchive-Derived: forward; depth=99999999999999\nX-Mailarchive-Parent: p\n",
        b"X-Mailarchive-Derived: nonsense\nX-Mailarchive-Parent: p\n",
        b"X-Mailarchive-Derived: forward\n",
        b"",
    ],
)
def test_odd_marks_never_break_reading(marks: bytes) -> None:
    data = b"X-Mailarchive-Id: e1\nMessage-ID: <e1@mailarchive.invalid>\n" + marks + b"\nHi\n"
    record = mailarchive_rebuilt.read_marks(data, _plain_record())
    assert record.message_id is None
    if b"nonsense" in marks or b"Parent" not in marks:
        assert record.derivation is None
    else:
        assert record.derivation is not None and record.derivation.depth == 1


def test_message_without_marks_is_unchanged() -> None:
    e = _plain_record()
    assert mailarchive_rebuilt.read_marks(b"Subject: x\n\nX-Mailarchive-Id: e1\n", e) is e


def _plain_record() -> Email:
    return Email(
        id="e-plain", source=SourceRef(kind=SourceKind.MBOX), message_id=("e1@mailarchive.invalid",)
    )


# --- Streaming: real messages are written as the second pass yields them


def test_write_mbox_streams_the_raw_pass() -> None:
    doc = sample_document()
    out = io.BytesIO()
    seen: list[bytes] = []

    def second_pass() -> Any:
        for eid in (C, "e-not-in-doc", A, B, A, D):
            # Each message is in the output before the next one is read.
            assert all(data in out.getvalue() for data in seen)
            seen.append(mboxout.escape_mboxrd(RAW[eid]) if eid in RAW else b"")
            yield eid, RAW.get(eid, b"junk")

    n = mboxout.write_mbox(doc, out, second_pass(), per_thread=False)
    entries = _split_entries(out.getvalue())
    assert n == len(entries) == 6
    # Source order for real messages, each once; unknown ids skipped; then the rest.
    assert entries[:4] == [RAW[C], RAW[A], RAW[B], RAW[D]]
    assert [_parse(e)["X-Mailarchive-Id"] for e in entries[4:]] == [F, T]


def test_real_message_missing_from_the_raw_pass_is_synthesized() -> None:
    out = io.BytesIO()
    mboxout.write_mbox(sample_document(), out, iter([(A, RAW[A])]), per_thread=False)
    entries = _split_entries(out.getvalue())
    assert entries[0] == RAW[A]
    rebuilt = [_parse(e)["X-Mailarchive-Id"] for e in entries[1:]]
    assert rebuilt == [F, T, B, D, C]  # tree order


def test_per_thread_files_with_few_handles_are_the_same(tmp_path: Path) -> None:
    doc = sample_document()
    order = [(C, RAW[C]), (A, RAW[A]), (D, RAW[D]), (B, RAW[B])]
    mboxout.write_mbox(doc, tmp_path / "many", iter(order), per_thread=True)
    mboxout.write_mbox(doc, tmp_path / "one", iter(order), per_thread=True, max_open=1)
    names = sorted(p.name for p in (tmp_path / "many").iterdir())
    assert names == sorted(p.name for p in (tmp_path / "one").iterdir())
    for name in names:
        assert (tmp_path / "many" / name).read_bytes() == (tmp_path / "one" / name).read_bytes()
    t2 = _split_entries((tmp_path / "one" / f"{T2}.mbox").read_bytes())
    assert t2 == [RAW[C], RAW[A], RAW[D], RAW[B]]


def _split_entries(data: bytes) -> list[bytes]:
    """The messages of an mbox written by mboxout (unescaped, without From_ lines)."""
    chunks = data.removesuffix(b"\n").split(b"\nFrom ")
    return [mboxout.unescape_mboxrd(chunk.split(b"\n", 1)[1]) for chunk in chunks]


def test_thread_is_reachable_in_fixture() -> None:
    # Guard for the helpers above: the sample's second thread holds the three real messages.
    doc = sample_document()
    t = next(t for t in doc.threads if t.id == T2)
    assert isinstance(t, Thread)
    assert set(t.email_ids) == {A, B, C, D}
    assert t.tree[0].relation is Relation.ROOT
