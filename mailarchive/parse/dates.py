"""Date headers (and dates found in pasted text) to datetimes.

Input: the date as written. Output: a :class:`DateReading` with ``sent_at``
(aware when the text gave an offset, naive otherwise), how it was read
(:class:`~mailarchive.model.Dates`) and defects. The standard library's
RFC 5322 reader goes first; dateparser (slow: tens of milliseconds, more
when it must guess the language) only when it fails, with results cached.
Dates before 1970 or more than a year ahead are defects (``absurd-date``)
and give no ``sent_at``; unreadable ones give ``bad-date``.
"""

from __future__ import annotations

import calendar
import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from email._parseaddr import _parsedate_tz  # type: ignore[import-not-found]
from functools import lru_cache
from typing import Any

from mailarchive.model import Dates, Defect, ZoneKnowledge, positional


@dataclass(frozen=True, slots=True)
class DateReading:
    """The result of reading one date."""

    sent_at: datetime | None
    dates: Dates
    defects: tuple[Defect, ...]


# Zone names the standard library does not know (it knows UT, GMT, Z and the
# US zones), as used in real Date headers. Ambiguous names (IST, CST in
# China) are left out: they stay unknown.
_EXTRA_ZONES = {
    "CET": 100,
    "CEST": 200,
    "MET": 100,
    "MEST": 200,
    "MEZ": 100,
    "MESZ": 200,
    "EET": 200,
    "EEST": 300,
    "WET": 0,
    "WEST": 100,
    "BST": 100,
    "JST": 900,
    "KST": 900,
    "HKT": 800,
    "SGT": 800,
    "AEST": 1000,
    "AEDT": 1100,
    "NZST": 1200,
    "NZDT": 1300,
    "MSK": 300,
}
_ZONE_WORD = re.compile(r"\b([A-Z]{3,4})\b")
_NUMERIC_ZONE = re.compile(r"(?:^|[\s\d])[+-]\d{4}\b|\bZ\b|\b(?:UTC?|GMT)\b|\b[ECMP][SD]T\b")
_MINUS_ZERO = re.compile(r"(?:^|\s)-0000\b")
# Numeric dates where day and month may swap: 05/04/2001, 5.4.01, 2001-04-05 is ISO (not ambiguous).
_NUMERIC_DATE = re.compile(r"(?<![\d/.-])(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})(?![\d/.-])")
_MERIDIEM = re.compile(r"\d\s*[AaPp]\.?[Mm]\b\.?")
_MIN_YEAR = 1970

_DATEPARSER_SETTINGS: dict[str, Any] = {
    "PREFER_DATES_FROM": "past",
    "REQUIRE_PARTS": ["day", "month", "year"],
    # No relative dates ("yesterday", "2 hours ago"): they depend on today.
    "PARSERS": ["timestamp", "absolute-time"],
}


def _ambiguous(raw: str) -> bool:
    m = _NUMERIC_DATE.search(raw)
    if m is None:
        return False
    a, b = int(m.group(1)), int(m.group(2))
    return a != b and 1 <= a <= 12 and 1 <= b <= 12


def _stdlib(raw: str) -> tuple[datetime, ZoneKnowledge] | None:
    try:
        parts = _parsedate_tz(raw)
    except Exception:
        return None
    if parts is None:
        return None
    try:
        year, month, day, hour, minute, second = parts[:6]
        tz = parts[9]
        if tz is None:
            zone = None
            if _MINUS_ZERO.search(raw):
                # RFC 5322 section 3.3: -0000 means the time is UTC but the
                # sender's zone is not known.
                return datetime(year, month, day, hour, minute, second, tzinfo=UTC), (
                    ZoneKnowledge.ASSUMED
                )
            for word in _ZONE_WORD.findall(raw):
                if word in _EXTRA_ZONES:
                    zone = _EXTRA_ZONES[word]
                    break
            if zone is None:
                return datetime(year, month, day, hour, minute, second), ZoneKnowledge.UNKNOWN
            tz = (zone // 100) * 3600 + (zone % 100) * 60
        tzinfo = timezone(timedelta(seconds=tz))
        return datetime(year, month, day, hour, minute, second, tzinfo=tzinfo), (
            ZoneKnowledge.KNOWN
        )
    except (ValueError, OverflowError, TypeError):
        return None


# Formats written by mail clients in forwarded headers and list archives,
# tried with strptime (microseconds) before dateparser (milliseconds, and
# seconds on a process's first call with language detection). The C locale
# reads English names only, which is what these formats hold.
_FORMATS = (
    "%a, %b %d, %Y at %I:%M %p",  # Gmail: Fri, Feb 16, 2018 at 9:34 AM
    "%a, %b %d, %Y, %I:%M %p",
    "%A, %B %d, %Y %I:%M %p",  # Outlook: Friday, February 16, 2018 9:34 AM
    "%A, %B %d, %Y at %I:%M %p",
    "%A, %B %d, %Y %H:%M",
    "%a %b %d %H:%M:%S %Y",  # asctime / mbox From_ line
    "%d %B %Y %H:%M",
    "%B %d, %Y %I:%M %p",
)
# Tried together after English, before dateparser's full language detection
# (which loads every locale: seconds on a process's first call).
_COMMON_LANGUAGES = ("de", "fr", "es", "it", "nl", "pt", "sv", "da", "nb", "pl")
_NON_ASCII_LETTER = re.compile(r"[^\x00-\x7f]")


# Numeric dates: 08/01/2019 10:38, 8.1.19 10:38:05 PM +0100
_NUMERIC_FULL = re.compile(
    r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2}),?"
    r"(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?(?: ?([AaPp])\.?[Mm]\.?)?)?"
    r"(?: ?([+-]\d{2}):?(\d{2})| ?(?:UTC|GMT|Z))?"
)


