"""``threads --format table``: its shortcuts equal what they replace.

``short_date`` writes the common dates (fixed offsets of whole minutes,
naive times, from the year 1000 on) from their fields; every date must read
as ``strftime`` writes it, and as the isoformat path it skips.
``threads_table`` hands tabulate its text cells as ``table._Text``; the
table must be the one tabulate makes of the plain strings, whatever the
subjects hold (control characters, ANSI codes, ``True``, digits, tabulate's
separating line, nothing at all).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone, tzinfo

from hypothesis import given, settings
from hypothesis import strategies as st
from tabulate import tabulate

from mailarchive.export._common import _short_date_iso, short_date
from mailarchive.export.table import MAX_SUBJECT, cut, threads_table
from mailarchive.model import Document, EmailAddress, Thread


class _NoOffset(tzinfo):
    """A zone that knows no offset (strftime's ``%z`` is then empty)."""

    def utcoffset(self, dt: datetime | None) -> None:
        return None

    def dst(self, dt: datetime | None) -> None:
        return None


def _strftime(when: datetime) -> str:
    text = when.strftime("%Y-%m-%d %H:%M")
    if when.tzinfo is not None:
        text += when.strftime(" %z")
    return text


offsets = st.one_of(
    st.integers(-1439, 1439).map(lambda m: timedelta(minutes=m)),
    st.integers(-86399, 86399).map(lambda s: timedelta(seconds=s)),
    st.integers(-86_399_999_999, 86_399_999_999).map(lambda u: timedelta(microseconds=u)),
)
zones = st.one_of(
    st.none(),
    st.just(UTC),
    offsets.map(timezone),
    st.builds(timezone, offsets, st.sampled_from(["CET", "X"])),
    st.just(_NoOffset()),
)


@settings(max_examples=1000)
@given(st.datetimes(min_value=datetime(1, 1, 1), timezones=zones))
def test_short_date_is_strftime(when: datetime) -> None:
    assert short_date(when) == _strftime(when)
    assert short_date(when) == _short_date_iso(when)


def test_short_date_examples() -> None:
    cet = timezone(timedelta(hours=1))
    assert short_date(None) == ""
    assert short_date(datetime(2018, 2, 16, 9, 34, 59, tzinfo=cet)) == "2018-02-16 09:34 +0100"
    west = timezone(-timedelta(hours=3, minutes=30))
    assert short_date(datetime(2018, 2, 16, 9, 34, tzinfo=west)) == "2018-02-16 09:34 -0330"
    assert short_date(datetime(2018, 2, 16, 9, 34)) == "2018-02-16 09:34"
    assert short_date(datetime(999, 2, 16, 9, 34)) == _strftime(datetime(999, 2, 16, 9, 34))
    odd = timezone(timedelta(minutes=-1, seconds=30))
    assert short_date(datetime(2018, 2, 16, 9, 34, tzinfo=odd)) == "2018-02-16 09:34 -000030"


def _reference_table(doc: Document) -> str:
    """``threads_table`` as of commit 8d7c566: plain strings to tabulate."""
    rows = []
    for t in doc.threads:
        first = t.first_sent_at
        last = t.last_sent_at
        shown = short_date(first)
        rows.append(
            (
                cut(t.subject, MAX_SUBJECT),
                t.message_count,
                len(t.participants),
                shown,
                shown if last is first else short_date(last),
            )
        )
    return tabulate(
        rows,
        headers=("subject", "messages", "participants", "first", "last"),
        tablefmt="simple",
        disable_numparse=True,
    )


SUBJECTS = st.one_of(
    st.text(max_size=80),
    st.sampled_from(
        [
            "",
            "\x01",
            " \x01 ",
            "True",
            "False",
            "12",
            "1,000",
            "3.5",
            "\x1b[31mred\x1b[0m x",
            "a\nb",
        ]
    ),
)
DATES = st.one_of(st.none(), st.datetimes(min_value=datetime(1, 1, 1), timezones=zones))


@st.composite
def threads(draw: st.DrawFn) -> Thread:
    first = draw(DATES)
    last = first if draw(st.booleans()) else draw(DATES)
    return Thread(
        id="t",
        email_ids=("e",),
        subject=draw(SUBJECTS),
        tree=(),
        participants=(EmailAddress("A", "a@x"),) * draw(st.integers(0, 3)),
        first_sent_at=first,
        last_sent_at=last,
        message_count=draw(st.integers(-3, 10_000)),
        methods=(),
    )


@settings(max_examples=500)
@given(st.lists(threads(), max_size=8))
def test_threads_table_is_tabulate_of_the_strings(rows: list[Thread]) -> None:
    doc = Document(threads=tuple(rows), emails={})
    assert threads_table(doc) == _reference_table(doc)


def test_threads_table_same_on_a_column_of_nothing() -> None:
    """Columns whose cells are all empty, or all ``True``: tabulate types
    them otherwise than text, and must still write the same bytes."""
    for subject in ("", "True", "\x01", "x"):
        blank = Thread("t", ("e",), subject, (), (), None, None, 1, ())
        doc = Document(threads=(blank, blank), emails={})
        assert threads_table(doc) == _reference_table(doc)
