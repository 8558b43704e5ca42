"""Readers of mailarchive.sources: every format, compression, paths, errors."""

from __future__ import annotations

import bz2
import gzip
import io
import itertools
import lzma
import mailbox
import os
import re
import shutil
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from mailarchive.errors import SourceError, SourceNotFoundError, UnknownFormatError
from mailarchive.model import SourceKind
from mailarchive.sources import (
    INPUT_FORMATS,
    RawMessage,
    detect_format,
    fromline,
    iter_source,
    iter_sources,
    shown_path,
)
from mailarchive.sources.fromline import parse_from_line
from mailarchive.sources.headerscan import split_labels
from mailarchive.sources.mbox import CHUNK, _Buffer, _strip_separator, iter_mbox
from mailarchive.sources.mh import Sequences
from tests.conftest import FIXTURES, shared_path

SRC = FIXTURES / "sources"


@pytest.fixture(autouse=True)
def _in_fixtures(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run from fixtures/sources so that relative paths show as given."""
    monkeypatch.chdir(SRC)


def read(path: str, input_format: str | None = None) -> list[RawMessage]:
    return list(iter_source(path, input_format))


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


def assert_tiles(messages: list[RawMessage], data: bytes) -> None:
    """Offsets point at From_ lines, and offset + length reaches the next record."""
    for here, after in itertools.pairwise(messages):
        assert here.source.offset is not None and here.source.length is not None
        assert here.source.offset + here.source.length == after.source.offset
    last = messages[-1].source
    assert last.offset is not None and last.length is not None
    assert last.offset + last.length == len(data)


# --- detection --------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("mboxo.mbox", "mbox"),
        ("mboxrd.mbox", "mbox"),
        ("mboxcl2.mbox", "mbox"),
        ("crlf.mbox", "mbox"),
        ("takeout.mbox", "mbox"),
        ("leading-garbage.mbox", "mbox"),  # From_ line after text and a blank line
        ("pipermail/2001-November.txt", "pipermail"),  # "From user at host" From_ line
        ("single.eml", "eml"),
        ("maildir", "maildir"),
        ("mh", "mh"),
        ("eml-tree", "eml"),
        ("pasted.txt", "text"),  # flattened forward header on one line
        ("outlook-paste.txt", "text"),  # From:/Sent:/To: without any transport header
    ],
)
def test_detect_format(path: str, expected: str) -> None:
    assert detect_format(path) == expected
    assert expected in INPUT_FORMATS


def test_detect_ignores_extension(tmp_path: Path) -> None:
    misnamed = tmp_path / "archive.txt"
    shutil.copy(SRC / "mboxrd.mbox", misnamed)
    assert detect_format(str(misnamed)) == "mbox"
    eml_named_mbox = tmp_path / "message.mbox"
    shutil.copy(SRC / "single.eml", eml_named_mbox)
    assert detect_format(str(eml_named_mbox)) == "eml"


WEAK_MESSAGE = b"From: Ann <ann@example.org>\nSubject: only these\n\nbody\n"


def test_an_eml_name_is_enough_for_a_weak_header_block(tmp_path: Path) -> None:
    # From and Subject alone could be pasted text; in a file named .eml they
    # are the header of a message.
    (tmp_path / "note.eml").write_bytes(WEAK_MESSAGE)
    (tmp_path / "note.txt").write_bytes(WEAK_MESSAGE)
    assert detect_format(str(tmp_path / "note.eml")) == "eml"
    assert detect_format(str(tmp_path / "note.txt")) == "text"
    (tmp_path / "prose.eml").write_bytes(b"Dear Ann, here is the note.\n")
    assert detect_format(str(tmp_path / "prose.eml")) == "text"
    [raw] = iter_source(str(tmp_path / "note.eml"))
    assert raw.source.kind is SourceKind.EML


BOM = b"\xef\xbb\xbf"


def test_a_byte_order_mark_before_a_message_is_removed_with_a_defect(tmp_path: Path) -> None:
    path = tmp_path / "bom.eml"
    path.write_bytes(BOM + (SRC / "single.eml").read_bytes())
    assert detect_format(str(path)) == "eml"
    [raw] = iter_source(str(path))
    assert raw.data == (SRC / "single.eml").read_bytes()
    assert [d.kind for d in raw.defects] == ["utf8-bom"]


def test_a_byte_order_mark_before_an_mbox_loses_no_message(tmp_path: Path) -> None:
    plain = list(iter_source(str(SRC / "mboxo.mbox")))
    path = tmp_path / "bom.mbox"
    path.write_bytes(BOM + (SRC / "mboxo.mbox").read_bytes())
    assert detect_format(str(path)) == "mbox"
    marked = list(iter_source(str(path)))
    assert [r.data for r in marked] == [r.data for r in plain]
    assert [d.kind for d in marked[0].defects] == ["utf8-bom"]
    assert [r.source.offset for r in marked] == [0 + 3, *(r.source.offset + 3 for r in plain[1:])]


# --- mbox variants ----------------------------------------------------------


def test_mboxo() -> None:
    data = (SRC / "mboxo.mbox").read_bytes()
    messages = read("mboxo.mbox")
    assert len(messages) == 3
    assert [m.source.offset for m in messages] == [0, 256, 438]
    for m in messages:
        assert m.source.offset is not None
        assert data[m.source.offset :].startswith(b"From ")
        assert m.source.kind is SourceKind.MBOX
        assert m.source.mbox_format == "mboxo"
        assert m.source.path == "mboxo.mbox"
        assert m.data.startswith(b"From: ")
        assert not m.defects
    assert_tiles(messages, data)
    assert [m.received_at for m in messages] == [utc(2019, 1, 1, h) for h in (1, 2, 3)]
    first = messages[0].data
    assert b"\nFrom the desk of Alice: not a separator.\n" in first  # no From_ line: not split
    assert b"\nFrom here on, it is mboxo.\n" in first  # the writer's escape is undone
    assert messages[0].data.endswith(b"separator.\n")  # separator blank line removed


def test_mboxrd_unescapes_one_level() -> None:
    messages = read("mboxrd.mbox")
    assert len(messages) == 2
    body = messages[0].data.split(b"\n\n", 1)[1]
    assert body == (
        b"Quoting an mbox:\n"
        b"From carol@example.com Mon Dec 31 23:00:00 2018\n"
        b">From already quoted\n"
        b">>From thrice\n"
        b"> From is not escaped (space)\n"
    )
    assert {m.source.mbox_format for m in messages} == {"mboxrd"}


def test_mboxcl2_honours_content_length() -> None:
    data = (SRC / "mboxcl2.mbox").read_bytes()
    messages = read("mboxcl2.mbox")
    assert len(messages) == 2
    assert b"\nFrom carol@example.com Mon Dec 31 23:00:00 2018\nand the rest.\n" in messages[0].data
    assert messages[0].data.endswith(b"and the rest.\n")
    assert [m.source.mbox_format for m in messages] == ["mboxcl2", "mboxcl2"]
    assert not any(m.defects for m in messages)
    assert_tiles(messages, data)


def test_wrong_content_length_falls_back_with_defect() -> None:
    messages = read("bad-content-length.mbox")
    assert len(messages) == 2
    assert [d.kind for d in messages[0].defects] == ["bad-content-length"]
    assert messages[0].defects[0].header == "Content-Length"
    assert messages[1].data.startswith(b"From: alice@example.com\nTo: bob")
    assert b"Subject: Message 2" in messages[1].data


def test_content_length_without_final_newline() -> None:
    body = b"no newline at the end"
    data = (
        b"From a@example.com Tue Jan  1 01:00:00 2019\nSubject: x\nContent-Length: %d\n\n%s\n"
        b"From b@example.com Tue Jan  1 02:00:00 2019\nSubject: y\n\nok\n" % (len(body), body)
    )
    messages = list(iter_mbox(io.BytesIO(data), "x.mbox"))
    assert [m.data for m in messages] == [
        b"Subject: x\nContent-Length: 21\n\nno newline at the end",
        b"Subject: y\n\nok\n",
    ]
    assert messages[0].source.mbox_format == "mboxcl2"


def test_mboxcl_escaped_body_is_unescaped() -> None:
    body = b">From carol@example.com Mon Dec 31 23:00:00 2018\n"
    data = b"From a@example.com Tue Jan  1 01:00:00 2019\nContent-Length: %d\n\n%s\n" % (
        len(body),
        body,
    )
    (message,) = iter_mbox(io.BytesIO(data), "x.mbox")
    assert message.source.mbox_format == "mboxcl"
    assert message.data.endswith(b"\n\nFrom carol@example.com Mon Dec 31 23:00:00 2018\n")


def test_crlf_mbox() -> None:
    messages = read("crlf.mbox")
    assert len(messages) == 2
    assert messages[0].data.endswith(b"\r\n\r\nBody.\r\n")
    assert messages[1].data.endswith(b"\r\n\r\nFrom escaped\r\n")
    assert messages[1].received_at == utc(2019, 1, 1, 2)
    assert_tiles(messages, (SRC / "crlf.mbox").read_bytes())


def test_missing_final_newline() -> None:
    messages = read("no-final-newline.mbox")
    assert len(messages) == 2
    assert messages[1].data.endswith(b"\n\nLast line without newline")
    assert_tiles(messages, (SRC / "no-final-newline.mbox").read_bytes())


def test_leading_garbage_is_kept_with_defect() -> None:
    messages = read("leading-garbage.mbox")
    assert len(messages) == 3
    garbage, first, second = messages
    assert garbage.data == b"This text stood before the first From_ line.\n"
    assert [d.kind for d in garbage.defects] == ["mbox-leading-garbage"]
    assert garbage.source.offset == 2
    assert [d.kind for d in first.defects] == ["mbox-leading-blank-lines"]
    # A "From " line without a weekday is no From_ line: it stays in the body.
    assert first.data.endswith(
        b"From bob@example.com Feb 30 01:00:00 2019\nnot a From_ line: kept in message 1\n"
    )
    # A well-shaped From_ line with an impossible date splits, without a date.
    assert second.received_at is None
    assert [d.kind for d in second.defects] == ["bad-from-line-date"]


def test_explicit_mbox_on_file_without_from_line() -> None:
    (message,) = read("single.eml", "mbox")
    assert message.data == (SRC / "single.eml").read_bytes()
    assert [d.kind for d in message.defects] == ["mbox-no-from-line"]


def test_empty_message_between_from_lines() -> None:
    data = (
        b"From a@x.org Tue Jan  1 01:00:00 2019\nFrom b@x.org Tue Jan  1 02:00:00 2019\nS: 1\n\nb\n"
    )
    first, second = iter_mbox(io.BytesIO(data), "x")
    assert first.data == b""
    assert [d.kind for d in first.defects] == ["empty-message"]
    assert second.data == b"S: 1\n\nb\n"


def test_from_line_in_multipart_attachment_stays_in_body() -> None:
    # git format-patch output attached without escaping (a writer that does not escape).
    data = (
        b"From a@x.org Tue Jan  1 01:00:00 2019\n"
        b'Content-Type: multipart/mixed; boundary="=-="\n\n'
        b"--=-=\nContent-Type: text/plain\n\nSee the patch.\n\n"
        b"--=-=\nContent-Type: text/x-diff\n\n"
        b"From 0123456789abcdef0123456789abcdef01234567 Mon Sep 17 00:00:00 2001\n"
        b"From: A <a@x.org>\nSubject: [PATCH] x\n\n---\n"
        b"--=-=--\n\n"
        b"From b@x.org Tue Jan  1 02:00:00 2019\nSubject: next\n\nbody\n"
    )
    first, second = iter_mbox(io.BytesIO(data), "x")
    assert b"From 0123456789abcdef" in first.data
    assert [d.kind for d in first.defects] == ["unescaped-from-line"]
    assert second.data == b"Subject: next\n\nbody\n"


def test_truncated_multipart_does_not_swallow_next_message() -> None:
    data = (
        b"From a@x.org Tue Jan  1 01:00:00 2019\n"
        b'Content-Type: multipart/mixed; boundary="b1"\n\n--b1\n\ncut here\n\n'
        b"From b@x.org Tue Jan  1 02:00:00 2019\nSubject: next\n\nbody\n"
    )
    messages = list(iter_mbox(io.BytesIO(data), "x"))
    assert len(messages) == 2
    assert messages[1].data == b"Subject: next\n\nbody\n"


def test_unknown_zone_on_from_line() -> None:
    data = b"From a@x.org Tue Jan  1 01:00:00 XYZ 2019\nS: 1\n\nb\n"
    (message,) = iter_mbox(io.BytesIO(data), "x")
    assert message.received_at == utc(2019, 1, 1, 1)
    assert [d.kind for d in message.defects] == ["from-line-zone-unknown"]


# --- From_ line rule ----------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "sender", "received_at"),
    [
        # procmail / postfix local delivery
        (b"From jdoe@example.com Tue Jan  1 00:00:00 2019\n", "jdoe@example.com", utc(2019, 1, 1)),
        # Google Takeout: numeric sender, zone before the year
        (
            b"From 1234567890@xxx Tue Jan 01 10:00:00 +0200 2019\n",
            "1234567890@xxx",
            utc(2019, 1, 1, 8),
        ),
        # bounces
        (
            b"From MAILER-DAEMON Fri Jul  8 12:08:34 2011\n",
            "MAILER-DAEMON",
            utc(2011, 7, 8, 12, 8, 34),
        ),
        # pipermail: obfuscated sender, two spaces
        (
            b"From jdoe at example.com  Tue Nov  6 10:00:00 2001\n",
            "jdoe@example.com",
            utc(2001, 11, 6, 10),
        ),
        # git format-patch magic date
        (b"From 0123abc Mon Sep 17 00:00:00 2001\n", "0123abc", utc(2001, 9, 17)),
        # RFC 5322-style date written by some exporters
        (
            b"From jdoe@example.com Tue, 1 Jan 2019 05:00:00 -0500\n",
            "jdoe@example.com",
            utc(2019, 1, 1, 10),
        ),
        # zone name after the year, CRLF line end
        (
            b"From jdoe@example.com Tue Jan  1 00:00:00 2019 PST\r\n",
            "jdoe@example.com",
            utc(2019, 1, 1, 8),
        ),
        # UUCP trailer, no seconds
        (b"From jdoe Tue Jan  1 00:00 2019 remote from uunet\n", "jdoe", utc(2019, 1, 1)),
        # empty envelope sender
        (b"From  Tue Jan  1 00:00:00 2019\n", "", utc(2019, 1, 1)),
    ],
)
def test_from_line_accepted(line: bytes, sender: str, received_at: datetime) -> None:
    info = parse_from_line(line)
    assert info is not None
    assert info.sender == sender
    assert info.received_at == received_at
    assert info.received_at.tzinfo is UTC


@pytest.mark.parametrize(
    "line",
    [
        b"From the desk of Alice Example\n",  # prose
        b"From: alice@example.com\n",  # a header, not a separator
        b"From Bob on Mon Jan  7 10:00:00 2019 wrote:\n",  # trailing words after the date
        b"From bob@example.com Jan  7 10:00:00 2019\n",  # no weekday
        b"From alice bob carol Mon Jan  7 10:00:00 2019\n",  # three senders but not "x at y"
        b"From x Mon Jan  7 2019\n",  # no time
        b"from x@y Mon Jan  7 10:00:00 2019\n",  # lower-case "from"
        b"From x Mon " + b"Jan " * 5000 + b"\n",  # hostile: long line
    ],
)
def test_from_line_rejected(line: bytes) -> None:
    assert parse_from_line(line) is None


@pytest.mark.parametrize(
    "line",
    [
        b"From a@example.com Mon Jan 07 09:18:50 2019\n",
        b"From a@example.com Tue Jan  1 00:00:00 +0000 2019\r\n",
        b"From a@example.com Sat Feb 29 23:59:60 2020",  # leap day, leap second
        b"From a@example.com Fri Feb 29 10:00:00 2019\n",  # no such day
        b"From a@example.com Mon Jan 07 24:00:00 2019\n",  # no such hour
        b"From a@example.com Mon Jan 00 10:00:00 0000\n",  # no such year
        b"From Mon Tue Jan  1 00:00:00 2019\n",  # the sender is a weekday name
        b"From Mon, Tue Jan  1 00:00:00 2019\n",
        b"From sun,,, Tue Jan  1 00:00:00 2019\n",
        b"From Monday Tue Jan  1 00:00:00 2019\n",
        b"From x, Tue Jan  1 00:00:00 2019\n",
        b"From a@example.com Tue Jan  1 00:00:61 2019\n",  # seconds past 60
        b"From caf\xe9 Tue Jan  1 00:00:00 2019\n",  # undecodable sender
    ],
)
@pytest.mark.parametrize("lenient", [False, True])
def test_from_line_fast_path_agrees_with_token_rule(
    line: bytes, lenient: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    fast = parse_from_line(line, lenient=lenient)
    monkeypatch.setattr(fromline, "_COMMON", re.compile(rb"(?!)"))  # never matches
    slow = parse_from_line(line, lenient=lenient)
    assert fast == slow
    if fast is not None and fast.received_at is not None:
        assert fast.received_at.tzinfo is UTC


def test_lenient_from_line_records_bad_date() -> None:
    info = parse_from_line(b"From someone garbage\n", lenient=True)
    assert info is not None
    assert info.sender == "someone"
    assert info.received_at is None
    assert [d.kind for d in info.defects] == ["bad-from-line-date"]


# --- compression ------------------------------------------------------------

COMPRESSORS: dict[str, Callable[[bytes], bytes]] = {
    "gzip": gzip.compress,
    "bz2": bz2.compress,
    "xz": lzma.compress,
}


@pytest.mark.parametrize("compression", sorted(COMPRESSORS))
def test_compressed_mbox(tmp_path: Path, compression: str) -> None:
    plain = (SRC / "mboxrd.mbox").read_bytes()
    packed = tmp_path / "archive"  # no extension: found by magic bytes
    packed.write_bytes(COMPRESSORS[compression](plain))
    assert detect_format(str(packed)) == "mbox"
    messages = read(str(packed))
    expected = read("mboxrd.mbox")
    assert [m.data for m in messages] == [m.data for m in expected]
    assert [m.source.offset for m in messages] == [m.source.offset for m in expected]
    assert {m.source.compression for m in messages} == {compression}
    assert {m.source.path for m in messages} == {"archive"}  # absolute argument: base name


@pytest.mark.parametrize("compression", sorted(COMPRESSORS))
def test_compressed_eml_and_text(tmp_path: Path, compression: str) -> None:
    for name, kind in (("single.eml", SourceKind.EML), ("pasted.txt", SourceKind.TEXT)):
        packed = tmp_path / (name + ".z")
        packed.write_bytes(COMPRESSORS[compression]((SRC / name).read_bytes()))
        (message,) = read(str(packed))
        assert message.source.kind is kind
        assert message.data == (SRC / name).read_bytes()
        assert message.source.compression == compression


def test_truncated_gzip_keeps_what_was_read(tmp_path: Path) -> None:
    big = (SRC / "mboxo.mbox").read_bytes() * 400
    packed = gzip.compress(big)
    damaged = tmp_path / "cut.mbox.gz"
    damaged.write_bytes(packed[: len(packed) // 2])
    messages = read(str(damaged))
    assert 0 < len(messages) < 1200
    assert [d.kind for d in messages[-1].defects][-1] == "truncated-source"


def test_gzip_damaged_from_the_start(tmp_path: Path) -> None:
    damaged = tmp_path / "bad.gz"
    damaged.write_bytes(b"\x1f\x8b\x08\x00garbage that is no deflate data")
    with pytest.raises(UnknownFormatError, match=r"bad\.gz: damaged gzip data"):
        read(str(damaged))


# --- directories ------------------------------------------------------------


def test_maildir() -> None:
    messages = read("maildir")
    assert [m.source.path for m in messages] == [
        "maildir/cur/1546304400.M1P1.host:2,FRS",
        "maildir/cur/1546308000.M2P2.host:2,",
        "maildir/new/1546311600.M3P3.host",
    ]  # tmp/ is not read
    assert {m.source.kind for m in messages} == {SourceKind.MAILDIR}
    assert [m.source.flags for m in messages] == [("F", "R", "S"), (), ()]
    assert [m.received_at for m in messages] == [utc(2019, 1, 1, h) for h in (1, 2, 3)]
    assert messages[0].data == (SRC / "maildir/cur/1546304400.M1P1.host:2,FRS").read_bytes()


def test_maildir_matches_stdlib_count() -> None:
    assert len(read("maildir")) == len(mailbox.Maildir(SRC / "maildir", create=False))


def test_mh_folder() -> None:
    messages = read("mh")
    assert [m.source.path for m in messages] == ["mh/1", "mh/2", "mh/10"]  # numeric order
    assert {m.source.kind for m in messages} == {SourceKind.MH}
    assert [m.source.flags for m in messages] == [("flagged",), ("flagged", "unseen"), ("unseen",)]


def test_mh_sequences_parse_ranges_lazily() -> None:
    sequences = Sequences.parse("unseen: 1-999999999999\nbad line\nreplied: 3 x 5-\ncur: 4\n")
    assert sequences.flags(123456) == ("unseen",)
    assert sequences.flags(3) == ("replied", "unseen")
    assert sequences.flags(0) == ()


def test_eml_tree_sorted_recursive() -> None:
    messages = read("eml-tree")
    assert [m.source.path for m in messages] == [
        "eml-tree/a.eml",
        "eml-tree/b.eml",
        "eml-tree/sub/c.eml",
    ]
    assert {m.source.kind for m in messages} == {SourceKind.EML}


def test_mixed_tree_sniffs_each_file(tmp_path: Path) -> None:
    root = tmp_path / "mixed"
    root.mkdir()
    shutil.copy(SRC / "mboxo.mbox", root / "list.mbox")
    shutil.copy(SRC / "pasted.txt", root / "notes.txt")
    (root / "archive.gz").write_bytes(gzip.compress((SRC / "single.eml").read_bytes()))
    (root / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64))
    (root / "empty").write_bytes(b"")
    (root / ".hidden.eml").write_bytes((SRC / "single.eml").read_bytes())
    messages = read(str(root))
    assert [(m.source.path, m.source.kind.value) for m in messages] == [
        ("mixed/archive.gz", "eml"),
        ("mixed/list.mbox", "mbox"),
        ("mixed/list.mbox", "mbox"),
        ("mixed/list.mbox", "mbox"),
        ("mixed/notes.txt", "text"),
    ]


def test_directory_with_forced_format(tmp_path: Path) -> None:
    messages = read("eml-tree", "text")
    assert {m.source.kind for m in messages} == {SourceKind.TEXT}
    assert len(messages) == 3


# --- single files, stdin -------------------------------------------------------


def test_single_eml() -> None:
    (message,) = read("single.eml")
    assert message.source.kind is SourceKind.EML
    assert message.source.path == "single.eml"
    assert message.data == (SRC / "single.eml").read_bytes()
    assert message.received_at is None


def test_explicit_format_overrides_detection() -> None:
    (as_text,) = read("single.eml", "text")
    assert as_text.source.kind is SourceKind.TEXT
    (as_eml,) = read("mboxcl2.mbox", "eml")  # one message; its From_ line becomes the date
    assert as_eml.source.kind is SourceKind.EML
    assert as_eml.data.startswith(b"From: alice@example.com\n")
    assert as_eml.received_at == utc(2019, 1, 1, 1)
    with pytest.raises(ValueError, match="unknown input format"):
        read("single.eml", "json")


class _FakeStdin:
    def __init__(self, data: bytes) -> None:
        self.buffer = io.BufferedReader(io.BytesIO(data))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("data", "kind", "count"),
    [
        ((SRC / "mboxrd.mbox").read_bytes(), SourceKind.MBOX, 2),
        (gzip.compress((SRC / "mboxrd.mbox").read_bytes()), SourceKind.MBOX, 2),
        ((SRC / "pipermail/2001-November.txt").read_bytes(), SourceKind.PIPERMAIL, 2),
        ((SRC / "single.eml").read_bytes(), SourceKind.EML, 1),
        ((SRC / "pasted.txt").read_bytes(), SourceKind.TEXT, 1),
    ],
)
def test_stdin(monkeypatch: pytest.MonkeyPatch, data: bytes, kind: SourceKind, count: int) -> None:
    monkeypatch.setattr(sys, "stdin", _FakeStdin(data))
    messages = read("-")
    assert len(messages) == count
    assert {m.source.kind for m in messages} == {kind}
    assert {m.source.path for m in messages} == {"-"}


@pytest.mark.parametrize("compression", [None, *sorted(COMPRESSORS)])
def test_stdin_detect_format(monkeypatch: pytest.MonkeyPatch, compression: str | None) -> None:
    data = (SRC / "pipermail/2001-November.txt").read_bytes()
    if compression is not None:
        data = COMPRESSORS[compression](data)
    monkeypatch.setattr(sys, "stdin", _FakeStdin(data))
    assert detect_format("-") == "pipermail"
    assert len(read("-")) == 2  # detection did not consume stdin


# --- pipermail, Takeout, text ------------------------------------------------------


def test_pipermail() -> None:
    first, second = read("pipermail/2001-November.txt")
    assert first.source.kind is SourceKind.PIPERMAIL
    assert first.data.startswith(b"From: jdoe@example.com (John Doe)\n")
    assert b"Write to jdoe at example.com in the body: stays." in first.data  # bodies untouched
    assert first.received_at == utc(2001, 11, 1, 11, 19, 12)
    headers = second.data.split(b"\n\n", 1)[0]
    assert headers == (
        b"From: mary.roe@lists.example.org (Mary Roe)\n"
        b"To: list@example.com,\n\tjdoe@example.com\n"
        b"Cc: John at Home <jdoe@example.com>\n"  # "Home" has no dot: a name, left alone
        b"Reply-To: list@example.com\n"
        b"Date: Thu Nov  1 12:00:00 2001\n"
        b"Subject: Re: [List] Hello\n"
        b"In-Reply-To: <1@example.com>\n"
        b"Message-ID: <2@example.com>"
    )
    assert second.source.offset == 220


def test_pipermail_gz(tmp_path: Path) -> None:
    packed = tmp_path / "2001-November.txt.gz"
    packed.write_bytes(gzip.compress((SRC / "pipermail/2001-November.txt").read_bytes()))
    messages = read(str(packed))
    assert [m.data for m in messages] == [m.data for m in read("pipermail/2001-November.txt")]
    assert {m.source.kind for m in messages} == {SourceKind.PIPERMAIL}
    assert {m.source.compression for m in messages} == {"gzip"}


def test_takeout_labels_and_thread() -> None:
    first, second = read("takeout.mbox")
    assert first.source.gm_thread_id == "1623456789012345678"
    assert first.source.labels == ("Inbox", "Important", "Work, old", "Café")
    assert second.source.labels == ("Sent",)
    assert second.received_at == utc(2019, 1, 2, 10, 30)


@pytest.mark.parametrize(
    ("value", "labels"),
    [
        ("Inbox,Unread", ("Inbox", "Unread")),
        ('"a, b",c', ("a, b", "c")),
        ('"say \\"hi\\"",x', ('say "hi"', "x")),
        ("=?UTF-8?B?w6lsw6h2ZQ==?=", ("élève",)),
        ("=?bogus?Q?x?=", ("=?bogus?Q?x?=",)),  # unknown charset: kept as written
        (",, ,", ()),
    ],
)
def test_split_labels(value: str, labels: tuple[str, ...]) -> None:
    assert split_labels(value) == labels


@pytest.mark.parametrize("name", ["pasted.txt", "outlook-paste.txt"])
def test_text_dump_is_one_record(name: str) -> None:
    (message,) = read(name)
    assert message.source.kind is SourceKind.TEXT
    assert message.data == (SRC / name).read_bytes()
    assert message.source.offset is None


# --- paths and errors ------------------------------------------------------------


@pytest.mark.parametrize(
    ("argument", "shown"),
    [
        ("a/b.mbox", "a/b.mbox"),
        ("./a//b.mbox", "a/b.mbox"),
        ("/abs/dir/b.mbox", "b.mbox"),
        ("-", "-"),
    ],
)
def test_shown_path(argument: str, shown: str) -> None:
    assert shown_path(argument) == shown


def test_paths_never_absolute() -> None:
    absolute = str(SRC / "maildir")
    messages = read(absolute)
    assert all(m.source.path and m.source.path.startswith("maildir/") for m in messages)
    (message,) = read(str(SRC / "single.eml"))
    assert message.source.path == "single.eml"
    with_dot = read(".")
    assert {m.source.path.split("/", 1)[0] for m in with_dot if m.source.path} == {"sources"}


def test_missing_path() -> None:
    with pytest.raises(SourceNotFoundError, match=r"^no such file or directory: nope\.mbox$"):
        read("nope.mbox")
    with pytest.raises(SourceNotFoundError):
        detect_format("nope.mbox")


def test_binary_junk(tmp_path: Path) -> None:
    junk = tmp_path / "junk.bin"
    junk.write_bytes(bytes(range(256)) * 8)
    with pytest.raises(UnknownFormatError) as info:
        read(str(junk))
    assert str(info.value) == "junk.bin: not a mail archive, a message or text (binary data)"
    assert "\n" not in str(info.value)
    with pytest.raises(UnknownFormatError):
        detect_format(str(junk))


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads anything")
def test_unreadable_file(tmp_path: Path) -> None:
    locked = tmp_path / "locked.mbox"
    locked.write_bytes(b"x")
    locked.chmod(0)
    with pytest.raises(SourceError, match=r"^permission denied: locked\.mbox$"):
        read(str(locked))


def test_empty_inputs(tmp_path: Path) -> None:
    empty = tmp_path / "empty.mbox"
    empty.write_bytes(b"")
    assert read(str(empty)) == []
    assert read(str(empty), "mbox") == []
    blank = tmp_path / "blank.mbox"
    blank.write_bytes(b"\n\n  \n")
    assert read(str(blank), "mbox") == []
    assert read(str(blank)) == []
    # Named as a message, a blank file is one (empty) message: messages in == records out.
    (message,) = read(str(blank), "eml")
    assert [d.kind for d in message.defects] == ["empty-message"]
    assert read(str(empty), "eml") == []


def test_iter_sources_chains() -> None:
    messages = list(iter_sources(["mboxo.mbox", "single.eml", "maildir"]))
    assert [m.source.kind.value for m in messages] == ["mbox"] * 3 + ["eml"] + ["maildir"] * 3


# --- streaming ---------------------------------------------------------------------


class _CountingMbox(io.RawIOBase):
    """A large mbox made on the fly, counting the bytes handed out."""

    def __init__(self, messages: int) -> None:
        self.served = 0
        self._chunks = (
            b"From a@x.org Tue Jan  1 01:00:00 2019\nSubject: %d\n\n%s\n" % (i, b"line\n" * 200)
            for i in range(messages)
        )
        self._pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        while not self._pending:
            chunk = next(self._chunks, None)
            if chunk is None:
                return 0
            self._pending = chunk
        n = min(len(buffer), len(self._pending))
        buffer[:n] = self._pending[:n]
        self._pending = self._pending[n:]
        self.served += n
        return n


def test_mbox_reader_streams() -> None:
    source = _CountingMbox(100_000)  # about 100 MB if read whole
    stream = io.BufferedReader(source)
    messages = iter_mbox(stream, "big.mbox")
    first_three = list(itertools.islice(messages, 3))
    assert [m.data.split(b"\n", 1)[0] for m in first_three] == [
        b"Subject: 0",
        b"Subject: 1",
        b"Subject: 2",
    ]
    assert source.served <= 2 * CHUNK  # a chunk or two of about 100 MB


# --- shared corpora -------------------------------------------------------------------


@pytest.mark.shared
def test_notmuch_maildirs() -> None:
    corpora = shared_path("corpora", "notmuch", "test", "corpora")
    default = corpora / "default"
    messages = read(str(default))
    files = [p for p in default.rglob("*") if p.is_file()]
    assert len(messages) == len(files) == 53
    assert {m.source.kind for m in messages} == {SourceKind.MAILDIR}
    parent_priority = corpora / "threading" / "parent-priority"
    ours = read(str(parent_priority))
    assert len(ours) == len(list((parent_priority / "cur").iterdir())) == 3
    assert {m.source.kind for m in ours} == {SourceKind.MAILDIR}
    ghost = read(str(corpora / "threading" / "ghost-root"))
    # Loose files: Maildir-named ones are Maildir messages with flags, the rest eml.
    assert (
        sorted(m.source.flags for m in ghost if m.source.kind is SourceKind.MAILDIR) == [("S",)] * 3
    )
    assert sum(m.source.kind is SourceKind.EML for m in ghost) == 6
    everything = read(str(corpora))
    assert len(everything) == sum(1 for p in corpora.rglob("*") if p.is_file())


def test_buffer_strip_separator_matches_the_bytes_rule() -> None:
    # The reader drops the blank separator line by looking at the buffer in
    # place; it must agree with the rule on the bytes for every short ending.
    for size in range(6):
        for body in map(bytes, itertools.product(b"\r\nx", repeat=size)):
            for before in (b"", b"\n", b"x", b"\r\n"):
                buffer = _Buffer(io.BytesIO(before + body + b"From "))
                buffer.fill()
                start = len(before)
                stop = buffer.strip_separator(start, start + len(body))
                assert buffer.slice(start, stop) == _strip_separator(body), (before, body)


def test_buffer_closes_before_agrees_with_find() -> None:
    # The backward search for a close delimiter must answer as the forward one.
    text = b"a\n--XX--\nb\n--XX\n--XX--\n"
    for start in range(len(text)):
        for limit in range(start, len(text) + 3):
            forward = _Buffer(io.BytesIO(text))
            backward = _Buffer(io.BytesIO(text))
            forward.fill()
            backward.fill()
            expected = forward.find(b"\n--XX--", start, limit) >= 0
            assert backward.closes_before(b"\n--XX--", start, limit) == expected, (start, limit)