def _month_first(raw: str, languages: tuple[str, ...] | None) -> bool:
    """Whether an ambiguous ``a/b/yyyy`` reads month first.

    US clients (Outlook, Apple Mail in en-US) write ``3/4/2024 9:02 AM``: a
    slash with a 12-hour clock, or a slash in a header block whose labels are
    English. Dots and dashes (``4.3.2024``), and other languages, are day first
    as most of the world writes it. ``dates.ambiguous`` records the guess.
    """
    if "/" not in raw:
        return False
    if _MERIDIEM.search(raw):
        return True
    return languages is not None and languages[:1] == ("en",)


def _numeric(raw: str, languages: tuple[str, ...] | None = None) -> datetime | None:
    """A numeric date; day/month order as the numbers allow, else by :func:`_month_first`."""
    m = _NUMERIC_FULL.fullmatch(raw)
    if m is None:
        return None
    a, b, year = int(m[1]), int(m[2]), int(m[3])
    if len(m[3]) == 2:
        year += 2000 if year < 70 else 1900
    if a > 12:
        day, month = a, b
    elif b > 12 or _month_first(raw, languages):
        day, month = b, a
    else:
        day, month = a, b
    hour, minute, second = int(m[4] or 0), int(m[5] or 0), int(m[6] or 0)
    if m[7] and m[7] in "Pp" and hour < 12:
        hour += 12
    elif m[7] and m[7] in "Aa" and hour == 12:
        hour = 0
    tz = None
    if m[8]:
        sign = -1 if m[8][0] == "-" else 1
        tz = timezone(sign * timedelta(hours=int(m[8][1:]), minutes=int(m[9])))
    elif raw.rstrip().endswith(("UTC", "GMT", "Z")):
        tz = UTC
    try:
        return datetime(year, month, day, hour, minute, second, tzinfo=tz)
    except (ValueError, OverflowError):
        return None


def _strptime(raw: str, languages: tuple[str, ...] | None = None) -> datetime | None:
    found = _numeric(raw, languages)
    if found is not None:
        return found
    if raw[:4].isdigit():
        try:
            return datetime.fromisoformat(raw)
        except ValueError:
            pass
    for fmt in _FORMATS:
        try:
            return datetime.strptime(raw, fmt)
        except ValueError:
            continue
    return None


def _fallback(raw: str, languages: tuple[str, ...] | None) -> datetime | None:
    """strptime formats, then dateparser: in the given languages, else English
    first and full language detection only for text that is not ASCII."""
    found = _strptime(raw, languages)
    if found is not None:
        return found
    if languages:
        return _dateparser(raw, languages)
    found = _dateparser(raw, ("en",))
    if found is None:
        found = _dateparser(raw, _COMMON_LANGUAGES)
    if found is None and _NON_ASCII_LETTER.search(raw):
        found = _dateparser(raw, None)
    return found


@lru_cache(maxsize=4096)
def _dateparser(raw: str, languages: tuple[str, ...] | None) -> datetime | None:
    try:
        import dateparser  # noqa: PLC0415 - slow import: only when the stdlib fails

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = dateparser.parse(
                raw,
                languages=list(languages) if languages else None,
                settings=_DATEPARSER_SETTINGS,
            )
    except Exception:
        return None
    return result if isinstance(result, datetime) else None


_THIS_YEAR = datetime.now(UTC).year


def _absurd(when: datetime) -> bool:
    if when.year < _MIN_YEAR:
        return True
    if when.year < _THIS_YEAR:  # no clock reading for the common case
        return False
    now = datetime.now(UTC)
    ref = when if when.tzinfo is not None else when.replace(tzinfo=UTC)
    return ref > now + timedelta(days=366)


