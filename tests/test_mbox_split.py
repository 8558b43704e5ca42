"""Where the standard library splits mbox files wrongly, and mailarchive does not.

``mailbox.mbox`` starts a message at every line beginning with ``From ``,
ignores Content-Length (mboxcl2) and never undoes mboxrd escaping. Each
"done when" case below shows the standard library's result first, then ours.
Also: a round-trip property over arbitrary bodies, and message counts over
the shared corpora.
"""

from __future__ import annotations

import glob
import io
import mailbox
import re
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from mailarchive.sources import iter_source
from mailarchive.sources.mbox import _BLANK, CHUNK, _Buffer, iter_mbox
from tests.conftest import FIXTURES, SHARED, shared_path

SRC = FIXTURES / "sources"


def stdlib_bodies(path: Path) -> list[bytes]:
    box = mailbox.mbox(path, create=False)
    try:
        return [box.get_bytes(key) for key in box.iterkeys()]
    finally:
        box.close()


def test_mboxcl2_stdlib_splits_inside_body_we_do_not() -> None:
    path = SRC / "mboxcl2.mbox"
    theirs = stdlib_bodies(path)
    assert len(theirs) == 3  # the body's "From carol@..." line started a bogus message
    assert theirs[1].startswith(b"and the rest.")
    ours = list(iter_source(str(path)))
    assert len(ours) == 2
    assert b"\nFrom carol@example.com Mon Dec 31 23:00:00 2018\nand the rest.\n" in ours[0].data
    assert ours[0].source.mbox_format == "mboxcl2"


def test_mboxrd_stdlib_leaves_escapes_we_undo_them() -> None:
    path = SRC / "mboxrd.mbox"
    theirs = stdlib_bodies(path)
    assert len(theirs) == 2
    assert b"\n>From carol@example.com Mon Dec 31 23:00:00 2018\n" in theirs[0]
    assert b"\n>>From already quoted\n" in theirs[0]
    ours = list(iter_source(str(path)))
    assert len(ours) == 2
    assert b"\nFrom carol@example.com Mon Dec 31 23:00:00 2018\n" in ours[0].data
    assert b"\n>From already quoted\n" in ours[0].data
    assert b"\n>>From thrice\n" in ours[0].data


def test_mboxo_stdlib_splits_on_prose_we_do_not(tmp_path: Path) -> None:
    # An mboxo writer that escaped nothing: "From " prose in a body.
    data = (
        b"From a@example.com Tue Jan  1 01:00:00 2019\nSubject: 1\n\n"
        b"From what I hear, this is fine.\n\n"
        b"From b@example.com Tue Jan  1 02:00:00 2019\nSubject: 2\n\nok\n"
    )
    path = tmp_path / "prose.mbox"
    path.write_bytes(data)
    assert len(stdlib_bodies(path)) == 3
    ours = list(iter_source(str(path)))
    assert [m.data for m in ours] == [
        b"Subject: 1\n\nFrom what I hear, this is fine.\n",
        b"Subject: 2\n\nok\n",
    ]


# --- round trip ----------------------------------------------------------------

_FROM_LINE = "From carol@example.com Mon Dec 31 23:00:00 2018"
_line = st.one_of(
    st.text(alphabet=st.characters(exclude_categories=("Cs",), exclude_characters="\r\n")),
    st.sampled_from([_FROM_LINE, ">" + _FROM_LINE, ">>From x", "From ", "", ">From", "From: x"]),
    st.builds(lambda n, s: ">" * n + s, st.integers(0, 4), st.sampled_from(["From ", _FROM_LINE])),
)
_body = st.lists(_line, max_size=12).map(lambda lines: "".join(f"{line}\n" for line in lines))


def write_mboxrd(bodies: list[bytes]) -> bytes:
    """An mboxrd writer (RFC 4155 appendix A, mboxrd: one more ``>`` on ^>*From )."""
    out = io.BytesIO()
    for i, body in enumerate(bodies):
        out.write(b"From sender@example.com Tue Jan  1 00:00:00 2019\n")
        out.write(b"Subject: message %d\n\n" % i)
        for line in body.splitlines(keepends=True):
            escape = b">" if line.lstrip(b">").startswith(b"From ") else b""
            out.write(escape + line)
        out.write(b"\n")
    return out.getvalue()


@settings(max_examples=200, deadline=None)
@given(st.lists(_body, max_size=6))
def test_mboxrd_round_trip(bodies: list[str]) -> None:
    encoded = [body.encode("utf-8") for body in bodies]
    messages = list(iter_mbox(io.BytesIO(write_mboxrd(encoded)), "x.mbox"))
    assert len(messages) == len(encoded)
    for i, (message, body) in enumerate(zip(messages, encoded, strict=True)):
        assert message.data == b"Subject: message %d\n\n" % i + body
        assert message.received_at is not None
        assert not message.defects


# --- shared corpora -----------------------------------------------------------------


def _from_lines(path: Path) -> int:
    """An independent count: lines that start with "From " (what mailbox.mbox splits on)."""
    return sum(1 for line in path.read_bytes().splitlines() if line.startswith(b"From "))


