"""Recognise and read mbox From_ separator lines.

Input: one line of bytes. Output: a :class:`FromLine` (sender, UTC date,
problems) or None when the line is not a separator.

The rule, chosen to be tolerant of real writers yet not split on a body line
such as ``From the desk of ...``: after ``From `` come zero to three sender
tokens, then a weekday name, then a date in one of two shapes:

* asctime, as written by mail delivery agents and Google Takeout::

    From jdoe@example.com Tue Jan  1 00:00:00 2019
    From 1234567890@xxx Tue Jan 01 00:00:00 +0000 2019
    From MAILER-DAEMON Fri Jul  8 12:08:34 2011 remote from host

* RFC 5322 style, as some tools write it::

    From jdoe@example.com Tue, 1 Jan 2019 00:00:00 +0000

Three sender tokens are allowed only in the pipermail form ``user at host``.
A zone (numeric ``+hhmm`` or a RFC 822 name) may stand before or after the
year; ``remote from <host>`` (UUCP) may end the line. The line is split
into whitespace tokens and checked token by token, so the work is linear in
the line length whatever it holds.

``lenient=True`` accepts any ``From <token>...`` line (used where a separator
must stand, e.g. the first line of a file); then an unreadable date becomes a
defect instead of a refusal.
"""

from __future__ import annotations

import mmap
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import NamedTuple

from mailarchive.model import Defect

_DAYS = frozenset({b"mon", b"tue", b"wed", b"thu", b"fri", b"sat", b"sun"})
_MONTHS = {
    name: number
    for number, name in enumerate(
        b"jan feb mar apr may jun jul aug sep oct nov dec".split(),
        start=1,
    )
}
# RFC 822 section 5.1 zone names (military single letters other than Z are
# ambiguous in practice and ignored).
_ZONES = {
    b"ut": 0,
    b"utc": 0,
    b"gmt": 0,
    b"z": 0,
    b"est": -5,
    b"edt": -4,
    b"cst": -6,
    b"cdt": -5,
    b"mst": -7,
    b"mdt": -6,
    b"pst": -8,
    b"pdt": -7,
}
_MAX_LINE = 1000  # a From_ line longer than this is body text
Buffer = bytes | mmap.mmap

# Fast path for the form nearly every writer uses (asctime, no zone or a
# Takeout "+0000" before the year, one sender token that is not itself a
# weekday name); anything else, and any date that does not build, goes the
# token-by-token way below, which gives the same answer for these lines.
# Every piece is bounded, so the match is linear (and a match is shorter
# than _MAX_LINE).
# The sender test is cheap and loose (any 3-letter word and commas goes the
# slow way); the date is taken in four pieces read by table lookups (a piece
# not in its table goes the slow way).
_COMMON_SENDER = rb"From (?![MTWFSmtwfs][A-Za-z][A-Za-z],* )(\S{1,900}) "
_COMMON_DATE = (
    rb"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) ([A-Z][a-z][a-z] {1,2}\d\d?) "
    rb"(\d\d:\d\d):(\d\d) (?:\+0000 )?(\d{4})\r?\n?"
)
_COMMON = re.compile(_COMMON_SENDER + _COMMON_DATE)
# The same lines, the sender not taken (the mbox reader has no use for it).
_COMMON_NO_SENDER = re.compile(_COMMON_SENDER.replace(b"(\\S", b"(?:\\S") + _COMMON_DATE)
_TWO_DIGITS = {b"%02d" % n: n for n in range(100)} | {b"%d" % n: n for n in range(10)}
# "Jan  7", "Jan 07", ...: (month, day); days 1-31 only.
_MONTH_DAY = {
    name.capitalize() + space + digits: (month, day)
    for name, month in _MONTHS.items()
    for space in (b" ", b"  ")
    for digits, day in _TWO_DIGITS.items()
    if 1 <= day <= 31
}
_HOUR_MINUTE = {b"%02d:%02d" % (h, m): (h, m) for h in range(24) for m in range(60)}
_SECONDS = {text: min(n, 59) for text, n in _TWO_DIGITS.items()}  # a leap second reads as :59
_YEARS = {b"%d" % n: n for n in range(1900, 2200)}


