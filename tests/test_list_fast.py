"""The listing fast path: ``threader.listing_of_raw`` and the cheaper ids.

``threads --format table|tree`` ships one ``Listed`` per message. The fast
path reads it straight from the header block; the reference is the path it
short-cuts: ``process_raw(raw, Options(headers_only=True))`` through
``api._Checked(listing_record)``. Both are compared on every message of
fixtures/, of ../shared/corpora (skipped when absent), on generated mail and
on hand-made messages that must decline (marks, Outlook files, text dumps).
``ids.stable_id`` hashes one string now; a property test pins the old
token-by-token digest.
"""

from __future__ import annotations

import hashlib
import io
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mailarchive import api
from mailarchive.ids import email_id, record_id, stable_id
from mailarchive.model import SourceKind, SourceRef
from mailarchive.parse._tools import corpus_files
from mailarchive.sources import iter_sources
from mailarchive.sources.mbox import MboxState, iter_mbox_range
from mailarchive.sources.raw import RawMessage
from mailarchive.thread.threader import listing_of_raw, listing_record
from tests.conftest import FIXTURES, REPO, SHARED, shared_path

_CHECKED = api._Checked(listing_record)
_OPTIONS = api.Options(headers_only=True)
_SKIP = {".md", ".json", ".html", ".csv", ".py", ".txt"}


def _reference(raw: RawMessage) -> tuple[Any, ...]:
    return tuple(_CHECKED(r) for r in api.process_raw(raw, _OPTIONS))


def _check(raw: RawMessage) -> bool:
    """Whether the fast path took ``raw``; fails when it differs from the reference."""
    reference = _reference(raw)
    fast = listing_of_raw(raw)
    assert api._records(raw, _OPTIONS, _CHECKED) == reference
    if fast is None:
        return False
    defects, listed = fast
    assert (((True, defects, raw.source.path), listed),) == reference
    assert type(reference[0][1]) is type(listed)
    return True


def _raws(paths: list[Path]) -> Iterator[RawMessage]:
    for path in paths:
        yield from iter_sources([str(path)])


def _check_all(raws: Iterator[RawMessage]) -> tuple[int, int]:
    seen = taken = 0
    for raw in raws:
        seen += 1
        taken += _check(raw)
    return seen, taken


def test_fixtures() -> None:
    paths = sorted(p for p in FIXTURES.rglob("*") if p.is_file() and p.suffix.lower() not in _SKIP)
    seen, taken = _check_all(_raws(paths))
    assert seen > 50
    assert taken > seen // 2


@pytest.mark.shared
def test_corpora() -> None:
    root = shared_path("corpora")
    seen, taken = _check_all(_eml(data, name=name) for name, data in corpus_files(root))
    seen2, taken2 = _check_all(_raws(sorted(root.rglob("*.mbox"))))
    assert seen + seen2 > 500
    assert taken + taken2 > (seen + seen2) // 2


def test_generated_mail(tmp_path: Path) -> None:
    for kind in ("list", "personal"):
        out = tmp_path / f"{kind}.mbox"
        subprocess.run(
            [
                sys.executable,
                str(REPO / "benchmarks" / "generate.py"),
                "--kind",
                kind,
                "--count",
                "300",
                "--seed",
                "7",
                "--output",
                str(out),
            ],
            check=True,
        )
        seen, taken = _check_all(_raws([out]))
        assert seen == 300
        assert taken == 300 if kind == "list" else taken > 0


def _eml(data: bytes, kind: SourceKind = SourceKind.EML, name: str = "m.eml") -> RawMessage:
    return RawMessage(data, SourceRef(kind=kind, path=name, offset=3))


_PLAIN = (
    b"From: A <a@example.org>\nTo: b@example.org\nSubject: hi\n"
    b"Date: Mon, 07 Jan 2019 09:18:50 +0000\nMessage-ID: <1@x>\n"
)


@pytest.mark.parametrize(
    "data",
    [
        # read_marks changes the record: the full path decides
        _PLAIN + b"X-Mailarchive-Id: e123\nX-Mailarchive-Derived: forward\n"
        b"X-Mailarchive-Parent: e456\n\nbody\n",
        _PLAIN + b"x-MAILARCHIVE-id: e123\n\nbody\n",
        # an Outlook file
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + _PLAIN + b"\n",
        # not a plain block: compat32 reads it
        b"From someone Mon Jan  7 09:18:50 2019\n" + _PLAIN + b"\n",
        _PLAIN + b"not a header line\n\nbody\n",
        b" continued\n" + _PLAIN + b"\n",
        _PLAIN.replace(b"\n", b"\r", 1) + b"\n",
    ],
)
def test_declines(data: bytes) -> None:
    raw = _eml(data)
    assert listing_of_raw(raw) is None
    assert api._records(raw, _OPTIONS, _CHECKED) == _reference(raw)


def test_text_dump_declines() -> None:
    raw = _eml(_PLAIN + b"\nbody\n", SourceKind.TEXT)
    assert listing_of_raw(raw) is None