@pytest.mark.shared
def test_mime4j_rlug_split_matches_expected() -> None:
    folder = shared_path("corpora", "james-mime4j", "mbox", "src", "test", "resources", "test-1")
    messages = list(iter_source(str(folder / "mbox.rlug")))
    expected = [(folder / f"mbox.rlug-{i}").read_bytes() for i in range(5)]
    assert len(messages) == len(expected) == 5
    for message, want in zip(messages, expected, strict=True):
        # mime4j keeps the separator's blank line; we drop it (see mbox.py).
        assert message.data + b"\n" == want


@pytest.mark.shared
def test_bigbang_counts_match_manifest() -> None:
    data = shared_path("corpora", "bigbang", "tests", "data")
    pipermail = list(iter_source(str(data / "2001-November.txt")))
    assert len(pipermail) == 164  # MANIFEST: 164 (pipermail)
    assert {m.source.kind.value for m in pipermail} == {"pipermail"}
    assert all(b" at " not in m.data.split(b"\n", 1)[0] for m in pipermail)  # From: fixed
    mboxes = list(iter_source(str(data / "3GPP_mbox")))
    assert len(mboxes) == 109  # MANIFEST: 109 (mbox)


_MBOX_GLOBS = [
    "perceval/tests/data/mbox/*.mbox",
    "perceval/tests/data/pipermail/*.mbox",
    "perceval/tests/data/hyperkitty/*.mbox",
    "b4/src/tests/samples/*.mbox",
    "dovecot-imaptest/src/tests/*.mbox",
    "dovecot-imaptest/src/tests/*/*.mbox",
]


def _corpus_mboxes() -> list[str]:
    base = SHARED / "corpora"
    found = sorted(p for pattern in _MBOX_GLOBS for p in glob.glob(str(base / pattern)))
    return [str(Path(p).relative_to(base)) for p in found] or ["(corpora absent)"]


@pytest.mark.shared
@pytest.mark.parametrize("relative", _corpus_mboxes())
def test_corpus_mbox_counts(relative: str) -> None:
    path = shared_path("corpora", *relative.split("/"))
    messages = list(iter_source(str(path)))
    # These corpora escape body "From " lines (or have none), so the naive count is right.
    assert len(messages) == _from_lines(path) > 0
    for message in messages:
        assert message.received_at is not None or any(
            d.kind == "bad-from-line-date" for d in message.defects
        )


@pytest.mark.shared
def test_b4_wrong_content_length_is_a_defect_not_a_bad_split() -> None:
    path = shared_path("corpora", "b4", "src", "tests", "samples", "shazam-git1-with-link.mbox")
    messages = list(iter_source(str(path)))
    assert len(messages) == 5
    # A Link: trailer was added after Content-Length was written: 4 lengths are short.
    assert sum(any(d.kind == "bad-content-length" for d in m.defects) for m in messages) == 4
    subjects = [re.search(rb"Subject: (.*)", m.data) for m in messages]
    assert all(s is not None for s in subjects)


def test_round_trip_across_chunk_boundaries() -> None:
    # About 3 MB of messages of many sizes, so that From_ lines, blank lines and
    # escapes fall on and around the 1 MiB chunk boundaries of the reader.
    bodies: list[bytes] = []
    for i in range(4000):
        line = b"x" * (i % 97) + b"\n"
        body = line * (i % 23) + (b">From escaped %d\n" % i if i % 5 == 0 else b"")
        body += b"y" * (70_000 if i % 400 == 7 else 0) + b"\n"  # a line longer than 64 KiB
        bodies.append(body)
    encoded = write_mboxrd(bodies)
    assert len(encoded) > 3 * 1024 * 1024  # several chunks
    messages = list(iter_mbox(io.BytesIO(encoded), "big.mbox"))
    assert len(messages) == len(bodies)
    for i, (message, body) in enumerate(zip(messages, bodies, strict=True)):
        assert message.data == b"Subject: message %d\n\n" % i + body
        assert message.source.offset is not None
        assert encoded[message.source.offset :].startswith(b"From sender@example.com ")


def test_header_only_messages_without_blank_lines() -> None:
    line = b"From a@example.com Tue Jan  1 00:00:00 2019\n"
    data = (line + b"Subject: no body\n") * 2000
    messages = list(iter_mbox(io.BytesIO(data), "x.mbox"))
    assert len(messages) == 2000
    assert {m.data for m in messages} == {b"Subject: no body\n"}


def test_content_length_stops_being_trusted_after_repeated_failures() -> None:
    sep = b"From a@example.com Tue Jan  1 00:00:00 2019\n"
    wrong = b"".join(sep + b"Content-Length: 999\n\nshort %d\n\n" % i for i in range(8))
    body = b"body\nFrom b@example.com Tue Jan  1 01:00:00 2019\nrest\n"
    right = sep + b"Content-Length: %d\n\n%s\n" % (len(body), body)
    messages = list(iter_mbox(io.BytesIO(wrong + right), "x.mbox"))
    assert sum(d.kind == "bad-content-length" for m in messages for d in m.defects) == 8
    # The ninth length is right, but the file has lost our trust: From_ lines split.
    assert len(messages) == 10
    alone = list(iter_mbox(io.BytesIO(right), "x.mbox"))
    assert len(alone) == 1  # trusted when the file has not misled us