class FromLine(NamedTuple):
    """A parsed From_ line (a NamedTuple: one is made for every message of an mbox)."""

    sender: str
    received_at: datetime | None
    pipermail: bool = False  # sender written as ``user at host``
    defects: tuple[Defect, ...] = ()


_new_from_line = tuple.__new__  # (FromLine, values): no Python-level __new__


@dataclass(frozen=True, slots=True)
class _Date:
    when: datetime | None
    zone_known: bool


def _is_time(token: bytes) -> bool:
    parts = token.split(b":")
    return 2 <= len(parts) <= 3 and all(p.isdigit() and len(p) <= 2 for p in parts)


def _is_year(token: bytes) -> bool:
    return token.isdigit() and len(token) in (2, 4)


def _zone(token: bytes) -> int | None:
    """Offset in minutes of a zone token, or None if it is not one."""
    if len(token) == 5 and token[:1] in (b"+", b"-") and token[1:].isdigit():
        minutes = int(token[1:3]) * 60 + int(token[3:5])
        return -minutes if token[:1] == b"-" else minutes
    hours = _ZONES.get(token.lower())
    return None if hours is None else hours * 60


def _is_zone_like(token: bytes) -> bool:
    return _zone(token) is not None or (token.isalpha() and 2 <= len(token) <= 5)


def _make(year: bytes, month: int, day: bytes, clock: bytes, zone: int | None) -> datetime | None:
    try:
        numbers = [int(p) for p in clock.split(b":")]
        hour, minute = numbers[0], numbers[1]
        second = numbers[2] if len(numbers) == 3 else 0
        full_year = int(year)
        if len(year) == 2:  # RFC 5322 section 4.3 two-digit years
            full_year += 2000 if full_year < 50 else 1900
        naive = datetime(full_year, month, int(day), hour, minute, min(second, 59))
        # ValueError also for a zone of a day or more (+9959); OverflowError:
        # in UTC the time falls before year 1 or after 9999.
        return naive.replace(tzinfo=timezone(timedelta(minutes=zone or 0))).astimezone(UTC)
    except (ValueError, OverflowError):
        return None


def _parse_date(tokens: list[bytes]) -> tuple[bool, datetime | None, bool]:
    """(shape recognised, UTC datetime or None, zone known) for tokens after the weekday."""
    if len(tokens) < 4:
        return False, None, False
    zone: int | None = None
    zone_token: bytes | None = None
    if tokens[0].lower()[:3] in _MONTHS and tokens[1].isdigit() and _is_time(tokens[2]):
        # asctime: Mon DD HH:MM[:SS] [zone] YYYY [zone]
        month = _MONTHS[tokens[0].lower()[:3]]
        day, clock = tokens[1], tokens[2]
        rest = tokens[3:]
        if _is_year(rest[0]):
            year, rest = rest[0], rest[1:]
            if rest and _is_zone_like(rest[0]):
                zone_token, rest = rest[0], rest[1:]
        elif len(rest) >= 2 and _is_zone_like(rest[0]) and _is_year(rest[1]):
            zone_token, year, rest = rest[0], rest[1], rest[2:]
        else:
            return False, None, False
    elif tokens[0].isdigit() and tokens[1].lower()[:3] in _MONTHS and _is_year(tokens[2]):
        # RFC 5322 style: DD Mon YYYY HH:MM[:SS] [zone]
        if not _is_time(tokens[3]):
            return False, None, False
        day, month, year, clock = tokens[0], _MONTHS[tokens[1].lower()[:3]], tokens[2], tokens[3]
        rest = tokens[4:]
        if rest and _is_zone_like(rest[0]):
            zone_token, rest = rest[0], rest[1:]
    else:
        return False, None, False
    # UUCP "remote from <host>" is the only trailer allowed.
    if rest and not (
        len(rest) == 3 and rest[0].lower() == b"remote" and rest[1].lower() == b"from"
    ):
        return False, None, False
    if zone_token is not None:
        zone = _zone(zone_token)
    when = _make(year, month, day, clock, zone)
    return True, when, zone_token is None or zone is not None


