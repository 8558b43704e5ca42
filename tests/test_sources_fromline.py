"""The From_ line fast paths (``parse_from_line``, ``separator_date``) against the token rule."""

from __future__ import annotations

from datetime import UTC
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mailarchive.api import iter_emails
from mailarchive.sources.fromline import (
    _parse_slowly,
    common_separator_at,
    parse_from_line,
    separator_date,
)

_SENDERS = [
    b"a@example.com",
    b"MAILER-DAEMON",
    b"Mon",
    b"mon,",
    b"Sun,,,",
    b"tUE",
    b"Monday",
    b"Mo",
    b"Fri,x",
    b"x,",
    b"abc",
    b"caf\xe9",
    b"",
    b"a at b",
    b"user at example.org",
]
_WEEKDAYS = [b"Mon", b"Tue", b"Sun", b"mon", b"Xyz", b"Mon,"]
_MONTHS = [b"Jan", b"Feb", b"Dec", b"jan", b"JAN", b"Foo"]
_DAYS = [b"1", b"01", b"07", b"28", b"29", b"30", b"31", b"32", b"0", b"00", b"99"]
_HOURS = [b"00", b"09", b"23", b"24", b"99", b"9"]
_MINUTES = [b"00", b"59", b"60", b"5"]
_SECONDS = [b"00", b"59", b"60", b"61", b"99"]
_ZONES = [b"", b"+0000 ", b"-0500 ", b"PST "]
_YEARS = [b"2019", b"2020", b"1900", b"1899", b"2199", b"2200", b"0000", b"9999", b"19"]
_ENDS = [b"\n", b"\r\n", b"", b" \n", b"\n\n", b" PST\n", b" remote from x\n"]


def _pick(values: list[bytes]) -> st.SearchStrategy[bytes]:
    return st.sampled_from(values)


_LINES = st.tuples(
    _pick(_SENDERS),
    _pick(_WEEKDAYS),
    _pick(_MONTHS),
    _pick([b" ", b"  ", b"   "]),
    _pick(_DAYS),
    _pick(_HOURS),
    _pick(_MINUTES),
    _pick(_SECONDS),
    _pick(_ZONES),
    _pick(_YEARS),
    _pick(_ENDS),
).map(lambda p: b"From %s %s %s%s%s %s:%s:%s %s%s%s" % p)


def _agree(line: bytes) -> None:
    for lenient in (False, True):
        slow = _parse_slowly(line, lenient)
        fast = parse_from_line(line, lenient=lenient)
        assert fast == slow
        if fast is not None and fast.received_at is not None:
            assert fast.received_at.tzinfo is UTC
    slow = _parse_slowly(line, False)
    dated = separator_date(line)
    assert dated == (None if slow is None else (slow.received_at, slow.defects))
    if dated is not None and dated[0] is not None:
        assert dated[0].tzinfo is UTC


@settings(max_examples=1500, deadline=None)
@given(_LINES)
def test_fast_paths_same_as_the_token_rule(line: bytes) -> None:
    _agree(line)


@pytest.mark.parametrize(
    "line",
    [
        b"From a@example.com Mon Jan 07 09:18:50 2019\n",
        b"From a@example.com Tue Jan  1 00:00:00 +0000 2019\r\n",
        b"From a@example.com Sat Feb 29 23:59:60 2020",
        b"From a@example.com Fri Feb 29 10:00:00 2019\n",
        b"From Mon, Tue Jan  1 00:00:00 2019\n",
        b"From sun,,, Tue Jan  1 00:00:00 2019\n",
        b"From Tue Jan  1 00:00:00 2019\n",
        b"From x Mon Jan  7 2019\n",
        b"From: a@example.com\n",
        b"From x Mon " + b"Jan " * 5000 + b"\n",
        b"From " + b"x" * 950 + b" Mon Jan  7 10:00:00 2019\n",
    ],
)
def test_fast_paths_usual_and_odd_lines(line: bytes) -> None:
    _agree(line)


def test_separator_date_reads_the_common_form() -> None:
    dated = separator_date(b"From a@example.com Mon Jan 07 09:18:50 2019\n")
    assert dated is not None
    assert dated[0] is not None
    assert dated[0].isoformat() == "2019-01-07T09:18:50+00:00"
    assert dated[1] == ()


@pytest.mark.parametrize(
    "line",
    [
        b"From a@example.com Mon Dec 31 23:00:00 -0500 9999\n",  # past 9999 in UTC
        b"From a@example.com Fri Dec 31 23:00:00 9999 -0500\n",
        b"From a@example.com Mon Jan  1 00:30:00 0001 +0100\n",  # before year 1 in UTC
        b"From a@example.com Mon Dec 31 23:00:00 2001 +9959\n",  # no such zone
    ],
)
def test_a_date_out_of_range_is_a_defect_not_an_error(line: bytes, tmp_path: Path) -> None:
    info = parse_from_line(line)
    assert info is not None
    assert info.received_at is None
    assert [d.kind for d in info.defects] == ["bad-from-line-date"]
    _agree(line)
    path = tmp_path / "x.mbox"
    path.write_bytes(line + b"From: a@example.com\nSubject: x\n\nbody\n")
    (email,) = iter_emails([str(path)], workers=1)
    assert email.subject == "x"
    assert "bad-from-line-date" in [d.kind for d in email.defects]


@settings(max_examples=1500, deadline=None)
@given(
    _pick([b"", b"x\n", b"body From here\n"]),
    _LINES,
    _pick([b"", b"Subject: s\n", b"From: a\n\nbody\n", b"\n"]),
)
def test_separator_in_place_same_as_separator_date(
    before: bytes, line: bytes, after: bytes
) -> None:
    """``common_separator_at`` on the data, when it reads the line, gives what
    ``separator_date`` gives for the line (up to its first line end), and
    where the next line starts."""
    data = before + line + after
    newline = data.find(b"\n", len(before))
    whole = data[len(before) : newline + 1] if newline >= 0 else data[len(before) :]
    dated = separator_date(whole)
    for buffer in (data, bytearray(data)):
        found = common_separator_at(buffer, len(before))  # type: ignore[arg-type]
        if found is not None:
            assert dated == (found[0], ())
            assert found[1] == newline + 1


def test_separator_in_place_reads_the_usual_line() -> None:
    data = b"x\nFrom a@example.com Mon Jan 07 09:18:50 2019\nSubject: s\n"
    found = common_separator_at(data, 2)
    assert found is not None
    assert found[0].isoformat() == "2019-01-07T09:18:50+00:00"
    assert data[found[1] :] == b"Subject: s\n"
    assert common_separator_at(data[:-12], 2) is None  # no line end: the caller reads it