@pytest.mark.parametrize(
    "data",
    [
        _PLAIN + b"\nbody\n",
        _PLAIN.replace(b"\n", b"\r\n") + b"\r\nbody\r\n",
        # a mark named in a value is no mark: compat32 sees no such header
        _PLAIN + b"X-Note: see X-Mailarchive-Id\n\nbody\n",
        # no Subject: the Thread-Topic stands in; no Date: received time
        b"From: a@example.org\nThread-Topic: topic\nThread-Index: AQHUpm==\n\n",
        b"Subject: =?utf-8?q?caf=C3=A9?=\nIn-Reply-To: <1@x> <2@x>\nReferences: <0@x>\n"
        b"References: <1@x>\nDate: yesterday\n\n",
        b"Subject: \xe9t\xe9\nContent-Type: text/plain; charset=latin-1\n\n",
        # read_listing's other ways: Received read only without a Date; headers
        # given twice, not ASCII, ids with defects, defects past the cap
        b"Received: by x; Mon, 07 Jan 2019 09:18:50 +0100\nFrom: a@x\n\n",
        b"Received: by x; Mon, 07 Jan 2019 09:18:50 +0100\nDate: junk\nFrom: a@x\n\n",
        b"From: a@x\nFrom: b@x\nTo: c@x\nTo: d@x\nCc: \xc3\xa9 <e@x>\nMessage-ID: <1@x>\n"
        b"Message-ID: <2@x>\nSender: s@x\nReply-To: r@x\nBcc: b@x\n\n",
        b"Message-ID: <1@x> <2@x>\nIn-Reply-To: 1@x\nReferences: <a> <b@x>\nFrom: =?x?q?a?=\n\n",
        b"Message-ID: \xc3\xa9@x\nIn-Reply-To: <\xc3\xa9@x>\nDate: Mon, 07 Jan 2019 (x)\n\n",
        b"To: " + b", ".join([b"<>"] * 120) + b"\nThread-Topic: =?bad?q?x?=\n"
        b"Thread-Index: \xff\nSubject: \n\n",
    ],
)
def test_takes(data: bytes) -> None:
    assert _check(_eml(data))


def _old_stable_id(prefix: str, *parts: str | int | None) -> str:
    h = hashlib.blake2b(digest_size=10)
    for part in parts:
        token = "\x00" if part is None else f"\x01{part}"
        h.update(token.encode("utf-8", "surrogatepass"))
        h.update(b"\x1f")
    return prefix + h.hexdigest()


_PART = st.one_of(st.none(), st.integers(), st.text(), st.sampled_from(["", "\ud83d", "\ude00"]))


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=3), st.lists(_PART, max_size=5))
def test_stable_id_digest(prefix: str, parts: list[str | int | None]) -> None:
    assert stable_id(prefix, *parts) == _old_stable_id(prefix, *parts)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.none(), st.text()), st.one_of(st.none(), st.integers()), st.text())
def test_record_id_is_the_email_id(path: str | None, offset: int | None, digest: str) -> None:
    assert record_id(path, offset, digest) == email_id(path, offset, digest)


def test_source_ref_by_slots_is_the_init() -> None:
    from mailarchive.sources import mbox  # noqa: PLC0415

    values = (SourceKind.MBOX, "p", 1, 2, "mboxo", "123", ("a",), (), "gzip")
    by_slots = mbox._new_ref(*values)
    assert by_slots == SourceRef(*values)
    assert type(by_slots) is SourceRef


def test_new_raw_is_the_init() -> None:
    from mailarchive.sources.raw import new_raw  # noqa: PLC0415

    ref = SourceRef(kind=SourceKind.MBOX)
    assert new_raw(b"x", ref, None, ()) == RawMessage(b"x", ref)


def _range_reading(stream: Any, start: int, stop: int | None) -> tuple[list[RawMessage], Any]:
    reader = iter_mbox_range(stream, "x", start, stop, MboxState())
    got: list[RawMessage] = []
    while True:
        try:
            got.append(next(reader))
        except StopIteration as done:
            return got, done.value


def _mboxes() -> list[Path]:
    found = sorted(FIXTURES.rglob("*.mbox"))
    if SHARED.is_dir():
        found += sorted(SHARED.glob("corpora/**/*.mbox"))
    return found


@pytest.mark.parametrize("path", _mboxes(), ids=lambda p: p.name)
def test_mapped_range_is_the_streamed_range(path: Path) -> None:
    # A range of a file is read from a memory map; a stream without a file
    # descriptor is read in chunks. Every message start as a cut, and the
    # bytes around it: the same messages, the same end and state.
    data = path.read_bytes()
    starts = [0, *(i + 1 for i in range(len(data)) if data.startswith(b"\nFrom ", i))]
    cuts = sorted({0, *starts[:: max(1, len(starts) // 12)], len(data) // 2})
    with path.open("rb") as fp:
        for start in cuts:
            if start and data[start - 1 : start] != b"\n":
                continue  # a range starts at 0 or at a line start
            for stop in (None, start + 1, start + 4096):
                mapped = _range_reading(fp, start, stop)
                streamed = _range_reading(io.BytesIO(data), start, stop)
                assert mapped == streamed, (start, stop)