def parse_from_line(line: bytes, lenient: bool = False) -> FromLine | None:
    """Read ``line`` as a From_ separator; None if it is not one (see module doc)."""
    common = _COMMON.fullmatch(line)  # it starts with "From ": the test below can wait
    if common is not None:
        sender, month_day, hour_minute, second, year = common.groups()
        try:
            month, day = _MONTH_DAY[month_day]
            hour, minute = _HOUR_MINUTE[hour_minute]
            # tzinfo given by position: the keyword costs twice the positional call.
            when = datetime(_YEARS[year], month, day, hour, minute, _SECONDS[second], 0, UTC)
        except (KeyError, ValueError):
            pass  # the slow way decides
        else:
            return _new_from_line(FromLine, (sender.decode("utf-8", "replace"), when, False, ()))
    return _parse_slowly(line, lenient)


def separator_date(line: bytes) -> tuple[datetime | None, tuple[Defect, ...]] | None:
    """``received_at`` and ``defects`` of :func:`parse_from_line` (``lenient`` False),
    or None where it gives None; the sender is not decoded (the mbox reader's
    test of every candidate line)."""
    common = _COMMON_NO_SENDER.fullmatch(line)
    if common is not None:
        month_day, hour_minute, second, year = common.groups()
        try:
            month, day = _MONTH_DAY[month_day]
            hour, minute = _HOUR_MINUTE[hour_minute]
            return datetime(_YEARS[year], month, day, hour, minute, _SECONDS[second], 0, UTC), ()
        except (KeyError, ValueError):
            pass
    info = _parse_slowly(line, False)
    return None if info is None else (info.received_at, info.defects)


def common_separator_at(data: Buffer, at: int) -> tuple[datetime, int] | None:
    """``received_at`` of the From_ line starting at index ``at`` of ``data``
    and the index just past its line end, when the line has the common form
    (:func:`separator_date` reads it then, without defects), else None (then
    the caller takes the line and calls ``separator_date``).

    The pattern runs on ``data`` itself: no search for the line end, no copy
    of the line. It cannot pass a line end but the one it ends with, so a
    match that ends with one took the whole line (what ``fullmatch`` of the
    line takes); a match that stops before it is not used.
    """
    common = _COMMON_NO_SENDER.match(data, at)
    if common is None:
        return None
    end = common.end()
    if data[end - 1] != 10:  # "\n": the match ended the line
        return None
    month_day, hour_minute, second, year = common.groups()
    try:
        month, day = _MONTH_DAY[month_day]
        hour, minute = _HOUR_MINUTE[hour_minute]
        return datetime(_YEARS[year], month, day, hour, minute, _SECONDS[second], 0, UTC), end
    except (KeyError, ValueError):
        return None


def _parse_slowly(line: bytes, lenient: bool) -> FromLine | None:
    """:func:`parse_from_line` token by token (no fast path)."""
    if len(line) > _MAX_LINE:
        return None
    if not line.startswith(b"From "):
        return None
    tokens = line[5:].split()
    weekday = next(
        (i for i, token in enumerate(tokens[:4]) if token.rstrip(b",").lower() in _DAYS), None
    )
    sender = ""
    pipermail = False
    shape_ok = False
    when: datetime | None = None
    zone_known = True
    if weekday is not None:
        senders = tokens[:weekday]
        sender_ok = True
        if len(senders) == 1:
            sender = senders[0].decode("utf-8", "replace")
        elif len(senders) == 3 and senders[1] == b"at":
            sender = (senders[0] + b"@" + senders[2]).decode("utf-8", "replace")
            pipermail = True
        elif senders:
            sender_ok = False
        if sender_ok:
            shape_ok, when, zone_known = _parse_date(tokens[weekday + 1 :])
    if not shape_ok:
        if not lenient or not tokens:
            return None
        sender = tokens[0].decode("utf-8", "replace")
        if len(tokens) >= 3 and tokens[1] == b"at":
            pipermail = True
            sender = (tokens[0] + b"@" + tokens[2]).decode("utf-8", "replace")
    defects: list[Defect] = []
    if when is None:
        shown = line.rstrip(b"\r\n").decode("utf-8", "replace")
        defects.append(
            Defect("bad-from-line-date", f"cannot read the date of the From_ line {shown!r}")
        )
    elif not zone_known:
        defects.append(
            Defect("from-line-zone-unknown", "unknown time zone on the From_ line; read as UTC")
        )
    return FromLine(sender, when, pipermail, tuple(defects))