@pytest.mark.parametrize("before_boundary", [1, 4, 5, 6, 20, 43])
def test_from_line_straddling_a_chunk_boundary_keeps_the_message_before(
    before_boundary: int,
) -> None:
    # The next message's From_ line starts ``before_boundary`` bytes before the
    # end of the reader's first 1 MiB chunk, so reading that line needs the next
    # chunk; the message before it must not lose its bytes when the buffer moves.
    head = b"From a@example.com Mon Jan  7 09:18:50 2019\nSubject: one\n\n"
    second = b"From b@example.com Mon Jan  7 09:18:51 2019\nSubject: two\n\nbody two\n"
    pad = CHUNK - before_boundary - len(head) - 1
    body = (b"x" * 70 + b"\n") * (pad // 71) + b"y" * (pad % 71 - 1) + b"\n"
    encoded = head + body + b"\n" + second
    assert encoded.index(b"From b@") == CHUNK - before_boundary
    messages = list(iter_mbox(io.BytesIO(encoded), "edge.mbox"))
    assert [m.data for m in messages] == [b"Subject: one\n\n" + body, b"Subject: two\n\nbody two\n"]
    assert [m.defects for m in messages] == [(), ()]
    assert [m.source.offset for m in messages] == [0, CHUNK - before_boundary]


def test_escapes_found_wherever_they_stand_in_the_body() -> None:
    # The From_ search notes ">From" on its way; the escape check relies on it.
    sep = b"From a@example.com Mon Jan  7 09:18:50 2019\n"
    bodies = [
        (
            b"X-Note: >From header\n\n>From first line\nx\n",
            b"X-Note: >From header\n\nFrom first line\nx\n",
        ),
        (b"S: 1\n\nx\n>From last line\n", b"S: 1\n\nx\nFrom last line\n"),
        (b"S: 2\n\n>From:not an escape\n", b"S: 2\n\n>From:not an escape\n"),
        (b"S: 3\n\nmid >From not at a line start\n", b"S: 3\n\nmid >From not at a line start\n"),
        (
            b"Content-Type: multipart/mixed; boundary=XX\n\n--XX\n\n>From in a part\n--XX--\n",
            b"Content-Type: multipart/mixed; boundary=XX\n\n--XX\n\nFrom in a part\n--XX--\n",
        ),
        (b"S: 4\n\n>>From twice\n", b"S: 4\n\n>From twice\n"),
    ]
    encoded = b"".join(sep + raw + b"\n" for raw, _ in bodies)
    messages = list(iter_mbox(io.BytesIO(encoded), "esc.mbox"))
    assert [m.data for m in messages] == [want for _, want in bodies]
    assert [m.source.mbox_format for m in messages] == ["mboxo"] * 5 + ["mboxrd"]


def test_body_full_of_from_words_still_splits_and_unescapes() -> None:
    sep = b"From a@example.com Mon Jan  7 09:18:50 2019\n"
    body = b"From From From\n" * 100 + b">From escaped\n" + b"xFrom From\n" * 50
    encoded = sep + b"S: 1\n\n" + body + b"\n" + sep + b"S: 2\n\n>From y\n"
    messages = list(iter_mbox(io.BytesIO(encoded), "words.mbox"))
    assert [m.data for m in messages] == [
        b"S: 1\n\n" + body.replace(b">From escaped", b"From escaped"),
        b"S: 2\n\nFrom y\n",
    ]


@settings(max_examples=300, deadline=None)
@given(
    data=st.lists(st.sampled_from([b"\n", b"\r", b"\r\n", b"a", b" ", b"\n\n"]), max_size=20).map(
        b"".join
    ),
    start=st.integers(0, 30),
    limit=st.none() | st.integers(0, 40),
)
@example(data=b"\n\n\n\n\n\n", start=4, limit=0)  # a limit before the start: nothing
def test_blank_line_search_same_as_its_regex(data: bytes, start: int, limit: int | None) -> None:
    """find_blank_line's two-find shortcut gives what the ``\\n\\r?\\n`` search gives."""
    start = min(start, len(data))
    stop = len(data) if limit is None else min(len(data), limit + 2)
    match = _BLANK.search(data, max(0, start - 1), stop)
    expected = (match.start() + 1, match.end()) if match else (-1, -1)
    mapped = _Buffer(io.BytesIO(), 0, data)  # type: ignore[arg-type]  # bytes stand in for the mmap
    assert mapped.find_blank_line(start, limit) == expected
    stream = io.BytesIO(data)
    stream.seek(max(0, start - 1))  # where iter_mbox_range leaves a stream
    streamed = _Buffer(stream, start)
    assert streamed.find_blank_line(start, limit) == expected