# The form nearly every Date header has (RFC 5322 section 3.3, numeric zone,
# optional weekday, optional trailing comment), read without the stdlib's
# tokenizer; the stdlib reads exactly these fields from it. Also without a
# zone (then without a comment: the stdlib reads a zone name in a comment),
# which the stdlib reads as a time in an unknown zone.
_COMMON_DATE = re.compile(
    r"(?:[A-Za-z]{3}, )?(\d{1,2}) ([A-Za-z]{3}) (\d{4}) (\d{2}):(\d{2})(?::(\d{2}))?"
    r"(?: ([+-]\d{4})(?: \([^()]*\))?)?"
)
_MONTHS = {
    name: number
    for number, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}
# Month names as usually written, then lowercased (a lookup, not a lower()).
_MONTH_OF = {spelt: n for name, n in _MONTHS.items() for spelt in (name.title(), name.upper())}
# int() of 1- or 2-digit groups and of the usual years, by lookup.
_NUMBERS = {f"{n:02d}": n for n in range(100)} | {str(n): n for n in range(10)}
_YEARS = {str(n): n for n in range(_MIN_YEAR, 2200)}
# Zones as written ("+0530") -> their tzinfo; those that decline are not kept.
_ZONE_OF: dict[str, timezone] = {}


def _zone(text: str) -> timezone | None:
    """The tzinfo the stdlib gives the numeric zone ``text`` ("+0530"); None for
    ``-0000`` (a time in UTC, the zone not known) and zones of a day or more."""
    number = int(text)  # as the stdlib reads it (digits other than ASCII too)
    if number == 0 and text[0] == "-":
        return None
    sign = -1 if number < 0 else 1
    number = abs(number)
    try:
        zone = timezone(timedelta(seconds=sign * ((number // 100) * 3600 + (number % 100) * 60)))
    except ValueError:
        return None
    if len(_ZONE_OF) < 4096:
        _ZONE_OF[text] = zone
    return zone


def _common_when(text: str) -> datetime | None:
    """The datetime of a date in the common form (not ``-0000``), else None:
    aware with a zone, naive without.

    Exactly what the stdlib's RFC 5322 reader gives for that form, faster.
    """
    m = _COMMON_DATE.fullmatch(text)
    return None if m is None else _when_of(m, text)


def _when_of(m: re.Match[str], text: str) -> datetime | None:
    """The datetime of ``_COMMON_DATE``'s match ``m`` of ``text`` (see :func:`_common_when`)."""
    day, month_name, year, hour, minute, second, zone_text = m.groups()
    month = _MONTH_OF.get(month_name)
    if month is None:
        month = _MONTHS.get(month_name.lower())
        if month is None:
            return None
    number = _NUMBERS
    try:
        day_number, hours, minutes = number[day], number[hour], number[minute]
        seconds = number[second] if second else 0
    except KeyError:  # \d also matches digits other than ASCII: int() reads those
        day_number, hours, minutes, seconds = int(day), int(hour), int(minute), int(second or 0)
    zone: timezone | None = None
    if zone_text is not None:
        zone = _ZONE_OF.get(zone_text)
        if zone is None:
            zone = _zone(zone_text)
            if zone is None:
                return None  # the general path reads these
    elif text[:3] in _EXTRA_ZONES:
        return None  # "CET, 7 Jan ...": the stdlib reads the weekday as a zone
    year_number = _YEARS.get(year)
    try:
        return datetime(
            int(year) if year_number is None else year_number,
            month,
            day_number,
            hours,
            minutes,
            seconds,
            0,
            zone,
        )
    except (ValueError, OverflowError):
        return None


def _common_date(raw: str, text: str, plain: bool = False) -> DateReading | None:
    """``parse_date(raw)`` for the common form, or None to let the general path run.

    ``text`` is ``raw`` with its blank space collapsed and without a.m./p.m.;
    ``plain`` says it has no comment (then no ambiguous d/m/y either).
    What the general path does differently is left to it: ``-0000`` (zone
    unknown), dates that do not exist or are out of range.
    """
    when = _common_when(text)
    if when is None or _absurd(when):
        return None
    ambiguous = False if plain else _ambiguous(text)
    zone = ZoneKnowledge.UNKNOWN if when.tzinfo is None else ZoneKnowledge.KNOWN
    return _new_reading(when, _new_dates(raw, "rfc5322", zone, ambiguous), ())


def common_sent_at(raw: str) -> datetime | None:
    """``parse_date(raw).sent_at`` when ``raw`` is read the common way (no
    comment, no defects), else None: then ``parse_date`` decides. For readers
    that want the time alone (``parse.quick.read_listing``)."""
    if "(" in raw:
        return None
    # A match of ``raw`` itself has single spaces between its words and none
    # around them: ``raw`` is then its collapsed form, no need to make it.
    m = _COMMON_DATE.fullmatch(raw)
    if m is None:
        text = " ".join(raw.split())
        m = _COMMON_DATE.fullmatch(text)
        if m is None:
            return None
    else:
        text = raw
    when = _when_of(m, text)
    if when is None:
        return None
    # not _absurd(when), without a call for a year before this one.
    return when if _MIN_YEAR <= when.year < _THIS_YEAR or not _absurd(when) else None


# Built for every date read, by their slots (model.Positional).
_new_dates = positional(Dates).new
_new_reading = positional(DateReading).new


# An impossible day or time of day is written with one of these: an hour of
# 24 or more, a minute or second of 60 or more, a day past the 28th, a number
# of 3 or 5+ digits. Without one, no need to look (a miss here only means
# dateparser runs as usual).
_BIG_NUMBER = re.compile(
    r"(?<![:\d])(?:2[4-9]|[3-9]\d)(?=:)|:[6-9]\d\b|(?<![:\d])(?:29|3\d)(?![:\d])"
    r"|\b\d{3}\b|\b\d{5,}\b"
)


@lru_cache(maxsize=1024)
def _impossible(text: str) -> bool:
    """An RFC 5322 date whose day or time of day does not exist.

    ``Thu, 31 Feb 2011 25:61:00 +0000`` is tokenized by the stdlib and refused
    by ``datetime``; dateparser reads none of these either (checked: days
    past the month's end, hour 24-25, minute 61, second 60) but costs
    milliseconds, and a second of initialisation on a process's first call.
    Cached: the strptime formats it tries cost a quarter of a millisecond
    (a broken client writes the same impossible date again and again).
    """
    try:
        parts = _parsedate_tz(text)
        if parts is None:
            return False
        year, month, day, hour, minute, second = parts[:6]
        if not (1 <= year <= 9999 and 1 <= month <= 12 and day >= 1):
            return False
        bad = day > calendar.monthrange(year, month)[1] or hour > 23 or minute > 59 or second > 59
    except Exception:
        return False
    return bool(bad) and _strptime(text[:200]) is None


def parse_date(raw: str | None, *, languages: Sequence[str] | None = None) -> DateReading:
    """Read one date as written; never raises.

    ``languages`` (ISO 639-1 codes) spares dateparser its language guessing
    when the caller knows the language of the text the date came from.
    """
    if raw is None:
        return DateReading(None, Dates(), ())
    text = " ".join(raw.split())
    if not text:
        return DateReading(None, Dates(sent_at_raw=raw), (Defect("bad-date", "empty date"),))
    # Without a comment the common form holds no a.m./p.m. and no d/m/y.
    plain = "(" not in text
    meridiem = not plain and _MERIDIEM.search(text) is not None
    if not meridiem:
        common = _common_date(raw, text, plain)
        if common is not None:
            return common
    meridiem = meridiem or (plain and _MERIDIEM.search(text) is not None)
    ambiguous = _ambiguous(text)
    # The stdlib reads "9:34 PM" as 09:34 with an unknown zone named "PM".
    got = None if meridiem else _stdlib(text)
    parser = "rfc5322"
    zone = ZoneKnowledge.UNKNOWN
    when: datetime | None = None
    if got is not None:
        when, zone = got
    elif not languages and not meridiem and _BIG_NUMBER.search(text) and _impossible(text):
        when = None  # what dateparser would say, without its cost (see _impossible)
    else:
        parser = "dateparser"
        when = _fallback(text[:200], tuple(languages) if languages else None)
        if when is not None:
            if when.tzinfo is not None and _NUMERIC_ZONE.search(text):
                zone = ZoneKnowledge.KNOWN
            elif when.tzinfo is not None:
                # dateparser read a zone name; keep it, it is in the text.
                zone = ZoneKnowledge.KNOWN
            else:
                zone = ZoneKnowledge.UNKNOWN
    if when is None:
        return DateReading(
            None,
            Dates(sent_at_raw=raw, parser=None, ambiguous=ambiguous),
            (Defect("bad-date", f"unreadable date {text[:80]!r}"),),
        )
    if _absurd(when):
        return DateReading(
            None,
            Dates(sent_at_raw=raw, parser=parser, timezone=zone, ambiguous=ambiguous),
            (Defect("absurd-date", f"date out of range: {when.isoformat()}"),),
        )
    return DateReading(
        when, Dates(sent_at_raw=raw, parser=parser, timezone=zone, ambiguous=ambiguous), ()
    )
