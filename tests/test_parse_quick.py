"""parse.quick: the headers-only fast path gives the compat32 headers-only record.

The reference is ``parse_message(raw, headers_only=True)`` with the fast
path switched off (compat32 reads the header block). Both are compared field
by field on every message of fixtures/, of ../shared/corpora (skipped when
absent), on generated benchmark mail, and on random header blocks.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from dataclasses import fields
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mailarchive.parse.message as message_module
from mailarchive import api
from mailarchive.model import Email, SourceKind, SourceRef
from mailarchive.parse import dates, parse_message, raw_email_id
from mailarchive.parse._tools import corpus_files
from mailarchive.parse.quick import header_lines, read_headers
from mailarchive.sources import iter_sources
from mailarchive.sources.raw import RawMessage
from tests.conftest import FIXTURES, REPO, shared_path


def compat32_headers(raw: RawMessage) -> Email:
    """The headers-only record as the compat32 path reads it (fast path off)."""
    saved = message_module.read_headers
    message_module.read_headers = lambda _raw, _eid: None
    try:
        (record,) = parse_message(raw, headers_only=True)
    finally:
        message_module.read_headers = saved
    return record


def differences(raw: RawMessage) -> list[str] | None:
    """Fields where the fast path differs from compat32; None when it declined."""
    fast = read_headers(raw, raw_email_id(raw))
    if fast is None:
        return None
    slow = compat32_headers(raw)
    return [
        f"{f.name}: compat32 {getattr(slow, f.name)!r} != fast {getattr(fast, f.name)!r}"
        for f in fields(Email)
        if getattr(slow, f.name) != getattr(fast, f.name)
    ]


def eml(data: bytes, path: str = "m.eml") -> RawMessage:
    return RawMessage(data, SourceRef(kind=SourceKind.EML, path=path))


def raws_of(paths: list[Path]) -> Iterator[RawMessage]:
    for path in paths:
        for raw in iter_sources([str(path)]):
            if raw.source.kind is not SourceKind.TEXT:
                yield raw


def check_all(raws: Iterator[RawMessage]) -> tuple[int, int]:
    """(messages, read by the fast path); fails on the first difference."""
    seen = fast = 0
    for raw in raws:
        seen += 1
        diff = differences(raw)
        if diff is None:
            # declined: parse_message still gives one record (compat32)
            assert len(parse_message(raw, headers_only=True)) == 1
            continue
        fast += 1
        assert not diff, f"{raw.source.path}@{raw.source.offset}: {diff}"
    return seen, fast


# -- field by field on real mail --------------------------------------------------


def test_fixtures_same_record_as_compat32() -> None:
    files = [
        p
        for sub in ("messages", "sources", "threads", "demo")
        for p in sorted((FIXTURES / sub).rglob("*"))
        if p.is_file() and p.suffix not in (".md", ".txt", ".json", ".html", ".py")
    ]
    seen, fast = check_all(raws_of(files))
    assert seen > 40
    assert fast >= seen * 0.8  # the fast path is the common case


def test_shared_corpora_same_record_as_compat32() -> None:
    root = shared_path("corpora")
    raws = (eml(data, name) for name, data in corpus_files(root))
    seen, fast = check_all(raws)
    boxes = sorted(root.rglob("*.mbox"))
    seen2, fast2 = check_all(raws_of(boxes))
    assert seen + seen2 > 500
    assert fast + fast2 >= (seen + seen2) * 0.8


@pytest.mark.parametrize("kind", ["list", "personal"])
def test_generated_benchmark_mail_same_record_as_compat32(kind: str, tmp_path: Path) -> None:
    out = tmp_path / f"{kind}.mbox"
    script = str(REPO / "benchmarks" / "generate.py")
    subprocess.run(
        [
            sys.executable,
            script,
            "--kind",
            kind,
            "--count",
            "300",
            "--seed",
            "3",
            "--output",
            str(out),
        ],
        check=True,
        capture_output=True,
    )
    seen, fast = check_all(raws_of([out]))
    assert seen == 300
    assert fast == seen


# -- random header blocks ----------------------------------------------------------

_NAMES = [
    "Message-ID",
    "message-id",
    "In-Reply-To",
    "References",
    "From",
    "To",
    "CC",
    "Bcc",
    "Sender",
    "Reply-To",
    "Subject",
    "Date",
    "Received",
    "Thread-Index",
    "Thread-Topic",
    "Content-Type",
    "X-Other",
    "",
    "From ",
    "Bad Name",
]
_PIECES = st.sampled_from(
    [
        "<a@b>",
        "<a@b> <c@d>",
        "a@b",
        "Ann <ann@x.org>",
        '"Doe, J" <j@x>, bob@y',
        "=?utf-8?q?caf=C3=A9?=",
        "=?iso-8859-1?b?Y2Fm6Q==?=",
        "Thu, 31 Feb 2011 25:61:00 +0000",
        "Mon, 4 Mar 2019 10:00:00 +0100",
        "08/01/2019 10:38",
        "text/plain; charset=koi8-r",
        "multipart/mixed",
        "x; 1 Jan 2020 10:00:00 +0000",
        "(comment)",
        " ",
        "\t",
        ":",
        "<",
        ">",
        "\r",
        "",
    ]
)
_VALUE = st.lists(st.one_of(_PIECES, st.text(max_size=8)), max_size=4).map("".join)
_LINE = st.one_of(
    st.tuples(st.sampled_from(_NAMES), _VALUE).map(lambda nv: f"{nv[0]}:{nv[1]}"),
    _VALUE.map(lambda v: " " + v),  # continuation
    _VALUE.map(lambda v: "\t" + v),
    _VALUE,  # anything
)
_ENDS = st.sampled_from(["\n", "\r\n"])


@st.composite
def header_blocks(draw: st.DrawFn) -> bytes:
    lines = draw(st.lists(st.tuples(_LINE, _ENDS), min_size=1, max_size=12))
    text = "".join(line + end for line, end in lines)
    body = draw(st.sampled_from(["", "\nbody\n", "\r\nbody\r\n", "\n\nX-Late: 1\n"]))
    encoding = draw(st.sampled_from(["utf-8", "latin-1"]))
    return (text + body).encode(encoding, "replace")


@settings(max_examples=300, deadline=None)
@given(header_blocks())
def test_random_header_blocks_same_record_as_compat32(data: bytes) -> None:
    raw = eml(data)
    diff = differences(raw)
    assert not diff, diff


_CLEAN_NAMES = [n for n in _NAMES if n and " " not in n]
_CLEAN_VALUE = _VALUE.map(lambda v: v.replace("\r", "").replace("\n", "").replace("\x0b", ""))
_CLEAN_LINE = st.one_of(
    st.tuples(st.sampled_from(_CLEAN_NAMES), _CLEAN_VALUE).map(lambda nv: f"{nv[0]}:{nv[1]}"),
    _CLEAN_VALUE.map(lambda v: " " + v),
)


@st.composite
def clean_blocks(draw: st.DrawFn) -> bytes:
    first = draw(st.tuples(st.sampled_from(_CLEAN_NAMES), _CLEAN_VALUE))
    lines = draw(st.lists(st.tuples(_CLEAN_LINE, _ENDS), max_size=12))
    text = f"{first[0]}:{first[1]}\n" + "".join(line + end for line, end in lines)
    return (text + "\nbody\n").encode("utf-8", "surrogateescape")


@settings(max_examples=300, deadline=None)
@given(clean_blocks())
def test_clean_header_blocks_read_by_the_fast_path(data: bytes) -> None:
    diff = differences(eml(data))
    assert diff == [], diff  # not declined, and the same record


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=600))
def test_random_bytes_same_record_or_declined(data: bytes) -> None:
    diff = differences(eml(data))
    assert not diff, diff


# -- what the reader keeps and where it declines -------------------------------------


def test_values_kept_as_compat32_keeps_them() -> None:
    data = (
        b"Subject: first\r\n  second\r\n"
        b"X-Skip: a\r\n b\r\n"
        b"To: a@x,\r\n\tb@y\r\n"
        b"\r\n"
        b"Subject: in the body\r\n"
    )
    assert header_lines(data) == {
        "subject": ["first\r\n  second"],
        "to": ["a@x,\r\n\tb@y"],
    }
    (e,) = parse_message(eml(data), headers_only=True)
    assert e.subject == "first second"
    assert [p.email for p in e.to or ()] == ["a@x", "b@y"]


def test_block_ends_at_the_first_blank_line_lf_or_crlf() -> None:
    data = b"Subject: a\n\r\nMessage-ID: <late@x>\n\nTo: b@y\n"
    assert header_lines(data) == {"subject": ["a"]}
    data = b"Subject: a\n\nMessage-ID: <late@x>\r\n\r\nTo: b@y\n"
    assert header_lines(data) == {"subject": ["a"]}


@pytest.mark.parametrize(
    ("data", "defect"),
    [
        # mbox envelope line left in the data
        (b"From a@b Thu Jan  1 00:00:00 2019\nSubject: x\n\n", None),
        # continuation as the first line
        (b" folded\nSubject: x\n\n", "mime-defect:FirstHeaderLineIsContinuationDefect"),
        # a line that is not a header: compat32 ends the headers there
        (b"Subject: x\nnot a header\nTo: a@b\n\n", "mime-defect:MissingHeaderBodySeparatorDefect"),
        # empty header name
        (b"Subject: x\n: nameless\n\n", "mime-defect:InvalidHeaderDefect"),
        # a bare CR (compat32 ends a line there)
        (b"Subject: x\rTo: a@b\n\n", None),
    ],
)
def test_unusual_blocks_go_to_compat32(data: bytes, defect: str | None) -> None:
    assert header_lines(data) is None
    (e,) = parse_message(eml(data), headers_only=True)
    assert e.subject is not None and e.subject.startswith("x")
    if defect is not None:
        assert defect in [d.kind for d in e.defects]


def test_headers_only_reports_no_mime_structure_defects() -> None:
    data = (
        b"Message-ID: <m@x>\nFrom: a@x\nContent-Type: multipart/mixed; boundary=XX\n\n"
        b"--XX\nContent-Type: text/plain\n\nhi\n--XX--\n"
    )
    for record in (parse_message(eml(data), headers_only=True)[0], compat32_headers(eml(data))):
        assert record.defects == ()
    # the full parse of the same message has none either
    assert parse_message(eml(data))[0].defects == ()


def test_impossible_date_skips_dateparser(monkeypatch: pytest.MonkeyPatch) -> None:
    raw = eml(b"Message-ID: <m@x>\nFrom: a@x\nDate: Thu, 31 Feb 2011 25:61:00 +0000\n\n")
    expected = compat32_headers(raw)  # parse_date, dateparser included

    def no_dateparser(*_args: object) -> None:
        raise AssertionError("dateparser called")

    monkeypatch.setattr(dates, "_dateparser", no_dateparser)
    (e,) = parse_message(raw, headers_only=True)
    assert e == expected
    assert e.sent_at is None and [d.kind for d in e.defects] == ["bad-date"]
    assert e.dates.sent_at_raw == "Thu, 31 Feb 2011 25:61:00 +0000" and e.dates.parser is None


@pytest.mark.parametrize(
    "date",
    ["Sat, 29 Feb 2020 10:00:00 +0000", "Mon, 31 Dec 2018 23:59:59 -0500", "30 Apr 2019 00:00"],
)
def test_possible_dates_with_big_numbers_still_read(date: str) -> None:
    raw = eml(f"Message-ID: <m@x>\nFrom: a@x\nDate: {date}\n\n".encode())
    (e,) = parse_message(raw, headers_only=True)
    assert e.sent_at is not None and e == compat32_headers(raw)


def test_raw_charset_hint_from_content_type() -> None:
    # raw GB2312 bytes in Subject, the body's charset names them
    data = (
        b"Message-ID: <m@x>\nFrom: a@x\nSubject: "
        + "\u4e2d\u6587".encode("gb2312")
        + b"\nContent-Type: text/plain; charset=gb2312\n\n"
    )
    (e,) = parse_message(eml(data), headers_only=True)
    assert e.subject == "\u4e2d\u6587"
    assert e == compat32_headers(eml(data))


def test_headers_only_runs_without_a_pool_unless_the_mbox_is_big(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mbox = tmp_path / "many.mbox"
    mbox.write_bytes(
        b"".join(
            b"From a@x Thu Jan  1 00:00:00 2019\nMessage-ID: <%d@x>\nFrom: a@x\n"
            b"Subject: s%d\n\nbody\n\n" % (i, i)
            for i in range(api.INLINE_THRESHOLD + 10)
        )
    )

    def no_pool(*_args: object) -> None:
        raise AssertionError("a worker pool was started")

    monkeypatch.setattr(api.multiprocessing, "get_context", no_pool)
    doc = api.load_document([str(mbox)], headers_only=True)
    assert len(doc.emails) == api.INLINE_THRESHOLD + 10
    assert len(list(api.iter_emails([str(mbox)], headers_only=True, workers=2))) == len(doc.emails)
    # A big mbox is read in ranges by workers, headers only or not.
    monkeypatch.setattr(api, "CHUNK_BYTES", 1000)
    with pytest.raises(AssertionError, match="pool"):
        list(api.iter_emails([str(mbox)], headers_only=True, workers=2))


# -- the common Date form, read without the stdlib tokenizer ---------------------


@pytest.mark.parametrize(
    "date",
    [
        "Thu, 10 Feb 2011 10:45:59 +0000",
        "Thu, 10 Feb 2011 10:45:59 -0800 (PST)",
        "10 feb 2011 10:45 +0530",
        "Xyz, 1 Dec 1999 23:59:59 -1200",
        "Thu, 10 Feb 2011 10:45:59 -0000",  # zone unknown: parse_date's own reading
        "Thu, 10 Feb 2011 10:45:59 +9999",  # offset past a day: parse_date decides
        "Thu, 10 Feb 1960 10:45:59 +0100",  # before 1970: absurd-date
        "Thu, 10 Feb 2099 10:45:59 +0100",  # far ahead: absurd-date
        "Thu, 31 Apr 2011 10:45:59 +0100",  # no such day
        "Thu, 10 Fbr 2011 10:45:59 +0100",  # no such month
        "Thu, 10 Feb 2011 10:45:59 -0800 (PM)",
        "Thu,  10  Feb 2011\n 10:45:59 +0100",
    ],
)
def test_common_date_form_reads_as_parse_date(date: str) -> None:
    raw = eml(f"Message-ID: <m@x>\nFrom: a@x\nDate: {date}\n\n".encode())
    (e,) = parse_message(raw, headers_only=True)
    ref = dates.parse_date(" ".join(date.split("\n")))
    expected = compat32_headers(raw)
    assert e == expected
    assert e.sent_at == ref.sent_at and e.dates.parser == ref.dates.parser
    if e.sent_at is not None and expected.sent_at is not None:
        assert e.sent_at.utcoffset() == expected.sent_at.utcoffset()


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(["", "Mon, ", "mon, ", "Xyz, "]),
    st.integers(0, 40),
    st.sampled_from(["Jan", "feb", "MAR", "Sep", "Dec", "Foo"]),
    st.integers(1960, 2100),
    st.integers(0, 30),
    st.integers(0, 65),
    st.one_of(st.none(), st.integers(0, 65)),
    st.sampled_from(["+", "-"]),
    st.integers(0, 30),
    st.integers(0, 99),
    st.sampled_from(["", " (PST)", " (x", " PM"]),
)
def test_generated_dates_read_as_parse_date(
    weekday: str,
    day: int,
    month: str,
    year: int,
    hour: int,
    minute: int,
    second: int | None,
    sign: str,
    zh: int,
    zm: int,
    tail: str,
) -> None:
    sec = "" if second is None else f":{second:02d}"
    date = (
        f"{weekday}{day} {month} {year} {hour:02d}:{minute:02d}{sec} {sign}{zh:02d}{zm:02d}{tail}"
    )
    raw = eml(f"Message-ID: <m@x>\nFrom: a@x\nDate: {date}\n\n".encode())
    (e,) = parse_message(raw, headers_only=True)
    expected = compat32_headers(raw)
    assert e == expected
    if e.sent_at is not None and expected.sent_at is not None:
        assert e.sent_at.utcoffset() == expected.sent_at.utcoffset()
