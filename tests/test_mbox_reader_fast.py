"""The mbox reader's shortcuts pinned to its general path.

The reader learns a body's ``>From`` escapes from the From_ search that found
the end of the body (``_Buffer.find_from`` notes every ``>From`` word it
passes) and rebuilds the unescaped message from the stored bytes around the
escaped lines. The general path searches the body again with the escape
patterns and unescapes it with ``_unescape``. Over arbitrary mbox text (all
variants, CRLF, Content-Length, multipart, broken lines), both must give the
same records: in one buffer (a memory map, as the workers read ranges), and
in small chunks (every search may stop at the end of the buffered data).
"""

from __future__ import annotations

import io
import mmap
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from unittest import mock

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mailarchive.sources import mbox
from mailarchive.sources.mbox import MboxState, _Buffer, iter_mbox, iter_mbox_range
from mailarchive.sources.raw import RawMessage

_LINES = [
    b"From a@example.com Mon Jan  7 09:18:50 2019",
    b"From b@example.com Tue Jan  8 10:00:00 +0000 2019",
    b"From c at example.com Tue, 8 Jan 2019 10:00:00 -0500",
    b"From the desk of somebody",
    b"From ",
    b"From: a@example.com",
    b"Subject: s",
    b"Content-Type: multipart/mixed; boundary=b",
    b"Content-Type: text/plain",
    b"Content-Length: 12",
    b"Content-Length: 0",
    b"X-GM-THRID: 7",
    b"--b",
    b"--b--",
    b"",
    b"",
    b">From a@example.com Mon Jan  7 09:18:50 2019",
    b">From x",
    b">>From y",
    b">>>From z",
    b">From",
    b"> From x",
    b">x>From y",
    b"x >From z",
    b"text From here",
    b">",
    b">>",
    b"body text",
]

_line = st.tuples(st.sampled_from(_LINES), st.sampled_from([b"\n", b"\n", b"\n", b"\r\n"]))
_mbox = st.lists(_line, max_size=40).map(lambda lines: b"".join(a + b for a, b in lines))
_file = st.tuples(st.booleans(), _mbox).map(
    lambda p: (b"From first@example.com Mon Jan  7 09:18:50 2019\n" if p[0] else b"") + p[1]
)


@contextmanager
def _general_path() -> Iterator[None]:
    """The reader with the escapes never known from the From_ search."""
    find_from = _Buffer.find_from

    def forgetting(self: _Buffer, start: int) -> int:
        found = find_from(self, start)
        self.escape_words = None
        return found

    with mock.patch.object(_Buffer, "find_from", forgetting):
        yield


def _records(messages: Iterator[RawMessage] | list[RawMessage]) -> list[Any]:
    return [(m.data, m.source, m.received_at, m.defects) for m in messages]


def _read(data: bytes, chunk: int | None = None) -> list[Any]:
    if chunk is None:
        return _records(list(iter_mbox(io.BytesIO(data), "x.mbox")))
    with mock.patch.object(mbox, "CHUNK", chunk):
        return _records(list(iter_mbox(io.BytesIO(data), "x.mbox")))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_file)
def test_escape_shortcut_same_as_general_path(data: bytes) -> None:
    fast = _read(data)
    with _general_path():
        assert _read(data) == fast
    for chunk in (7, 64):
        assert _read(data, chunk) == fast
        with _general_path():
            assert _read(data, chunk) == fast


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_file)
def test_mapped_ranges_same_as_stream(data: bytes) -> None:
    if not data:
        return  # an empty file cannot be mapped; the stream reader covers it
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "x.mbox"
        path.write_bytes(data)
        with path.open("rb") as handle:
            mapped = list(iter_mbox_range(handle, "x.mbox", 0, None, MboxState()))
    assert _records(mapped) == _read(data)


def test_escaped_lines_unescaped() -> None:
    data = (
        b"From a@example.com Mon Jan  7 09:18:50 2019\nSubject: s\n\n"
        b">From one\nx >From two\n>>From three\n>x>From four\n>From\n"
        b"\nFrom b@example.com Mon Jan  7 09:18:51 2019\nSubject: t\n\nok\n"
    )
    first, second = iter_mbox(io.BytesIO(data), "x.mbox")
    assert first.data == (
        b"Subject: s\n\nFrom one\nx >From two\n>From three\n>x>From four\n>From\n"
    )
    assert first.source.mbox_format == "mboxrd"
    assert second.data == b"Subject: t\n\nok\n"
    with _general_path():
        assert _records(iter_mbox(io.BytesIO(data), "x.mbox")) == _records([first, second])


def test_find_from_notes_every_escape_word() -> None:
    data = b"x\nA >From b\n>From c\n>>From d\nFrom e Mon Jan  7 09:18:50 2019\n>From f\n"
    buf = _Buffer(io.BytesIO(data))
    buf.fill()
    buf.escape_words = []
    at = buf.find_from(1)
    assert data[at : at + 7] == b"\nFrom e"
    assert buf.escape_words == [i + 1 for i in range(at) if data[i : i + 5] == b">From"]
    with mmap.mmap(-1, len(data)) as mapped:
        mapped.write(data)
        whole = _Buffer(io.BytesIO(), 0, mapped)
        whole.escape_words = []
        assert whole.find_from(1) == at
        assert whole.escape_words == buf.escape_words
