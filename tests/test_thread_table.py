"""``threads --format table``: ``short_date``'s shortcut equals what it replaces.

``short_date`` writes the common dates (fixed offsets of whole minutes,
naive times, from the year 1000 on) from their fields; every date must read
as ``strftime`` writes it, and as the isoformat path it skips.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone, tzinfo

from hypothesis import given, settings
from hypothesis import strategies as st

from mailarchive.export._common import _short_date_iso, short_date


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
